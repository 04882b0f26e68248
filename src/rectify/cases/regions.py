"""The province and its 16 prefectures (州（市）), by full and short name: a document's region, the branch
venues of a training session. The org tree's prefectures are used where the database has them."""

from __future__ import annotations

PROVINCE = "云南省"
#: (full name, short name) in the official order.
PREFECTURES: tuple[tuple[str, str], ...] = (
    ("昆明市", "昆明市"), ("曲靖市", "曲靖市"), ("玉溪市", "玉溪市"), ("保山市", "保山市"), ("昭通市", "昭通市"),
    ("丽江市", "丽江市"), ("普洱市", "普洱市"), ("临沧市", "临沧市"), ("楚雄彝族自治州", "楚雄州"),
    ("红河哈尼族彝族自治州", "红河州"), ("文山壮族苗族自治州", "文山州"), ("西双版纳傣族自治州", "西双版纳州"),
    ("大理白族自治州", "大理州"), ("德宏傣族景颇族自治州", "德宏州"), ("怒江傈僳族自治州", "怒江州"),
    ("迪庆藏族自治州", "迪庆州"),
)
SHORT_NAMES = tuple(short for _full, short in PREFECTURES)
_ALIASES: list[tuple[str, str]] = sorted(
    [(full, short) for full, short in PREFECTURES] + [(short, short) for _f, short in PREFECTURES]
    + [(short.removesuffix("州"), short) for _f, short in PREFECTURES if short.endswith("州")]
    + [(short.removesuffix("市"), short) for _f, short in PREFECTURES if short.endswith("市")]
    + [("云南省", PROVINCE), ("云南", PROVINCE)],
    key=lambda pair: len(pair[0]), reverse=True)


def region_of(title: str, paragraphs: list[str]) -> str:
    """The region a document is about: the first place named in its title, else in its first paragraphs."""
    for text in (title, *(paragraphs[:2])):
        found = [(text.find(alias), -len(alias), region) for alias, region in _ALIASES if alias in text]
        if found:
            return min(found)[2]
    return ""


def canonical(name: str) -> str:
    """A prefecture's short name for any of its names ("大理白族自治州", "大理" → "大理州"); else as given."""
    name = (name or "").strip()
    for alias, region in _ALIASES:
        if name == alias:
            return region
    return name
