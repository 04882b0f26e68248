"""Writes to the case library: importing documents (create, update a changed version, recognise a duplicate),
linking a document to a round or unit, and its review (复盘). One transaction and one audit event each."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from rectify.audit.services import audit_record
from rectify.cases.figures import Fact, extract_facts
from rectify.cases.models import CaseCategory, CaseDocument, CaseFact, CaseReview, Precision
from rectify.cases.reading import CaseFileError, ParsedDocument, read_document_safely
from rectify.cases.regions import region_of
from rectify.cases.tokens import index_tokens
from rectify.core.errors import Conflict, DomainError, PermissionDenied

if TYPE_CHECKING:
    from rectify.accounts.models import User


def can_manage_library(user: User | None) -> bool:
    """The commission, the inspection office and the admin import and edit typical cases; everyone reads them.
    ``None`` is the command line (the operator of the server)."""
    if user is None:
        return True
    from rectify.accounts.models import Role

    return user.is_active and user.role in (Role.COMMISSION, Role.INSPECTION_OFFICE, Role.ADMIN)


def require_manager(actor: User | None) -> None:
    if not can_manage_library(actor):
        raise PermissionDenied(_("只有纪委监委、巡视办和系统管理员可以导入和编辑典型案例。"))


_NOISE = re.compile(r"[\s\u3000\u00a0\u200b]+")


def _normal(text: str) -> str:
    return _NOISE.sub("", unicodedata.normalize("NFKC", text or "")).casefold()


def identity_key(parsed: ParsedDocument) -> str:
    """Versions of one document share this: its normalised title and date."""
    key = f"{_normal(parsed.title)}|{parsed.date.isoformat() if parsed.date else ''}"
    return hashlib.sha256(key.encode()).hexdigest()


def content_hash(parsed: ParsedDocument) -> str:
    """Equal for the same content whatever the file's name, format details, spacing or full-width forms."""
    body = "\n".join(_normal(p) for p in parsed.paragraphs)
    key = f"{_normal(parsed.title)}|{parsed.date.isoformat() if parsed.date else ''}|{body}"
    return hashlib.sha256(key.encode()).hexdigest()


@dataclass
class Imported:
    document: CaseDocument
    facts: list[Fact] = field(default_factory=list)
    duplicate: bool = False
    updated: bool = False


def _search_text(document: CaseDocument, review: CaseReview | None = None) -> tuple[str, str]:
    body = "\n".join(document.paragraphs or [])
    if review is not None:
        body += "\n" + review.text()
    return index_tokens(document.title), index_tokens(body)


def _replace_facts(document: CaseDocument, facts: list[Fact]) -> None:
    CaseFact.objects.filter(document=document).delete()
    CaseFact.objects.bulk_create([CaseFact(document=document, position=i, value=f.value, approx=f.approx,
                                           unit=f.unit, what=f.what[:60], text=f.text) for i, f in enumerate(facts)])


def _set_categories(document: CaseDocument, names: list[str]) -> None:
    names = [n[:60] for n in names if n][:20]
    existing = {c.name: c for c in CaseCategory.objects.filter(name__in=names)}
    missing = [CaseCategory(name=n) for n in names if n not in existing]
    if missing:
        CaseCategory.objects.bulk_create(missing, ignore_conflicts=True)
        existing = {c.name: c for c in CaseCategory.objects.filter(name__in=names)}
    # In the document's order (the through rows' ids keep it; ``set()`` would not).
    through = CaseDocument.categories.through
    through.objects.filter(casedocument=document).delete()
    through.objects.bulk_create([through(casedocument=document, casecategory=existing[n])
                                 for n in dict.fromkeys(names) if n in existing])


def document_import(*, actor: User | None, data: bytes, filename: str) -> Imported:
    """Read ``data`` and store it: a document with the same content is a duplicate (nothing written), a changed
    version of a known document (same title and date) updates it, anything else is created.

    Raises :class:`CaseFileError` when the file cannot be read (nothing written)."""
    require_manager(actor)
    parsed = read_document_safely(data, filename)
    facts = extract_facts(parsed.paragraphs)
    digest, key = content_hash(parsed), identity_key(parsed)
    try:
        return _store(actor=actor, parsed=parsed, facts=facts, digest=digest, key=key, filename=filename)
    except IntegrityError:
        # A concurrent import of the same document won the race: what it stored is this file's duplicate.
        same = CaseDocument.objects.filter(content_hash=digest).first()
        if same is None:
            raise Conflict(_("同一文档正在被另一人导入，请稍后重试。"), code="import_race") from None
        return Imported(document=same, facts=facts, duplicate=True)


@transaction.atomic
def _store(*, actor: User | None, parsed: ParsedDocument, facts: list[Fact], digest: str, key: str,
           filename: str) -> Imported:
    same = CaseDocument.objects.filter(content_hash=digest).first()
    if same is not None:
        return Imported(document=same, facts=facts, duplicate=True)
    values: dict[str, Any] = {
        "title": parsed.title, "original_title": parsed.original_title[:300], "date": parsed.date,
        "source": parsed.source[:100], "author": parsed.author[:200], "editor": parsed.editor[:100],
        "paragraphs": parsed.paragraphs, "file_name": filename.rsplit("/", 1)[-1][:255],
        "file_format": parsed.file_format, "content_hash": digest,
        "region": region_of(parsed.title, parsed.paragraphs),
    }
    previous = CaseDocument.objects.select_for_update().filter(identity_key=key).first()
    if previous is not None:
        before = {"content_hash": previous.content_hash, "paragraphs": len(previous.paragraphs),
                  "version": previous.version}
        for name, value in values.items():
            if name == "region" and previous.region:
                continue  # a region someone chose is kept
            setattr(previous, name, value)
        previous.version += 1
        review = CaseReview.objects.filter(document=previous).first()
        previous.search_title, previous.search_body = _search_text(previous, review)
        previous.save()
        document, updated, action = previous, True, "case_document.updated"
    else:
        document = CaseDocument(identity_key=key, imported_by=actor if getattr(actor, "pk", None) else None,
                                **values)
        document.search_title, document.search_body = _search_text(document)
        document.save()
        updated, action, before = False, "case_document.imported", None
    _set_categories(document, parsed.categories)
    _replace_facts(document, facts)
    audit_record(actor=actor, action=action, obj=document, before=before,
                 after={"title": document.title, "date": document.date, "file": document.file_name,
                        "format": document.file_format, "content_hash": digest, "facts": len(facts),
                        "version": document.version})
    return Imported(document=document, facts=facts, updated=updated)


@transaction.atomic
def document_link(*, actor: User, document: CaseDocument, round: Any = None, unit: Any = None,
                  region: str | None = None) -> CaseDocument:
    """Link a typical case to an inspection round and/or a unit (for the round summary and dashboards)."""
    require_manager(actor)
    before = {"round": document.round_id, "unit": document.unit_id, "region": document.region}
    document.round = round
    document.unit = unit
    if region is not None:
        document.region = region.strip()[:40]
    document.save(update_fields=["round", "unit", "region", "updated_at"])
    audit_record(actor=actor, action="case_document.linked", obj=document, before=before,
                 after={"round": document.round_id, "unit": document.unit_id, "region": document.region})
    return document


REVIEW_TEXT_FIELDS = ("what_happened", "responsible", "outcome", "lessons", "precision_note")


@transaction.atomic
def review_save(*, actor: User, document: CaseDocument, expected_version: int | None, what_happened: str = "",
                responsible: str = "", responsibility_type: Any = None, circumstance: Any = None,
                forms: list[Any] | None = None, outcome: str = "", lessons: str = "", precision: str = "",
                precision_note: str = "") -> CaseReview:
    """Create or change the review (复盘) of a typical case; the review's text becomes searchable with it."""
    require_manager(actor)
    if precision and precision not in Precision.values:
        raise DomainError(_("精准性的取值不正确。"), code="invalid", details={"field": "precision"})
    review = CaseReview.objects.select_for_update().filter(document=document).first()
    if review is not None and expected_version is not None and review.version != expected_version:
        raise Conflict(_("该复盘已被他人修改，请刷新后再保存。"), code="version_conflict")
    texts = {"what_happened": what_happened, "responsible": responsible, "outcome": outcome, "lessons": lessons,
             "precision_note": precision_note}
    texts = {k: (v or "").strip()[:5000] for k, v in texts.items()}
    before = None
    if review is None:
        review = CaseReview(document=document, **texts)
    else:
        before = {k: getattr(review, k) for k in texts} | {"version": review.version}
        for k, v in texts.items():
            setattr(review, k, v)
        review.version += 1
    review.responsibility_type = responsibility_type
    review.circumstance = circumstance
    review.precision = precision or ""
    review.save()
    review.forms.set(forms or [])
    document.search_title, document.search_body = _search_text(document, review)
    document.save(update_fields=["search_title", "search_body", "updated_at"])
    audit_record(actor=actor, action="case_review.saved", obj=document, before=before,
                 after={**texts, "circumstance": getattr(circumstance, "code", None),
                        "forms": [f.code for f in forms or []], "precision": review.precision,
                        "version": review.version})
    return review


__all__ = ["CaseFileError", "Imported", "document_import", "document_link", "review_save"]
