"""A figure's data as a table: drawn as a chart, shown as a table (screen readers, copying), exported to Excel.

Every chart on the dashboards is built from one ``Table`` — the chart script reads the same rows the table
shows, so the picture and the numbers never disagree.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass
class Table:
    """``rows`` hold a label then one value per column of ``columns[1:]``; ``links`` the URL of each row's
    rows (the ledger or task list it counts), or None.

    ``chart`` says how to draw it: "stacked" (bars stacked by column), "bar" (one bar per value column),
    "hbar" (a ranking), "line" or "pie" (of the first value column); ``series`` the value columns to draw
    (1-based indexes into ``columns``; default all). ``colors`` optional, one per drawn series.
    """

    key: str
    title: str
    columns: list[str]
    rows: list[list[Any]] = field(default_factory=list)
    chart: str = "bar"
    series: list[int] | None = None
    colors: list[str] | None = None
    note: str = ""
    links: list[str | None] = field(default_factory=list)
    total: list[Any] | None = None  # a last row in bold, not drawn
    shown: int | None = None  # rows the page lists and draws (the first ones); the export has every row built
    omitted: int = 0  # rows not even built, for a page that lists the first ``shown`` (its export builds them)

    @property
    def page_row_links(self) -> list[tuple[list[Any], str | None]]:
        """The rows the page lists (the first ``shown``: a category across rounds has 4,000), with their links."""
        rows = self.rows if self.shown is None else self.rows[:self.shown]
        links = self.links[:len(rows)]
        return list(zip(rows, links + [None] * (len(rows) - len(links)), strict=True))

    @property
    def rows_not_shown(self) -> int:
        return max(0, len(self.rows) - self.shown) + self.omitted if self.shown is not None else 0

    def add(self, row: list[Any], link: str | None = None) -> None:
        self.rows.append(row)
        self.links.append(link)

    def chart_data(self) -> dict[str, Any]:
        """What static/reports/charts.js draws: plain numbers, never HTML."""
        series = self.series or list(range(1, len(self.columns)))
        rows = self.rows[:self.shown] if self.shown is not None else self.rows
        return {
            "kind": self.chart,
            "labels": [str(r[0]) for r in rows],
            "series": [{"name": str(self.columns[i]), "data": [_number(r[i]) for r in rows]} for i in series],
            "colors": self.colors or [],
        }


def _number(value: Any) -> float | int | None:
    if value is None or value == "":
        return None
    try:
        return int(value) if float(value).is_integer() else float(value)
    except (TypeError, ValueError):
        return None


HEADER_FILL = PatternFill("solid", fgColor="DCE6F1")


def to_xlsx(tables: list[Table], *, title: str = "") -> bytes:
    """Each table on its own sheet (the sheet name is the table's title), header in bold, total row in bold."""
    wb = Workbook()
    wb.remove(wb.active)
    used: set[str] = set()
    for table in tables:
        name = _sheet_name(table.title, used)
        ws = wb.create_sheet(name)
        row = 1
        if title:
            ws.cell(row=1, column=1, value=title).font = Font(bold=True, size=12)
            row = 2
        for col, header in enumerate(table.columns, start=1):
            cell = ws.cell(row=row, column=col, value=str(header))
            cell.font, cell.fill = Font(bold=True), HEADER_FILL
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        for values in table.rows:
            row += 1
            for col, value in enumerate(values, start=1):
                ws.cell(row=row, column=col, value=_cell(value))
        if table.total:
            row += 1
            for col, value in enumerate(table.total, start=1):
                ws.cell(row=row, column=col, value=_cell(value)).font = Font(bold=True)
        if table.note:
            ws.cell(row=row + 2, column=1, value=str(table.note))
        ws.freeze_panes = ws.cell(row=2 if not title else 3, column=2)
        ws.column_dimensions["A"].width = 28
        for col in range(2, len(table.columns) + 1):
            ws.column_dimensions[get_column_letter(col)].width = 14
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _cell(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, int | float | str):
        return value
    try:  # Decimal percentages and other numbers
        return float(value)
    except (TypeError, ValueError):
        return str(value)


_BAD = set('[]:*?/\\')


def _sheet_name(title: str, used: set[str]) -> str:
    base = "".join("_" if ch in _BAD else ch for ch in str(title))[:28] or "Sheet"
    name, n = base, 2
    while name in used:
        name, n = f"{base}{n}"[:31], n + 1
    used.add(name)
    return name
