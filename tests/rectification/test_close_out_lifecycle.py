"""A task moves 待整改 → 整改中 → 申请销号 → 已销号 only by the rules."""

from __future__ import annotations

import io

import pytest

from rectify.accounts.models import Role
from rectify.audit.models import AuditEvent
from rectify.core.errors import Conflict, DomainError, PermissionDenied
from rectify.rectification import services
from rectify.rectification.models import CloseOutState, Task, TaskStatus
from tests import factories


@pytest.fixture(autouse=True)
def _clue_concluded(world):  # type: ignore[no-untyped-def]
    """These tests approve close-outs of problem A: its clue has its concluding result (a clue still being handled
    holds approval back — tests/rectification/test_clue_results.py)."""
    factories.conclude(world.clue_a)


def _status(task: Task) -> str:
    return Task.objects.values_list("status", flat=True).get(pk=task.pk)


def _upload(world, name: str = "清退凭证.pdf", content: bytes = b"%PDF-1.4 evidence") -> None:
    services.evidence_upload(actor=world[Role.UNIT_MEMBER], task_id=world.task_a.pk, file=io.BytesIO(content),
                             name=name)


def test_first_progress_report_starts_the_task(world):
    services.task_add_progress(actor=world[Role.UNIT_MEMBER], task_id=world.task_a.pk, text="已召开专题会议")
    assert _status(world.task_a) == TaskStatus.IN_PROGRESS


def test_close_out_needs_evidence_or_a_reason(world):
    with pytest.raises(DomainError) as err:
        services.close_out_submit(actor=world[Role.UNIT_LEAD], task_id=world.task_a.pk, note="已完成")
    assert err.value.code == "evidence_required"
    assert _status(world.task_a) == TaskStatus.PENDING
    close_out = services.close_out_submit(actor=world[Role.UNIT_LEAD], task_id=world.task_a.pk,
                                          no_evidence_reason="涉密材料已线下报送巡视办")
    assert close_out.state == CloseOutState.PENDING
    assert _status(world.task_a) == TaskStatus.SUBMITTED


def test_full_cycle_with_evidence_return_and_approval(world):
    _upload(world)
    assert _status(world.task_a) == TaskStatus.IN_PROGRESS
    first = services.close_out_submit(actor=world[Role.UNIT_LEAD], task_id=world.task_a.pk, note="已清退")
    assert list(first.evidence.values_list("original_name", flat=True)) == ["清退凭证.pdf"]
    services.close_out_return(actor=world[Role.INSPECTION_OFFICE], close_out_id=first.pk,
                              reason="仅有会议通知，请补充清退凭证")
    assert _status(world.task_a) == TaskStatus.IN_PROGRESS
    second = services.close_out_submit(actor=world[Role.UNIT_LEAD], task_id=world.task_a.pk, note="已补充")
    services.close_out_approve(actor=world[Role.COMMISSION], close_out_id=second.pk)
    task = Task.objects.get(pk=world.task_a.pk)
    assert task.status == TaskStatus.CLOSED and task.closed_at is not None
    actions = list(AuditEvent.objects.filter(object_id=str(task.pk)).values_list("action", flat=True))
    assert actions == ["evidence.uploaded", "close_out.submitted", "close_out.returned",
                       "close_out.submitted", "close_out.approved"]


def test_return_requires_a_reason(world):
    _upload(world)
    close_out = services.close_out_submit(actor=world[Role.UNIT_LEAD], task_id=world.task_a.pk)
    with pytest.raises(DomainError) as err:
        services.close_out_return(actor=world[Role.INSPECTION_OFFICE], close_out_id=close_out.pk, reason="  ")
    assert err.value.code == "reason_required"
    assert _status(world.task_a) == TaskStatus.SUBMITTED


def test_reviewer_cannot_approve_own_submission(world):
    """Four eyes: even a reviewer-role user who submitted cannot approve it."""
    office = world[Role.INSPECTION_OFFICE]
    office.role = Role.UNIT_LEAD  # acts as submitter first
    office.unit = world.unit_a
    office.save()
    _upload(world)
    close_out = services.close_out_submit(actor=office, task_id=world.task_a.pk)
    office.role = Role.INSPECTION_OFFICE
    office.save()
    with pytest.raises(PermissionDenied) as err:
        services.close_out_approve(actor=office, close_out_id=close_out.pk)
    assert err.value.code == "four_eyes"
    assert _status(world.task_a) == TaskStatus.SUBMITTED


@pytest.mark.parametrize("role", [Role.UNIT_LEAD, Role.UNIT_MEMBER, Role.LEADER, Role.ADMIN])
def test_only_office_and_commission_review(world, role):
    _upload(world)
    close_out = services.close_out_submit(actor=world[Role.UNIT_LEAD], task_id=world.task_a.pk)
    with pytest.raises(PermissionDenied):
        services.close_out_approve(actor=world[role], close_out_id=close_out.pk)
    assert _status(world.task_a) == TaskStatus.SUBMITTED


def test_unit_member_cannot_submit_close_out(world):
    _upload(world)
    with pytest.raises(PermissionDenied):
        services.close_out_submit(actor=world[Role.UNIT_MEMBER], task_id=world.task_a.pk)


def test_reopen_needs_supervisor_and_reason_and_keeps_history(world):
    _upload(world)
    close_out = services.close_out_submit(actor=world[Role.UNIT_LEAD], task_id=world.task_a.pk)
    services.close_out_approve(actor=world[Role.INSPECTION_OFFICE], close_out_id=close_out.pk)
    with pytest.raises(PermissionDenied):
        services.task_reopen(actor=world[Role.UNIT_LEAD], task_id=world.task_a.pk, reason="x")
    with pytest.raises(DomainError):
        services.task_reopen(actor=world[Role.COMMISSION], task_id=world.task_a.pk, reason="")
    services.task_reopen(actor=world[Role.COMMISSION], task_id=world.task_a.pk, reason="回头看发现问题反弹")
    task = Task.objects.get(pk=world.task_a.pk)
    assert task.status == TaskStatus.IN_PROGRESS and task.closed_at is None
    assert task.close_outs.get().state == CloseOutState.APPROVED  # the old review chain is kept


def test_second_submission_while_one_is_pending_is_a_conflict(world):
    _upload(world)
    services.close_out_submit(actor=world[Role.UNIT_LEAD], task_id=world.task_a.pk)
    with pytest.raises(Conflict):
        services.close_out_submit(actor=world[Role.UNIT_LEAD], task_id=world.task_a.pk)


def test_stale_version_is_a_conflict_not_an_overwrite(world):
    _upload(world)  # bumps the version past the one the form was rendered with
    with pytest.raises(Conflict):
        services.close_out_submit(actor=world[Role.UNIT_LEAD], task_id=world.task_a.pk, expected_version=1)
    assert _status(world.task_a) == TaskStatus.IN_PROGRESS


def test_duplicate_and_disallowed_files_are_refused(world):
    _upload(world)
    with pytest.raises(DomainError) as dup:
        _upload(world, name="副本.pdf")
    assert dup.value.code == "duplicate_file"
    with pytest.raises(DomainError) as bad:
        _upload(world, name="run.exe", content=b"MZ")
    assert bad.value.code == "file_type"


def test_closed_task_takes_no_more_progress(world):
    _upload(world)
    close_out = services.close_out_submit(actor=world[Role.UNIT_LEAD], task_id=world.task_a.pk)
    services.close_out_approve(actor=world[Role.INSPECTION_OFFICE], close_out_id=close_out.pk)
    with pytest.raises(Conflict):
        services.task_add_progress(actor=world[Role.UNIT_MEMBER], task_id=world.task_a.pk, text="继续")


def test_submitter_of_another_unit_cannot_see_the_task(world):
    from rectify.core.errors import NotFound

    with pytest.raises(NotFound):
        services.close_out_submit(actor=world["unit_lead_b"], task_id=world.task_a.pk, no_evidence_reason="x")
