"""Full-text search of the case library on both backends (DECISIONS 39).

The words are jieba's (``tokens``); the database only matches and ranks whitespace-separated tokens:

- SQLite: the FTS5 table ``cases_fts`` (external content over ``cases_casedocument``, kept by triggers), ranked
  by ``bm25`` with the title weighted 4:1 over body and review;
- PostgreSQL: the generated column ``search_vector`` (``'simple'`` configuration: no stemming or stop words, the
  tokens stay jieba's; title weight A, body B), ranked by ``ts_rank``. With the RUM extension installed (migration
  0003) a RUM index keeps each word's positions and hands back the best matches in order (``<=>`` is the
  inverse of RUM's score, ``ts_rank``'s for one word and close to it for several), so ranking never reads the
  matches' stored vectors; without it a GIN index finds the matches and ``ts_rank`` scores each of them (the
  same order, but a word in half of 10^5 documents takes about a second).

Counts are exact up to ``COUNT_CAP`` matches; beyond, the search says "more than" (``count_exact`` False), as
Elasticsearch's ``track_total_hits`` does: counting every match of a word found in most documents costs more
than the ranked page itself, and nobody pages through more than 500 pages of 20.

Filters (year, region, category, circumstance, form) are an ordinary queryset whose SQL is used as
``id IN (…)`` inside the ranked query, so the database ranks only what passes them. Snippets are cut from the
stored paragraphs around the best paragraph's first match, HTML-escaped, words marked with ``<mark>``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from django.db import connection, transaction
from django.db.models import BooleanField, QuerySet
from django.db.models.expressions import RawSQL
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from rectify.cases.models import CaseDocument
from rectify.cases.tokens import highlight_terms, query_tokens

SNIPPET_BEFORE = 24
SNIPPET_LENGTH = 110
COUNT_CAP = 10_000
RUM_INDEX = "cases_casedocument_search_rum"


@dataclass
class Hit:
    document: CaseDocument
    score: float
    snippet: SafeString
    title_marked: SafeString


@dataclass
class Found:
    hits: list[Hit]
    count: int  # exact when count_exact, else COUNT_CAP: "more than"
    tokens: list[str]
    count_exact: bool = True


def _match_expression(tokens: list[str]) -> str:
    return " ".join('"' + t.replace('"', '""') + '"' for t in tokens)


@lru_cache(maxsize=8)
def _rum_in(database: str) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT EXISTS (SELECT 1 FROM pg_class c JOIN pg_am a ON a.oid = c.relam "
                       "WHERE c.relname = %s AND a.amname = 'rum')", (RUM_INDEX,))
        return bool(cursor.fetchone()[0])


def uses_rum() -> bool:
    """Whether this PostgreSQL database ranks in its RUM index (checked once per database and process)."""
    return connection.vendor == "postgresql" and _rum_in(connection.settings_dict["NAME"])


def pg_ranked(tsquery: str, query: str, *, where: str = "", params: tuple = (), limit: int, offset: int = 0,
              rum: bool | None = None) -> list[tuple[int, float]]:
    """(id, score) of the documents matching ``tsquery`` (an SQL expression of one parameter, ``query``), best
    first — in the RUM index's order when there is one, else scored one by one. ``where`` adds conditions on
    ``d``. Shared by the search and the similar cases."""
    base = f"FROM cases_casedocument d, {tsquery} q WHERE d.search_vector @@ q{where}"
    with connection.cursor() as cursor:
        if uses_rum() if rum is None else rum:
            # Ties keep the index's order: a second sort key would make PostgreSQL score every match again.
            cursor.execute(f"SELECT d.id, d.search_vector <=> q AS distance {base} ORDER BY d.search_vector <=> q "
                           "LIMIT %s OFFSET %s", (query, *params, limit, offset))
            return [(r[0], 1.0 / float(r[1]) if r[1] else 0.0) for r in cursor.fetchall()]
        cursor.execute(f"SELECT d.id, ts_rank(d.search_vector, q) AS s {base} ORDER BY s DESC, d.id DESC "
                       "LIMIT %s OFFSET %s", (query, *params, limit, offset))
        return [(r[0], float(r[1])) for r in cursor.fetchall()]


def _capped_count(cursor, sql: str, params: tuple) -> tuple[int, bool]:
    """count(*) of ``sql``'s rows, stopping at COUNT_CAP + 1: (count, exact)."""
    cursor.execute(f"SELECT count(*) FROM ({sql} LIMIT {COUNT_CAP + 1}) AS matches", params)
    n = cursor.fetchone()[0]
    return (n, True) if n <= COUNT_CAP else (COUNT_CAP, False)


def ranked_ids(tokens: list[str], scope: QuerySet[CaseDocument] | None, *, limit: int,
               offset: int = 0, rum: bool | None = None) -> tuple[list[tuple[int, float]], int, bool]:
    """(id, score) of the best matches, best first; how many match in all (up to COUNT_CAP) and whether that
    count is exact."""
    if not tokens:
        return [], 0, True
    inner, inner_params = ("", ())
    if scope is not None:
        sub_sql, sub_params = scope.order_by().values("id").query.sql_with_params()  # no ORDER BY inside IN
        inner, inner_params = sub_sql, tuple(sub_params)
    if connection.vendor == "postgresql":
        where = f" AND d.id IN ({inner})" if inner else ""
        query = " ".join(tokens)
        rows = pg_ranked("plainto_tsquery('simple', %s)", query, where=where, params=inner_params, limit=limit,
                         offset=offset, rum=rum)
        if len(rows) < limit and (rows or offset == 0):
            return rows, offset + len(rows), True
        # The count is the filters' queryset with the match as one more condition on the same table, so the
        # planner can intersect the index's matches with the filter's rows. Left alone it would scan the table
        # and match every row's stored vector (a second at 10^5 documents; it does not know what reading one
        # costs): the index answers the match by itself. The setting is the transaction's and is put back.
        matching = (scope if scope is not None else CaseDocument.objects.all()).filter(RawSQL(
            "cases_casedocument.search_vector @@ plainto_tsquery('simple', %s)", (query,), output_field=BooleanField()))
        with transaction.atomic(savepoint=False), connection.cursor() as cursor:
            cursor.execute("SELECT current_setting('enable_seqscan'), set_config('enable_seqscan', 'off', true)")
            before = cursor.fetchone()[0]
            sql, params = matching.order_by().values("id").query.sql_with_params()
            count, exact = _capped_count(cursor, sql, tuple(params))
            cursor.execute("SELECT set_config('enable_seqscan', %s, true)", (before,))
        return rows, count, exact
    # "+rowid" keeps the filter away from FTS5's planner: given "rowid IN (…)" it would probe the index once
    # per filtered row; as a plain expression it is checked on the matches, and bm25 is computed only for
    # the matches that pass it.
    match = _match_expression(tokens)
    where = "cases_fts MATCH %s" + (f" AND +rowid IN ({inner})" if inner else "")
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT rowid, -bm25(cases_fts, 4.0, 1.0) FROM cases_fts WHERE {where} "
                       "ORDER BY bm25(cases_fts, 4.0, 1.0), rowid DESC LIMIT %s OFFSET %s",
                       (match, *inner_params, limit, offset))
        rows = [(r[0], float(r[1])) for r in cursor.fetchall()]
        if len(rows) < limit and (rows or offset == 0):
            return rows, offset + len(rows), True
        count, exact = _capped_count(cursor, f"SELECT 1 FROM cases_fts WHERE {where}", (match, *inner_params))
        return rows, count, exact


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
    rows, count, exact = ranked_ids(tokens, scope if filtered else None, limit=limit, offset=offset)
    documents = CaseDocument.objects.in_bulk([doc_id for doc_id, _s in rows])
    terms = highlight_terms(tokens)
    hits = [Hit(document=documents[doc_id], score=round(score, 6),
                snippet=snippet(documents[doc_id].paragraphs, terms), title_marked=mark(documents[doc_id].title, terms))
            for doc_id, score in rows if doc_id in documents]
    return Found(hits=hits, count=count, tokens=tokens, count_exact=exact)
