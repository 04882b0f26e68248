"""Problem identifiers as units write them: ordinals (1、 （1） ① 一、 第3条) and short codes (P01, XS-2021-03).

Pure functions shared by every way a problem is entered — the problem form and the API
(``inspections.services``) and a ledger file (``ledger.parsing``) — so that the same text always
becomes the same stored identifier and the same error. No Django, no app imports.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass


def _compact(text: str) -> str:
    """NFKC and no whitespace at all."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


# Control and text-direction characters: meaningless to a reader, PostgreSQL refuses NUL, and a
# right-to-left override would make "P01" display as something else.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def _as_text(value: object) -> str:
    """A cell or form value as text: whole floats print as integers, other floats as written."""
    if value is None:
        return ""
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return _CONTROL.sub("", str(value)).strip()


_CN_DIGITS = {"零": 0, "〇": 0, "○": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5,
              "六": 6, "七": 7, "八": 8, "九": 9}
_CN_UNITS = {"十": 10, "百": 100, "千": 1000}
CN_NUMERAL_CHARS = "零〇○一二两三四五六七八九十百千"


def chinese_numeral(text: str) -> int | None:
    """"一" -> 1, "十二" -> 12, "二十" -> 20, "一百零五" -> 105; anything else -> None."""
    if not text or any(ch not in _CN_DIGITS and ch not in _CN_UNITS for ch in text):
        return None
    total, digit = 0, None
    for ch in text:
        if ch in _CN_DIGITS:
            digit = _CN_DIGITS[ch]
        else:
            total += (1 if digit is None else digit) * _CN_UNITS[ch]
            digit = None
    if digit is not None:
        total += digit
    return total or None


def numeral_value(token: str) -> int | None:
    """Digits or a Chinese numeral as an int ("12" -> 12, "十二" -> 12); None otherwise."""
    if token.isdigit():
        return int(token)
    return chinese_numeral(token)


_NUMBER_CELL = re.compile(
    r"第?(?P<n>\d+|[" + CN_NUMERAL_CHARS + r"]+)(?:条|项|个|号)?[、.,:：)]?"  # 1 1、 1. 一、 第1条 第一项
    r"|\((?P<p>\d+|[" + CN_NUMERAL_CHARS + r"]+)\)"  # (1) （1） ⑴ (一)
    r"|(?:问题)?(?P<q>\d+)"
)


def parse_number(value: object) -> int | None:
    """A problem-number cell -> int, or None if it is not a number a person would write.

    Accepts 1, 1.0, "1", "1、", "1.", "1．", "（1）", "(1)", "①", "一、", "十二", "第1条", "第一条".
    """
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        return int(value) if float(value).is_integer() and value > 0 else None
    s = _compact(str(value))  # NFKC: ① -> 1, ⑴ -> (1), ⒈ -> 1., （ -> (, ． -> .
    if not s:
        return None
    m = _NUMBER_CELL.fullmatch(s)
    if not m:
        return None
    token = m.group("n") or m.group("p") or m.group("q")
    n = numeral_value(token)
    return n if n and n > 0 else None


IDENTIFIER_MAX = 20  # Problem.number holds at most this many characters (inspections.models.PROBLEM_NUMBER_MAX)
ORDINAL_DIGITS_MAX = 6  # 序号 999999 is the largest ordinal a person writes; beyond that it is a typo


@dataclass(frozen=True)
class Identifier:
    """A problem-number cell read as an identifier. ``value`` is what is stored (``Problem.number``), or
    None; ``problem`` then says why: "empty", "too_long", "absurd" (an ordinal of more than 6 digits)
    or "invalid" (0, a negative number, 是/否)."""

    value: str | None
    problem: str = ""


# Full-width digits, Latin letters and the hyphen (a Chinese input method types them) are the same
# characters as their ASCII forms; brackets, circled numbers and Chinese numerals are kept as written.
_HALF_WIDTH = {**{0xFF10 + i: 0x30 + i for i in range(10)}, **{0xFF21 + i: 0x41 + i for i in range(26)},
               **{0xFF41 + i: 0x61 + i for i in range(26)}, 0xFF0D: 0x2D}
_TRAILING_SEPARATOR = re.compile(r"(?<=\S)\s*[、.．,，:：]$")  # the list punctuation after "1、" or "一、"


def parse_identifier(value: object) -> Identifier:
    """A problem number as typed or read from a cell -> the identifier as stored, or why not.

    1. The text is kept as written — "（1）", "①", "一", "P01", "XS-2021-03", "一-2" — trimmed, with
       control characters and the list punctuation after an ordinal ("1、", "一、") dropped and
       full-width digits and letters made ASCII ("ＰＯ１" → "PO1"); a number cell (3.0) is its digits.
    2. An ordinal (anything ``parse_number`` reads as a number) must be a plausible one: 0 or a negative
       number is "invalid", more than ``ORDINAL_DIGITS_MAX`` digits (序号 99999999999999999999) is
       "absurd" — a typo, not a number.
    3. Any identifier longer than ``IDENTIFIER_MAX`` characters is "too_long".
    Identifiers are compared with ``identifier_key``, so "（1）" and "1" are the same problem.
    """
    if value is None or value == "":
        return Identifier(None, "empty")
    if isinstance(value, bool):
        return Identifier(None, "invalid")
    if isinstance(value, int | float) and float(value).is_integer():
        return _ordinal(int(value), str(int(value)))
    text = re.sub(r"\s+", " ", _as_text(value)).strip().translate(_HALF_WIDTH)
    text = _TRAILING_SEPARATOR.sub("", text)
    if not text:
        return Identifier(None, "empty")
    if len(text) > IDENTIFIER_MAX:
        return Identifier(None, "too_long")
    digits = unicodedata.normalize("NFKC", text)
    if digits.isascii() and digits.isdigit():
        return _ordinal(int(digits), text)
    n = parse_number(text)
    return _ordinal(n, text) if n is not None else Identifier(text)


def _ordinal(n: int, text: str) -> Identifier:
    if n <= 0:
        return Identifier(None, "invalid")
    if len(str(n)) > ORDINAL_DIGITS_MAX:
        return Identifier(None, "absurd")
    if len(text) > IDENTIFIER_MAX:
        return Identifier(None, "too_long")
    return Identifier(text)


def identifier_key(identifier: str) -> str:
    """What two identifiers are compared by (duplicates, matching a stored problem): an ordinal's number,
    any other identifier NFKC-normalised and case-folded — "（1）", "①", "一" and "1" are the same
    problem, and so are "P01" and "ｐ01"."""
    text = _TRAILING_SEPARATOR.sub("", re.sub(r"\s+", " ", _as_text(identifier)).strip())
    digits = unicodedata.normalize("NFKC", text)
    n = int(digits) if digits.isascii() and digits.isdigit() else parse_number(text)
    return str(n) if n is not None else digits.casefold()
