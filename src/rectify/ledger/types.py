"""What a ledger file says, independent of the database: the parser's output, the importer's input.

Rows and columns are as a person sees them in Excel/WPS: rows 1-based, columns as letters ("C").
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


class LedgerFileError(Exception):
    """The file as a whole cannot be read (format, corruption, password, too large). ``message`` is in the
    active language (Chinese by default)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass
class LedgerError:
    """One thing a person must fix in the file. ``message`` is Chinese and says what to fix."""

    sheet: str
    row: int | None
    column: str | None
    message: str

    def as_dict(self) -> dict[str, object]:
        return {"sheet": self.sheet, "row": self.row, "column": self.column, "message": self.message}


@dataclass
class ParsedTask:
    """One measure row of the task list with its responsibilities."""

    sheet: str
    row: int
    measure: str
    criterion: str = ""
    deadline_kind: str = "deadline"  # immediate | deadline | long_term (rectify.rectification.models.DeadlineKind)
    due_date: dt.date | None = None  # None only for long_term / immediate written without a date
    already_done: bool = False  # the deadline cell said 已完成
    leaders: list[str] = field(default_factory=list)
    departments: list[str] = field(default_factory=list)  # lead departments (牵头/责任部门)
    co_departments: list[str] = field(default_factory=list)  # 配合部门
    persons: list[str] = field(default_factory=list)
    progress: str = ""  # 整改进展 / 完成情况 text as written
    notes: dict[str, str] = field(default_factory=dict)  # unknown columns: header text -> cell text


@dataclass
class ParsedProblem:
    sheet: str
    row: int
    number: str  # the identifier as stored (Problem.number)
    description: str
    category: str = ""  # category text as written (a heading row or a 问题类别 column), may be empty
    detail: str = ""  # 问题表现
    cause: str = ""  # 原因分析
    kind: str = ""  # where the file says it came from: "feedback", "self_found", or "" (not stated)
    kind_field: str = ""  # the parser field the kind was read from (source, category), "" for a section heading
    tasks: list[ParsedTask] = field(default_factory=list)
    notes: dict[str, str] = field(default_factory=dict)


@dataclass
class ParsedLedger:
    problems: list[ParsedProblem] = field(default_factory=list)
    errors: list[LedgerError] = field(default_factory=list)
    skipped_sheets: list[str] = field(default_factory=list)
    sheets: list[str] = field(default_factory=list)  # sheets read as ledgers
    columns: dict[str, dict[str, str]] = field(default_factory=dict)  # sheet -> field -> column letter
    problems_only_sheets: list[str] = field(default_factory=list)  # sheets without a measure column (feedback lists)

    @property
    def problems_only(self) -> bool:
        """Every sheet read is a problem list without measures (the feedback list): no tasks at all."""
        return bool(self.sheets) and set(self.sheets) == set(self.problems_only_sheets)
