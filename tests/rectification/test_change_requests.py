"""Change requests (变更申请): after the plan's approval a deadline, a deadline kind or the fed-back text
changes only when someone other than the requester approves; the original deadline stays for the overdue
statistics while the warning follows the approved date (rule 3, scenario 4)."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.db import IntegrityError, transaction

from rectify.accounts.models import Role
from rectify.audit.models import AuditEvent
from rectify.core import clock
from rectify.core.errors import Conflict, DomainError, PermissionDenied
from rectify.inspections.models import Problem
from rectify.rectification import plan_services, selectors, services
from rectify.rectification.models import ChangeRequest, ChangeRequestState, RectificationPlan, Task
from tests import factories

TODAY = dt.date(2026, 7, 25)  # six days before task A's deadline of 31 July: a yellow light


@pytest.fixture
def w(world, frozen_today):  # type: ignore[no-untyped-def]
    frozen_today(TODAY)
    RectificationPlan.objects.create(inspected_unit=world.iu_a, state="approved", version=3,
                                     approved_at=clock.now())
    return world


def ask(w, *, actor=None, task=None, reason="当事人已调离，需协调其现单位配合清退", **changes):  # type: ignore[no-untyped-def]
    return plan_services.change_request_create(actor=actor or w[Role.UNIT_LEAD], task_id=(task or w.task_a).pk,
                                               reason=reason, **changes)


def test_before_approval_there_is_nothing_to_request(world, frozen_today) -> None:
    frozen_today(TODAY)
    with pytest.raises(Conflict) as e:
        ask(world, due_date=dt.date(2026, 8, 31))
    assert e.value.code == "plan_not_approved"


def test_an_approved_extension_moves_the_warning_and_keeps_the_original_deadline(w) -> None:
    assert selectors.task_get_for(user=w[Role.UNIT_LEAD], task_id=w.task_a.pk).warning == "yellow"
    request = ask(w, due_date=dt.date(2026, 8, 31))
    assert request.state == ChangeRequestState.PENDING
    assert request.changes == {"due_date": {"before": "2026-07-31", "after": "2026-08-31"}}
    assert Task.objects.get(pk=w.task_a.pk).due_date == dt.date(2026, 7, 31)  # nothing moves before approval
    plan_services.change_request_approve(actor=w[Role.INSPECTION_OFFICE], change_request_id=request.pk,
                                         comment="同意延期")
    task = selectors.task_get_for(user=w[Role.UNIT_LEAD], task_id=w.task_a.pk)
    assert (task.due_date, task.original_due_date) == (dt.date(2026, 8, 31), dt.date(2026, 7, 31))
    assert task.warning == "green" and task.version == 2
    assert AuditEvent.objects.filter(action="change_request.approved", object_id=str(request.pk)).exists()


def test_overdue_statistics_count_from_the_original_deadline(w, frozen_today) -> None:
    request = ask(w, due_date=dt.date(2026, 8, 31))
    plan_services.change_request_approve(actor=w[Role.COMMISSION], change_request_id=request.pk)
    frozen_today(dt.date(2026, 8, 5))  # past the original deadline, before the approved one
    unit = next(p for p in selectors.round_progress_for(user=w[Role.COMMISSION], round=w.round)
                if p.inspected_unit.pk == w.iu_a.pk)
    assert (unit.tasks_overdue, unit.tasks_overdue_original, unit.tasks_extended) == (0, 1, 1)
    assert selectors.task_get_for(user=w[Role.COMMISSION], task_id=w.task_a.pk).warning == "green"


def test_a_refusal_needs_a_reason_and_changes_nothing(w) -> None:
    request = ask(w, due_date=dt.date(2026, 8, 31))
    with pytest.raises(DomainError) as e:
        plan_services.change_request_refuse(actor=w[Role.INSPECTION_OFFICE], change_request_id=request.pk, reason="")
    assert e.value.details["field"] == "reason"
    refused = plan_services.change_request_refuse(actor=w[Role.INSPECTION_OFFICE], change_request_id=request.pk,
                                                  reason="理由不充分，请按原定时限完成")
    assert refused.state == ChangeRequestState.REFUSED and refused.decision_comment.startswith("理由不充分")
    assert Task.objects.get(pk=w.task_a.pk).due_date == dt.date(2026, 7, 31)
    with pytest.raises(Conflict):  # decided once
        plan_services.change_request_approve(actor=w[Role.COMMISSION], change_request_id=request.pk)


def test_the_requester_never_approves_their_own_request(w) -> None:
    office = w[Role.INSPECTION_OFFICE]
    request = ask(w, actor=office, due_date=dt.date(2026, 8, 15))
    with pytest.raises(PermissionDenied) as e:
        plan_services.change_request_approve(actor=office, change_request_id=request.pk)
    assert e.value.code == "four_eyes"
    with pytest.raises(IntegrityError), transaction.atomic():  # and the database says so too
        ChangeRequest.objects.filter(pk=request.pk).update(state="approved", decided_by=office)
    plan_services.change_request_approve(actor=w[Role.COMMISSION], change_request_id=request.pk)


@pytest.mark.parametrize("role", [Role.UNIT_LEAD, Role.UNIT_MEMBER, Role.LEADER, Role.ADMIN])
def test_units_and_readers_cannot_decide(w, role) -> None:  # type: ignore[no-untyped-def]
    request = ask(w, actor=w[Role.COMMISSION], due_date=dt.date(2026, 8, 15))
    with pytest.raises(PermissionDenied):
        plan_services.change_request_approve(actor=w[role], change_request_id=request.pk)


def test_one_pending_request_per_task_and_the_requester_may_withdraw_it(w) -> None:
    first = ask(w, due_date=dt.date(2026, 8, 15))
    with pytest.raises(Conflict) as e:
        ask(w, due_date=dt.date(2026, 9, 15))
    assert e.value.code == "change_request_pending"
    with pytest.raises(PermissionDenied):
        plan_services.change_request_withdraw(actor=w[Role.INSPECTION_OFFICE], change_request_id=first.pk)
    plan_services.change_request_withdraw(actor=w[Role.UNIT_LEAD], change_request_id=first.pk)
    assert ask(w, due_date=dt.date(2026, 9, 15)).state == ChangeRequestState.PENDING


@pytest.mark.parametrize("changes,field", [
    ({"due_date": dt.date(2026, 4, 30)}, "due_date"),  # before the feedback of 1 May
    ({"deadline_kind": "immediate", "due_date": dt.date(2026, 9, 30)}, "due_date"),  # past the period
    ({"deadline_kind": "long_term"}, "milestones"),  # rule 2: stage goals
    ({"due_date": dt.date(2026, 7, 31)}, "due_date"),  # no change at all
])
def test_the_requested_deadline_obeys_rules_2_and_3(w, changes, field) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(DomainError) as e:
        ask(w, **changes)
    assert e.value.status == 422 and e.value.details["field"] == field


def test_a_reason_is_required(w) -> None:
    with pytest.raises(DomainError) as e:
        ask(w, reason=" ", due_date=dt.date(2026, 8, 31))
    assert e.value.details["field"] == "reason"


def test_scenario_4_conversion_to_long_term_counts_as_basically_completed(w) -> None:
    services.task_add_progress(actor=w[Role.UNIT_MEMBER], task_id=w.task_a.pk, text="已清退大部分资金")
    request = ask(w, deadline_kind="long_term", due_date=dt.date(2027, 1, 31),
                  milestones="2026年9月底前完成全部清退；此后每半年复查一次", reason="涉及历史遗留问题，需长期坚持")
    assert set(request.changes) == {"deadline_kind", "due_date", "milestones", "review_months"}
    plan_services.change_request_approve(actor=w[Role.COMMISSION], change_request_id=request.pk)
    task = Task.objects.get(pk=w.task_a.pk)
    assert (task.deadline_kind, task.review_months, task.original_due_date) == ("long_term", 6, dt.date(2026, 7, 31))
    problem = selectors.problem_get_for(user=w[Role.COMMISSION], problem_id=w.problem_a.pk)
    assert problem.completion == "basic"


def test_a_task_closed_meanwhile_is_not_changed(w) -> None:
    request = ask(w, due_date=dt.date(2026, 8, 31))
    services.evidence_upload(actor=w[Role.UNIT_MEMBER], task_id=w.task_a.pk, file=io.BytesIO(b"%PDF-1.4 refund receipt"), name="a.pdf")
    services.close_out_submit(actor=w[Role.UNIT_LEAD], task_id=w.task_a.pk)
    with pytest.raises(Conflict) as e:
        plan_services.change_request_approve(actor=w[Role.INSPECTION_OFFICE], change_request_id=request.pk)
    assert e.value.code == "task_locked"
    assert ChangeRequest.objects.get(pk=request.pk).state == ChangeRequestState.PENDING


def test_fed_back_text_is_corrected_only_by_an_approved_request(w) -> None:
    request = plan_services.problem_change_request_create(
        actor=w[Role.UNIT_LEAD], problem_id=w.problem_a.pk, description="违规发放津贴补贴问题整改不到位（2023年度）",
        reason="反馈原文漏写年度")
    assert Problem.objects.get(pk=w.problem_a.pk).description == "违规发放津贴补贴问题整改不到位"
    plan_services.change_request_approve(actor=w[Role.INSPECTION_OFFICE], change_request_id=request.pk)
    assert Problem.objects.get(pk=w.problem_a.pk).description.endswith("（2023年度）")


def test_a_self_found_problems_text_needs_no_request(w) -> None:
    factories.make_self_found(w.problem_a)
    with pytest.raises(Conflict) as e:
        plan_services.problem_change_request_create(actor=w[Role.UNIT_LEAD], problem_id=w.problem_a.pk,
                                                    description="新表述", reason="更正")
    assert e.value.code == "not_feedback"


def test_out_of_scope_is_not_found(w) -> None:
    from rectify.core.errors import NotFound

    with pytest.raises(NotFound):
        ask(w, actor=w["unit_lead_b"], due_date=dt.date(2026, 8, 31))
    request = ask(w, due_date=dt.date(2026, 8, 31))
    with pytest.raises(NotFound):
        selectors.change_request_get_for(user=w["unit_lead_b"], change_request_id=request.pk)


def test_after_approval_the_office_edits_a_problem_but_not_its_fed_back_text(w) -> None:
    from django.test import Client
    from django.urls import reverse

    office = Client()
    office.force_login(w[Role.INSPECTION_OFFICE])
    url = reverse("rectification:problem_edit", args=[w.problem_a.pk])
    assert 'name="description"' in office.get(url).content.decode() and "disabled" in office.get(url).content.decode()
    office.post(url, {"description": "改写的反馈原文", "detail": "补充的问题表现", "version": 1})
    problem = Problem.objects.get(pk=w.problem_a.pk)
    assert (problem.description, problem.detail) == ("违规发放津贴补贴问题整改不到位", "补充的问题表现")
    with pytest.raises(Conflict) as e:  # and the service refuses it whoever calls
        plan_services.problem_edit(actor=w[Role.INSPECTION_OFFICE], problem_id=w.problem_a.pk,
                                   expected_version=problem.version, description="改写的反馈原文")
    assert e.value.code == "change_request_required"
