"""Small pure text helpers shared by several contexts (no app imports here)."""

from __future__ import annotations

import re
import unicodedata

from rectify.core.identifiers import CN_NUMERAL_CHARS, chinese_numeral

_CN_NUMBER = re.compile("[" + CN_NUMERAL_CHARS + "]+")
_DIGITS = re.compile(r"\d+")
SORT_KEY_LENGTH = 120


def natural_sort_key(identifier: str) -> str:
    """A string that sorts identifiers as a person expects: 2 before 10, P2 before P10, 一-2 before 一-10.

    1. NFKC-normalise (full-width digits and letters become ASCII, ① becomes 1), fold case and drop the
       brackets and punctuation around an ordinal ("（1）", "1、");
    2. Chinese numerals (一、十二) become their digits;
    3. every run of digits is zero-padded to 12 places, so text comparison is numeric comparison.
    """
    text = unicodedata.normalize("NFKC", identifier or "").strip().casefold().strip("()[]、.。,， ")

    def cn(match: re.Match[str]) -> str:
        value = chinese_numeral(match.group(0))
        return str(value) if value is not None else match.group(0)

    text = _CN_NUMBER.sub(cn, text)
    return _DIGITS.sub(lambda m: m.group(0).lstrip("0").zfill(12) if len(m.group(0)) <= 12 else m.group(0), text)[
        :SORT_KEY_LENGTH]


def decode_text(data: bytes) -> str | None:
    """Text from an uploaded file as Chinese offices save it: UTF-8 (with or without BOM), UTF-16 with BOM or
    GBK/GB18030; None for binary content (NUL bytes, or more than 1% control characters)."""
    text: str | None = None
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError:
            return None
    else:
        for encoding in ("utf-8-sig", "gb18030"):
            try:
                text = data.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
    if text is None:
        return None
    sample = text[:8192]
    controls = sum(1 for ch in sample if ch < " " and ch not in "\t\r\n\f")
    if "\x00" in sample or controls > len(sample) // 100:
        return None
    return text
