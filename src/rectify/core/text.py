"""Small pure text helpers shared by several contexts (no app imports here)."""

from __future__ import annotations

import re
import unicodedata

_CIRCLED = {chr(0x2460 + i): str(i + 1) for i in range(20)}  # ①..⑳
_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN_NUMBER = re.compile(r"[零〇一二两三四五六七八九十百]+")
_DIGITS = re.compile(r"\d+")
SORT_KEY_LENGTH = 120


def _cn_to_int(text: str) -> int | None:
    """一 → 1, 十二 → 12, 二十三 → 23, 一百零五 → 105; None for text that is not such a numeral."""
    total, current = 0, 0
    for ch in text:
        if ch in _CN_DIGITS:
            current = _CN_DIGITS[ch]
        elif ch == "十":
            total += (current or 1) * 10
            current = 0
        elif ch == "百":
            total += (current or 1) * 100
            current = 0
        else:
            return None
    return total + current


def natural_sort_key(identifier: str) -> str:
    """A string that sorts identifiers as a person expects: 2 before 10, P2 before P10, 一-2 before 一-10.

    1. NFKC-normalise (full-width digits and letters become ASCII), fold case and drop the brackets and
       punctuation around an ordinal ("（1）", "1、");
    2. circled numbers (①) and Chinese numerals (一、十二) become their digits;
    3. every run of digits is zero-padded to 12 places, so text comparison is numeric comparison.
    """
    text = unicodedata.normalize("NFKC", identifier or "").strip().casefold().strip("()[]、.。,， ")
    text = "".join(_CIRCLED.get(ch, ch) for ch in text)

    def cn(match: re.Match[str]) -> str:
        value = _cn_to_int(match.group(0))
        return str(value) if value is not None else match.group(0)

    text = _CN_NUMBER.sub(cn, text)
    return _DIGITS.sub(lambda m: m.group(0).lstrip("0").zfill(12) if len(m.group(0)) <= 12 else m.group(0), text)[
        :SORT_KEY_LENGTH]
