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

from django.db import models, transaction
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from rectify.accounts.models import Role, User
from rectify.accounts.services import cli_operator
from rectify.audit.services import audit_record
from rectify.core import clock
from rectify.core.errors import DomainError, NotFound, PermissionDenied
from rectify.core.text import natural_sort_key
from rectify.inspections import selectors as inspection_selectors
from rectify.inspections.models import InspectedUnit, InspectionRound, Problem, ProblemKind, add_months
from rectify.inspections.services import inspected_unit_add
from rectify.ledger import sandbox, selectors
from rectify.ledger.cells import cell_text, identifier_key
from rectify.ledger.parsing import RAW_DEADLINE_NOTE
from rectify.ledger.types import LedgerError, ParsedLedger, ParsedProblem, ParsedTask
from rectify.orgs.models import OrgKind, OrgUnit
from rectify.orgs.services import org_unit_check_new, org_unit_create
from rectify.rectification import selectors as rectification_selectors
from rectify.rectification.models import (
    DeadlineKind,
    ProgressEntry,
    Responsibility,
    ResponsibilityKind,
    Task,
    TaskStatus,
)

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


def _desired_due(task: ParsedTask, stored: selectors.StoredTask | None, feedback: dt.date) -> dt.date:
    if task.due_date is not None:
        return task.due_date
    if stored is not None:
        return stored.due_date  # type: ignore[return-value]
    if task.deadline_kind == DeadlineKind.LONG_TERM:
        return add_months(feedback, LONG_TERM_REVIEW_MONTHS)
    return feedback + dt.timedelta(days=IMMEDIATE_DAYS)


@dataclass
class _Plan:
    report: ImportReport
    new_problems: list[tuple[ParsedProblem, dict[str, Any]]] = field(default_factory=list)
    changed_problems: list[tuple[int, dict[str, Any]]] = field(default_factory=list)
    new_tasks: list[tuple[ParsedProblem, int, ParsedTask, dict[str, Any]]] = field(default_factory=list)
    changed_tasks: list[tuple[int, dict[str, Any]]] = field(default_factory=list)
    new_progress: list[tuple[int | None, str]] = field(default_factory=list)  # (task id or None for new, text)
    responsibilities: dict[Any, dict[str, list[str]]] = field(default_factory=dict)  # task id or (number, n)


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
# Only those who approve changes may change, through a file, what the inspectors fed back and the
# deadlines set for it (DOMAIN rule 3: a deadline change needs an approved reason).
APPROVED_FIELDS = {"description", "due_date", "deadline_kind"}


KIND_LABELS = {ProblemKind.FEEDBACK: gettext_noop("反馈问题"), ProblemKind.SELF_FOUND: gettext_noop("自查问题")}


class _Checks:
    """The rules a file must meet beyond its own form, reported as row/column errors in the dry run."""

    def __init__(self, parsed: ParsedLedger, target: _Target, report: ImportReport, *, approver: bool,
                 may_enter_feedback: bool, may_add_self_found: bool) -> None:
        self.columns = parsed.columns
        self.target = target
        self.report = report
        self.approver = approver
        self.may_enter_feedback = may_enter_feedback
        self.may_add_self_found = may_add_self_found

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

    def task(self, t: ParsedTask, due: dt.date) -> None:
        feedback = self.target.feedback_date
        if due < feedback:
            self.error(t.sheet, t.row, "deadline", _(
                "完成时限 %(due)s 早于反馈日期 %(feedback)s：完成时限不能早于巡视反馈日期。"
                "只写了月份的，请写明年份（如 %(example)s）。"
            ) % {"due": _display(due), "feedback": _display(feedback),
                 "example": _("%(year)s年3月底") % {"year": feedback.year + 1}})
        for column, names in (("leader", t.leaders), ("department", t.departments),
                              ("co_department", t.co_departments), ("person", t.persons)):
            for name in names:
                if len(name) > NAME_MAX:
                    self.error(t.sheet, t.row, column, _(
                        "“%(start)s…”超过%(max)s个字：多个名称请用顿号（、）分隔。"
                    ) % {"start": name[:12], "max": NAME_MAX})

    def changed_task(self, t: ParsedTask, old: selectors.StoredTask, changed: list[str]) -> None:
        if old.status in (TaskStatus.CLOSED, TaskStatus.SUBMITTED):
            state = _("已销号") if old.status == TaskStatus.CLOSED else _("正在申请销号")
            self.error(t.sheet, t.row, _field_column(changed[0]), _(
                "该任务%(state)s，不能通过导入修改（%(fields)s）；如需调整，请先由审核人员退回或重新打开。"
            ) % {"state": state, "fields": "、".join(str(_(TASK_LABELS[f])) for f in changed)})
            return
        if not self.approver:
            for f in changed:
                if f in APPROVED_FIELDS:
                    self.error(t.sheet, t.row, _field_column(f), _(
                        "调整“%(field)s”须经审批：请恢复为系统中的内容，或由巡视办、纪委监委人员调整。"
                    ) % {"field": _(TASK_LABELS[f])})

    def changed_problem(self, p: ParsedProblem, changed: list[str]) -> None:
        if not self.approver and "description" in changed:
            self.error(p.sheet, p.row, "description", _(
                "反馈问题须与巡视反馈原文一致，不能通过导入修改；如确需更正，请联系巡视办。"))


def _field_column(field_name: str) -> str:
    """The parser's column name for an importer field."""
    return {"due_date": "deadline", "deadline_kind": "kind", "progress": "progress"}.get(field_name, field_name)


def _plan(parsed: ParsedLedger, target: _Target, *, approver: bool = True, may_enter_feedback: bool = True,
          may_add_self_found: bool = True) -> _Plan:
    report = ImportReport(errors=list(parsed.errors), skipped_sheets=list(parsed.skipped_sheets))
    plan = _Plan(report=report)
    checks = _Checks(parsed, target, report, approver=approver, may_enter_feedback=may_enter_feedback,
                     may_add_self_found=may_add_self_found)
    # Problems match by identifier as compared (（1） is 1, P01 is p01), whatever way either was written.
    stored = {identifier_key(number): problem
              for number, problem in selectors.ledger_snapshot(inspected_unit=target.inspected).items()}
    resolve, category_names = _category_resolver()
    kind_labels = {value: str(label) for value, label in DeadlineKind.choices}
    unknown_categories: dict[str, int] = {}
    done_marked = 0
    seen: set[str] = set()

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
            report.changes.append(ItemChange("problem", key, "new", p.sheet, p.row))
        else:
            diffs = {
                f: v for f, v in desired.items()
                if (v != "" or f == "category_id") and not _same(getattr(old, f), v)
            }
            checks.changed_problem(p, list(diffs))
            checks.problem_kind(p, old)
            if diffs:
                plan.changed_problems.append((old.id, diffs))
                report.problems["changed"] += 1
                report.changes.append(ItemChange("problem", key, "changed", p.sheet, p.row, [
                    FieldChange(f, _(PROBLEM_LABELS[f]),
                                category_names.get(getattr(old, f), "") if f == "category_id"
                                else _display(getattr(old, f)),
                                category_names.get(v, "") if f == "category_id" else _display(v))
                    for f, v in diffs.items()
                ]))
            else:
                report.problems["unchanged"] += 1

        for n, t in enumerate(p.tasks, 1):
            done_marked += t.already_done
            old_task = old.tasks.get(n) if old else None
            resp = {"leader": t.leaders, "department": t.departments, "co_department": t.co_departments,
                    "person": t.persons}
            desired_t: dict[str, Any] = {
                "measure": t.measure, "criterion": t.criterion, "deadline_kind": t.deadline_kind,
                "due_date": _desired_due(t, old_task, target.feedback_date), "notes": _notes_text(t.notes),
            }
            tkey = _("%(problem)s · 措施 %(number)s") % {"problem": key, "number": n}
            checks.task(t, desired_t["due_date"])
            if old_task is None:
                plan.new_tasks.append((p, n, t, desired_t))
                plan.responsibilities[(p.number, n)] = {k: v for k, v in resp.items() if v}
                if t.progress:
                    plan.new_progress.append(((p.number, n), t.progress))  # type: ignore[arg-type]
                report.tasks["new"] += 1
                report.changes.append(ItemChange("task", tkey, "new", t.sheet, t.row))
                continue
            fields: list[FieldChange] = []
            diffs_t = {f: v for f, v in desired_t.items() if v not in ("", None) and not _same(getattr(old_task, f), v)}
            fields += [FieldChange(f, _(TASK_LABELS[f]),
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
            if fields:
                progress_only = [f.field for f in fields] == ["progress"]
                if not (progress_only and old_task.status == TaskStatus.SUBMITTED):  # progress may be added while under review
                    checks.changed_task(t, old_task, [f.field for f in fields])
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


def _may_import(actor: User | None, unit: OrgUnit | None, *, creating: bool) -> None:
    """Supervisors import for any unit; a unit lead only for an inspected unit in their own subtree."""
    if _is_approver(actor):
        return
    if actor.role == Role.UNIT_LEAD:
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
    return _Target(round=rnd, unit=unit, inspected=inspected, feedback_date=feedback)


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
    approver = _is_approver(actor)
    rights = {"approver": approver, "may_enter_feedback": actor is None or actor.can_enter_feedback,
              "may_add_self_found": actor is None or actor.can_enter_feedback or actor.can_add_self_found_problem}
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


BATCH = 2000


def _commit(plan: _Plan, *, target: _Target, actor: User | None, unit_code: str, unit_name: str, sha256: str,
            filename: str) -> None:
    now = clock.now()
    saved_actor = actor if actor is not None and actor.pk else None
    unit = target.unit
    if unit is None:
        parent = OrgUnit.objects.filter(kind=OrgKind.PROVINCE).order_by("path").first()
        unit = org_unit_create(actor=actor or cli_operator(), code=unit_code, name=unit_name, kind=OrgKind.OTHER, parent=parent)
    inspected = target.inspected or inspected_unit_add(actor=actor or cli_operator(), round=target.round, unit=unit,
                                                       feedback_date=target.feedback_date)

    # Problems
    new_problems = []
    for p, desired in plan.new_problems:
        problem = Problem(inspected_unit=inspected, **desired)
        problem.set_number(p.number)
        new_problems.append(problem)
    Problem.objects.bulk_create(new_problems, batch_size=BATCH)
    problem_ids = {identifier_key(p.number): p.pk for p in new_problems}
    problem_ids.update({identifier_key(number): pk for number, pk in
                        Problem.objects.filter(inspected_unit=inspected).values_list("number", "id")})
    _bulk_apply(Problem, plan.changed_problems)

    # Tasks
    new_tasks = [
        Task(problem_id=problem_ids[identifier_key(p.number)], number=n, original_due_date=desired["due_date"],
             status=TaskStatus.PENDING, **desired)
        for p, n, _t, desired in plan.new_tasks
    ]
    Task.objects.bulk_create(new_tasks, batch_size=BATCH)
    new_task_ids = {(p.number, n): task.pk for (p, n, _t, _d), task in zip(plan.new_tasks, new_tasks, strict=True)}
    _bulk_apply(Task, plan.changed_tasks)

    # Responsibility list: replace the entries of tasks whose responsibilities changed, link names.
    directory = selectors.unit_directory(unit=unit)
    replaced = [key for key in plan.responsibilities if isinstance(key, int)]
    for start in range(0, len(replaced), BATCH):
        Responsibility.objects.filter(task_id__in=replaced[start:start + BATCH]).delete()
    rows: list[Responsibility] = []
    for key, resp in plan.responsibilities.items():
        task_id = key if isinstance(key, int) else new_task_ids[key]
        for kind in RESPONSIBILITY_KEYS:
            for name in resp.get(kind, []):
                rows.append(_responsibility(task_id, kind, name, directory))
    Responsibility.objects.bulk_create(rows, batch_size=BATCH)

    # Progress: a new entry when the file's text differs from the latest one; it starts a pending task.
    entries = [ProgressEntry(task_id=key if isinstance(key, int) else new_task_ids[key], author=saved_actor,
                             text=text, created_at=now) for key, text in plan.new_progress]
    ProgressEntry.objects.bulk_create(entries, batch_size=BATCH)
    started = [e.task_id for e in entries]
    for start in range(0, len(started), BATCH):
        Task.objects.filter(pk__in=started[start:start + BATCH], status=TaskStatus.PENDING).update(
            status=TaskStatus.IN_PROGRESS, version=models.F("version") + 1)

    report = plan.report
    changed = [
        {"item": str(c.key), "fields": {f.field: [f.before, f.after] for f in c.fields}}
        for c in report.changes if c.state == "changed"
    ]
    audit_record(actor=actor or cli_operator(), action="ledger.imported", obj=inspected,
                 after={"file": filename, "sha256": sha256, "problems": report.problems, "tasks": report.tasks,
                        "changed": changed[:AUDIT_CHANGES_MAX], "changed_total": len(changed)})


def _bulk_apply(model: type[models.Model], changes: list[tuple[int, dict[str, Any]]]) -> None:
    """Write field changes grouped by the set of fields changed, bumping each row's version."""
    by_fields: dict[tuple[str, ...], list[models.Model]] = {}
    for pk, values in changes:
        obj = model(pk=pk, **values)
        by_fields.setdefault(tuple(sorted(values)), []).append(obj)
    for fields, objs in by_fields.items():
        model._default_manager.bulk_update(objs, list(fields), batch_size=BATCH)
    ids = [pk for pk, _ in changes]
    for start in range(0, len(ids), BATCH):
        model._default_manager.filter(pk__in=ids[start:start + BATCH]).update(version=models.F("version") + 1)


def _responsibility(task_id: int, kind: str, name: str, directory: selectors.UnitDirectory) -> Responsibility:
    bare = re.sub(r"[（(].*?[)）]", "", name).strip()
    if kind == "leader":
        tenure = directory.leaders.get(bare)
        return Responsibility(task_id=task_id, kind=ResponsibilityKind.LEADER, name=name, tenure=tenure,
                              person=tenure.person if tenure else None)
    if kind in ("department", "co_department"):
        return Responsibility(task_id=task_id, kind=ResponsibilityKind.DEPARTMENT, name=name,
                              department=directory.departments.get(bare), is_lead=kind == "department")
    return Responsibility(task_id=task_id, kind=ResponsibilityKind.PERSON, name=name,
                          person=directory.people.get(bare))
