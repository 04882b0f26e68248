"""The standard rectification ledger (整改台账) as an Excel workbook — the layout units hand in.

``ledger_export`` writes one sheet per inspected unit; for a whole round it also writes a first
sheet "汇总" with each unit's counts (``round_progress_for``). A unit sheet reads:

* row 1 the title, row 2 a note (unit, feedback date, export date), rows 3-4 the header, with
  责任落实 spanning 责任领导 / 责任部门 / 配合部门 / 责任人 and every other header merged over both rows;
* per level-1 problem category (in code order, 未分类 last) a heading row "一、…方面（共N个）",
  then its fed-back problems in natural order of their identifiers (2 before 10, P2 before P10);
  a problem spans one row per task, its own cells merged down;
* then, if the unit found problems itself (举一反三), one more heading "N、自查问题（共M个）" and those
  problems, in the same order; the last column, 问题来源, says 反馈问题 or 自查问题 on every problem.

The file round-trips through the ledger parser, so values are written exactly as stored: an all-digit
identifier as a number cell, any other as text, deadlines as date cells, names joined with "、" only,
no padding or truncation.
Text that a spreadsheet would take for a formula (= + - @, tab, CR first) stays text.

Why it stays small and fast at 100,000 tasks:

1. openpyxl's write-only mode streams rows to a temporary file, so memory does not grow with rows.
   Merged ranges go straight into the sheet's set of ranges: ``MultiCellRange.add`` scans every
   range already there, which is quadratic over a large ledger.
2. Problems are read in pages of ``PAGE_SIZE``; a page costs three queries (problems; tasks with
   their warning and latest progress entry; responsibilities), whatever its size.
3. Styles are named styles registered once; a cell starts from a copy of its style's array instead
   of having fonts, borders and fills looked up for it one by one.
"""

from __future__ import annotations

import datetime as dt
import io
import itertools
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import (
    Case,
    F,
    IntegerField,
    Prefetch,
    Q,
    QuerySet,
    Value,
    When,
    prefetch_related_objects,
)
from django.db.models.functions import Coalesce
from django.utils import translation
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Side
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.cell_range import CellRange
from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.worksheet import Worksheet

from rectify.accounts.models import User
from rectify.core import clock
from rectify.inspections import selectors as inspection_selectors
from rectify.inspections.models import InspectedUnit, InspectionRound, Problem, ProblemKind
from rectify.rectification import selectors
from rectify.rectification.models import Task, TaskStatus

PAGE_SIZE = 2000  # problems per read; each page costs three queries
SUMMARY_SHEET = "汇总"
UNCATEGORISED = "未分类"
SELF_FOUND_SECTION = "自查问题"  # the parser reads a heading saying this as "self-found problems below"
SOURCE_TEXT = {ProblemKind.FEEDBACK: "反馈问题", ProblemKind.SELF_FOUND: "自查问题"}
NUMBER_CELL_DIGITS = 15  # an all-digit identifier up to this long is a number cell (exact in a double)
DATE_FORMAT = 'yyyy"年"m"月"d"日"'
NAME_JOINER = "、"
WARNING_TEXT = {"red": "红灯", "yellow": "黄灯", "green": "绿灯"}
WORKBOOK_LANGUAGE = "zh-hans"
# A cell starting with one of these is a formula (or becomes one when someone edits it) in Excel/WPS.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
SHEET_NAME_MAX = 31
SHEET_NAME_FORBIDDEN = str.maketrans("", "", "[]:*?/\\")
RESERVED_SHEET_NAMES = {SUMMARY_SHEET.casefold(), "history"}  # Excel reserves "History"


@dataclass(frozen=True)
class Column:
    header: str
    width: float
    group: str = ""  # the merged header above this one, if any


COLUMNS: tuple[Column, ...] = (
    Column("序号", 6),
    Column("问题类别", 14),
    Column("反馈问题", 36),
    Column("问题表现", 30),
    Column("整改措施", 36),
    Column("完成标准", 28),
    Column("整改类型", 10),
    Column("责任领导", 12, group="责任落实"),
    Column("责任部门", 14, group="责任落实"),
    Column("配合部门", 14, group="责任落实"),
    Column("责任人", 12, group="责任落实"),
    Column("完成时限", 14),
    Column("整改进展", 30),
    Column("状态", 10),
    Column("预警", 8),
    Column("备注", 16),
    Column("问题来源", 10),
)
HEADER_ROWS = (3, 4)
FREEZE_AT = "B5"  # below the header, right of 序号
PROBLEM_COLUMNS = (1, 2, 3, 4, 16, 17)  # 序号, 问题类别, 反馈问题, 问题表现, 备注, 问题来源: merged over the task rows

SUMMARY_COLUMNS: tuple[Column, ...] = (
    Column("序号", 6),
    Column("被巡视单位", 36),
    Column("问题数", 10),
    Column("已完成", 10),
    Column("基本完成", 10),
    Column("未完成", 10),
    Column("完成率", 10),
    Column("红灯", 8),
    Column("黄灯", 8),
    Column("逾期任务", 10),
)


def ledger_export(*, user: User, round_code: str, unit_code: str | None = None,
                  today: dt.date | None = None, progress: Callable[[int], None] | None = None) -> bytes:
    """The ledger of one inspected unit, or of every unit of the round in the user's scope, as .xlsx bytes.

    1. Resolve the round or the unit through the scoped selectors (``NotFound`` when out of scope).
    2. For a whole round, write "汇总" from ``round_progress_for`` (its counts, as of ``today``).
    3. For each inspected unit, write its sheet from pages of problems (``_write_unit``).
    """
    today = today or clock.today()
    wb = Workbook(write_only=True)
    wb.properties.creator = "整改通 Rectify"
    styles = _Styles(wb)
    if unit_code:
        inspected = inspection_selectors.inspected_unit_get_for(user=user, round_code=round_code,
                                                                unit_code=unit_code)
        units = [inspected]
        titles = sheet_titles([inspected], reserved=set())
    else:
        rnd = inspection_selectors.round_get_for(user=user, code=round_code)
        units_progress = selectors.round_progress_for(user=user, round=rnd, today=today)
        _write_summary(wb.create_sheet(SUMMARY_SHEET), styles, rnd=rnd, progress=units_progress, today=today)
        units = [p.inspected_unit for p in units_progress]
        titles = sheet_titles(units, reserved=RESERVED_SHEET_NAMES)
    # The workbook is the standard Chinese ledger, which the importer reads back: choice labels
    # (整改类型, 状态) are written in Chinese whatever the language of the page that asked for it.
    done = [0]
    total = max(1, _task_total(units)) if progress else 1  # one count, only when someone follows the progress

    def pages_written(tasks: int) -> None:  # progress runs from 0 to 90 % over the tasks written, the rest is zip
        done[0] += tasks
        if progress:
            progress(min(90, 90 * done[0] // total))

    with translation.override(WORKBOOK_LANGUAGE):
        for inspected, title in zip(units, titles, strict=True):
            _write_unit(wb.create_sheet(title), styles, user=user, inspected=inspected, today=today,
                        on_page=pages_written)
    if progress:
        progress(92)  # saving: the zip compression is the last tenth or so
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _task_total(units: Sequence[InspectedUnit]) -> int:
    return Task.objects.filter(problem__inspected_unit__in=list(units)).count()


# --- sheet names ------------------------------------------------------------------------------

def sheet_titles(units: Sequence[InspectedUnit], *, reserved: set[str]) -> list[str]:
    """A valid, unique sheet name per unit: its short name or name, without []:*?/\\, at most 31 characters.

    Excel compares sheet names case-insensitively; a clash gets "(2)", "(3)" … within the limit.
    """
    taken = {name.casefold() for name in reserved}
    titles = []
    for iu in units:
        base = _clean_sheet_name(iu.unit.short_name) or _clean_sheet_name(iu.unit.name)
        base = base or _clean_sheet_name(iu.unit.code) or "单位"
        title = base
        for n in itertools.count(2):
            if title.casefold() not in taken:
                break
            suffix = f"({n})"
            title = base[: SHEET_NAME_MAX - len(suffix)] + suffix
        taken.add(title.casefold())
        titles.append(title)
    return titles


def _clean_sheet_name(name: str) -> str:
    # Excel also refuses a name that starts or ends with an apostrophe.
    return ILLEGAL_CHARACTERS_RE.sub("", name.translate(SHEET_NAME_FORBIDDEN)).strip().strip("'")[:SHEET_NAME_MAX]


# --- reading --------------------------------------------------------------------------------

@dataclass(frozen=True)
class _Group:
    code: str | None  # level-1 category code; None = 未分类
    name: str
    count: int


def _unit_problems(*, user: User, inspected: InspectedUnit) -> QuerySet[Problem]:
    return inspection_selectors.problems_in_scope(user=user).filter(inspected_unit=inspected)


def _ledger_order(*, user: User, inspected: InspectedUnit) -> tuple[list[int], dict[int, _Group]]:
    """Problem ids in ledger order and each one's group: fed-back problems by level-1 category (by code,
    未分类 last), then the self-found ones as one group; within a group by identifier, naturally.

    One query of ids only, so the pages that follow see the same order and the headings their full counts.
    """
    self_found = ProblemKind.SELF_FOUND
    rows = list(
        _unit_problems(user=user, inspected=inspected)
        .annotate(
            group_code=Coalesce(F("category__parent__code"), F("category__code")),
            group_name=Coalesce(F("category__parent__name"), F("category__name")),
        )
        .annotate(
            self_found=Case(When(kind=self_found, then=Value(1)), default=Value(0), output_field=IntegerField()),
            order_code=Case(When(kind=self_found, then=Value(None)), default=F("group_code")),
        )
        .order_by("self_found", F("order_code").asc(nulls_last=True), "sort_key", "pk")
        .values_list("pk", "kind", "group_code", "group_name")
    )
    keys = [(True, None) if kind == self_found else (False, code) for _, kind, code, _ in rows]
    counts = Counter(keys)
    groups: dict[tuple[bool, str | None], _Group] = {}
    by_problem = {}
    for (pk, _, code, name), key in zip(rows, keys, strict=True):
        if key not in groups:
            groups[key] = (_Group(code=None, name=SELF_FOUND_SECTION, count=counts[key]) if key[0]
                           else _Group(code=code, name=name or UNCATEGORISED, count=counts[key]))
        by_problem[pk] = groups[key]
    return [r[0] for r in rows], by_problem


@dataclass
class _Page:
    problems: list[Problem]  # in ledger order, each with ``tasks`` prefetched
    names: dict[int, tuple[str, str, str, str]]  # task id → 责任领导, 责任部门, 配合部门, 责任人


def _problem_pages(*, user: User, inspected: InspectedUnit, ids: list[int], today: dt.date) -> Iterator[_Page]:
    """Problems with their tasks and responsible names, in the order of ``ids``, ``PAGE_SIZE`` at a time.

    Three queries a page: the problems; their tasks with warning and latest progress entry; the names.
    """
    for start in range(0, len(ids), PAGE_SIZE):
        chunk = ids[start:start + PAGE_SIZE]
        found = {
            p.pk: p
            for p in _unit_problems(user=user, inspected=inspected).filter(pk__in=chunk).select_related("category")
        }
        problems = [found[pk] for pk in chunk if pk in found]
        _attach_tasks(problems, today=today)
        yield _Page(problems=problems, names=_responsible_names(problems))


def _attach_tasks(problems: list[Problem], *, today: dt.date) -> None:
    """Each problem's tasks with their warning as of ``today`` (the date the note line and the summary
    use) and the text of their latest progress entry — a subquery on the tasks' own query."""
    tasks = selectors.tasks_with_state(today=today).annotate(latest_progress=selectors.latest_progress_text())
    prefetch_related_objects(problems, Prefetch("tasks", queryset=tasks))


def _responsible_names(problems: list[Problem]) -> dict[int, tuple[str, ...]]:
    """Per task, the four responsibility columns' names "、"-joined: one query for the page."""
    names = selectors.responsible_names(tasks=Q(task__problem__in=problems))
    return {task_id: tuple(NAME_JOINER.join(columns.get(c, [])) for c in selectors.RESPONSIBLE_COLUMNS)
            for task_id, columns in names.items()}


# --- styles -----------------------------------------------------------------------------------

class _Styles:
    """The workbook's named styles (they also show in Excel's style list), registered once."""

    TITLE = "台账标题"
    NOTE = "台账说明"
    HEADER = "台账表头"
    CATEGORY = "台账分类"
    TEXT = "台账正文"
    CENTRE = "台账居中"
    DATE = "台账日期"
    PERCENT = "台账百分比"
    TOTAL = "台账合计"
    CLOSED = "台账已销号"
    WARNING = {"red": "台账红灯", "yellow": "台账黄灯", "green": "台账绿灯"}

    def __init__(self, wb: Workbook) -> None:
        self.arrays: dict[str, StyleArray] = {}
        font = "宋体"
        thin = Side(style="thin", color="000000")
        grid = Border(left=thin, right=thin, top=thin, bottom=thin)
        top_left = Alignment(horizontal="left", vertical="top", wrap_text=True)
        top_centre = Alignment(horizontal="center", vertical="top", wrap_text=True)
        middle_centre = Alignment(horizontal="center", vertical="center", wrap_text=True)

        def fill(rgb: str) -> PatternFill:
            return PatternFill(fill_type="solid", start_color=rgb, end_color=rgb)

        def add(name: str, **attrs: Any) -> None:
            attrs.setdefault("font", Font(name=font, size=11))
            style = NamedStyle(name=name, **attrs)
            wb.add_named_style(style)
            self.arrays[name] = style.as_tuple()  # what ``cell.style = name`` would copy, looked up once

        add(self.TITLE, font=Font(name=font, size=16, bold=True), alignment=middle_centre)
        add(self.NOTE, alignment=Alignment(horizontal="left", vertical="center"))
        add(self.HEADER, font=Font(name=font, size=11, bold=True), fill=fill("D9D9D9"), border=grid,
            alignment=middle_centre)
        add(self.CATEGORY, font=Font(name=font, size=11, bold=True), border=grid,
            alignment=Alignment(horizontal="left", vertical="center", wrap_text=True))
        add(self.TEXT, border=grid, alignment=top_left)
        add(self.CENTRE, border=grid, alignment=top_centre)
        add(self.DATE, border=grid, alignment=top_centre, number_format=DATE_FORMAT)
        add(self.PERCENT, border=grid, alignment=top_centre, number_format="0.00%")
        add(self.TOTAL, font=Font(name=font, size=11, bold=True), border=grid, alignment=top_centre)
        add(self.CLOSED, border=grid, alignment=top_centre, fill=fill("C6EFCE"))
        for colour, rgb in (("red", "FFC7CE"), ("yellow", "FFEB9C"), ("green", "C6EFCE")):
            add(self.WARNING[colour], border=grid, alignment=top_centre, fill=fill(rgb))


# --- writing ------------------------------------------------------------------------------------

class _Sheet:
    """A write-only sheet that knows its current row and records merges.

    Write-only sheets write their properties, panes and columns before the first row, so all of
    the set-up happens here.
    """

    def __init__(self, ws: Any, styles: _Styles, columns: Sequence[Column], *, freeze: str, title_rows: str) -> None:
        self.ws = ws
        self.style_arrays = styles.arrays
        self.row = 0
        self.width = len(columns)
        for index, column in enumerate(columns, start=1):
            ws.column_dimensions[get_column_letter(index)].width = column.width
        ws.freeze_panes = freeze
        ws.print_title_rows = title_rows  # repeated at the top of every printed page
        ws.page_setup.orientation = Worksheet.ORIENTATION_LANDSCAPE
        ws.page_setup.paperSize = Worksheet.PAPERSIZE_A4
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0  # as many pages down as it takes
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.print_options.horizontalCentered = True
        ws.page_margins = PageMargins(left=0.3, right=0.3, top=0.5, bottom=0.6, header=0.2, footer=0.3)
        ws.oddFooter.center.text = "第 &P 页 共 &N 页"

    def cell(self, value: Any, style: str) -> Cell:
        if isinstance(value, str):
            # Control characters cannot be stored in .xlsx at all; everything else is written as is.
            value = ILLEGAL_CHARACTERS_RE.sub("", value) or None
        # Row and column are placeholders: a write-only sheet places the cell when the row is appended.
        cell = Cell(self.ws, row=1, column=1, value=value, style_array=self.style_arrays[style])
        if isinstance(value, str):
            cell.data_type = "s"  # openpyxl takes "=…" for a formula and "#N/A" for an error: text is text
            if value.startswith(FORMULA_TRIGGERS):
                cell.quotePrefix = True  # and Excel/WPS keep it text when someone edits the cell
        return cell

    def append(self, cells: list[Cell], *, height: float | None = None) -> int:
        self.row += 1
        if height is not None:
            self.ws.row_dimensions[self.row].height = height
        self.ws.append(cells)
        return self.row

    def merge(self, *, first_row: int, last_row: int, first_col: int = 1, last_col: int | None = None) -> None:
        last_col = first_col if last_col is None else last_col
        if (first_row, first_col) == (last_row, last_col):
            return
        # The set itself, not MultiCellRange.add (which scans every range already there).
        self.ws.merged_cells.ranges.add(
            CellRange(min_col=first_col, min_row=first_row, max_col=last_col, max_row=last_row)
        )

    def banner(self, text: str, style: str, *, height: float | None = None) -> None:
        """A row with one text across all columns (title, note, category heading)."""
        row = self.append([self.cell(text, style)] + [self.cell(None, style) for _ in range(self.width - 1)],
                          height=height)
        self.merge(first_row=row, last_row=row, last_col=self.width)


def cn_date(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def cn_numeral(n: int) -> str:
    """1 → 一, 10 → 十, 14 → 十四, 23 → 二十三 (the heading numbers of a Chinese document)."""
    digits = "零一二三四五六七八九"
    if n < 10:
        return digits[n]
    if n < 100:
        tens, ones = divmod(n, 10)
        return ("" if tens == 1 else digits[tens]) + "十" + (digits[ones] if ones else "")
    return str(n)


def _write_unit(ws: Any, styles: _Styles, *, user: User, inspected: InspectedUnit, today: dt.date,
                on_page: Callable[[int], None] | None = None) -> None:
    sheet = _Sheet(ws, styles, COLUMNS, freeze=FREEZE_AT, title_rows=f"{HEADER_ROWS[0]}:{HEADER_ROWS[-1]}")
    unit, rnd = inspected.unit, inspected.round
    sheet.banner(f"{unit.name}落实{rnd.name}反馈意见整改台账", styles.TITLE, height=36)
    sheet.banner(
        f"填报单位：{unit.name}    反馈日期：{cn_date(inspected.feedback_date)}    导出日期：{cn_date(today)}",
        styles.NOTE, height=20,
    )
    _write_header(sheet, styles)
    ids, groups = _ledger_order(user=user, inspected=inspected)
    current: _Group | None = None
    heading = 0
    for page in _problem_pages(user=user, inspected=inspected, ids=ids, today=today):
        for problem in page.problems:
            group = groups[problem.pk]
            if group is not current:
                current, heading = group, heading + 1
                sheet.banner(f"{cn_numeral(heading)}、{group.name}（共{group.count}个）", styles.CATEGORY)
            _write_problem(sheet, styles, problem, page.names)
        if on_page:
            on_page(sum(len(p.tasks.all()) for p in page.problems))


def _write_header(sheet: _Sheet, styles: _Styles) -> None:
    top, sub, seen = [], [], set()
    for column in COLUMNS:
        if column.group:
            top.append(sheet.cell(None if column.group in seen else column.group, styles.HEADER))
            sub.append(sheet.cell(column.header, styles.HEADER))
            seen.add(column.group)
        else:
            top.append(sheet.cell(column.header, styles.HEADER))
            sub.append(sheet.cell(None, styles.HEADER))
    first = sheet.append(top, height=22)
    second = sheet.append(sub, height=22)
    for group, members in itertools.groupby(enumerate(COLUMNS, start=1), key=lambda c: c[1].group):
        indexes = [i for i, _ in members]
        if group:
            sheet.merge(first_row=first, last_row=first, first_col=indexes[0], last_col=indexes[-1])
        else:
            for index in indexes:
                sheet.merge(first_row=first, last_row=second, first_col=index)


def _write_problem(sheet: _Sheet, styles: _Styles, problem: Problem,
                   names: dict[int, tuple[str, str, str, str]]) -> None:
    """One row per task (one empty task row if it has none); the problem's own cells merged down.

    Merged-over cells are still written, empty and styled, so that the borders show in every program.
    """
    tasks: list[Task | None] = list(problem.tasks.all()) or [None]
    first = sheet.row + 1
    for i, task in enumerate(tasks):
        head = i == 0
        sheet.append([
            sheet.cell(number_cell_value(problem.number) if head else None, styles.CENTRE),
            sheet.cell(problem.category.name if head and problem.category else None, styles.TEXT),
            sheet.cell(problem.description if head else None, styles.TEXT),
            sheet.cell(problem.detail if head else None, styles.TEXT),
            *_task_cells(sheet, styles, task, names),
            sheet.cell(problem.notes if head else None, styles.TEXT),
            sheet.cell(SOURCE_TEXT.get(problem.kind, problem.kind) if head else None, styles.CENTRE),
        ])
    if len(tasks) > 1:
        for col in PROBLEM_COLUMNS:
            sheet.merge(first_row=first, last_row=sheet.row, first_col=col)


def number_cell_value(number: str) -> int | str:
    """An all-digit identifier ("12") as a number, as units type it; any other ("P01", "007") as text."""
    if number.isascii() and number.isdigit() and len(number) <= NUMBER_CELL_DIGITS and str(int(number)) == number:
        return int(number)
    return number


def _task_cells(sheet: _Sheet, styles: _Styles, task: Task | None,
                names: dict[int, tuple[str, str, str, str]]) -> list[Cell]:
    """Columns 整改措施 … 预警 (5-15) of a task row."""
    if task is None:
        return [sheet.cell(None, styles.TEXT) for _ in range(5, 16)]
    leaders, departments, co_departments, persons = names.get(task.pk, ("", "", "", ""))
    warning = getattr(task, "warning", None)
    return [
        sheet.cell(task.measure, styles.TEXT),
        sheet.cell(task.criterion, styles.TEXT),
        sheet.cell(task.get_deadline_kind_display(), styles.CENTRE),
        sheet.cell(leaders, styles.TEXT),
        sheet.cell(departments, styles.TEXT),
        sheet.cell(co_departments, styles.TEXT),
        sheet.cell(persons, styles.TEXT),
        sheet.cell(task.due_date, styles.DATE),
        sheet.cell(getattr(task, "latest_progress", None), styles.TEXT),
        sheet.cell(task.get_status_display(), styles.CLOSED if task.status == TaskStatus.CLOSED else styles.CENTRE),
        sheet.cell(WARNING_TEXT.get(warning or ""), styles.WARNING.get(warning or "", styles.CENTRE)),
    ]


def _write_summary(ws: Any, styles: _Styles, *, rnd: InspectionRound, progress: list[selectors.UnitProgress],
                   today: dt.date) -> None:
    """Per unit: problems, completed / basic / incomplete, rate, red / yellow problems, overdue tasks; then totals."""
    sheet = _Sheet(ws, styles, SUMMARY_COLUMNS, freeze="C4", title_rows="3:3")
    sheet.banner(f"{rnd.name}整改情况汇总", styles.TITLE, height=36)
    sheet.banner(f"单位数：{len(progress)}    导出日期：{cn_date(today)}", styles.NOTE, height=20)
    sheet.append([sheet.cell(c.header, styles.HEADER) for c in SUMMARY_COLUMNS], height=22)

    def counts(problems: int, completed: int, basic: int, incomplete: int, rate: Decimal, red: int, yellow: int,
               overdue: int, style: str) -> list[Cell]:
        return [
            sheet.cell(problems, style), sheet.cell(completed, style), sheet.cell(basic, style),
            sheet.cell(incomplete, style), sheet.cell(rate / 100, styles.PERCENT), sheet.cell(red, style),
            sheet.cell(yellow, style), sheet.cell(overdue, style),
        ]

    for n, p in enumerate(progress, start=1):
        sheet.append([
            sheet.cell(n, styles.CENTRE), sheet.cell(p.inspected_unit.unit.name, styles.TEXT),
            *counts(p.problems, p.completed, p.basic, p.incomplete, p.rate, p.by_warning.get("red", 0),
                    p.by_warning.get("yellow", 0), p.tasks_overdue, styles.CENTRE),
        ])
    t = selectors.round_totals(progress)
    row = sheet.append([
        sheet.cell("合计", styles.TOTAL), sheet.cell(None, styles.TOTAL),
        *counts(t.problems, t.completed, t.basic, t.incomplete, t.rate, t.red, t.yellow, t.tasks_overdue,
                styles.TOTAL),
    ])
    sheet.merge(first_row=row, last_row=row, first_col=1, last_col=2)


TEMPLATE_NOTES = (
    "填表说明",
    "1. 一个问题一行或多行：问题列（序号、问题类别、反馈问题、问题表现、备注、问题来源）可跨该问题的各项措施合并单元格，也可只在第一行填写。",
    "2. 序号按本单位的写法填写，如 1、（1）、P01；同一单位内不能重复。",
    "3. 整改类型填写“立行立改”“限期整改”或“长期坚持”；立行立改的任务不填完成时限时，取集中整改期的最后一天。",
    "4. 完成时限可写 2026年7月31日、2026-07-31、2026.7.31 等，不能早于巡视反馈日期。",
    "5. 责任领导填写本单位在任领导班子成员的姓名（可在括号中写职务）；多个部门或人员用顿号（、）分隔。",
    "6. 单位自查发现的问题在“问题来源”列填写“自查问题”；巡视反馈问题由巡视办、纪委监委录入。",
    "7. “状态”“预警”两列由系统计算，导入时不读取：任务只能经销号审核关闭。",
)


def ledger_template() -> bytes:
    """A blank ledger in the standard layout — the title, the two-row header, and a sheet of instructions —
    for units that start their ledger here: what the importer reads back without a question."""
    wb = Workbook(write_only=True)
    wb.properties.creator = "整改通 Rectify"
    styles = _Styles(wb)
    with translation.override(WORKBOOK_LANGUAGE):
        sheet = _Sheet(wb.create_sheet("整改台账"), styles, COLUMNS, freeze=FREEZE_AT,
                       title_rows=f"{HEADER_ROWS[0]}:{HEADER_ROWS[-1]}")
        sheet.banner("××单位落实巡视反馈意见整改台账", styles.TITLE, height=36)
        sheet.banner("填报单位：              反馈日期：              填报日期：", styles.NOTE, height=20)
        _write_header(sheet, styles)
        notes = wb.create_sheet("填表说明")
        notes.column_dimensions["A"].width = 120
        for line in TEMPLATE_NOTES:
            notes.append([line])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
