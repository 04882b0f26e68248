"""Every state change is audited (DOMAIN §6 rule 24), and tampering with the trail is found.

Each service write records exactly one event, in the transaction of the write: both are kept
or neither is. The events form a hash chain, so editing or deleting a row is reported at the
first event where the chain no longer holds.
"""

from __future__ import annotations

import datetime as dt
import io

import pytest

from rectify.accounts.models import Role
from rectify.audit import services as audit_services
from rectify.audit.models import AuditChainHead, AuditEvent
from rectify.audit.services import audit_verify_chain
from rectify.core import clock
from rectify.core.errors import Conflict, DomainError, NotFound, PermissionDenied
from rectify.rectification import services
from rectify.rectification.models import CloseOut, Evidence, ProgressEntry, Reopening, Task, TaskStatus
from tests import factories

MOMENT = dt.datetime(2026, 6, 15, 9, 30, tzinfo=clock.SHANGHAI)

@pytest.fixture(autouse=True)
def _clue_concluded(world):  # type: ignore[no-untyped-def]
    """These tests approve close-outs of problem A: its clue has its concluding result (a clue still being handled
    holds approval back — tests/rectification/test_clue_results.py)."""
    factories.conclude(world.clue_a)


def newest_event_after(count_before: int) -> AuditEvent:
    """The single event a call added (fails if it added none or several)."""
    assert AuditEvent.objects.count() == count_before + 1, "expected exactly one new audit event"
    return AuditEvent.objects.order_by("-id").first()


def upload(world, name: str = "清退凭证.pdf", content: bytes = b"%PDF-1.4 refund receipts"):  # type: ignore[no-untyped-def]
    return services.evidence_upload(actor=world[Role.UNIT_MEMBER], task_id=world.task_a.pk,
                                    file=io.BytesIO(content), name=name)


def test_each_step_of_the_lifecycle_records_one_event_with_who_what_before_and_after(world, frozen_today):
    frozen_today(MOMENT)
    task_id = str(world.task_a.pk)
    member, lead = world[Role.UNIT_MEMBER], world[Role.UNIT_LEAD]
    office, commission = world[Role.INSPECTION_OFFICE], world[Role.COMMISSION]

    n = AuditEvent.objects.count()
    entry = services.task_add_progress(actor=member, task_id=world.task_a.pk, text="已召开专题会议")
    e = newest_event_after(n)
    assert (e.actor, e.actor_name, e.action, e.object_type, e.object_id) == (
        member, str(member), "task.progress_added", "rectification.task", task_id)
    assert e.before == {"status": "pending"}
    assert e.after == {"status": "in_progress", "progress": entry.pk, "text": "已召开专题会议"}
    assert e.at == MOMENT == entry.created_at

    n += 1
    evidence = upload(world)
    e = newest_event_after(n)
    assert (e.actor, e.action, e.object_id) == (member, "evidence.uploaded", task_id)
    assert e.before == {"status": "in_progress"}
    assert e.after["evidence"] == evidence.pk and e.after["sha256"] == evidence.sha256
    assert (e.after["name"], e.after["size"], e.after["status"]) == ("清退凭证.pdf", evidence.size, "in_progress")

    n += 1
    first = services.close_out_submit(actor=lead, task_id=world.task_a.pk, note="已清退")
    e = newest_event_after(n)
    assert (e.actor, e.action, e.object_id) == (lead, "close_out.submitted", task_id)
    assert e.before == {"status": "in_progress"}
    assert e.after == {"status": "submitted", "close_out": first.pk, "evidence": [evidence.pk], "note": "已清退",
                       "no_evidence_reason": ""}

    n += 1
    services.close_out_return(actor=office, close_out_id=first.pk, reason="请补充银行回单")
    e = newest_event_after(n)
    assert (e.actor, e.action) == (office, "close_out.returned")
    assert (e.before, e.after) == ({"status": "submitted"},
                                   {"status": "in_progress", "close_out": first.pk, "reason": "请补充银行回单"})

    n += 1
    second = services.close_out_submit(actor=lead, task_id=world.task_a.pk, note="已补充")
    newest_event_after(n)

    n += 1
    services.close_out_approve(actor=commission, close_out_id=second.pk, comment="同意销号")
    e = newest_event_after(n)
    assert (e.actor, e.action) == (commission, "close_out.approved")
    assert (e.before, e.after) == ({"status": "submitted"},
                                   {"status": "closed", "close_out": second.pk, "comment": "同意销号"})

    n += 1
    services.task_reopen(actor=office, task_id=world.task_a.pk, reason="回头看发现问题反弹")
    e = newest_event_after(n)
    assert (e.actor, e.action) == (office, "task.reopened")
    assert (e.before, e.after) == ({"status": "closed"}, {"status": "in_progress", "reason": "回头看发现问题反弹"})

    assert audit_verify_chain() == (n + 1, None)


@pytest.mark.parametrize(
    ("service", "written"),
    [
        pytest.param("task_add_progress", ProgressEntry, id="progress"),
        pytest.param("evidence_upload", Evidence, id="evidence"),
        pytest.param("close_out_submit", CloseOut, id="close-out"),
    ],
)
def test_write_and_its_event_share_one_transaction(world, monkeypatch, service, written):
    """If recording the event fails, the write it describes is undone too (and vice versa)."""
    real = audit_services.audit_record

    def record_then_fail(**kwargs):  # type: ignore[no-untyped-def]
        real(**kwargs)
        raise RuntimeError("disk full while auditing")

    monkeypatch.setattr(services, "audit_record", record_then_fail)
    calls = {
        "task_add_progress": lambda: services.task_add_progress(actor=world[Role.UNIT_MEMBER],
                                                                task_id=world.task_a.pk, text="已整改"),
        "evidence_upload": lambda: upload(world),
        "close_out_submit": lambda: services.close_out_submit(actor=world[Role.UNIT_LEAD], task_id=world.task_a.pk,
                                                              no_evidence_reason="涉密材料线下报送"),
    }
    with pytest.raises(RuntimeError):
        calls[service]()
    assert AuditEvent.objects.count() == 0
    assert not written.objects.exists()
    task = Task.objects.get(pk=world.task_a.pk)
    assert (task.status, task.version) == (TaskStatus.PENDING, world.task_a.version)
    assert not AuditChainHead.objects.exclude(last_hash=audit_services.GENESIS).exists()


def snapshot(world) -> tuple:  # type: ignore[no-untyped-def]
    task = Task.objects.get(pk=world.task_a.pk)
    head = AuditChainHead.objects.filter(pk=1).values_list("last_hash", flat=True).first()
    return (task.status, task.version, task.updated_at, AuditEvent.objects.count(), head,
            CloseOut.objects.count(), ProgressEntry.objects.count(), Evidence.objects.count(),
            Reopening.objects.count())


@pytest.mark.parametrize(
    ("attempt", "error", "code"),
    [
        pytest.param(lambda w: services.close_out_submit(actor=w[Role.UNIT_LEAD], task_id=w.task_a.pk, note="已完成"),
                     DomainError, "evidence_required", id="close-out-without-evidence"),
        pytest.param(lambda w: services.close_out_submit(actor=w[Role.UNIT_MEMBER], task_id=w.task_a.pk,
                                                         no_evidence_reason="x"),
                     PermissionDenied, "forbidden", id="member-may-not-submit"),
        pytest.param(lambda w: services.close_out_submit(actor=w["unit_lead_b"], task_id=w.task_a.pk,
                                                         no_evidence_reason="x"),
                     NotFound, "not_found", id="other-units-task"),
        pytest.param(lambda w: services.close_out_submit(actor=w[Role.UNIT_LEAD], task_id=w.task_a.pk,
                                                         no_evidence_reason="x", expected_version=99),
                     Conflict, "conflict", id="stale-version"),
        pytest.param(lambda w: services.task_add_progress(actor=w[Role.UNIT_MEMBER], task_id=w.task_a.pk, text=" "),
                     DomainError, "text_required", id="empty-progress"),
        pytest.param(lambda w: services.evidence_upload(actor=w[Role.UNIT_MEMBER], task_id=w.task_a.pk,
                                                        file=io.BytesIO(b"MZ"), name="run.exe"),
                     DomainError, "file_type", id="disallowed-file"),
        pytest.param(lambda w: services.task_reopen(actor=w[Role.COMMISSION], task_id=w.task_a.pk, reason="反弹"),
                     Conflict, "conflict", id="reopen-open-task"),
    ],
)
def test_a_refused_call_records_nothing_and_changes_nothing(world, attempt, error, code):
    before = snapshot(world)
    with pytest.raises(error) as err:
        attempt(world)
    assert err.value.code == code
    assert snapshot(world) == before


def test_a_refused_call_leaves_an_existing_chain_intact(world):
    services.task_add_progress(actor=world[Role.UNIT_MEMBER], task_id=world.task_a.pk, text="已整改")
    before = snapshot(world)
    with pytest.raises(DomainError):
        services.close_out_submit(actor=world[Role.UNIT_LEAD], task_id=world.task_a.pk)
    assert snapshot(world) == before
    assert audit_verify_chain() == (1, None)


# --- verifying the chain -----------------------------------------------------------------------------

@pytest.fixture
def chain(world) -> list[AuditEvent]:  # type: ignore[no-untyped-def]
    """Five events, oldest first."""
    services.task_add_progress(actor=world[Role.UNIT_MEMBER], task_id=world.task_a.pk, text="已召开专题会议")
    upload(world)
    close_out = services.close_out_submit(actor=world[Role.UNIT_LEAD], task_id=world.task_a.pk, note="已清退")
    services.close_out_approve(actor=world[Role.INSPECTION_OFFICE], close_out_id=close_out.pk)
    services.task_reopen(actor=world[Role.COMMISSION], task_id=world.task_a.pk, reason="回头看发现问题反弹")
    events = list(AuditEvent.objects.order_by("id"))
    assert len(events) == 5
    return events


def test_an_intact_chain_verifies(chain):
    assert audit_verify_chain() == (5, None)
    assert audit_verify_chain(batch_size=2) == (5, None)  # across fetch batches


def test_an_empty_trail_verifies(db):
    assert audit_verify_chain() == (0, None)


def test_editing_a_rows_after_is_reported_at_that_row(chain):
    edited = chain[2]
    AuditEvent.objects.filter(pk=edited.pk).update(after={**edited.after, "note": "已全部清退"})
    checked, problem = audit_verify_chain()
    assert checked == 2
    assert problem.startswith(f"event #{edited.id}:") and "edited" in problem


@pytest.mark.parametrize(
    "field_change",
    [
        pytest.param({"action": "close_out.returned"}, id="action"),
        pytest.param({"before": {"status": "closed"}}, id="before"),
        pytest.param({"object_id": "999"}, id="object"),
        pytest.param({"at": MOMENT}, id="time"),
    ],
)
def test_editing_any_recorded_fact_is_reported(chain, field_change):
    AuditEvent.objects.filter(pk=chain[1].pk).update(**field_change)
    checked, problem = audit_verify_chain()
    assert (checked, problem.split(":")[0]) == (1, f"event #{chain[1].id}")


def test_changing_the_actor_is_reported(chain, world):
    AuditEvent.objects.filter(pk=chain[3].pk).update(actor=world[Role.COMMISSION])
    assert audit_verify_chain()[1].startswith(f"event #{chain[3].id}:")


def test_rehashing_an_edited_row_is_caught_by_the_next_link(chain):
    """A forger who also recomputes the edited row's own hash still breaks the next row's link."""
    edited = chain[1]
    edited.after = {**edited.after, "name": "伪造凭证.pdf"}
    new_hash = audit_services._digest(edited.prev_hash, audit_services._payload(edited))
    AuditEvent.objects.filter(pk=edited.pk).update(after=edited.after, hash=new_hash)
    checked, problem = audit_verify_chain()
    assert checked == 2
    assert problem.startswith(f"event #{chain[2].id}:")


def test_deleting_a_middle_row_is_reported_at_the_row_after_it(chain):
    AuditEvent.objects.filter(pk=chain[2].pk).delete()
    checked, problem = audit_verify_chain()
    assert checked == 2
    assert problem.startswith(f"event #{chain[3].id}:") and "removed" in problem


def test_deleting_the_first_row_is_reported(chain):
    AuditEvent.objects.filter(pk=chain[0].pk).delete()
    checked, problem = audit_verify_chain()
    assert checked == 0
    assert problem.startswith(f"event #{chain[1].id}:")


def test_deleting_the_newest_row_is_reported_by_the_chain_head(chain):
    AuditEvent.objects.filter(pk=chain[-1].pk).delete()
    checked, problem = audit_verify_chain()
    assert checked == 4
    assert "newest events are missing" in problem


def test_deleting_the_newest_rows_is_reported(chain):
    AuditEvent.objects.filter(pk__in=[e.pk for e in chain[2:]]).delete()
    assert audit_verify_chain() == (2, "the newest events are missing: the chain head points past the last "
                                       "stored event")


def test_writes_after_a_verified_chain_keep_it_verifiable(chain, world):
    services.task_add_progress(actor=world[Role.UNIT_MEMBER], task_id=world.task_a.pk, text="继续")
    assert audit_verify_chain() == (6, None)
    new = AuditEvent.objects.order_by("-id").first()
    assert new.prev_hash == chain[-1].hash
