"""Importing a unit's ledger (台账): parse, compare with what is stored, and commit all or nothing.

The algorithm:

1. Resolve the round and the unit. A unit that is not yet inspected in the round is added to it
   (and, with ``unit_name``, created first); a dry run only says that it would be.
2. Parse the file (``rectify.ledger.parsing``, in a child process with a memory and a time limit:
   ``rectify.ledger.sandbox``). File-level problems — and a file that exhausts the child's memory or time —
   raise ``LedgerFileError``; everything else is collected as row/column errors.
3. Compare with what is stored, problem by problem (by 序号) and task by task (by order within the
   problem): new / changed (field by field) / unchanged / missing from the file. An empty optional
   cell means "no information" and keeps the stored value; a status column is never imported —
   a task is closed only by a reviewed close-out.
4. Dry run, or any error: stop here, nothing written. Otherwise write every change in one
   transaction with one audit event. Items missing from the file are reported, never deleted,
   and progress, evidence and close-out history are untouched.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from rectify.accounts.models import Role, User
from rectify.accounts.services import cli_operator
from rectify.core import clock
from rectify.core.errors import DomainError, NotFound, PermissionDenied
from rectify.core.text import natural_sort_key
from rectify.inspections import selectors as inspection_selectors
from rectify.inspections.models import InspectedUnit, InspectionRound, ProblemKind, add_months
from rectify.inspections.services import inspected_unit_add
from rectify.ledger import sandbox, selectors
from rectify.ledger.cells import cell_text, identifier_key
from rectify.ledger.parsing import RAW_DEADLINE_NOTE
from rectify.ledger.types import LedgerError, ParsedLedger, ParsedProblem, ParsedTask
from rectify.orgs import selectors as org_selectors
from rectify.orgs.models import OrgKind, OrgUnit
from rectify.orgs.services import org_unit_check_new, org_unit_create
from rectify.rectification import selectors as rectification_selectors
from rectify.rectification.batch_services import LedgerBatch, RequestedChange, ledger_apply
from rectify.rectification.models import DeadlineKind, PlanState, Responsibility, TaskStatus

Progress = Callable[[int, str], None]  # (percent 0–100, phase in Chinese)

# Field names shown in the diff: plain Chinese here, translated when the report is written.
PROBLEM_LABELS = {"description": gettext_noop("反馈问题"), "detail": gettext_noop("问题表现"),
                  "cause": gettext_noop("原因分析"), "category_id": gettext_noop("问题类别"),
                  "notes": gettext_noop("备注")}
TASK_LABELS = {"measure": gettext_noop("整改措施"), "criterion": gettext_noop("完成标准"),
               "deadline_kind": gettext_noop("整改类型"), "due_date": gettext_noop("完成时限"),
               "notes": gettext_noop("备注"), "leader": gettext_noop("责任领导"),
               "department": gettext_noop("责任部门"), "co_department": gettext_noop("配合部门"),
               "person": gettext_noop("责任人"), "progress": gettext_noop("整改进展")}
RESPONSIBILITY_KEYS = rectification_selectors.RESPONSIBLE_COLUMNS
LONG_TERM_REVIEW_MONTHS = 6  # a 长期坚持 task written without a date is reviewed 6 months after feedback
IMMEDIATE_DAYS = 30  # a 立行立改 task written without a date is due 30 days after feedback
MAX_CHANGES_SHOWN = 1000
AUDIT_CHANGES_MAX = 5000  # field-level before/after of changed items kept in the import's audit event


@dataclass
class FieldChange:
    field: str
    label: str
    before: str
    after: str


@dataclass
class ItemChange:
    kind: str  # problem | task
    key: str  # "问题 3" / "问题 3 · 措施 2"
    state: str  # new | changed | missing
    sheet: str | None = None
    row: int | None = None
    fields: list[FieldChange] = field(default_factory=list)


@dataclass
class ImportReport:
    problems: dict[str, int] = field(default_factory=lambda: dict.fromkeys(("new", "changed", "unchanged", "missing"), 0))
    tasks: dict[str, int] = field(default_factory=lambda: dict.fromkeys(("new", "changed", "unchanged", "missing"), 0))
    errors: list[LedgerError] = field(default_factory=list)
    skipped_sheets: list[str] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    changes: list[ItemChange] = field(default_factory=list)
    committed: bool = False

    def as_json(self) -> dict[str, Any]:
        return {"problems": self.problems, "tasks": self.tasks, "errors": [e.as_dict() for e in self.errors],
                "skipped_sheets": self.skipped_sheets, "notices": self.notices, "committed": self.committed}

    def as_full_json(self) -> dict[str, Any]:
        """Everything, including field-level changes (first MAX_CHANGES_SHOWN), for the web page."""
        data = self.as_json()
        data["changes"] = [
            {"kind": c.kind, "key": c.key, "state": c.state, "sheet": c.sheet, "row": c.row,
             "fields": [f.__dict__ for f in c.fields]}
            for c in self.changes[:MAX_CHANGES_SHOWN]
        ]
        data["changes_total"] = len(self.changes)
        return data


# --- planning: what the file would change --------------------------------------------------------

@dataclass
class _Target:
    round: InspectionRound
    unit: OrgUnit | None
    inspected: InspectedUnit | None
    feedback_date: dt.date
    plan_state: str = PlanState.DRAFT

    @property
    def rectification_end(self) -> dt.date:
        """Last day of the concentrated period (the same rule as ``InspectedUnit.rectification_end``)."""
        return add_months(self.feedback_date, self.round.rectification_months) - dt.timedelta(days=1)


def _normalise(text: str) -> str:
    text = unicodedata.normalize("NFKC", text or "")
    text = re.sub(r"[\s“”\"'‘’「」]", "", text)
    return re.sub(r"(方面的问题|方面问题|方面|问题)$", "", text)


UNCATEGORISED = {"未分类", "其他", "其它"}


def _category_resolver() -> tuple[Callable[[str], int | bool | None], dict[int, str]]:
    """(category text → id, None for empty text, False when nothing matches; id → name)."""
    categories = selectors.categories_by_name()
    exact = {_normalise(c.name): c.pk for c in categories}
    # Level 2 first, so that "选人用人" finds the specific category rather than its parent.
    ordered = sorted(categories, key=lambda c: c.parent_id is None)

    def resolve(text: str) -> int | bool | None:
        key = _normalise(text)
        if not key or key in UNCATEGORISED:
            return None
        if key in exact:
            return exact[key]
        for c in ordered:
            name = _normalise(c.name)
            if key in name or name in key:
                return c.pk
        return False

    return resolve, {c.pk: c.name for c in categories}


def _notes_text(notes: dict[str, str]) -> str:
    if not notes:
        return ""
    if set(notes) == {"备注"}:
        return notes["备注"]
    return "\n".join(f"{k}：{v}" for k, v in notes.items() if v)


def _desired_due(task: ParsedTask, stored: selectors.StoredTask | None, target: _Target) -> dt.date:
    """The file's deadline; without one, the stored one, else what the pages give: an immediate task is due
    at the end of the concentrated period, a long-term one is first reviewed LONG_TERM_REVIEW_MONTHS after
    the feedback, any other IMMEDIATE_DAYS after it."""
    if task.due_date is not None:
        return task.due_date
    if stored is not None:
        return stored.due_date  # type: ignore[return-value]
    if task.deadline_kind == DeadlineKind.IMMEDIATE:
        return target.rectification_end
    if task.deadline_kind == DeadlineKind.LONG_TERM:
        return add_months(target.feedback_date, LONG_TERM_REVIEW_MONTHS)
    return target.feedback_date + dt.timedelta(days=IMMEDIATE_DAYS)


@dataclass
class _Plan:
    report: ImportReport
    new_problems: list[tuple[ParsedProblem, dict[str, Any]]] = field(default_factory=list)
    changed_problems: list[tuple[int, dict[str, Any]]] = field(default_factory=list)
    new_tasks: list[tuple[ParsedProblem, int, ParsedTask, dict[str, Any]]] = field(default_factory=list)
    changed_tasks: list[tuple[int, dict[str, Any]]] = field(default_factory=list)
    new_progress: list[tuple[int | None, str]] = field(default_factory=list)  # (task id or None for new, text)
    responsibilities: dict[Any, dict[str, list[str]]] = field(default_factory=dict)  # task id or (number, n)
    change_requests: list[RequestedChange] = field(default_factory=list)


def _display(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        # Translators: a Django date format (Y year, n month, j day); other characters are literal.
        return formats.date_format(value, _("Y年n月j日"))
    if isinstance(value, list):
        return "、".join(value)
    return str(value)


def _same(stored: Any, wanted: Any) -> bool:
    """Stored text equals the file's when it reads the same: the parser collapses spaces and
    line endings, so the stored side is read the same way before comparing."""
    if isinstance(stored, str) and isinstance(wanted, str):
        return cell_text(stored) == wanted
    return stored == wanted


@dataclass(frozen=True)
class SheetChooser:
    """A whole-round workbook has a sheet per unit: read only this unit's. Any other workbook is read
    whole — a unit's own ledger may well have several sheets (e.g. a 专项整改 sheet).

    Plain data, so that it travels to the child process that reads the file (``sandbox``)."""

    own_names: frozenset[str]
    other_names: frozenset[str]

    @staticmethod
    def _named_after(sheet: str, names: frozenset[str]) -> bool:
        return any(sheet == n or sheet in n or n in sheet for n in names)

    def __call__(self, sheets: list[str]) -> str | None:
        if len(sheets) < 2 or not self.own_names:
            return None
        own = [sheet for sheet in sheets if self._named_after(sheet, self.own_names)]
        if len(own) == 1 and any(self._named_after(sheet, self.other_names) for sheet in sheets if sheet != own[0]):
            return own[0]
        return None


def _sheet_chooser(target: _Target) -> SheetChooser | None:
    if target.unit is None:
        return None
    return SheetChooser(own_names=frozenset({target.unit.name, target.unit.short_name} - {""}),
                        other_names=frozenset(selectors.other_unit_names(round=target.round, unit=target.unit)))


def _single_task_notes(p: ParsedProblem) -> None:
    """With one task, a note cannot be told apart from the problem's own (备注 is not merged over one
    row): it belongs to the problem, as the exporter writes it. The raw deadline stays with the task."""
    if len(p.tasks) == 1 and not p.notes:
        task_notes = p.tasks[0].notes
        for key in [k for k in task_notes if k != RAW_DEADLINE_NOTE]:
            p.notes[key] = task_notes.pop(key)


NAME_MAX = Responsibility._meta.get_field("name").max_length
# After the plan's approval these change only through a change request (DOMAIN rule 3), as on the pages.
REQUEST_FIELDS = ("due_date", "deadline_kind")


KIND_LABELS = {ProblemKind.FEEDBACK: gettext_noop("反馈问题"), ProblemKind.SELF_FOUND: gettext_noop("自查问题")}


class _Checks:
    """The rules a file must meet beyond its own form, reported as row/column errors in the dry run."""

    def __init__(self, parsed: ParsedLedger, target: _Target, report: ImportReport, *,
                 may_enter_feedback: bool, may_add_self_found: bool) -> None:
        self.columns = parsed.columns
        self.target = target
        self.report = report
        self.may_enter_feedback = may_enter_feedback
        self.may_add_self_found = may_add_self_found

    @property
    def under_review(self) -> bool:
        return self.target.plan_state == PlanState.SUBMITTED

    @property
    def approved(self) -> bool:
        return self.target.plan_state == PlanState.APPROVED

    def _kind_field(self, p: ParsedProblem) -> str:
        """The column to point at for the problem's source: where it was read, else 问题来源, else 序号."""
        columns = self.columns.get(p.sheet, {})
        return p.kind_field or ("source" if "source" in columns else "number")

    def new_problem(self, p: ParsedProblem, kind: str) -> None:
        """Fed-back problems are entered by the inspection office or the commission (the feedback list);
        a unit adds only its own self-found problems, marked as such in the file."""
        if not p.number:
            return  # the 序号 is already an error
        if kind == ProblemKind.FEEDBACK and not self.may_enter_feedback:
            self.error(p.sheet, p.row, self._kind_field(p), _(
                "系统中没有序号为 %(number)s 的问题。反馈问题只能由巡视办或纪委监委录入，不能通过本单位导入新增；"
                "如为本单位自查发现的问题（举一反三），请在“问题来源”列填写“自查问题”，否则请核对序号。"
            ) % {"number": p.number})
        elif kind == ProblemKind.SELF_FOUND and not self.may_add_self_found:
            self.error(p.sheet, p.row, self._kind_field(p), _(
                "自查问题只能由本单位整改牵头人、巡视办或纪委监委人员录入。"))

    def problem_kind(self, p: ParsedProblem, old: selectors.StoredProblem) -> None:
        if p.kind and p.kind != old.kind:
            self.error(p.sheet, p.row, self._kind_field(p), _(
                "问题 %(number)s 在系统中是%(stored)s，问题来源不能通过导入修改：请改为“%(stored)s”或留空。"
            ) % {"number": old.number, "stored": _(KIND_LABELS.get(old.kind, old.kind))})

    def error(self, sheet: str, row: int, field: str, message: str) -> None:
        self.report.errors.append(LedgerError(sheet, row, self.columns.get(sheet, {}).get(field), message))

    def task(self, t: ParsedTask, due: dt.date, kind: str, *, deadline_changed: bool = True) -> None:
        feedback = self.target.feedback_date
        if deadline_changed and due < feedback:
            self.error(t.sheet, t.row, "deadline", _(
                "完成时限 %(due)s 早于反馈日期 %(feedback)s：完成时限不能早于巡视反馈日期。"
                "只写了月份的，请写明年份（如 %(example)s）。"
            ) % {"due": _display(due), "feedback": _display(feedback),
                 "example": _("%(year)s年3月底") % {"year": feedback.year + 1}})
        elif deadline_changed and kind == DeadlineKind.IMMEDIATE and due > self.target.rectification_end:
            self.error(t.sheet, t.row, "deadline", _(
                "立行立改的任务须在集中整改期内（%(end)s 前）完成：请调整完成时限，或把整改类型改为限期整改。"
            ) % {"end": _display(self.target.rectification_end)})
        for column, names in (("leader", t.leaders), ("department", t.departments),
                              ("co_department", t.co_departments), ("person", t.persons)):
            for name in names:
                if len(name) > NAME_MAX:
                    self.error(t.sheet, t.row, column, _(
                        "“%(start)s…”超过%(max)s个字：多个名称请用顿号（、）分隔。"
                    ) % {"start": name[:12], "max": NAME_MAX})

    def new_task(self, t: ParsedTask) -> None:
        if self.under_review:
            self.error(t.sheet, t.row, "measure", _(
                "本单位的整改方案正在审核中，不能通过导入新增整改任务；审核退回后可以修改。"))

    def changed_task(self, t: ParsedTask, old: selectors.StoredTask, changed: list[str]) -> bool:
        """Whether the changes may be written (directly, or as a change request for REQUEST_FIELDS)."""
        if old.status in (TaskStatus.CLOSED, TaskStatus.SUBMITTED):
            state = _("已销号") if old.status == TaskStatus.CLOSED else _("正在申请销号")
            self.error(t.sheet, t.row, _field_column(changed[0]), _(
                "该任务%(state)s，不能通过导入修改（%(fields)s）；如需调整，请先由审核人员退回或重新打开。"
            ) % {"state": state, "fields": "、".join(str(_(TASK_LABELS[f])) for f in changed)})
            return False
        if self.under_review and [f for f in changed if f != "progress"]:
            self.error(t.sheet, t.row, _field_column(changed[0]), _(
                "本单位的整改方案正在审核中，任务清单暂不能通过导入修改（%(fields)s）；审核退回后可以修改。"
            ) % {"fields": "、".join(str(_(TASK_LABELS[f])) for f in changed if f != "progress")})
            return False
        return True

    def _deadline_column(self, t: ParsedTask, field: str) -> str:
        """A kind written in the 完成时限 cell (立行立改, 长期坚持) is reported there when there is no kind column."""
        column = _field_column(field)
        return column if column in self.columns.get(t.sheet, {}) else "deadline"

    def change_request(self, t: ParsedTask, old: selectors.StoredTask, requested: dict[str, Any]) -> str | None:
        """After approval: whether a change request can be filed for ``requested`` — "new", "pending" (the
        same change is already awaiting a decision) or None (an error was reported)."""
        pending = old.pending_change
        if pending is not None:
            if {f: c["after"] for f, c in pending.items() if f in REQUEST_FIELDS} == {
                    f: _request_value(v) for f, v in requested.items()}:
                return "pending"
            self.error(t.sheet, t.row, self._deadline_column(t, next(iter(requested))), _(
                "该任务已有一项待审批的变更申请：请等待审批结果或在系统中撤回后再导入，或恢复为系统中的内容。"))
            return None
        if requested.get("deadline_kind", old.deadline_kind) == DeadlineKind.LONG_TERM and not old.milestones:
            self.error(t.sheet, t.row, self._deadline_column(t, "deadline_kind"), _(
                "转为长期坚持须写明阶段目标和评估周期：请在系统的任务页面提出变更申请，或恢复为系统中的整改类型。"))
            return None
        return "new"

    def changed_problem(self, p: ParsedProblem, old: selectors.StoredProblem, changed: list[str]) -> bool:
        """Whether a changed fed-back text becomes a change request (after approval)."""
        if "description" not in changed or old.kind != ProblemKind.FEEDBACK:
            return False
        if self.approved:
            if old.pending_description is not None and old.pending_description != p.description:
                self.error(p.sheet, p.row, "description", _(
                    "该问题的反馈原文已有一项待审批的更正申请：请等待审批结果后再导入，或恢复为系统中的内容。"))
            return True
        if not self.may_enter_feedback:
            self.error(p.sheet, p.row, "description", _(
                "反馈问题须与巡视反馈原文一致，不能通过导入修改；如确需更正，请联系巡视办。"))
        return False


def _field_column(field_name: str) -> str:
    """The parser's column name for an importer field."""
    return {"due_date": "deadline", "deadline_kind": "kind", "progress": "progress"}.get(field_name, field_name)


def _request_value(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.date) else value


PENDING_LABEL = gettext_noop("%(label)s（提交变更申请）")


def _plan(parsed: ParsedLedger, target: _Target, *, may_enter_feedback: bool = True,
          may_add_self_found: bool = True, filename: str = "") -> _Plan:
    report = ImportReport(errors=list(parsed.errors), skipped_sheets=list(parsed.skipped_sheets))
    plan = _Plan(report=report)
    checks = _Checks(parsed, target, report, may_enter_feedback=may_enter_feedback,
                     may_add_self_found=may_add_self_found)
    # Problems match by identifier as compared (（1） is 1, P01 is p01), whatever way either was written.
    stored = {identifier_key(number): problem
              for number, problem in selectors.ledger_snapshot(inspected_unit=target.inspected).items()}
    resolve, category_names = _category_resolver()
    kind_labels = {value: str(label) for value, label in DeadlineKind.choices}
    unknown_categories: dict[str, int] = {}
    done_marked = 0
    already_requested = 0
    leader_names: dict[str, int] = {}  # leader names the file writes, with the first row naming each
    seen: set[str] = set()

    def reason(sheet: str, row: int, notes: str) -> str:
        text = _("经台账导入提出（文件“%(file)s”，%(sheet)s 第 %(row)s 行）") % {
            "file": filename or _("未命名文件"), "sheet": sheet, "row": row}
        return f"{text}：{notes}" if notes else text

    for p in parsed.problems:
        _single_task_notes(p)
        number_key = identifier_key(p.number)
        seen.add(number_key)
        old = stored.get(number_key)
        category = resolve(p.category) if p.category else None
        if category is False:
            unknown_categories.setdefault(p.category, p.row)
            category = None
        desired = {"description": p.description, "detail": p.detail, "cause": p.cause, "notes": _notes_text(p.notes)}
        if p.category and category is not None:
            desired["category_id"] = category
        key = _("问题 %(number)s") % {"number": p.number}
        if old is None:
            desired.setdefault("category_id", None)
            desired["kind"] = p.kind or ProblemKind.FEEDBACK  # the office's feedback list, unless marked
            checks.new_problem(p, desired["kind"])
            plan.new_problems.append((p, desired))
            report.problems["new"] += 1
            report.changes.append(ItemChange("problem", key, "new", p.sheet, p.row, [
                FieldChange(f, _(label), "", value) for f, label, value in (
                    ("kind", gettext_noop("问题来源"), _(KIND_LABELS[desired["kind"]])),
                    ("category_id", PROBLEM_LABELS["category_id"],
                     category_names.get(desired["category_id"], "") if desired["category_id"] else _("未分类")),
                    ("description", PROBLEM_LABELS["description"], p.description),
                    ("detail", PROBLEM_LABELS["detail"], p.detail)) if value]))
        else:
            diffs = {
                f: v for f, v in desired.items()
                if (v != "" or f == "category_id") and not _same(getattr(old, f), v)
            }
            requested_text = checks.changed_problem(p, old, list(diffs))
            checks.problem_kind(p, old)
            if diffs:
                report.problems["changed"] += 1
                report.changes.append(ItemChange("problem", key, "changed", p.sheet, p.row, [
                    FieldChange(f, _(PENDING_LABEL) % {"label": _(PROBLEM_LABELS[f])}
                                if requested_text and f == "description" else _(PROBLEM_LABELS[f]),
                                category_names.get(getattr(old, f), "") if f == "category_id"
                                else _display(getattr(old, f)),
                                category_names.get(v, "") if f == "category_id" else _display(v))
                    for f, v in diffs.items()
                ]))
            else:
                report.problems["unchanged"] += 1
            if requested_text:
                text = diffs.pop("description")
                if old.pending_description is None:
                    plan.change_requests.append(RequestedChange(
                        problem_id=old.id, task_id=None, reason=reason(p.sheet, p.row, ""),
                        changes={"description": {"before": old.description, "after": text}}))
                elif old.pending_description == text:
                    already_requested += 1
            if diffs:
                plan.changed_problems.append((old.id, diffs))

        for n, t in enumerate(p.tasks, 1):
            done_marked += t.already_done
            old_task = old.tasks.get(n) if old else None
            resp = {"leader": t.leaders, "department": t.departments, "co_department": t.co_departments,
                    "person": t.persons}
            for name in t.leaders:
                leader_names.setdefault(name, t.row)
            desired_t: dict[str, Any] = {
                "measure": t.measure, "criterion": t.criterion, "deadline_kind": t.deadline_kind,
                "due_date": _desired_due(t, old_task, target), "notes": _notes_text(t.notes),
            }
            tkey = _("%(problem)s · 措施 %(number)s") % {"problem": key, "number": n}
            if old_task is None:
                checks.task(t, desired_t["due_date"], desired_t["deadline_kind"] or DeadlineKind.DEADLINE)
                checks.new_task(t)
                plan.new_tasks.append((p, n, t, desired_t))
                plan.responsibilities[(p.number, n)] = {k: v for k, v in resp.items() if v}
                if t.progress:
                    plan.new_progress.append(((p.number, n), t.progress))  # type: ignore[arg-type]
                report.tasks["new"] += 1
                report.changes.append(ItemChange("task", tkey, "new", t.sheet, t.row, [
                    FieldChange(f, _(TASK_LABELS[f]), "", value) for f, value in (
                        ("measure", t.measure), ("criterion", t.criterion),
                        ("deadline_kind", kind_labels.get(desired_t["deadline_kind"], "")),
                        ("due_date", _display(desired_t["due_date"])), ("leader", _display(t.leaders)),
                        ("department", _display(t.departments)), ("co_department", _display(t.co_departments)),
                        ("person", _display(t.persons)), ("progress", t.progress)) if value]))
                continue
            diffs_t = {f: v for f, v in desired_t.items() if v not in ("", None) and not _same(getattr(old_task, f), v)}
            checks.task(t, desired_t["due_date"], desired_t["deadline_kind"] or old_task.deadline_kind,
                        deadline_changed=bool({"due_date", "deadline_kind"} & set(diffs_t)))
            requested = {f: diffs_t[f] for f in REQUEST_FIELDS if f in diffs_t} if checks.approved else {}
            fields: list[FieldChange] = [
                FieldChange(f, _(PENDING_LABEL) % {"label": _(TASK_LABELS[f])} if f in requested else _(TASK_LABELS[f]),
                            kind_labels.get(getattr(old_task, f), "") if f == "deadline_kind"
                            else _display(getattr(old_task, f)),
                            kind_labels.get(v, "") if f == "deadline_kind" else _display(v))
                for f, v in diffs_t.items()]
            merged_resp = {k: (resp[k] or old_task.responsibilities.get(k, [])) for k in RESPONSIBILITY_KEYS}
            resp_changed = False
            for k in RESPONSIBILITY_KEYS:
                if merged_resp[k] != old_task.responsibilities.get(k, []):
                    resp_changed = True
                    fields.append(FieldChange(k, _(TASK_LABELS[k]), _display(old_task.responsibilities.get(k, [])),
                                              _display(merged_resp[k])))
            if resp_changed:
                plan.responsibilities[old_task.id] = {k: v for k, v in merged_resp.items() if v}
            if t.progress and not _same(old_task.progress, t.progress):
                plan.new_progress.append((old_task.id, t.progress))
                fields.append(FieldChange("progress", _(TASK_LABELS["progress"]), old_task.progress, t.progress))
            writable = True
            if fields:
                progress_only = [f.field for f in fields] == ["progress"]
                if not (progress_only and old_task.status == TaskStatus.SUBMITTED):  # progress may be added while under review
                    writable = checks.changed_task(t, old_task, [f.field for f in fields])
            if writable and requested:
                outcome = checks.change_request(t, old_task, requested)
                if outcome == "new":
                    plan.change_requests.append(RequestedChange(
                        problem_id=old.id, task_id=old_task.id, reason=reason(t.sheet, t.row, _notes_text(t.notes)),
                        changes={f: {"before": _request_value(getattr(old_task, f)), "after": _request_value(v)}
                                 for f, v in requested.items()}))
                elif outcome == "pending":
                    already_requested += 1
            for f in requested:
                diffs_t.pop(f)
            if diffs_t:
                plan.changed_tasks.append((old_task.id, diffs_t))
            if fields:
                report.tasks["changed"] += 1
                report.changes.append(ItemChange("task", tkey, "changed", t.sheet, t.row, fields))
            else:
                report.tasks["unchanged"] += 1
        if old and p.sheet not in parsed.problems_only_sheets:  # a problem list says nothing of tasks
            for n in sorted(set(old.tasks) - set(range(1, len(p.tasks) + 1))):
                report.tasks["missing"] += 1
                report.changes.append(ItemChange("task", _("%(problem)s · 措施 %(number)s") % {"problem": key, "number": n},
                                              "missing"))

    if plan.change_requests:
        report.notices.append(_("整改方案已批准：文件中调整的 %(count)d 处完成时限、整改类型或反馈原文将作为变更申请提交，"
                                "经巡视办或纪委监委批准后生效，此前系统中的内容保持不变。") % {"count": len(plan.change_requests)})
    if already_requested:
        report.notices.append(_("有 %(count)d 处调整已有待审批的变更申请，不再重复提交。") % {"count": already_requested})
    if leader_names and target.unit is not None:
        directory = org_selectors.unit_directory(unit=target.unit, day=clock.today())
        for name, row in leader_names.items():
            matches = {t.person_id for t in directory.leaders.get(org_selectors.bare_person_name(name), [])}
            if len(matches) != 1:
                report.notices.append((_("责任领导“%(name)s”（首见于第%(row)s行）不是本单位在任的班子成员，按原样保存，未关联到班子名单；"
                                         "请核对班子名单，或在任务页面从班子成员中选择。") if not matches else
                                       _("责任领导“%(name)s”（首见于第%(row)s行）对应本单位多名在任班子成员，按原样保存，未关联；"
                                         "请在任务页面选择具体人员。")) % {"name": name, "row": row})

    for key in sorted(set(stored) - seen, key=lambda k: (natural_sort_key(stored[k].number), stored[k].id)):
        report.problems["missing"] += 1
        if not parsed.problems_only:
            report.tasks["missing"] += len(stored[key].tasks)
        report.changes.append(ItemChange("problem", _("问题 %(number)s") % {"number": stored[key].number},
                                         "missing"))

    if parsed.problems_only_sheets:
        report.notices.append(_("“%(sheets)s”没有“整改措施”列，按问题清单（反馈问题清单）导入：只导入问题，"
                                "不导入整改任务。") % {"sheets": "、".join(parsed.problems_only_sheets)})

    for text, row in unknown_categories.items():
        report.notices.append(_("问题类别“%(category)s”（首见于第%(row)s行）未能对应到问题类别目录，相关问题按未分类导入。")
                              % {"category": text, "row": row})
    if done_marked:
        report.notices.append(_("有 %(count)d 项措施在台账中标注为“已完成”：导入不会改变任务状态，"
                                "仍须在系统中上传佐证材料、申请销号并经审核。") % {"count": done_marked})
    if report.problems["missing"] or report.tasks["missing"]:
        report.notices.append(_("文件中缺少的问题或措施不会被删除，系统中的记录及其进展、佐证材料和销号记录保持不变。"))
    return plan


# --- the service -------------------------------------------------------------------------------

def _is_approver(actor: User | None) -> bool:
    """The local operator on the command line (None), the inspection office and the commission."""
    return actor is None or actor.role in (Role.COMMISSION, Role.INSPECTION_OFFICE)


def _may_import(actor: User | None, unit: OrgUnit | None, *, creating: bool, check_unit: bool = True) -> None:
    """Supervisors import for any unit; a unit lead only for an inspected unit in their own subtree."""
    if _is_approver(actor):
        return
    if actor.role == Role.UNIT_LEAD:
        if not check_unit:
            return
        if unit is None or actor.unit_id is None or not unit.path.startswith(actor.unit.path):
            raise NotFound(_("未找到该单位，或您无权查看。"))
        if creating:
            raise PermissionDenied(_("只有巡视办或纪委监委人员可以把新单位加入巡视轮次。"))
        return
    raise PermissionDenied(_("只有本单位整改牵头人、巡视办或纪委监委人员可以导入台账。"))


def _resolve_target(*, actor: User | None, round_code: str, unit_code: str, unit_name: str,
                    report_notices: list[str]) -> _Target:
    # The round as the importer may see it: a unit lead learns nothing of rounds their unit is not in.
    rnd = inspection_selectors.round_get_for(user=actor or cli_operator(), code=round_code)
    if not _is_approver(actor):
        # Whoever cannot add units learns nothing of codes outside their scope: a code that does not exist and
        # one of another unit get the same answer, whatever else the request says.
        _may_import(actor, None, creating=False, check_unit=False)
        unit = OrgUnit.objects.filter(code=unit_code, path__startswith=actor.unit.path).first()  # type: ignore[union-attr]
        if unit is None:
            raise NotFound(_("未找到该单位，或您无权查看。"))
    else:
        unit = OrgUnit.objects.filter(code=unit_code).first()
    inspected = InspectedUnit.objects.filter(round=rnd, unit=unit).select_related("round").first() if unit else None
    if unit is None:
        if unit_name:
            org_unit_check_new(code=unit_code, name=unit_name)
        if not unit_name:
            raise DomainError(_("单位编码“%(code)s”不存在。如需新建该单位，请同时提供单位名称（--unit-name）。")
                              % {"code": unit_code},
                              code="unknown_unit", details={"field": "unit"})
        report_notices.append(_("单位“%(name)s”（%(code)s）尚不存在：导入时将新建该单位并加入本轮被巡视单位。")
                              % {"name": unit_name, "code": unit_code})
    elif inspected is None:
        report_notices.append(_("“%(name)s”尚未列入本轮被巡视单位：导入时将加入本轮。") % {"name": unit.name})
    _may_import(actor, unit, creating=inspected is None)
    feedback = inspected.feedback_date if inspected else (rnd.end_date or clock.today())
    if inspected is None:
        report_notices.append(_("新加入单位的反馈日期按本轮巡视结束日期 %(date)s 记录。") % {"date": f"{feedback:%Y-%m-%d}"})
    state = (rectification_selectors.plan_state_of(inspected_unit_id=inspected.pk) if inspected is not None
             else PlanState.DRAFT)
    return _Target(round=rnd, unit=unit, inspected=inspected, feedback_date=feedback, plan_state=state)


def ledger_import_check_target(*, actor: User | None, round_code: str, unit_code: str, unit_name: str = "") -> None:
    """Whether ``actor`` may import a ledger for the unit in the round at all, before a file is read:
    the same NotFound / PermissionDenied / DomainError the import itself raises (a queued import is
    refused at once instead of failing later)."""
    _resolve_target(actor=actor, round_code=round_code, unit_code=unit_code, unit_name=unit_name, report_notices=[])


def ledger_import(
    *, actor: User | None, data: bytes, filename: str, round_code: str, unit_code: str, unit_name: str = "",
    dry_run: bool = True, password: str | None = None, progress: Progress | None = None,
) -> ImportReport:
    """Parse ``data`` as a ledger for the unit in the round; commit unless ``dry_run`` or any error.

    ``actor`` None is the local operator on the command line. Raises LedgerFileError for a file that
    cannot be read at all, NotFound / DomainError / PermissionDenied for a wrong round, unit or role.
    """
    notices: list[str] = []
    target = _resolve_target(actor=actor, round_code=round_code, unit_code=unit_code, unit_name=unit_name,
                             report_notices=notices)

    def on_rows(done: int, total: int) -> None:
        if progress:
            progress(int(80 * done / max(total, 1)), _("正在读取台账"))

    # In a child process with a memory and a time limit: a hostile file cannot take this process down.
    parsed = sandbox.parse_ledger(data, filename, year=target.feedback_date.year, password=password,
                                  progress=on_rows, choose_sheet=_sheet_chooser(target))
    if progress:
        progress(80, _("正在比对"))
    rights = {"may_enter_feedback": actor is None or actor.can_enter_feedback,
              "may_add_self_found": actor is None or actor.can_enter_feedback or actor.can_add_self_found_problem,
              "filename": filename}
    plan = _plan(parsed, target, **rights)
    plan.report.notices[:0] = notices
    if dry_run or plan.report.errors:
        return plan.report
    if progress:
        progress(90, _("正在写入"))
    with transaction.atomic():
        # Re-plan inside the transaction so that edits made since the dry run are respected.
        target = _resolve_target(actor=actor, round_code=round_code, unit_code=unit_code, unit_name=unit_name,
                                 report_notices=[])
        if target.inspected is not None:  # one import of a unit at a time (SQLite: BEGIN IMMEDIATE does it)
            InspectedUnit.objects.select_for_update().filter(pk=target.inspected.pk).first()
        plan = _plan(parsed, target, **rights)
        plan.report.notices[:0] = notices
        if plan.report.errors:  # someone changed the unit since the dry run (e.g. closed a task)
            return plan.report
        _commit(plan, target=target, actor=actor, unit_code=unit_code, unit_name=unit_name,
                sha256=hashlib.sha256(data).hexdigest(), filename=filename)
    plan.report.committed = True
    if progress:
        progress(100, _("导入完成"))
    return plan.report


def _commit(plan: _Plan, *, target: _Target, actor: User | None, unit_code: str, unit_name: str, sha256: str,
            filename: str) -> None:
    """Hand the plan to the owners' services: the org tree and the round for a new unit, then the whole
    ledger to ``rectification.batch_services.ledger_apply`` (one audit event with every change)."""
    unit = target.unit
    if unit is None:
        parent = selectors.province_root()
        unit = org_unit_create(actor=actor or cli_operator(), code=unit_code, name=unit_name, kind=OrgKind.OTHER,
                               parent=parent)
    inspected = target.inspected or inspected_unit_add(actor=actor or cli_operator(), round=target.round, unit=unit,
                                                       feedback_date=target.feedback_date)
    batch = LedgerBatch(
        inspected_unit=inspected,
        new_problems=[(p.number, desired) for p, desired in plan.new_problems],
        changed_problems=plan.changed_problems,
        new_tasks=[(p.number, n, desired) for p, n, _t, desired in plan.new_tasks],
        changed_tasks=plan.changed_tasks,
        responsibilities=plan.responsibilities,
        progress=[(key, text) for key, text in plan.new_progress],  # type: ignore[misc]
        change_requests=plan.change_requests,
    )
    report = plan.report
    changed = [
        {"item": str(c.key), "fields": {f.field: [f.before, f.after] for f in c.fields}}
        for c in report.changes if c.state == "changed"
    ]
    ledger_apply(actor=actor, batch=batch, audit={
        "file": filename, "sha256": sha256, "problems": report.problems, "tasks": report.tasks,
        "changed": changed[:AUDIT_CHANGES_MAX], "changed_total": len(changed)})
