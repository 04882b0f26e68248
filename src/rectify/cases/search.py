"""Full-text search of the case library on both backends (DECISIONS 39).

The words are jieba's (``tokens``); the database only matches and ranks whitespace-separated tokens:

- SQLite: the FTS5 table ``cases_fts`` (external content over ``cases_casedocument``, kept by triggers), ranked
  by ``bm25`` with the title weighted 4:1 over body and review;
- PostgreSQL: the generated column ``search_vector`` (``'simple'`` configuration: no stemming or stop words, the
  tokens stay jieba's; title weight A, body B) with a GIN index, ranked by ``ts_rank_cd``.

Filters (year, region, category, circumstance, form) are an ordinary queryset whose SQL is used as
``id IN (…)`` inside the ranked query, so the database ranks only what passes them. Snippets are cut from the
stored paragraphs around the best paragraph's first match, HTML-escaped, words marked with ``<mark>``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.db import connection
from django.db.models import QuerySet
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from rectify.cases.models import CaseDocument
from rectify.cases.tokens import highlight_terms, query_tokens

SNIPPET_BEFORE = 24
SNIPPET_LENGTH = 110


@dataclass
class Hit:
    document: CaseDocument
    score: float
    snippet: SafeString
    title_marked: SafeString


@dataclass
class Found:
    hits: list[Hit]
    count: int
    tokens: list[str]


def _match_expression(tokens: list[str]) -> str:
    return " ".join('"' + t.replace('"', '""') + '"' for t in tokens)


def ranked_ids(tokens: list[str], scope: QuerySet[CaseDocument] | None, *, limit: int,
               offset: int = 0) -> tuple[list[tuple[int, float]], int]:
    """(id, score) of the best matches, best first, and how many match in all."""
    if not tokens:
        return [], 0
    inner, inner_params = ("", ())
    if scope is not None:
        sub_sql, sub_params = scope.order_by().values("id").query.sql_with_params()  # no ORDER BY inside IN
        inner, inner_params = sub_sql, tuple(sub_params)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            where = "d.search_vector @@ q" + (f" AND d.id IN ({inner})" if inner else "")
            base = f"FROM cases_casedocument d, plainto_tsquery('simple', %s) q WHERE {where}"
            query = " ".join(tokens)
            cursor.execute(f"SELECT d.id, ts_rank_cd(d.search_vector, q) AS s {base} ORDER BY s DESC, d.id DESC "
                           "LIMIT %s OFFSET %s", (query, *inner_params, limit, offset))
            rows = [(r[0], float(r[1])) for r in cursor.fetchall()]
            if len(rows) < limit and (rows or offset == 0):
                return rows, offset + len(rows)
            cursor.execute(f"SELECT count(*) {base}", (query, *inner_params))
            return rows, cursor.fetchone()[0]
        # "+rowid" keeps the filter away from FTS5's planner: given "rowid IN (…)" it would probe the index once
        # per filtered row; as a plain expression it is checked on the matches, and bm25 is computed only for
        # the matches that pass it.
        match = _match_expression(tokens)
        where = "cases_fts MATCH %s" + (f" AND +rowid IN ({inner})" if inner else "")
        cursor.execute(f"SELECT rowid, -bm25(cases_fts, 4.0, 1.0) FROM cases_fts WHERE {where} "
                       "ORDER BY bm25(cases_fts, 4.0, 1.0), rowid DESC LIMIT %s OFFSET %s",
                       (match, *inner_params, limit, offset))
        rows = [(r[0], float(r[1])) for r in cursor.fetchall()]
        if len(rows) < limit and (rows or offset == 0):
            return rows, offset + len(rows)
        cursor.execute(f"SELECT count(*) FROM cases_fts WHERE {where}", (match, *inner_params))  # no ranking
        return rows, cursor.fetchone()[0]


def _pattern(terms: list[str]) -> re.Pattern[str] | None:
    if not terms:
        return None
    return re.compile("|".join(re.escape(t) for t in terms), re.IGNORECASE)


def mark(text: str, terms: list[str]) -> SafeString:
    """``text`` HTML-escaped with every term wrapped in ``<mark>``."""
    pattern = _pattern(terms)
    if pattern is None:
        return mark_safe(escape(text))
    out: list[str] = []
    last = 0
    for m in pattern.finditer(text):
        out.append(escape(text[last:m.start()]))
        out.append(f"<mark>{escape(m.group(0))}</mark>")
        last = m.end()
    out.append(escape(text[last:]))
    return mark_safe("".join(out))


def snippet(paragraphs: list[str], terms: list[str]) -> SafeString:
    """The passage around the first match in the paragraph that holds the most of the query's words."""
    pattern = _pattern(terms)
    if not paragraphs:
        return mark_safe("")
    best, best_hits = paragraphs[0], 0
    if pattern is not None:
        for paragraph in paragraphs:
            hits = len({m.group(0).lower() for m in pattern.finditer(paragraph)})
            if hits > best_hits:
                best, best_hits = paragraph, hits
    start = 0
    if pattern is not None and best_hits:
        first = pattern.search(best)
        start = max(0, first.start() - SNIPPET_BEFORE) if first else 0
    piece = best[start:start + SNIPPET_LENGTH]
    text = ("…" if start else "") + piece + ("…" if start + SNIPPET_LENGTH < len(best) else "")
    return mark(text, terms)


def search(scope: QuerySet[CaseDocument], query: str, *, limit: int = 20, offset: int = 0,
           filtered: bool = False) -> Found:
    """Ranked matches of ``query`` within ``scope`` (a queryset of the documents that pass the filters; with
    ``filtered`` False it is the whole library and no ``IN`` is added)."""
    tokens = query_tokens(query)
    rows, count = ranked_ids(tokens, scope if filtered else None, limit=limit, offset=offset)
    documents = CaseDocument.objects.in_bulk([doc_id for doc_id, _s in rows])
    terms = highlight_terms(tokens)
    hits = [Hit(document=documents[doc_id], score=round(score, 6),
                snippet=snippet(documents[doc_id].paragraphs, terms), title_marked=mark(documents[doc_id].title, terms))
            for doc_id, score in rows if doc_id in documents]
    return Found(hits=hits, count=count, tokens=tokens)
