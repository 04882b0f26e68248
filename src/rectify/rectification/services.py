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

from rectify.accounts.models import User
from rectify.audit.services import audit_record
from rectify.core import clock
from rectify.core.dates import check_plausible_date
from rectify.core.errors import Conflict, DomainError, NotFound, PermissionDenied
from rectify.inspections.models import InspectedUnit, Problem
from rectify.orgs.models import Tenure
from rectify.rectification import selectors
from rectify.rectification.models import (
    CloseOut,
    CloseOutState,
    DeadlineKind,
    Evidence,
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


def _finish_review(close_out: CloseOut, *, actor: User, state: str, comment: str) -> None:
    updated = CloseOut.objects.filter(pk=close_out.pk, state=CloseOutState.PENDING).update(
        state=state, reviewed_by=actor, reviewed_at=clock.now(), review_comment=comment
    )
    if updated != 1:
        raise Conflict(_("该销号申请已被他人审核，请刷新页面。"))
    close_out.refresh_from_db()


@transaction.atomic
def close_out_approve(*, actor: User, close_out_id: int, comment: str = "") -> CloseOut:
    close_out = _pending_close_out_for_review(actor, close_out_id)
    task = close_out.task
    _transition(task=task, from_states=[TaskStatus.SUBMITTED], to_state=TaskStatus.CLOSED, closed_at=clock.now())
    _finish_review(close_out, actor=actor, state=CloseOutState.APPROVED, comment=(comment or "").strip())
    audit_record(actor=actor, action="close_out.approved", obj=task, before={"status": TaskStatus.SUBMITTED},
                 after={"status": task.status, "close_out": close_out.pk, "comment": close_out.review_comment})
    return close_out


@transaction.atomic
def close_out_return(*, actor: User, close_out_id: int, reason: str) -> CloseOut:
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("退回销号申请须填写退回理由，说明还需补充或整改的内容。"), code="reason_required",
                          details={"field": "reason"})
    close_out = _pending_close_out_for_review(actor, close_out_id)
    task = close_out.task
    _transition(task=task, from_states=[TaskStatus.SUBMITTED], to_state=TaskStatus.IN_PROGRESS)
    _finish_review(close_out, actor=actor, state=CloseOutState.RETURNED, comment=reason)
    audit_record(actor=actor, action="close_out.returned", obj=task, before={"status": TaskStatus.SUBMITTED},
                 after={"status": task.status, "close_out": close_out.pk, "reason": reason})
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
    audit_record(actor=actor, action="task.reopened", obj=task, before={"status": TaskStatus.CLOSED},
                 after={"status": task.status, "reason": reason})
    return reopening


# --- editing the task list (issue 7 §1, §3) -------------------------------------------------------

EDITABLE_FIELDS = ("measure", "criterion", "deadline_kind", "due_date")


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


def _invalid(message: str, field: str) -> DomainError:
    return DomainError(message, code="invalid", details={"field": field}).with_status(422)


def _checked_values(*, inspected_unit: InspectedUnit, measure: str, criterion: str, deadline_kind: str,
                    due_date: dt.date | None) -> dict[str, object]:
    """Rules 2 and 3 on one task's fields; returns them cleaned (an immediate task without a date gets the
    end of the concentrated period)."""
    measure = (measure or "").strip()
    criterion = (criterion or "").strip()
    if not measure:
        raise _invalid(_("请填写整改措施。"), "measure")
    if not criterion:
        raise _invalid(_("请填写可衡量的完成标准，说明做到什么程度算完成。"), "criterion")
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
    return {"measure": measure, "criterion": criterion, "deadline_kind": deadline_kind, "due_date": due_date}


def _leader_tenure(*, problem: Problem, name: str) -> Tenure:
    """The ONE leadership member of the problem's unit in post today called ``name``."""
    today = clock.today()
    tenures = list(
        Tenure.objects.filter(post__unit=problem.inspected_unit.unit, person__name=name, start__lte=today)
        .filter(models.Q(post__is_leadership_member=True) | models.Q(post__is_principal=True))
        .filter(models.Q(end__isnull=True) | models.Q(end__gt=today))
        .select_related("person", "post")[:2]
    )
    if len(tenures) != 1:
        message = (_("问题%(problem)s：本单位领导班子中没有在任的“%(name)s”，请从班子成员中选择责任领导。")
                   if not tenures else
                   _("问题%(problem)s：本单位领导班子中在任的“%(name)s”不止一人，请在页面上选择具体人员。"))
        raise DomainError(message % {"problem": problem.number, "name": name}, code="leader_unresolved",
                          details={"field": "responsibilities", "problem": problem.pk, "name": name,
                                   "matches": len(tenures)}).with_status(422)
    return tenures[0]


def _build_responsibilities(*, problem: Problem, entries: Iterable[dict]) -> list[Responsibility]:
    built = []
    for entry in entries:
        kind = entry.get("kind")
        name = (entry.get("name") or "").strip()
        if kind not in ResponsibilityKind.values:
            raise _invalid(_("责任类型须为责任领导、责任部门或责任人之一。"), "responsibilities")
        if not name:
            raise _invalid(_("请填写责任领导、责任部门或责任人的名称。"), "responsibilities")
        r = Responsibility(kind=kind, name=name[:100], is_lead=bool(entry.get("is_lead", True)))
        if kind == ResponsibilityKind.LEADER:
            tenure = _leader_tenure(problem=problem, name=name)
            r.tenure, r.person = tenure, tenure.person
        built.append(r)
    return built


def _task_snapshot(task: Task) -> dict[str, object]:
    return {"measure": task.measure, "criterion": task.criterion, "deadline_kind": task.deadline_kind,
            "due_date": task.due_date.isoformat(), "number": task.number}


@transaction.atomic
def task_create(*, actor: User, problem_id: int, measure: str, criterion: str, deadline_kind: str,
                due_date: dt.date | None = None, responsibilities: Iterable[dict] = ()) -> Task:
    """A unit lead adds a measure at the end of the problem's task list."""
    problem = _problem_for_editing(actor, problem_id)
    values = _checked_values(inspected_unit=problem.inspected_unit, measure=measure, criterion=criterion,
                             deadline_kind=deadline_kind, due_date=due_date)
    people = _build_responsibilities(problem=problem, entries=responsibilities)
    number = (Task.objects.filter(problem=problem).aggregate(m=models.Max("number"))["m"] or 0) + 1
    task = Task.objects.create(problem=problem, number=number, original_due_date=values["due_date"], **values)
    for r in people:
        r.task = task
    Responsibility.objects.bulk_create(people)
    audit_record(actor=actor, action="task.created", obj=task, before={},
                 after={**_task_snapshot(task), "responsibilities": [[r.kind, r.name] for r in people]})
    return task


@transaction.atomic
def task_update(*, actor: User, task_id: int, expected_version: int, **fields: object) -> Task:
    """Change a task's fields with a conditional UPDATE on its version. A stale version is a Conflict whose
    details list each field changed since that version (before = now stored, after = what was sent)."""
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise _invalid(_("不能修改字段：%(fields)s。") % {"fields": "、".join(sorted(unknown))}, sorted(unknown)[0])
    task = _task_for_editing(actor, task_id)
    if task.version != expected_version:
        _raise_stale(task, expected_version)
    current = {f: getattr(task, f) for f in EDITABLE_FIELDS}
    merged = {**current, **fields}
    values = _checked_values(inspected_unit=task.problem.inspected_unit, **merged)  # type: ignore[arg-type]
    changed = {f: v for f, v in values.items() if v != current[f]}
    if not changed:
        return task
    updated = Task.objects.filter(pk=task.pk, version=expected_version, status__in=OPEN_STATES).update(
        version=models.F("version") + 1, updated_at=clock.now(), **changed)
    if updated != 1:
        _raise_stale(selectors.task_get_for(user=actor, task_id=task_id), expected_version)
    before = _task_snapshot(task)
    task.refresh_from_db()
    audit_record(actor=actor, action="task.updated", obj=task, before=before, after=_task_snapshot(task))
    return selectors.task_get_for(user=actor, task_id=task_id)


def _raise_stale(task: Task, expected_version: int) -> None:
    """Who changed what since ``expected_version``: the audit events of the task after that version."""
    from rectify.audit.models import AuditEvent

    missed = max(task.version - expected_version, 1)
    events = list(AuditEvent.objects.filter(object_type="rectification.task", object_id=str(task.pk))
                  .order_by("-id")[:missed])
    changes: list[dict[str, object]] = []
    for event in reversed(events):
        before, after = event.before or {}, event.after or {}
        for key in sorted(set(before) | set(after)):
            if before.get(key) != after.get(key) and key in (*EDITABLE_FIELDS, "status", "number"):
                changes.append({"field": key, "before": before.get(key), "after": after.get(key),
                                "by": event.actor_name, "at": event.at.isoformat()})
    raise Conflict(_("该任务已被他人修改（您编辑的是第 %(old)d 版，当前为第 %(new)d 版），请核对后重新提交。")
                   % {"old": expected_version, "new": task.version},
                   details={"task": task.pk, "version": task.version, "expected_version": expected_version,
                            "changed": changes})


@transaction.atomic
def task_delete(*, actor: User, task_id: int, expected_version: int) -> None:
    """Delete a task while nothing has been recorded on it (no progress, evidence or close-out)."""
    task = _task_for_editing(actor, task_id)
    if task.version != expected_version:
        _raise_stale(task, expected_version)
    if (ProgressEntry.objects.filter(task=task).exists() or Evidence.objects.filter(task=task).exists()
            or CloseOut.objects.filter(task=task).exists()):
        raise Conflict(_("该任务已有整改进展、佐证材料或销号记录，不能删除；如需调整请修改任务内容。"),
                       code="task_has_records", details={"task": task.pk})
    before = {**_task_snapshot(task), "responsibilities": list(task.responsibilities.values_list("kind", "name"))}
    problem_id, number = task.problem_id, task.number
    audit_record(actor=actor, action="task.deleted", obj=task, before=before, after={})
    Responsibility.objects.filter(task=task).delete()
    Task.objects.filter(pk=task.pk).delete()
    # Close the gap so numbers stay 1..n (one row at a time upward keeps the unique constraint satisfied).
    for pk in Task.objects.filter(problem_id=problem_id, number__gt=number).order_by("number").values_list("pk", flat=True):
        Task.objects.filter(pk=pk).update(number=models.F("number") - 1)


@transaction.atomic
def task_move(*, actor: User, task_id: int, position: int) -> Task:
    """Move a task to ``position`` (1-based) within its problem; the others shift to make room."""
    _require(actor.can_edit_task_list, _("只有被巡视单位的整改牵头人可以编辑任务清单。"))
    task = selectors.task_get_for(user=actor, task_id=task_id)
    ids = list(Task.objects.filter(problem_id=task.problem_id).order_by("number").values_list("pk", flat=True))
    if not 1 <= position <= len(ids):
        raise _invalid(_("位置须在 1 至 %(n)d 之间。") % {"n": len(ids)}, "position")
    old = ids.index(task.pk) + 1
    if old == position:
        return task
    ids.remove(task.pk)
    ids.insert(position - 1, task.pk)
    # Park every number out of the way first (numbers are unique per problem), then write the new order.
    offset = 10000
    Task.objects.filter(problem_id=task.problem_id).update(number=models.F("number") + offset)
    for number, pk in enumerate(ids, start=1):
        Task.objects.filter(pk=pk).update(number=number, version=models.F("version") + 1)
    audit_record(actor=actor, action="task.moved", obj=task, before={"number": old}, after={"number": position})
    return selectors.task_get_for(user=actor, task_id=task_id)
