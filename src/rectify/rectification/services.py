"""Every write to the rectification lists: one transaction, one audit event, permission checked.

Task state machine::

    pending ──progress/evidence──▶ in_progress ──submit──▶ submitted ──approve──▶ closed
       └──────────────submit (with evidence or reason)──────▲   │                   │
                               in_progress ◀──return (reason)───┘                   │
                               in_progress ◀──reopen (supervisor, reason)───────────┘

Transitions are conditional UPDATEs on (id, status[, version]) so that two people acting at
once cannot both succeed: the later one gets a Conflict, never a silent overwrite.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import mimetypes
from collections.abc import Iterable
from pathlib import PurePath
from typing import IO

from django.conf import settings
from django.core.files.base import File
from django.db import models, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from rectify.accounts.models import User
from rectify.audit.services import audit_record
from rectify.core import clock
from rectify.core.dates import check_plausible_date
from rectify.core.errors import Conflict, DomainError, NotFound, PermissionDenied
from rectify.inspections.models import InspectedUnit, Problem
from rectify.orgs import selectors as org_selectors
from rectify.rectification import rollups, selectors
from rectify.rectification.models import (
    CloseOut,
    CloseOutState,
    DeadlineKind,
    Evidence,
    PlanState,
    ProgressEntry,
    Reopening,
    Responsibility,
    ResponsibilityKind,
    Task,
    TaskStatus,
)

OPEN_STATES = (TaskStatus.PENDING, TaskStatus.IN_PROGRESS)


def _transition(
    *, task: Task, from_states: Iterable[str], to_state: str, expected_version: int | None = None, **values: object
) -> None:
    qs = Task.objects.filter(pk=task.pk, status__in=list(from_states))
    if expected_version is not None:
        qs = qs.filter(version=expected_version)
    updated = qs.update(status=to_state, version=models.F("version") + 1, updated_at=clock.now(), **values)
    if updated != 1:
        raise Conflict(_("任务状态已被他人更新，请刷新页面后重试。"), details={"task": task.pk})
    task.status = to_state
    task.version = (task.version or 0) + 1
    for name, value in values.items():
        setattr(task, name, value)


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise PermissionDenied(message)


def _start_if_pending(task: Task) -> None:
    if task.status == TaskStatus.PENDING:
        _transition(task=task, from_states=[TaskStatus.PENDING], to_state=TaskStatus.IN_PROGRESS)


@transaction.atomic
def task_add_progress(*, actor: User, task_id: int, text: str) -> ProgressEntry:
    """A unit user reports progress; the first report starts the task."""
    _require(actor.can_report_progress, _("只有被巡视单位的整改人员可以填报整改进展。"))
    task = selectors.task_get_for(user=actor, task_id=task_id)
    text = (text or "").strip()
    if not text:
        raise DomainError(_("请填写整改进展内容。"), code="text_required", details={"field": "text"})
    if task.status == TaskStatus.CLOSED:
        raise Conflict(_("该任务已销号，不能再填报进展；如问题反弹，请由监督人员重新打开。"))
    entry = ProgressEntry.objects.create(task=task, author=actor, text=text, created_at=clock.now())
    before = task.status
    _start_if_pending(task)
    rollups.refresh([task.problem_id])
    audit_record(actor=actor, action="task.progress_added", obj=task,
                 before={"status": before}, after={"status": task.status, "progress": entry.pk, "text": text})
    return entry


def _validate_upload(name: str, size: int, file: IO[bytes]) -> str:
    """The extension is on the allow-list, the size within the limit, and the content is what the
    extension says (``core.filetypes``: magic bytes, package parts, declared image size, text encoding)."""
    from rectify.core import filetypes

    suffix = PurePath(name).suffix.lower().lstrip(".")
    if suffix not in settings.RECTIFY_EVIDENCE_EXTENSIONS:
        allowed = "、".join(settings.RECTIFY_EVIDENCE_EXTENSIONS)
        raise DomainError(_("不支持“.%(suffix)s”格式的文件，请上传以下格式之一：%(allowed)s。")
                          % {"suffix": suffix or _("无扩展名"), "allowed": allowed},
                          code="file_type", details={"field": "file"})
    if size == 0:
        raise DomainError(_("上传的文件是空文件，请检查后重新上传。"), code="file_empty", details={"field": "file"})
    limit = settings.RECTIFY_EVIDENCE_MAX_BYTES
    if size > limit:
        raise DomainError(_("文件超过 %(limit)d MB 的上限，请压缩或拆分后上传。") % {"limit": limit // (1024 * 1024)},
                          code="file_too_large", details={"field": "file"})
    problem = filetypes.check_content(name, suffix, file)
    if problem:
        raise DomainError(problem, code="file_content", details={"field": "file"})
    return suffix


@transaction.atomic
def evidence_upload(*, actor: User, task_id: int, file: IO[bytes], name: str, description: str = "") -> Evidence:
    """Attach an evidence file; it is stored under its SHA-256 and keeps its original name."""
    _require(actor.can_report_progress, _("只有被巡视单位的整改人员可以上传佐证材料。"))
    task = selectors.task_get_for(user=actor, task_id=task_id)
    if task.status == TaskStatus.CLOSED:
        raise Conflict(_("该任务已销号，不能再上传佐证材料。"))
    name = PurePath(name or "").name.strip() or "未命名文件"
    digest = hashlib.sha256()
    size = 0
    file.seek(0)
    for chunk in iter(lambda: file.read(1024 * 1024), b""):
        digest.update(chunk)
        size += len(chunk)
    _validate_upload(name, size, file)
    sha = digest.hexdigest()
    if Evidence.objects.filter(task=task, sha256=sha).exists():
        raise DomainError(_("文件“%(name)s”与该任务已上传的材料内容相同，无需重复上传。") % {"name": name},
                          code="duplicate_file",
                          details={"field": "file"})
    evidence = Evidence(
        task=task, original_name=name[:255], sha256=sha, size=size,
        content_type=mimetypes.guess_type(name)[0] or "application/octet-stream",
        description=(description or "").strip()[:300], uploaded_by=actor, uploaded_at=clock.now(),
    )
    file.seek(0)
    # Content-addressed: the same bytes are stored once. A file written before a rolled-back
    # transaction is harmless (an identical upload later reuses it).
    storage_name = f"evidence/{sha[:2]}/{sha}"
    if evidence.file.storage.exists(storage_name):
        evidence.file.name = storage_name
    else:
        evidence.file.save(sha, File(file), save=False)
    evidence.save()
    before = task.status
    _start_if_pending(task)
    rollups.refresh([task.problem_id])
    audit_record(actor=actor, action="evidence.uploaded", obj=task, before={"status": before},
                 after={"status": task.status, "evidence": evidence.pk, "name": name, "sha256": sha, "size": size})
    return evidence


@transaction.atomic
def close_out_submit(
    *, actor: User, task_id: int, note: str = "", no_evidence_reason: str = "", expected_version: int | None = None
) -> CloseOut:
    """Apply for close-out. Needs evidence on file, or a recorded reason why there is none."""
    _require(actor.can_submit_close_out, _("只有被巡视单位的整改牵头人可以申请销号。"))
    task = selectors.task_get_for(user=actor, task_id=task_id)
    if task.status not in OPEN_STATES:
        raise Conflict(_("任务当前状态为“%(status)s”，不能申请销号。") % {"status": task.get_status_display()})
    evidence = list(Evidence.objects.filter(task=task))
    reason = (no_evidence_reason or "").strip()
    if not evidence and not reason:
        raise DomainError(_("申请销号须上传至少一份佐证材料，或说明无佐证材料的原因。"), code="evidence_required",
                          details={"field": "no_evidence_reason"})
    before = task.status
    _transition(task=task, from_states=OPEN_STATES, to_state=TaskStatus.SUBMITTED, expected_version=expected_version)
    close_out = CloseOut.objects.create(
        task=task, note=(note or "").strip(), no_evidence_reason=reason, submitted_by=actor, submitted_at=clock.now()
    )
    close_out.evidence.set(evidence)
    rollups.refresh([task.problem_id])
    audit_record(actor=actor, action="close_out.submitted", obj=task, before={"status": before},
                 after={"status": task.status, "close_out": close_out.pk, "evidence": [e.pk for e in evidence],
                        "note": close_out.note, "no_evidence_reason": reason})
    return close_out


def _pending_close_out_for_review(actor: User, close_out_id: int) -> CloseOut:
    _require(actor.can_review_close_out, _("只有巡视办或纪委监委监督人员可以审核销号申请。"))
    close_out = selectors.close_out_get_for(user=actor, close_out_id=close_out_id)
    if close_out.state != CloseOutState.PENDING:
        raise Conflict(_("该销号申请已%(state)s，无需重复审核。") % {"state": close_out.get_state_display()})
    if close_out.submitted_by_id == actor.pk:
        raise PermissionDenied(_("不能审核本人提交的销号申请（销号须由提交人以外的人员审核）。"), code="four_eyes")
    return close_out


def _finish_review(close_out: CloseOut, *, actor: User, state: str, comment: str,
                   execution_proven: bool | None = None) -> None:
    updated = CloseOut.objects.filter(pk=close_out.pk, state=CloseOutState.PENDING).update(
        state=state, reviewed_by=actor, reviewed_at=clock.now(), review_comment=comment,
        execution_proven=execution_proven,
    )
    if updated != 1:
        raise Conflict(_("该销号申请已被他人审核，请刷新页面。"))
    close_out.refresh_from_db()


def clue_hold_message(*, user: User, problem: Problem, clue_numbers: list[str]) -> str:
    """Why a close-out of this problem cannot be approved yet, said to a reviewer: the commission (who sees
    clues) gets the clue numbers, the inspection office only that a clue awaits its result."""
    if user.sees_clues:
        return _("问题 %(problem)s 涉及的问题线索（%(clues)s）尚未办结，销号暂不能批准：请先记录线索的办理结果并标记办结，"
                 "再审核该销号申请（也可以退回）。") % {"problem": problem.number, "clues": "、".join(clue_numbers)}
    return _("问题 %(problem)s 涉及已移交的问题线索，线索尚未办结，销号暂不能批准：请待纪委监委记录办理结果后再审核"
             "（也可以退回）。") % {"problem": problem.number}


def clue_hold_for(*, user: User, task: Task) -> str:
    """The reason a reviewer cannot approve the task's close-out yet because of its problem's clues, or ""
    (issue 11 §6, scenario 10). Unit users are told nothing beyond the problem's "clue handed over" flag."""
    from rectify.inspections import selectors as inspection_selectors

    numbers = inspection_selectors.unconcluded_clues_of([task.problem_id]).get(task.problem_id)
    if not numbers or not user.can_review_close_out:
        return ""
    return clue_hold_message(user=user, problem=task.problem, clue_numbers=numbers)


@transaction.atomic
def close_out_approve(*, actor: User, close_out_id: int, comment: str = "",
                      execution_proven: bool | None = None) -> CloseOut:
    """Approve a close-out: the task is closed. Not while the problem has a clue without a concluding result
    (the close-out may be submitted and returned meanwhile). ``execution_proven``: the reviewer's answer to the
    paper-rectification prompt (rule 6), when asked; "no" refuses."""
    close_out = _pending_close_out_for_review(actor, close_out_id)
    if execution_proven is False:
        raise DomainError(_("执行情况未得到证明，不能予以销号；请退回并说明须补充的执行证明。"),
                          code="execution_not_proven", details={"field": "execution_proven"})
    task = close_out.task
    hold = clue_hold_for(user=actor, task=task)
    if hold:
        raise Conflict(hold, code="clue_not_concluded", details={"task": task.pk, "problem": task.problem_id})
    _transition(task=task, from_states=[TaskStatus.SUBMITTED], to_state=TaskStatus.CLOSED, closed_at=clock.now())
    _finish_review(close_out, actor=actor, state=CloseOutState.APPROVED, comment=(comment or "").strip(),
                   execution_proven=execution_proven)
    rollups.refresh([task.problem_id])
    audit_record(actor=actor, action="close_out.approved", obj=task, before={"status": TaskStatus.SUBMITTED},
                 after={"status": task.status, "close_out": close_out.pk, "comment": close_out.review_comment,
                        **({"execution_proven": execution_proven} if execution_proven is not None else {})})
    return close_out


@transaction.atomic
def close_out_return(*, actor: User, close_out_id: int, reason: str,
                     execution_proven: bool | None = None) -> CloseOut:
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("退回销号申请须填写退回理由，说明还需补充或整改的内容。"), code="reason_required",
                          details={"field": "reason"})
    close_out = _pending_close_out_for_review(actor, close_out_id)
    task = close_out.task
    _transition(task=task, from_states=[TaskStatus.SUBMITTED], to_state=TaskStatus.IN_PROGRESS)
    _finish_review(close_out, actor=actor, state=CloseOutState.RETURNED, comment=reason,
                   execution_proven=execution_proven)
    rollups.refresh([task.problem_id])
    audit_record(actor=actor, action="close_out.returned", obj=task, before={"status": TaskStatus.SUBMITTED},
                 after={"status": task.status, "close_out": close_out.pk, "reason": reason,
                        **({"execution_proven": execution_proven} if execution_proven is not None else {})})
    return close_out


@transaction.atomic
def task_reopen(*, actor: User, task_id: int, reason: str) -> Reopening:
    """A supervisor reopens a closed task (e.g. the problem came back); the review chain is kept."""
    _require(actor.can_reopen, _("只有巡视办或纪委监委监督人员可以重新打开已销号任务。"))
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("重新打开须填写原因。"), code="reason_required", details={"field": "reason"})
    task = selectors.task_get_for(user=actor, task_id=task_id)
    if task.status != TaskStatus.CLOSED:
        raise Conflict(_("只有已销号的任务才能重新打开。"))
    _transition(task=task, from_states=[TaskStatus.CLOSED], to_state=TaskStatus.IN_PROGRESS, closed_at=None)
    reopening = Reopening.objects.create(task=task, reason=reason, reopened_by=actor, reopened_at=clock.now())
    rollups.refresh([task.problem_id])
    audit_record(actor=actor, action="task.reopened", obj=task, before={"status": TaskStatus.CLOSED},
                 after={"status": task.status, "reason": reason})
    return reopening


# --- editing the task list (issue 7 §1, §3) -------------------------------------------------------
#
# Who: the unit lead of the problem's unit (``can_edit_task_list``; scope by the selectors).
# When: freely while the unit's plan is being drafted or was returned; not at all while it is under
# review; after approval the deadline, the deadline kind and a long-term task's review cycle change
# only through an approved change request (``plan_services``), and tasks are no longer deleted.

EDITABLE_FIELDS = ("measure", "criterion", "deadline_kind", "due_date", "milestones", "review_months")
PLAN_FIXED_FIELDS = ("deadline_kind", "due_date", "review_months")  # after approval: a change request
REVIEW_MONTHS_MAX = 60


def _problem_for_editing(actor: User, problem_id: int) -> Problem:
    _require(actor.can_edit_task_list, _("只有被巡视单位的整改牵头人可以编辑任务清单。"))
    try:
        return selectors.problem_list_for(user=actor).select_related(
            "inspected_unit__round", "inspected_unit__unit").get(pk=problem_id)
    except Problem.DoesNotExist:
        raise NotFound(_("未找到该问题，或您无权查看。")) from None


def _task_for_editing(actor: User, task_id: int) -> Task:
    _require(actor.can_edit_task_list, _("只有被巡视单位的整改牵头人可以编辑任务清单。"))
    task = selectors.task_get_for(user=actor, task_id=task_id)
    if task.status not in OPEN_STATES:
        raise Conflict(_("任务当前状态为“%(status)s”，不能再编辑。") % {"status": task.get_status_display()},
                       code="task_locked", details={"task": task.pk, "status": task.status})
    return task


def plan_state_for_editing(inspected_unit_id: int) -> str:
    """The plan's state, refusing any change to the task list while the plan is under review."""
    state = selectors.plan_state_of(inspected_unit_id=inspected_unit_id)
    if state == PlanState.SUBMITTED:
        raise Conflict(_("本单位的整改方案正在审核中，任务清单暂不能修改；审核退回后可以修改，批准后调整完成时限须提交变更申请。"),
                       code="plan_under_review", details={"plan": state})
    return state


def _invalid(message: str, field: str) -> DomainError:
    return DomainError(message, code="invalid", details={"field": field}).with_status(422)


def checked_deadline(*, inspected_unit: InspectedUnit, deadline_kind: str, due_date: dt.date | None,
                     milestones: str = "", review_months: int | None = None) -> dict[str, object]:
    """Rules 2 and 3 on a task's deadline, returned cleaned:

    1. an immediate task without a date gets the end of the concentrated period, and must fall inside it;
    2. no deadline before the feedback date;
    3. a long-term task carries its stage goals and a review cycle (default
       ``RECTIFY_LONG_TERM_REVIEW_MONTHS``); other kinds have no review cycle.
    """
    milestones = (milestones or "").strip()
    if deadline_kind not in DeadlineKind.values:
        raise _invalid(_("整改类型须为立行立改、限期整改或长期坚持之一。"), "deadline_kind")
    end = inspected_unit.rectification_end
    if due_date is None:
        if deadline_kind == DeadlineKind.IMMEDIATE:
            due_date = end
        elif deadline_kind == DeadlineKind.LONG_TERM:
            raise _invalid(_("长期坚持的任务须填写首次评估的完成时限。"), "due_date")
        else:
            raise _invalid(_("请填写完成时限。"), "due_date")
    check_plausible_date(due_date, field="due_date", label=_("完成时限"))
    if due_date < inspected_unit.feedback_date:
        raise _invalid(_("完成时限%(due)s早于反馈日期%(feedback)s，请检查。")
                       % {"due": due_date.isoformat(), "feedback": inspected_unit.feedback_date.isoformat()},
                       "due_date")
    if deadline_kind == DeadlineKind.IMMEDIATE and due_date > end:
        raise _invalid(_("立行立改的任务须在集中整改期内（%(end)s 前）完成，请调整完成时限或整改类型。")
                       % {"end": end.isoformat()}, "due_date")
    if deadline_kind == DeadlineKind.LONG_TERM:
        if not milestones:
            raise _invalid(_("长期坚持的任务须写明阶段目标：每个阶段要达到什么、何时达到。"), "milestones")
        review_months = review_months or settings.RECTIFY_LONG_TERM_REVIEW_MONTHS
        if not 1 <= review_months <= REVIEW_MONTHS_MAX:
            raise _invalid(_("评估周期须在 1 至 %(max)d 个月之间。") % {"max": REVIEW_MONTHS_MAX}, "review_months")
    else:
        review_months = None
    return {"deadline_kind": deadline_kind, "due_date": due_date, "milestones": milestones,
            "review_months": review_months}


def checked_task_values(*, inspected_unit: InspectedUnit, measure: str, criterion: str, deadline_kind: str,
                        due_date: dt.date | None, milestones: str = "", review_months: int | None = None,
                        ) -> dict[str, object]:
    """A whole task as the pages and the API write it: a measure and a measurable completion criterion are
    required, and the deadline follows ``checked_deadline``."""
    measure = (measure or "").strip()
    criterion = (criterion or "").strip()
    if not measure:
        raise _invalid(_("请填写整改措施。"), "measure")
    if not criterion:
        raise _invalid(_("请填写可衡量的完成标准，说明做到什么程度算完成。"), "criterion")
    return {"measure": measure, "criterion": criterion,
            **checked_deadline(inspected_unit=inspected_unit, deadline_kind=deadline_kind, due_date=due_date,
                               milestones=milestones, review_months=review_months)}


def _leader_unresolved(problem: Problem, name: str, matches: int) -> DomainError:
    message = (_("问题%(problem)s：本单位领导班子中没有在任的“%(name)s”，请从班子成员中选择责任领导。")
               if not matches else
               _("问题%(problem)s：本单位领导班子中在任的“%(name)s”不止一人，请在页面上选择具体人员。"))
    return DomainError(message % {"problem": problem.number, "name": name}, code="leader_unresolved",
                       details={"field": "responsibilities", "problem": problem.pk, "name": name,
                                "matches": matches}).with_status(422)


def _build_responsibilities(*, problem: Problem, entries: Iterable[dict]) -> list[Responsibility]:
    """The responsibility list of one task from what the page or the API sent.

    A leader is the leadership member of the problem's unit in post today: picked by ``tenure`` (the page's
    picker) or named (the API) — a name must match exactly one person. Departments and people are kept as
    written; a department is linked to the unit's internal office of that name when there is one.
    """
    entries = list(entries)
    if not entries:
        return []
    unit = problem.inspected_unit.unit
    directory = org_selectors.unit_directory(unit=unit, day=clock.today())
    built: list[Responsibility] = []
    seen: set[tuple[str, str, bool]] = set()
    for entry in entries:
        kind = entry.get("kind")
        name = " ".join(str(entry.get("name") or "").split())
        tenure_id = entry.get("tenure")
        is_lead = bool(entry.get("is_lead", True))
        if kind not in ResponsibilityKind.values:
            raise _invalid(_("责任类型须为责任领导、责任部门或责任人之一。"), "responsibilities")
        if kind == ResponsibilityKind.LEADER:
            if tenure_id:
                tenure = directory.leader_tenures.get(int(tenure_id))
                if tenure is None:
                    raise _invalid(_("所选的责任领导不是本单位在任的班子成员，请重新选择。"), "responsibilities")
            else:
                if not name:
                    raise _invalid(_("请填写责任领导的姓名。"), "responsibilities")
                candidates = directory.leaders.get(org_selectors.bare_person_name(name), [])
                if len({t.person_id for t in candidates}) != 1:
                    raise _leader_unresolved(problem, name, len({t.person_id for t in candidates}))
                tenure = candidates[0]
            r = Responsibility(kind=kind, name=tenure.person.name, tenure=tenure, person=tenure.person, is_lead=True)
        else:
            if not name:
                raise _invalid(_("请填写责任部门或责任人的名称。"), "responsibilities")
            if len(name) > RESPONSIBILITY_NAME_MAX:
                raise _invalid(_("“%(start)s…”超过%(max)d个字：多个部门或人员请分别填写。")
                               % {"start": name[:12], "max": RESPONSIBILITY_NAME_MAX}, "responsibilities")
            bare = org_selectors.bare_person_name(name)
            if kind == ResponsibilityKind.DEPARTMENT:
                r = Responsibility(kind=kind, name=name, department=directory.departments.get(bare), is_lead=is_lead)
            else:
                r = Responsibility(kind=kind, name=name, person=directory.people.get(bare), is_lead=True)
        key = (r.kind, r.name, r.is_lead)
        if key not in seen:
            seen.add(key)
            built.append(r)
    return built


RESPONSIBILITY_NAME_MAX = 100


def _responsibility_rows(rows: Iterable[Responsibility]) -> list[list[object]]:
    """A comparable, JSON-able form of a responsibility list: [kind, name, lead?, tenure id]."""
    return sorted([[r.kind, r.name, r.is_lead, r.tenure_id] for r in rows], key=lambda row: (str(row[0]), str(row[1])))


def _task_snapshot(task: Task, responsibilities: Iterable[Responsibility] | None = None) -> dict[str, object]:
    snapshot: dict[str, object] = {
        "measure": task.measure, "criterion": task.criterion, "deadline_kind": task.deadline_kind,
        "due_date": task.due_date.isoformat(), "milestones": task.milestones, "review_months": task.review_months,
        "number": task.number}
    if responsibilities is not None:
        snapshot["responsibilities"] = _responsibility_rows(responsibilities)
    return snapshot


@transaction.atomic
def task_create(*, actor: User, problem_id: int, measure: str, criterion: str, deadline_kind: str,
                due_date: dt.date | None = None, milestones: str = "", review_months: int | None = None,
                responsibilities: Iterable[dict] = ()) -> Task:
    """A unit lead adds a measure at the end of the problem's task list (also after the plan's approval:
    the new task's first deadline is the one it is measured against)."""
    problem = _problem_for_editing(actor, problem_id)
    plan_state_for_editing(problem.inspected_unit_id)
    values = checked_task_values(inspected_unit=problem.inspected_unit, measure=measure, criterion=criterion,
                                 deadline_kind=deadline_kind, due_date=due_date, milestones=milestones,
                                 review_months=review_months)
    people = _build_responsibilities(problem=problem, entries=responsibilities)
    number = (Task.objects.filter(problem=problem).aggregate(m=models.Max("number"))["m"] or 0) + 1
    task = Task.objects.create(problem=problem, number=number, original_due_date=values["due_date"], **values)
    for r in people:
        r.task = task
    Responsibility.objects.bulk_create(people)
    rollups.refresh([problem.pk])
    audit_record(actor=actor, action="task.created", obj=task, before={}, after=_task_snapshot(task, people))
    return task


@transaction.atomic
def task_create_follow_up(*, actor: User, problem_id: int, measure: str, criterion: str, deadline_kind: str,
                          due_date: dt.date | None, source: str) -> Task:
    """A supervisor adds a follow-up task agreed in an interview (约谈) to the problem's task list, whatever
    the plan's state: it enters the unit's ledger with the responsibility list of the problem's first task
    (the unit adjusts it afterwards). ``source`` says where it was agreed, for the audit trail."""
    _require(actor.can_review_close_out, _("只有巡视办或纪委监委监督人员可以布置约谈后续任务。"))
    try:
        problem = selectors.problem_list_for(user=actor).select_related(
            "inspected_unit__round", "inspected_unit__unit").get(pk=problem_id)
    except Problem.DoesNotExist:
        raise NotFound(_("未找到该问题，或您无权查看。")) from None
    values = checked_task_values(inspected_unit=problem.inspected_unit, measure=measure, criterion=criterion,
                                 deadline_kind=deadline_kind, due_date=due_date)
    number = (Task.objects.filter(problem=problem).aggregate(m=models.Max("number"))["m"] or 0) + 1
    task = Task.objects.create(problem=problem, number=number, original_due_date=values["due_date"], **values)
    first = Task.objects.filter(problem=problem).exclude(pk=task.pk).order_by("number").first()
    people = [Responsibility(task=task, kind=r.kind, name=r.name, person_id=r.person_id, tenure_id=r.tenure_id,
                             department_id=r.department_id, is_lead=r.is_lead)
              for r in (first.responsibilities.all() if first else [])]
    Responsibility.objects.bulk_create(people)
    rollups.refresh([problem.pk])
    audit_record(actor=actor, action="task.created", obj=task, before={},
                 after=_task_snapshot(task, people) | {"source": source})
    return task


@transaction.atomic
def task_update(*, actor: User, task_id: int, expected_version: int,
                responsibilities: Iterable[dict] | None = None, **fields: object) -> Task:
    """Change a task's fields and/or replace its responsibility list, with a conditional UPDATE on its
    version. A stale version is a Conflict whose details list each field changed since that version.
    After the plan's approval a changed deadline, deadline kind or review cycle is refused with
    ``change_request_required``: those go through ``plan_services.change_request_create``."""
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise _invalid(_("不能修改字段：%(fields)s。") % {"fields": "、".join(sorted(unknown))}, sorted(unknown)[0])
    task = _task_for_editing(actor, task_id)
    if task.version != expected_version:
        _raise_stale(task, expected_version)
    state = plan_state_for_editing(task.problem.inspected_unit_id)
    current = {f: getattr(task, f) for f in EDITABLE_FIELDS}
    values = checked_task_values(inspected_unit=task.problem.inspected_unit, **{**current, **fields})  # type: ignore[arg-type]
    changed = {f: v for f, v in values.items() if v != current[f]}
    fixed = [f for f in PLAN_FIXED_FIELDS if f in changed]
    if state == PlanState.APPROVED and fixed:
        raise Conflict(_("整改方案已批准，调整%(fields)s须提交变更申请，经巡视办或纪委监委批准后生效。")
                       % {"fields": "、".join(str(Task._meta.get_field(f).verbose_name) for f in fixed)},
                       code="change_request_required", details={"task": task.pk, "fields": fixed})
    old_people = list(Responsibility.objects.filter(task=task))
    new_people = (None if responsibilities is None
                  else _build_responsibilities(problem=task.problem, entries=responsibilities))
    people_changed = new_people is not None and _responsibility_rows(new_people) != _responsibility_rows(old_people)
    if not changed and not people_changed:
        return task
    if "due_date" in changed and state != PlanState.APPROVED:
        changed["original_due_date"] = changed["due_date"]  # not yet approved: nothing to measure against
    updated = Task.objects.filter(pk=task.pk, version=expected_version, status__in=OPEN_STATES).update(
        version=models.F("version") + 1, updated_at=clock.now(), **changed)
    if updated != 1:
        _raise_stale(selectors.task_get_for(user=actor, task_id=task_id), expected_version)
    if people_changed:
        Responsibility.objects.filter(task=task).delete()
        for r in new_people or []:
            r.task = task
        Responsibility.objects.bulk_create(new_people or [])
    before = _task_snapshot(task, old_people)
    task.refresh_from_db()
    rollups.refresh([task.problem_id])
    audit_record(actor=actor, action="task.updated", obj=task, before=before,
                 after=_task_snapshot(task, new_people if people_changed else old_people))
    return selectors.task_get_for(user=actor, task_id=task_id)


STALE_KEYS = (*EDITABLE_FIELDS, "status", "number", "responsibilities")


def _raise_stale(task: Task, expected_version: int) -> None:
    """Who changed what since ``expected_version``: the task's audit events after that version."""
    from rectify.audit.models import AuditEvent

    missed = max(task.version - expected_version, 1)
    events = list(AuditEvent.objects.filter(object_type="rectification.task", object_id=str(task.pk))
                  .order_by("-id")[:missed])
    changes: list[dict[str, object]] = []
    for event in reversed(events):
        before, after = event.before or {}, event.after or {}
        for key in STALE_KEYS:
            if key in before or key in after:
                if before.get(key) != after.get(key):
                    changes.append({"field": key, "label": str(_STALE_LABELS.get(key, key)),
                                    "before": before.get(key), "after": after.get(key),
                                    "by": event.actor_name, "at": event.at.isoformat()})
    raise Conflict(_("该任务已被他人修改（您编辑的是第 %(old)d 版，当前为第 %(new)d 版），请核对后重新提交。")
                   % {"old": expected_version, "new": task.version},
                   details={"task": task.pk, "version": task.version, "expected_version": expected_version,
                            "changed": changes})


_STALE_LABELS = {"measure": _lazy("整改措施"), "criterion": _lazy("完成标准"), "deadline_kind": _lazy("整改类型"),
                 "due_date": _lazy("完成时限"), "milestones": _lazy("阶段目标"), "review_months": _lazy("评估周期"),
                 "status": _lazy("状态"), "number": _lazy("措施序号"), "responsibilities": _lazy("责任清单")}


@transaction.atomic
def task_delete(*, actor: User, task_id: int, expected_version: int) -> None:
    """Delete a task while nothing has been recorded on it (no progress, evidence, close-out or change
    request) and the plan is not yet approved."""
    task = _task_for_editing(actor, task_id)
    if task.version != expected_version:
        _raise_stale(task, expected_version)
    state = plan_state_for_editing(task.problem.inspected_unit_id)
    if state == PlanState.APPROVED:
        raise Conflict(_("整改方案已批准，方案中的任务不能删除；如需调整，请修改措施内容或提交变更申请。"),
                       code="plan_approved", details={"task": task.pk})
    if (ProgressEntry.objects.filter(task=task).exists() or Evidence.objects.filter(task=task).exists()
            or CloseOut.objects.filter(task=task).exists() or task.change_requests.exists()):
        raise Conflict(_("该任务已有整改进展、佐证材料或销号记录，不能删除；如需调整请修改任务内容。"),
                       code="task_has_records", details={"task": task.pk})
    people = list(Responsibility.objects.filter(task=task))
    before = _task_snapshot(task, people)
    problem_id, number = task.problem_id, task.number
    audit_record(actor=actor, action="task.deleted", obj=task, before=before, after={})
    Responsibility.objects.filter(task=task).delete()
    Task.objects.filter(pk=task.pk).delete()
    # Close the gap so numbers stay 1..n (one row at a time upward keeps the unique constraint satisfied).
    for pk in Task.objects.filter(problem_id=problem_id, number__gt=number).order_by("number").values_list("pk", flat=True):
        Task.objects.filter(pk=pk).update(number=models.F("number") - 1, version=models.F("version") + 1)
    rollups.refresh([problem_id])


@transaction.atomic
def task_move(*, actor: User, task_id: int, position: int, expected_version: int) -> Task:
    """Move a task to ``position`` (1-based) within its problem; the others shift to make room."""
    _require(actor.can_edit_task_list, _("只有被巡视单位的整改牵头人可以编辑任务清单。"))
    task = selectors.task_get_for(user=actor, task_id=task_id)
    if task.version != expected_version:
        _raise_stale(task, expected_version)
    plan_state_for_editing(task.problem.inspected_unit_id)
    ids = list(Task.objects.filter(problem_id=task.problem_id).order_by("number").values_list("pk", flat=True))
    if not 1 <= position <= len(ids):
        raise _invalid(_("位置须在 1 至 %(n)d 之间。") % {"n": len(ids)}, "position")
    old = ids.index(task.pk) + 1
    if old == position:
        return task
    ids.remove(task.pk)
    ids.insert(position - 1, task.pk)
    # Park every number out of the way first (numbers are unique per problem), then write the new order;
    # only the rows whose number changes get a new version.
    before = dict(Task.objects.filter(problem_id=task.problem_id).values_list("pk", "number"))
    offset = 10000
    Task.objects.filter(problem_id=task.problem_id).update(number=models.F("number") + offset)
    for number, pk in enumerate(ids, start=1):
        bump = models.F("version") + 1 if before[pk] != number else models.F("version")
        Task.objects.filter(pk=pk).update(number=number, version=bump)
    audit_record(actor=actor, action="task.moved", obj=task, before={"number": old}, after={"number": position})
    return selectors.task_get_for(user=actor, task_id=task_id)
