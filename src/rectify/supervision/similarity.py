"""Chinese text similarity for the look-back: which earlier problem does a look-back problem repeat?

1. Tokens: jieba's search mode (words and the shorter words inside them: 加班费 → 加班, 班费, 加班费), without
   punctuation, digits, single characters and a short list of words every feedback text uses (问题, 整改, 存在…).
2. Weights: TF-IDF over the earlier round's problems (sublinear term frequency, smoothed idf), each text a
   unit vector; the score of a pair is their cosine (0–1).
3. Bonuses on top (``CATEGORY_BONUS``, ``SAME_UNIT_BONUS``): a repeat is nearly always the same unit's problem
   and usually in the same category.

An index is built once per earlier round and kept while that round's problems do not change (the key counts
them and takes the latest ``updated_at``).
"""

from __future__ import annotations

import logging
import math
import re
import threading
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

STOPWORDS = frozenset("""
问题 整改 存在 方面 工作 情况 有关 相关 进一步 落实 不到位 到位 不够 不足 较多 部分 一些 个别 仍然 仍 以及 及其 其中 对于
没有 未能 不 到 和 与 及 的 了 在 对 等 是 有 为 将 把 被 从 中 上 下 年 月 日 以来 期间 一是 二是 三是 四是 方面 做好
""".split())
CATEGORY_BONUS = 0.10  # same level-2 category (half of it for the same level-1 category)
SAME_UNIT_BONUS = 0.20
_WORD = re.compile(r"[\u4e00-\u9fffA-Za-z]")

_jieba_lock = threading.Lock()
_jieba = None


def _cut(text: str) -> list[str]:
    global _jieba
    if _jieba is None:
        with _jieba_lock:
            if _jieba is None:
                import jieba

                jieba.setLogLevel(logging.WARNING)
                jieba.initialize()
                _jieba = jieba
    return _jieba.lcut_for_search(text)


def tokens(text: str) -> list[str]:
    return [t for t in _cut(text or "") if len(t) >= 2 and _WORD.search(t) and t not in STOPWORDS]


@dataclass(frozen=True)
class Doc:
    id: int
    unit_id: int
    category: str  # code, "" when none


class TfidfIndex:
    """Unit TF-IDF vectors of a fixed set of documents, and cosine scores of a query against all of them."""

    def __init__(self, docs: Iterable[tuple[Doc, str]]) -> None:
        self.docs: list[Doc] = []
        counts: list[Counter[str]] = []
        df: Counter[str] = Counter()
        for doc, text in docs:
            c = Counter(tokens(text))
            self.docs.append(doc)
            counts.append(c)
            df.update(c.keys())
        n = len(self.docs)
        self.idf = {t: math.log((1 + n) / (1 + k)) + 1 for t, k in df.items()}
        self.vectors = [self._vector(c) for c in counts]

    def _vector(self, c: Counter[str]) -> dict[str, float]:
        # A word the earlier round never used still counts in the query's length (it is not matched anywhere).
        v = {t: (1 + math.log(k)) * self.idf.get(t, math.log(1 + len(self.docs)) + 1) for t, k in c.items()}
        norm = math.sqrt(sum(x * x for x in v.values())) or 1.0
        return {t: x / norm for t, x in v.items()}

    def cosine(self, text: str) -> list[float]:
        q = self._vector(Counter(tokens(text)))
        return [sum(w * d.get(t, 0.0) for t, w in q.items()) for d in self.vectors]


def bonus(doc: Doc, *, unit_id: int, category: str) -> float:
    extra = SAME_UNIT_BONUS if doc.unit_id == unit_id else 0.0
    if category and doc.category:
        if doc.category == category:
            extra += CATEGORY_BONUS
        elif doc.category.split(".")[0] == category.split(".")[0]:
            extra += CATEGORY_BONUS / 2
    return extra


_cache: dict[int, tuple[tuple[object, ...], TfidfIndex]] = {}
_cache_lock = threading.Lock()


def index_for(round_id: int, key: tuple[object, ...], load: callable) -> TfidfIndex:  # type: ignore[valid-type]
    """The index of an earlier round's problems, rebuilt when ``key`` (count, latest change) moves on."""
    with _cache_lock:
        hit = _cache.get(round_id)
    if hit is not None and hit[0] == key:
        return hit[1]
    index = TfidfIndex(load())
    with _cache_lock:
        _cache[round_id] = (key, index)
    return index
