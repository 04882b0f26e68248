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
from rectify.core.errors import Conflict, DomainError, PermissionDenied
from rectify.rectification import selectors
from rectify.rectification.models import (
    CloseOut,
    CloseOutState,
    Evidence,
    ProgressEntry,
    Reopening,
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


def _validate_upload(name: str, size: int) -> str:
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
    _validate_upload(name, size)
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
