"""Small pure helpers that read one ledger cell: header names, text, problem numbers, names, deadlines.

No I/O and no Django: every function takes a cell value (``str``, ``int``, ``float``, ``bool``,
``datetime.date``/``datetime.datetime`` as python-calamine returns them) and returns plain values,
so each can be unit-tested on its own. The sheet-level logic lives in :mod:`rectify.ledger.parsing`.
"""

from __future__ import annotations

import calendar
import datetime as dt
import functools
import re
import unicodedata
from dataclasses import dataclass

from rectify.core.identifiers import (
    CN_NUMERAL_CHARS,
    IDENTIFIER_MAX,
    ORDINAL_DIGITS_MAX,
    Identifier,
    chinese_numeral,
    identifier_key,
    numeral_value,
    parse_identifier,
    parse_number,
)

__all__ = [
    "IDENTIFIER_MAX",
    "ORDINAL_DIGITS_MAX",
    "DeadlineInfo",
    "Identifier",
    "cell_text",
    "chinese_numeral",
    "clean_category",
    "column_letter",
    "compact",
    "identifier_key",
    "is_source_mark",
    "normalize_header",
    "parse_deadline",
    "parse_identifier",
    "parse_kind",
    "parse_names",
    "parse_number",
    "parse_source",
    "split_number_prefix",
]

IMMEDIATE = "immediate"
DEADLINE = "deadline"
LONG_TERM = "long_term"

_EXCEL_EPOCH = dt.date(1899, 12, 30)  # serial 1 = 1900-01-01 (Excel's 1900 leap-year bug included)
SERIAL_MIN, SERIAL_MAX = 40000, 60000  # 2009-07-06 .. 2064-04-08: the only numbers taken as dates


@functools.lru_cache(maxsize=1024)
def column_letter(index: int) -> str:
    """0-based column index -> Excel letters: 0 -> "A", 25 -> "Z", 26 -> "AA"."""
    letters = ""
    n = index + 1
    while n:
        n, rem = divmod(n - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


# --------------------------------------------------------------------------- text

_SPACES = re.compile(r"[ \t\u3000\u00a0\u2002\u2003\u2009\u200b\ufeff]+")
_NEEDS_CLEANING = re.compile(r"[\x00-\x1f\u3000\u00a0\u2002\u2003\u2009\u200b\ufeff]| {2}")
# Control characters other than line breaks and tabs cannot be stored (PostgreSQL refuses NUL) and
# mean nothing to a reader: they are dropped.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def cell_text(value: object) -> str:
    """A cell as the text a person reads: spaces collapsed, lines stripped, Chinese punctuation kept.

    Whole floats print as integers (calamine returns every number as float); dates print ISO.
    """
    if type(value) is str:
        if not value:
            return ""
        if _NEEDS_CLEANING.search(value) is None:  # the common case, kept fast
            return value.strip()
    elif value is None:
        return ""
    elif isinstance(value, bool):
        return "是" if value else "否"
    elif isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        return repr(value)
    elif isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    elif isinstance(value, dt.date):
        return value.isoformat()
    text = _CONTROL.sub("", str(value))
    if "\n" in text or "\r" in text:
        lines = (_SPACES.sub(" ", line).strip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"))
        return "\n".join(line for line in lines if line)
    return _SPACES.sub(" ", text).strip()


def compact(text: str) -> str:
    """NFKC and no whitespace at all: for recognising keywords ("合 计", "注：")."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


_REMARK = re.compile(r"\([^()]*\)|\[[^\[\]]*\]|【[^【】]*】|〔[^〔〕]*〕")


def normalize_header(text: object) -> str:
    """Header cell -> matching key: NFKC, no whitespace/line breaks, no remarks in brackets,
    no leading/trailing ``*`` ``:`` — "完成时限\n（年月日）：" -> "完成时限", "＊整改措施" -> "整改措施"."""
    s = compact(cell_text(text))
    prev = None
    while prev != s:  # nested or repeated remarks
        prev = s
        s = _REMARK.sub("", s)
    return s.strip("*:：.、·").lower()


# --------------------------------------------------------------------------- numbers

_SELF_FOUND_MARKS = ("自查", "举一反三", "自行查找", "自行发现", "自我查找", "自身查找")
_FEEDBACK_MARKS = ("反馈问题", "巡视反馈", "巡察反馈", "巡视发现", "巡察发现", "巡视组反馈", "巡察组反馈", "反馈")
SELF_FOUND = "self_found"
FEEDBACK = "feedback"


def parse_source(value: object) -> str | None:
    """A 问题来源 cell -> "self_found" (自查, 自查问题, 举一反三, 自行查找…), "feedback" (反馈问题, 巡视反馈…)
    or None when it names neither."""
    s = compact(cell_text(value))
    if not s:
        return None
    if any(mark in s for mark in _SELF_FOUND_MARKS):
        return SELF_FOUND
    if any(mark in s for mark in _FEEDBACK_MARKS):
        return FEEDBACK
    return None


def is_source_mark(value: object) -> bool:
    """A cell that only says where the problem came from ("自查问题", "举一反三", "反馈问题") — in a
    问题类型 column this is the problem's source, not its category."""
    s = compact(cell_text(value)).rstrip("的")
    s = re.sub(r"(?:问题|查找|发现)+$", "", s)
    return s in {"自查", "举一反三", "自行", "自我", "自身", "反馈", "巡视反馈", "巡察反馈", "巡视", "巡察",
                 "巡视组反馈", "巡察组反馈", "自查自纠", "举一反三自查"}


_D = "0-9０-９"
_NUMBER_PREFIX = re.compile(
    r"\s*(?:"
    r"第(?P<a>[" + _D + r"]+|[" + CN_NUMERAL_CHARS + r"]+)[条项][、，,.．:：\s]*"
    r"|[(（](?P<b>[" + _D + r"]+|[" + CN_NUMERAL_CHARS + r"]+)[)）][、.．\s]*"
    r"|(?P<c>[\u2460-\u2473\u2474-\u2487\u2488-\u249b])[、.．\s]*"
    r"|(?P<d>[" + _D + r"]{1,3})(?:[、]|[.．](?![" + _D + r"]))\s*"
    r"|(?P<e>[" + CN_NUMERAL_CHARS + r"]{1,4})、\s*"
    r")"
)


def split_number_prefix(text: str) -> tuple[int | None, str]:
    """"1、加强管理" -> (1, "加强管理"); "（3）…" / "③…" / "一、…" / "第2条…" likewise.

    "3.5亿元资金…" is not numbered ("3." followed by a digit), nor is text without a prefix.
    """
    m = _NUMBER_PREFIX.match(text)
    if not m:
        return None, text
    token = next(g for g in m.groups() if g)
    n = numeral_value(unicodedata.normalize("NFKC", token).strip("().")) if token else None
    rest = text[m.end():].strip()
    if not n or not rest:
        return None, text
    return n, rest


# --------------------------------------------------------------------------- names

_NAME_SEPARATORS = re.compile(r"[、，,/／；;\n]")
_OPEN, _CLOSE = "（(", "）)"


def parse_names(value: object) -> list[str]:
    """"张三、李四" -> ["张三", "李四"]; also ， , / ； ; line breaks and spaces.

    Remarks in brackets stay with their name and are never split: "张三（副厅长、分管）" is one item,
    "张三 （副厅长）" becomes "张三（副厅长）". A name padded with a space ("张  三") stays one name.
    """
    text = cell_text(value)
    return list(_names(text)) if text else []


@functools.lru_cache(maxsize=8192)  # ledgers repeat the same few names on every row
def _names(text: str) -> tuple[str, ...]:
    pieces: list[str] = []
    depth, start = 0, 0
    for i, ch in enumerate(text):
        if ch in _OPEN:
            depth += 1
        elif ch in _CLOSE:
            depth = max(0, depth - 1)
        elif depth == 0 and _NAME_SEPARATORS.match(ch):
            pieces.append(text[start:i])
            start = i + 1
    pieces.append(text[start:])
    names: list[str] = []
    for piece in pieces:
        piece = piece.strip()
        if not piece:
            continue
        tokens = _split_spaces_outside_brackets(piece)
        if len(tokens) > 1 and any(len(t) == 1 for t in tokens if t[0] not in _OPEN):
            tokens = ["".join(tokens)]  # "张 三": one name padded for alignment
        for token in tokens:
            if token[0] in _OPEN and names:
                names[-1] += token  # "张三 （副厅长）"
            else:
                names.append(token)
    return tuple(names)


def _split_spaces_outside_brackets(piece: str) -> list[str]:
    tokens, depth, start = [], 0, 0
    for i, ch in enumerate(piece):
        if ch in _OPEN:
            depth += 1
        elif ch in _CLOSE:
            depth = max(0, depth - 1)
        elif depth == 0 and ch == " ":
            tokens.append(piece[start:i])
            start = i + 1
    tokens.append(piece[start:])
    return [t.strip() for t in tokens if t.strip()]


# --------------------------------------------------------------------------- kinds and deadlines

_KIND_WORDS = (
    (IMMEDIATE, ("立行立改", "立即整改", "即知即改", "边巡边改", "立查立改", "即查即改")),
    (LONG_TERM, ("长期坚持", "持续整改", "长期整改", "常态化", "长期", "持续推进", "久久为功")),
    (DEADLINE, ("限期整改", "限时整改", "阶段性整改", "限期")),
)
_DONE = re.compile(r"已(?:经)?(?:完成|整改|办结|落实|销号)")


def parse_kind(value: object) -> str | None:
    """A 整改类型 cell -> "immediate" | "deadline" | "long_term", or None if unrecognised."""
    s = compact(cell_text(value))
    for kind, words in _KIND_WORDS:
        if any(w in s for w in words):
            return kind
    return None


@dataclass(frozen=True)
class DeadlineInfo:
    """What a 完成时限 cell says. ``valid`` is False when the text is non-empty but not understood
    (or contains an impossible date such as 2021年13月)."""

    due_date: dt.date | None = None
    kind: str | None = None  # only when the cell says so (立行立改 / 长期坚持 / 已完成); else None
    already_done: bool = False
    dates: tuple[dt.date, ...] = ()  # every date found, in order
    valid: bool = True

    @property
    def several_dates(self) -> bool:
        return len(self.dates) > 1


_PART = r"(?P<{0}>底|末|初|上旬|中旬|下旬|前|内)?"
_NOT_DIGIT_BEFORE = r"(?<!\d)"
_DATE = re.compile(
    _NOT_DIGIT_BEFORE
    + r"(?:"
    # 2021年12月31日 / 2021-12-31 / 2021.12.31 / 2021/12/31 (also 2021年12月31号)
    r"(?P<y1>\d{4})\s*(?:年|[-/.])\s*(?P<m1>\d{1,2})\s*(?:月|[-/.])\s*(?P<d1>\d{1,2})(?!\d)\s*[日号]?"
    # 2021年12月 / 2021.12 / 2021-12 / 2021年12月底 (-> month end; 初/上旬/中旬 -> 1/10/20)
    r"|(?P<y2>\d{4})\s*(?:年|[-/.])\s*(?P<m2>\d{1,2})(?!\d)\s*月?" + _PART.format("p2") +
    # 2021年底 / 2021年末 / 2021年上半年 / 2021年第三季度 / 2021年内
    r"|(?P<y3>\d{4})\s*年\s*(?P<p3>年?底|年?末|年内|内|上半年|下半年|第?[一二三四1-4]季度)"
    # 12月31日 (year from context)
    r"|(?P<m4>\d{1,2})\s*月\s*(?P<d4>\d{1,2})(?!\d)\s*[日号]"
    # 12月底 / 12月 (year from context)
    r"|(?P<m5>\d{1,2})\s*月(?!\d)" + _PART.format("p5") +
    # 年底 / 年末 / 上半年 / 下半年 (year from context)
    r"|(?P<p6>年底|年末|年内|上半年|下半年)"
    r")"
)
_QUARTER = {"一": 1, "二": 2, "三": 3, "四": 4, "1": 1, "2": 2, "3": 3, "4": 4}


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def _month_part(year: int, month: int, part: str | None) -> dt.date:
    if part == "初":
        return dt.date(year, month, 1)
    if part == "上旬":
        return dt.date(year, month, 10)
    if part == "中旬":
        return dt.date(year, month, 20)
    return _month_end(year, month)


def _year_part(year: int, part: str) -> dt.date:
    part = part.lstrip("第")
    if part == "上半年":
        return dt.date(year, 6, 30)
    if part.endswith("季度"):
        return _month_end(year, 3 * _QUARTER[part[0]])
    return dt.date(year, 12, 31)  # 底 末 年底 年末 年内 内 下半年


def _plausible_year(y: int) -> bool:
    return 1990 <= y <= 2100


def _dates_in(text: str, year: int) -> tuple[list[dt.date], bool]:
    """Every date in ``text`` in order, and whether every date-like part was a real date."""
    found: list[dt.date] = []
    context_year = year
    ok = True
    for m in _DATE.finditer(text):
        g = m.groupdict()
        try:
            if g["y1"]:
                y = int(g["y1"])
                d = dt.date(y, int(g["m1"]), int(g["d1"]))
            elif g["y2"]:
                y = int(g["y2"])
                d = _month_part(y, int(g["m2"]), g["p2"])
            elif g["y3"]:
                y = int(g["y3"])
                d = _year_part(y, g["p3"])
            elif g["m4"]:
                y = context_year
                d = dt.date(y, int(g["m4"]), int(g["d4"]))
            elif g["m5"]:
                y = context_year
                d = _month_part(y, int(g["m5"]), g["p5"])
            else:
                y = context_year
                d = _year_part(y, g["p6"])
        except (ValueError, KeyError):
            ok = False
            continue
        if not _plausible_year(y):
            ok = False
            continue
        context_year = y
        found.append(d)
    return found, ok


def _serial_date(n: float) -> dt.date | None:
    if SERIAL_MIN <= n <= SERIAL_MAX:
        return _EXCEL_EPOCH + dt.timedelta(days=int(n))
    return None


def parse_deadline(value: object, year: int) -> DeadlineInfo:
    """A 完成时限 cell -> :class:`DeadlineInfo`. ``year`` fills in dates written without a year.

    Dates: date cells; Excel serials 40000–60000; 2021年12月31日, 2021-12-31, 2021.12.31, 2021/12/31,
    20211231; 2021年12月 / 2021.12 / 2021年12月底 (month end); 12月底 / 12月31日 (``year``);
    2021年底 / 年底; 2021年上半年, 2021年第三季度; any of these followed by 前/之前/（阶段性）….
    Several dates (stage milestones) -> the last one is due. Words: 立行立改 -> immediate,
    长期坚持 / 持续整改 / 长期 / 常态化 -> long_term, 已完成 / 已整改 -> already done (immediate).
    """
    if value is None or value == "":
        return _EMPTY
    if isinstance(value, dt.datetime):
        return _on(value.date())
    if isinstance(value, dt.date):
        return _on(value)
    if isinstance(value, bool):
        return _INVALID
    if isinstance(value, int | float):
        d = _serial_date(float(value))
        if d is None and float(value).is_integer():
            d = _yyyymmdd(str(int(value)))
        return _on(d) if d else _INVALID
    return _deadline_text(str(value), year)


_EMPTY = DeadlineInfo()
_INVALID = DeadlineInfo(valid=False)


def _on(d: dt.date) -> DeadlineInfo:
    return DeadlineInfo(due_date=d, dates=(d,))


@functools.lru_cache(maxsize=4096)  # ledgers repeat the same deadlines on many rows
def _deadline_text(raw: str, year: int) -> DeadlineInfo:
    text = unicodedata.normalize("NFKC", cell_text(raw))
    s = re.sub(r"\s+", "", text)
    if not s:
        return _EMPTY
    if s.isdigit():
        d = _serial_date(int(s)) if len(s) == 5 else _yyyymmdd(s)
        return _on(d) if d else _INVALID
    dates, ok = _dates_in(text, year)
    if _DONE.search(s):
        done, kind = True, IMMEDIATE
    else:
        done, kind = False, parse_kind(s)
        if kind == DEADLINE:
            kind = None  # "限期整改" in a deadline cell still needs its date
    if not dates and kind is None and not done:
        ok = False
    return DeadlineInfo(due_date=dates[-1] if dates else None, kind=kind, already_done=done,
                        dates=tuple(dates), valid=ok)


def _yyyymmdd(s: str) -> dt.date | None:
    if len(s) != 8:
        return None
    try:
        d = dt.date(int(s[:4]), int(s[4:6]), int(s[6:]))
    except ValueError:
        return None
    return d if _plausible_year(d.year) else None


# --------------------------------------------------------------------------- categories

_CATEGORY_PREFIX = re.compile(
    r"^\s*(?:"
    r"[" + CN_NUMERAL_CHARS + r"]+\s*[、.．,，]"
    r"|[(（]\s*[" + CN_NUMERAL_CHARS + _D + r"]+\s*[)）][、.．]?"
    r"|[" + _D + r"]+\s*[、.．](?![" + _D + r"])"
    r"|第[" + CN_NUMERAL_CHARS + _D + r"]+(?:部分|类|方面|项)[、.．:：,，]?"
    r")\s*"
)
_CATEGORY_COUNT = re.compile(r"[(（]\s*共?\s*[" + _D + CN_NUMERAL_CHARS + r"]+\s*[个项条件]\s*(?:问题)?\s*[)）]|共\s*[" + _D + r"]+\s*[个项条](?:问题)?$")


def clean_category(text: str) -> str:
    """"一、贯彻落实党中央决策部署方面的问题（共5个）" -> "贯彻落实党中央决策部署方面"."""
    s = cell_text(text).replace("\n", "")
    s = _CATEGORY_PREFIX.sub("", s, count=1)
    s = _CATEGORY_COUNT.sub("", s).strip().rstrip(":：，,。")
    for suffix, keep in (("方面的问题", "方面"), ("方面问题", "方面"), ("方面存在的问题", "方面"),
                         ("存在的问题", ""), ("的问题", ""), ("问题", "")):
        if s.endswith(suffix) and len(s) > len(suffix):
            s = s[: -len(suffix)] + keep
            break
    return s.strip()


def looks_like_heading(text: str) -> bool:
    """A lone cell that reads like a category heading: "一、…" "（一）…" "第一部分…" "…方面（共5个）"."""
    s = compact(text)
    if re.match(r"^(?:[" + CN_NUMERAL_CHARS + r"]+[、.,]|\([" + CN_NUMERAL_CHARS + r"]+\)|第[" + CN_NUMERAL_CHARS + r"]+(?:部分|类|方面))", s):
        return True
    if _CATEGORY_COUNT.search(s):
        return True
    return bool(re.search(r"方面(?:的|存在的)?(?:问题)?[:：]?$", s))
