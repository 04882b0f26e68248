"""Similar cases: for a library case (by its words and its review's structured fields) and, through
``accountability.hooks``, for an accountability case being decided."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.urls import reverse

from rectify.accountability.hooks import Precedent
from rectify.cases.models import CaseDocument, CaseReview
from rectify.cases.search import pg_ranked
from rectify.cases.tokens import _jieba, _keep

TEXT_WEIGHT = 1.0
CIRCUMSTANCE_WEIGHT = 0.6
FORM_WEIGHT = 0.2
TYPE_WEIGHT = 0.2


def key_terms(text: str, k: int = 10) -> list[str]:
    """The words that characterise ``text`` (jieba's TF-IDF keywords), usable as search tokens."""
    import jieba.analyse

    _jieba()
    out = []
    for word in jieba.analyse.extract_tags(text[:20000], topK=k * 2):
        kept = _keep(word)
        if kept and len(kept) >= 2 and kept not in out:
            out.append(kept)
    return out[:k]


def _any_match(terms: list[str], limit: int) -> dict[int, float]:
    """Documents holding any of ``terms``, best first: id → score (0–1, relative to the best)."""
    if not terms:
        return {}
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            query = " | ".join("'" + t.replace("'", "''") + "'" for t in terms)
            rows = pg_ranked("to_tsquery('simple', %s)", query, limit=limit)
        else:
            match = " OR ".join('"' + t.replace('"', '""') + '"' for t in terms)
            cursor.execute("SELECT rowid, -bm25(cases_fts, 4.0, 1.0) AS s FROM cases_fts WHERE cases_fts MATCH %s "
                           "ORDER BY bm25(cases_fts, 4.0, 1.0), rowid DESC LIMIT %s", (match, limit))
            rows = [(r[0], float(r[1])) for r in cursor.fetchall()]
    # Rank by how many of the key words a document holds (bm25 of an OR query favours one rare word repeated),
    # then by bm25: 0–1, relative to the best.
    texts = dict(CaseDocument.objects.filter(pk__in=[i for i, _s in rows]).values_list("pk", "search_body"))
    top = max((s for _i, s in rows), default=0.0) or 1.0
    out = {}
    for doc_id, s in rows:
        words = set((texts.get(doc_id) or "").split())
        share = sum(1 for t in terms if t in words) / len(terms)
        out[doc_id] = 0.8 * share + 0.2 * max(0.0, s / top)
    return out


@dataclass
class SimilarCase:
    document: CaseDocument
    score: float
    reasons: list[str]


def _structured(circumstances: tuple[str, ...], forms: tuple[str, ...], types: tuple[str, ...]
                ) -> dict[int, tuple[float, list[str]]]:
    out: dict[int, tuple[float, list[str]]] = {}
    if not (circumstances or forms or types):
        return out
    reviews = (CaseReview.objects.select_related("circumstance", "responsibility_type").prefetch_related("forms")
               .filter(circumstance__code__in=circumstances) if circumstances else CaseReview.objects.none())
    extra = CaseReview.objects.none()
    if forms:
        extra = CaseReview.objects.filter(forms__code__in=forms)
    for review in (reviews | extra).distinct().select_related("circumstance", "responsibility_type")[:200]:
        score, reasons = 0.0, []
        if review.circumstance and review.circumstance.code in circumstances:
            score += CIRCUMSTANCE_WEIGHT
            reasons.append(review.circumstance.name)
        shared = [f.name for f in review.forms.all() if f.code in forms]
        if shared:
            score += FORM_WEIGHT
            reasons.extend(shared)
        if review.responsibility_type and review.responsibility_type.code in types:
            score += TYPE_WEIGHT
            reasons.append(review.responsibility_type.name)
        out[review.document_id] = (score, reasons)
    return out


def similar_to(*, text: str, circumstances: tuple[str, ...] = (), forms: tuple[str, ...] = (),
               responsibility_types: tuple[str, ...] = (), exclude: int | None = None,
               limit: int = 5) -> list[SimilarCase]:
    """Library cases like the one described: text similarity (its key words, any of them) plus the
    structured fields of their reviews (same circumstance, shared forms, same responsibility type)."""
    text_scores = _any_match(key_terms(text), limit * 4) if text else {}
    structured = _structured(circumstances, forms, responsibility_types)
    combined: dict[int, tuple[float, list[str]]] = {}
    for doc_id, s in text_scores.items():
        combined[doc_id] = (TEXT_WEIGHT * s, [])
    for doc_id, (s, reasons) in structured.items():
        prev, prev_reasons = combined.get(doc_id, (0.0, []))
        combined[doc_id] = (prev + s, prev_reasons + reasons)
    combined.pop(exclude, None)  # type: ignore[arg-type]
    best = sorted(combined.items(), key=lambda item: (-item[1][0], -item[0]))[:limit]
    documents = (CaseDocument.objects.select_related("review", "review__circumstance", "review__responsibility_type")
                 .prefetch_related("review__forms").in_bulk([doc_id for doc_id, _v in best]))
    return [SimilarCase(document=documents[doc_id], score=round(score, 3), reasons=reasons)
            for doc_id, (score, reasons) in best if doc_id in documents]


def similar_documents(document: CaseDocument, *, limit: int = 5) -> list[SimilarCase]:
    try:
        review = document.review
    except CaseReview.DoesNotExist:
        review = None
    text = document.title + "\n" + "\n".join(document.paragraphs[:20])
    circumstances = (review.circumstance.code,) if review and review.circumstance else ()
    forms = tuple(f.code for f in review.forms.all()) if review else ()
    types = (review.responsibility_type.code,) if review and review.responsibility_type else ()
    return similar_to(text=text, circumstances=circumstances, forms=forms, responsibility_types=types,
                      exclude=document.pk, limit=limit)


def library_precedents(*, text: str = "", circumstances: tuple[str, ...] = (), forms: tuple[str, ...] = (),
                       responsibility_types: tuple[str, ...] = (), limit: int = 10, **_ignored: Any
                       ) -> list[Precedent]:
    """The provider registered with ``accountability.hooks``: typical cases like the accountability case."""
    found = similar_to(text=text, circumstances=tuple(circumstances), forms=tuple(forms),
                       responsibility_types=tuple(responsibility_types), limit=limit)
    out = []
    for s in found:
        try:
            review = s.document.review
        except CaseReview.DoesNotExist:
            review = None
        out.append(Precedent(
            source="library", title=s.document.title, url=reverse("cases:document", args=[s.document.pk]),
            summary=(review.outcome if review and review.outcome else (s.document.paragraphs or [""])[0])[:200],
            circumstances=(review.circumstance.code,) if review and review.circumstance_id else (),
            forms=tuple(f.code for f in review.forms.all()) if review else (),
            responsibility_types=(review.responsibility_type.code,) if review and review.responsibility_type_id else (),
            score=s.score))
    return out
