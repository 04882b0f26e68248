"""Chinese text as search tokens (jieba). The database indexes what this module produces, and a query is cut
the same way, so both backends see the same words.

- documents: :func:`index_tokens` — jieba's search mode, which keeps the long words and adds the shorter words
  inside them (瑞丽市 → 瑞丽, 瑞丽市; 形式主义 → 形式, 主义, 形式主义), so a query for either finds the text;
- queries: :func:`query_tokens` — jieba's precise mode, every word required (AND).
"""

from __future__ import annotations

import re
import threading
import unicodedata

_WORD = re.compile(r"\w", re.UNICODE)
_lock = threading.Lock()
_ready = False


def _jieba():  # type: ignore[no-untyped-def]
    global _ready
    import jieba

    if not _ready:
        with _lock:
            if not _ready:
                jieba.setLogLevel(60)
                jieba.initialize()
                _ready = True
    return jieba


def _keep(token: str) -> str | None:
    token = token.strip().lower()
    if not token or not _WORD.search(token) or token == "_":
        return None
    return "".join(ch for ch in token if ch.isalnum())


def index_tokens(text: str) -> str:
    """Space-separated tokens of ``text`` for the index."""
    text = unicodedata.normalize("NFKC", text or "")
    out = [_keep(t) for t in _jieba().cut_for_search(text)]
    return " ".join(t for t in out if t)


def query_tokens(query: str) -> list[str]:
    """The words of a query (each required), without duplicates, at most 12."""
    text = unicodedata.normalize("NFKC", query or "")[:200]
    out: list[str] = []
    for token in _jieba().cut(text):
        kept = _keep(token)
        if kept and kept not in out:
            out.append(kept)
    return out[:12]


def highlight_terms(tokens: list[str]) -> list[str]:
    """What to mark in a snippet: the query's words, longest first (so 形式主义 wins over 形式)."""
    return sorted(set(tokens), key=len, reverse=True)
