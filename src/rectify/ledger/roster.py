"""Read a unit's leadership roster (领导班子成员名单 / 任职情况表) and hand its rows to orgs.

The parser (:func:`parse_roster`) is pure — bytes in, :class:`ParsedRoster` out — and uses the ledger's
file reading (format told by content, decryption, CSV in UTF-8/GBK/UTF-16), header normalisation and
cell helpers. What a file may look like:

- title and note rows above the header; a heading row such as "一、现任领导班子成员" between rows;
  合计 / 注： / 填表人： rows; a repeated header; names merged down over a person's several rows;
- columns in any order under their usual names (:data:`ROSTER_SYNONYMS`): 姓名, 职务 / 现任（曾任）职务,
  任职时间 / 任现职时间 and 离任时间, or one 任职起止时间 column, 分管工作 / 分管领域, optionally
  是否主要负责人 / 一把手;
- terms written 2016.05—2020.08, 2018年3月至今, 2019.01—, 2021.10-至今, 2017年6月—2021年10月,
  2016.05.12—2020.08.03, date cells and Excel serial numbers; in two columns, 至今 or an empty end.

A month-only date means the first of that month and an end is exclusive, so a successor who starts in the
month the predecessor left does not overlap. Each row is its own seat (several deputies at once are
normal). The principal is recognised from a title that begins with 党组书记 or 党委书记 unless a
是否主要负责人 column says otherwise.

:func:`roster_import` is the entry point for the command line and the web page: the unit as the user may
see it, the parse, then ``rectify.orgs.services`` compares and writes (the ledger never writes orgs' models).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import unicodedata
from dataclasses import dataclass, field

from django.utils.translation import gettext, gettext_noop

from rectify.accounts.models import User
from rectify.accounts.services import cli_operator
from rectify.ledger import sandbox
from rectify.ledger.cells import cell_text, column_letter, compact, normalize_header
from rectify.ledger.parsing import Sheet, is_footer_row, open_sheets
from rectify.ledger.types import LedgerError
from rectify.orgs import selectors as org_selectors
from rectify.orgs import services as org_services
from rectify.orgs.services import RosterEntry, RosterError, RosterResult

__all__ = ["ROSTER_SYNONYMS", "ParsedRoster", "parse_roster", "parse_term", "roster_import", "title_is_principal"]

#: Canonical field -> header names as written in rosters (matched after :func:`normalize_header`, which
#: also drops remarks in brackets: 现任（曾任）职务 -> 现任职务).
ROSTER_SYNONYMS: dict[str, tuple[str, ...]] = {
    "number": ("序号", "编号"),
    "name": ("姓名", "名字", "领导姓名", "班子成员", "班子成员姓名", "领导班子成员", "领导班子成员姓名"),
    "title": ("职务", "现任职务", "现任（曾任）职务", "曾任职务", "担任职务", "任职职务", "职务名称", "现职务",
              "党政职务", "职务（职级）"),
    "term": ("任职起止时间", "任职起止日期", "任职起止年月", "起止时间", "起止年月", "任职期间", "任职时段", "任期",
             "任职起止"),
    "start": ("任职时间", "任现职时间", "任职日期", "任现职日期", "任职年月", "任现职年月", "任职起始时间",
              "任职开始时间", "任职起始日期", "起始时间", "到任时间"),
    "end": ("离任时间", "离任日期", "离任年月", "免职时间", "卸任时间", "离职时间", "任职终止时间", "任职结束时间",
            "任职截止时间", "终止时间"),
    "areas": ("分管工作", "分管领域", "分管范围", "分管部门", "工作分工", "分工", "分管工作及联系单位", "分管（联系）工作",
              "主要职责"),
    "principal": ("是否主要负责人", "是否一把手", "一把手", "主要负责人", "是否党组（党委）书记"),
}
_SYNONYM = {normalize_header(n): f for f, names in ROSTER_SYNONYMS.items() for n in names}
_FIELD_NAME = {f: names[0] for f, names in ROSTER_SYNONYMS.items()}
_HEADER_SCAN_ROWS = 15
MAX_ROWS = 5000  # a leadership roster has dozens of rows; more is not a roster

_MSG_DATE_FORMAT = gettext_noop("请写成 2016.05、2016年5月、2016年5月12日，或 2016.05—2020.08、2018年3月至今 等格式")
_PRINCIPAL_TITLES = ("党组书记", "党委书记")
_FORMER = re.compile(r"^(?:原任|原|时任|曾任)(?=\S)")
_RANK_ONLY = re.compile(r"(?:[一二三四]级)?副?(?:巡视员|调研员|主任科员|科员|职员)")
_YES = {"是", "√", "✓", "✔", "☑", "y", "yes", "true", "1", "一把手", "主要负责人"}
_NO = {"否", "×", "✗", "✘", "n", "no", "false", "0", "不是", "-", "—", "/", "无"}
_OPEN_WORDS = ("至今", "今", "现在", "现任", "在任", "未离任")
_NOTHING = {"", "-", "—", "--", "——", "/", "无", "空"}
_HEADING = re.compile(r"^(?:[一二三四五六七八九十]+[、.]|\([一二三四五六七八九十]+\)|现任|曾任|历任|原任|前任)")


def title_is_principal(title: str) -> bool:
    """党组书记、厅长 and 党委书记、董事长 are principals; 党委副书记、总经理 and 纪委书记 are not."""
    return compact(title).startswith(_PRINCIPAL_TITLES)


def _is_leadership_title(title: str) -> bool:
    """Every title is a seat in the leadership body except a rank alone (二级巡视员, 调研员)."""
    pieces = [p for p in re.split(r"[、，,/；;]", compact(title)) if p]
    return not pieces or not all(_RANK_ONLY.fullmatch(p) for p in pieces)


# =========================================================================== dates and terms


@dataclass(frozen=True)
class Term:
    """What a time cell says. ``valid`` False: not understood. ``end`` is exclusive; ``open_end``: the
    cell says 至今 / ends with a dash (still in office). ``notes``: how an ambiguous value was read."""

    start: dt.date | None = None
    end: dt.date | None = None
    open_end: bool = False
    valid: bool = True
    dates: int = 0
    note: str = ""


_EMPTY = Term()
_INVALID = Term(valid=False)
_EXCEL_EPOCH = dt.date(1899, 12, 30)
_SERIAL_MIN, _SERIAL_MAX = 18264, 73051  # 1950-01-01 .. 2099-12-31

_DATE = re.compile(
    r"(?<!\d)(?:"
    r"(?P<y>\d{4})\s*(?:年|[.\-/])\s*(?P<m>\d{1,2})(?:\s*(?:月|[.\-/])\s*(?P<d>\d{1,2})(?!\d)\s*[日号]?|(?!\d)\s*月?(?:份)?)"
    r"|(?P<cy>(?:19|20)\d{2})(?P<cm>0[1-9]|1[0-2])(?P<cd>[0-3]\d)?(?!\d)"
    r")"
)
_DASHES = "—–\\-~〜―─_"
_SKELETON = re.compile(
    r"^D(?:(?:[" + _DASHES + r"]+|至|到)(?:D|至今|今|现在|现任|在任)?(?:止)?|至今|起(?:至今)?|以来|开始)?$"
)
_REMARKS = re.compile(r"\([^()]*\)|\[[^\[\]]*\]|【[^【】]*】")


def _valid_date(y: int, m: int, d: int) -> dt.date | None:
    if not 1950 <= y <= 2100:
        return None
    try:
        return dt.date(y, m, d)
    except ValueError:
        return None


def _number_term(value: float) -> Term:
    """A number cell: an Excel serial date, 2016.05 typed as a number, 201605 or 20160512."""
    if float(value).is_integer():
        n = int(value)
        if _SERIAL_MIN <= n <= _SERIAL_MAX:
            return Term(start=_EXCEL_EPOCH + dt.timedelta(days=n), dates=1)
        s = str(n)
        if len(s) in (6, 8):
            d = _valid_date(int(s[:4]), int(s[4:6]), int(s[6:]) if len(s) == 8 else 1)
            return Term(start=d, dates=1) if d else _INVALID
        return _INVALID  # 2016 alone: the month is missing
    text = repr(float(value))
    year_text, _dot, frac = text.partition(".")
    if len(year_text) != 4 or len(frac) not in (1, 2):
        return _INVALID
    month = int(frac) * (10 if len(frac) == 1 and frac == "1" else 1)
    d = _valid_date(int(year_text), month, 1)
    if d is None:
        return _INVALID
    note = ""
    if len(frac) == 1 and frac == "1":  # Excel shows 2016.10 typed as a number as 2016.1
        note = gettext("数字 %(value)s 按 %(year)s年10月 理解（Excel 会把 %(year)s.10 显示为 %(value)s）；"
                       "如指1月，请写成文本 %(year)s.01") % {"value": text, "year": year_text}
    return Term(start=d, dates=1, note=note)


def parse_term(value: object) -> Term:
    """A time cell -> :class:`Term`: one date (start or end), or a term "start—end" / "start至今"."""
    if value is None or value == "":
        return _EMPTY
    if isinstance(value, dt.datetime):
        return Term(start=value.date(), dates=1)
    if isinstance(value, dt.date):
        return Term(start=value, dates=1)
    if isinstance(value, bool):
        return _INVALID
    if isinstance(value, int | float):
        return _number_term(value)
    text = unicodedata.normalize("NFKC", cell_text(value))
    text = re.sub(r"\s+", "", _REMARKS.sub("", text))
    if text in _NOTHING:
        return _EMPTY
    if text in _OPEN_WORDS:
        return Term(open_end=True)
    found: list[dt.date] = []
    pieces: list[str] = []
    last = 0
    for m in _DATE.finditer(text):
        g = m.groupdict()
        if g["y"]:
            d = _valid_date(int(g["y"]), int(g["m"]), int(g["d"]) if g["d"] else 1)
        else:
            d = _valid_date(int(g["cy"]), int(g["cm"]), int(g["cd"]) if g["cd"] else 1)
        if d is None:
            return _INVALID
        found.append(d)
        pieces.append(text[last:m.start()])
        pieces.append("D")
        last = m.end()
    pieces.append(text[last:])
    skeleton = "".join(pieces)
    if not found or len(found) > 2 or not _SKELETON.fullmatch(skeleton):
        return _INVALID
    open_end = len(found) == 1 and skeleton != "D"
    return Term(start=found[0], end=found[1] if len(found) == 2 else None, open_end=open_end, dates=len(found))


# =========================================================================== the sheet


@dataclass
class ParsedRoster:
    entries: list[RosterEntry] = field(default_factory=list)
    errors: list[LedgerError] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    sheets: list[str] = field(default_factory=list)
    skipped_sheets: list[str] = field(default_factory=list)
    columns: dict[str, dict[str, str]] = field(default_factory=dict)  # sheet -> field -> column letter


@dataclass
class _Header:
    row: int  # 0-based index of the last header row
    cols: dict[str, int]
    labels: dict[int, str]

    def label(self, name: str) -> str:
        c = self.cols.get(name)
        return self.labels[c] if c is not None else _FIELD_NAME[name]


_SUB_START = {"起", "始", "起始", "开始", "任职", "到任", "任", "自"}
_SUB_END = {"止", "终", "终止", "结束", "截止", "离任", "免", "至"}


def _find_header(rows: list[tuple[int, list[object]]]) -> _Header | None:
    """The first of the first rows naming both 姓名 and 职务. A row right under it with only 起/止
    (任职/离任) under a merged 任职时间 cell names the start and end columns."""
    nonblank = [(r, row) for r, row in rows if any(cell_text(v) for v in row)][:_HEADER_SCAN_ROWS]
    for i, (r, row) in enumerate(nonblank):
        labels = {c: re.sub(r"\s+", "", cell_text(v)) for c, v in enumerate(row) if cell_text(v)}
        cols: dict[str, int] = {}
        for c in sorted(labels):
            f = _SYNONYM.get(normalize_header(labels[c]))
            if f and f not in cols:
                cols[f] = c
        if "name" not in cols or "title" not in cols:
            continue
        last = r
        if i + 1 < len(nonblank) and nonblank[i + 1][0] == r + 1:
            sub = {c: compact(cell_text(v)) for c, v in enumerate(nonblank[i + 1][1]) if cell_text(v)}
            if sub and all(t in _SUB_START | _SUB_END for t in sub.values()):
                last = r + 1
                for c, t in sub.items():
                    cols.setdefault("start" if t in _SUB_START else "end", c)
                    labels[c] = (labels.get(c) or labels.get(c - 1, "")) + t
                if "start" in cols and "end" in cols:
                    cols.pop("term", None)
        return _Header(last, cols, labels)
    return None


class _SheetReader:
    def __init__(self, result: ParsedRoster, sheet: str, header: _Header, seen_rows: int) -> None:
        self.result = result
        self.sheet = sheet
        self.h = header
        self.cols = header.cols
        self.letters = {f: column_letter(c) for f, c in header.cols.items()}
        self.seen_rows = seen_rows
        result.columns[sheet] = dict(self.letters)

    def error(self, row: int | None, fieldname: str | None, message: str) -> None:
        self.result.errors.append(LedgerError(self.sheet, row, self.letters.get(fieldname or ""), message))

    def text(self, texts: list[str], fieldname: str) -> str:
        c = self.cols.get(fieldname)
        return texts[c] if c is not None and c < len(texts) else ""

    def value(self, vals: list[object], fieldname: str) -> object:
        c = self.cols.get(fieldname)
        return vals[c] if c is not None and c < len(vals) else None

    def read(self, rows: list[tuple[int, list[object]]], spans: dict[tuple[int, int], int]) -> int:
        if "start" not in self.cols and "term" not in self.cols:
            names = "、".join(ROSTER_SYNONYMS["start"][:2] + ROSTER_SYNONYMS["term"][:1])
            self.error(None, None, gettext("未找到任职时间列（可用的列名：%(names)s 等）") % {"names": names})
            return 0
        count = 0
        for r, vals in rows:
            if r <= self.h.row:
                continue
            count += 1
            if self.seen_rows + count > MAX_ROWS:
                self.error(r + 1, None, gettext("名单超过 %(max)s 行，不像领导班子名单：请只保留领导班子成员后再导入")
                           % {"max": MAX_ROWS})
                return count
            self.row(r, vals, spans)
        return count

    def row(self, r: int, vals: list[object], spans: dict[tuple[int, int], int]) -> None:
        texts = [cell_text(v) for v in vals]
        own = [c for c, t in enumerate(texts) if t]
        if not own:
            return
        first = compact(texts[own[0]])
        if is_footer_row(first):
            return
        name_c, title_c = self.cols["name"], self.cols["title"]
        if _SYNONYM.get(normalize_header(self.text(texts, "name"))) == "name":
            return  # the header repeated on a new page
        if own == [self.cols.get("number")]:
            return  # a numbered but empty line
        if len(own) == 1 and (own[0] not in (name_c, title_c) or spans.get((r, own[0]), 1) > 1
                              or _HEADING.match(first)):
            return  # a heading such as 一、现任领导班子成员
        row = r + 1
        name = self.text(texts, "name")
        if re.search(r"[\u4e00-\u9fff]", name):
            name = re.sub(r"\s+", "", name)  # 张  三: padded for alignment
        title = _FORMER.sub("", re.sub(r"\s*\n\s*", "", self.text(texts, "title")))
        ok = True
        if not name:
            ok = False
            self.error(row, "name", gettext("第%(row)s行缺少“%(column)s”：请填写姓名，或删除该行")
                       % {"row": row, "column": self.h.label("name")})
        if not title:
            ok = False
            self.error(row, "title", gettext("第%(row)s行缺少“%(column)s”：请填写职务（如 党组成员、副厅长）")
                       % {"row": row, "column": self.h.label("title")})
        start, end, term_ok = self.term(row, vals, texts)
        principal, stated, principal_ok = self.principal(row, texts, title)
        if not (ok and term_ok and principal_ok) or start is None:
            return
        self.result.entries.append(RosterEntry(
            sheet=self.sheet, row=row, name=name, title=title, start=start, end=end, areas=self.areas(texts),
            is_principal=principal, principal_stated=stated, is_leadership_member=_is_leadership_title(title),
            columns=self.letters_for_row(),
        ))

    def letters_for_row(self) -> dict[str, str]:
        letters = dict(self.letters)
        if "start" not in letters and "term" in letters:
            letters["start"] = letters["term"]
        if "end" not in letters and "term" in letters:
            letters["end"] = letters["term"]
        return letters

    def term(self, row: int, vals: list[object], texts: list[str]) -> tuple[dt.date | None, dt.date | None, bool]:
        """(start, end, readable) from the start/end columns, or the one term column."""
        parsed: dict[str, Term] = {}
        for f in ("start", "end", "term"):
            if f in self.cols:
                term = parse_term(self.value(vals, f))
                if not term.valid:
                    self.error(row, f, gettext("第%(row)s行“%(column)s”无法识别：“%(value)s”。%(hint)s")
                               % {"row": row, "column": self.h.label(f), "value": self.text(texts, f),
                                  "hint": gettext(_MSG_DATE_FORMAT)})
                    return None, None, False
                if term.note:
                    self.result.notices.append(gettext("第%(row)s行：%(note)s") % {"row": row, "note": term.note})
                parsed[f] = term
        start_t = parsed.get("start", _EMPTY)
        where = "start"
        if start_t.start is None and not start_t.open_end and "term" in parsed:
            start_t, where = parsed["term"], "term"
        end_t = parsed.get("end", _EMPTY)
        if end_t.dates > 1 or (end_t.start is not None and end_t.open_end):
            self.error(row, "end", gettext("第%(row)s行“%(column)s”只能写一个日期（离任时间）或“至今”：“%(value)s”")
                       % {"row": row, "column": self.h.label("end"), "value": self.text(texts, "end")})
            return None, None, False
        start, end = start_t.start, start_t.end
        end_where = where
        if end_t.start is not None:
            if end is not None and end != end_t.start:
                self.error(row, "end", gettext("第%(row)s行“%(column)s”与“%(other)s”中的离任时间不一致，请只保留一处")
                           % {"row": row, "column": self.h.label("end"), "other": self.h.label(where)})
                return None, None, False
            end, end_where = end_t.start, "end"
        if start is None:
            self.error(row, where, gettext("第%(row)s行缺少任职时间：请在“%(column)s”列填写（如 2016.05 或 2016.05—2020.08）")
                       % {"row": row, "column": self.h.label(where)})
            return None, None, False
        if end is not None and end <= start:
            self.error(row, end_where, gettext(
                "第%(row)s行离任时间（%(end)s）不晚于任职时间（%(start)s）：请核对；只写到月份的按该月1日计，"
                "同月任离的请写明日期") % {"row": row, "end": f"{end:%Y-%m-%d}", "start": f"{start:%Y-%m-%d}"})
            return None, None, False
        return start, end, True

    def principal(self, row: int, texts: list[str], title: str) -> tuple[bool, bool, bool]:
        """(is principal, whether a column said so, readable)."""
        raw = self.text(texts, "principal")
        word = compact(raw).lower()
        if word in _YES:
            return True, True, True
        if word in _NO:
            return False, True, True
        if word:
            self.error(row, "principal", gettext("第%(row)s行“%(column)s”无法识别：“%(value)s”。请填写“是”或“否”，"
                                                 "或留空（按职务识别：党组书记、党委书记开头的为主要负责人）")
                       % {"row": row, "column": self.h.label("principal"), "value": raw})
            return False, False, False
        return title_is_principal(title), False, True

    def areas(self, texts: list[str]) -> str:
        text = self.text(texts, "areas")
        if compact(text) in _NOTHING:
            return ""
        pieces = [re.sub(r"^(?:分管|负责)(?=\S)", "", p.strip()) for p in re.split(r"[、，,；;\n]", text)]
        return "、".join(p for p in pieces if p)


def _source_rows(source: Sheet) -> tuple[list[tuple[int, list[object]]], dict[tuple[int, int], int]]:
    """The sheet's rows with vertically merged cells filled down (a name over a person's two rows), and
    the width of horizontally merged cells (a heading across the table)."""
    rows = []
    for r, row in source.rows():
        rows.append((r, list(row)))
        if len(rows) > MAX_ROWS + 50:
            break
    by_index = {r: row for r, row in rows}
    spans: dict[tuple[int, int], int] = {}
    for r0, c0, r1, c1 in source.merges:
        if c1 > c0:
            spans[(r0, c0)] = c1 - c0 + 1
        value = by_index.get(r0, [])[c0] if c0 < len(by_index.get(r0, [])) else ""
        for r in range(r0 + 1, r1 + 1):
            row = by_index.get(r)
            if row is None:
                continue
            if c0 >= len(row):
                row.extend([""] * (c0 + 1 - len(row)))
            if row[c0] in ("", None):
                row[c0] = value
    return rows, spans


def parse_roster(data: bytes, filename: str, *, password: str | None = None) -> ParsedRoster:
    """Parse a roster file (.xlsx, .xls or .csv — told by content) into rows (:class:`RosterEntry`).

    Raises :class:`~rectify.ledger.parsing.LedgerFileError` only when the file as a whole cannot be read;
    everything else is in ``errors`` (sheet, row, column letter, Chinese message). Rows with an error are
    left out of ``entries``, so the result is only fit to commit when ``errors`` is empty.
    """
    result = ParsedRoster()
    seen = 0
    sources = open_sheets(data, filename, password)
    for source in sources:
        if source.hidden:
            result.skipped_sheets.append(source.name)
            continue
        rows, spans = _source_rows(source)
        header = _find_header(rows)
        if header is None:
            result.skipped_sheets.append(source.name)
            continue
        result.sheets.append(source.name)
        seen += _SheetReader(result, source.name, header, seen).read(rows, spans)
    if not result.sheets:
        result.errors.append(LedgerError(
            sources[0].name if sources else filename, None, None,
            gettext("没有找到领导班子名单的表头：前%(rows)s行中须有一行同时包含“姓名”列和“职务”列"
                    "（职务、现任职务、现任（曾任）职务）") % {"rows": _HEADER_SCAN_ROWS}))
    return result


# =========================================================================== importing


def roster_import(
    *, actor: User | None, data: bytes, filename: str, unit_code: str, dry_run: bool = True,
    password: str | None = None, expected_fingerprint: str | None = None,
) -> RosterResult:
    """Read the roster and compare it with the unit's; unless ``dry_run`` or any error, commit it all.

    ``actor`` None is the local operator on the command line. Raises LedgerFileError for a file that cannot
    be read at all, NotFound for a unit the actor may not see, PermissionDenied when they may not maintain
    its roster, Conflict when the roster changed since the dry run whose fingerprint is given.
    """
    user = actor if actor is not None else cli_operator()
    unit = org_selectors.org_unit_get_for(user=user, code=(unit_code or "").strip())
    parsed = sandbox.parse_roster(data, filename, password=password)  # in a child process with limits
    if dry_run or parsed.errors:
        result = org_services.roster_plan(actor=user, unit=unit, entries=parsed.entries)
    else:
        result = org_services.roster_apply(
            actor=actor, unit=unit, entries=parsed.entries, expected_fingerprint=expected_fingerprint,
            source={"file": filename, "sha256": hashlib.sha256(data).hexdigest()},
        )
    errors = [RosterError(e.sheet, e.row, e.column, e.message) for e in parsed.errors] + result.errors
    result.errors = sorted(errors, key=lambda e: (e.sheet or "", e.row or 0, len(e.column or ""), e.column or ""))
    result.notices[:0] = parsed.notices
    if parsed.skipped_sheets:
        result.notices.append(gettext("已跳过的工作表（没有姓名、职务表头或已隐藏）：%(sheets)s")
                              % {"sheets": "、".join(parsed.skipped_sheets)})
    return result
