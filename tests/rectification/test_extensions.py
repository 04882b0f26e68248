"""Deadline extensions (延期申请, issue 11 §3): an extension is a change request that moves a deadline later or
converts a task to 长期坚持; the office or the commission approves (never the requester), a task's second
extension only the commission; warnings follow the approved date, overdue statistics the original one."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from rectify.accounts.models import Role
from rectify.core import clock
from rectify.core.errors import DomainError, PermissionDenied
from rectify.rectification import plan_services, selectors, services
from rectify.rectification.models import ChangeRequest, ChangeRequestState, RectificationPlan, Task

TODAY = dt.date(2026, 7, 25)  # task A is due 31 July: yellow


@pytest.fixture
def w(world, frozen_today):  # type: ignore[no-untyped-def]
    frozen_today(TODAY)
    RectificationPlan.objects.create(inspected_unit=world.iu_a, state="approved", version=3, approved_at=clock.now())
    return world


def extend(w, due: dt.date, *, actor=Role.UNIT_LEAD, **more):  # type: ignore[no-untyped-def]
    return plan_services.extension_request_create(actor=w[actor], task_id=w.task_a.pk, due_date=due,
                                                  reason="涉及资金需跨年度清退", **more)


def unit_progress(w):  # type: ignore[no-untyped-def]
    return next(p for p in selectors.round_progress_for(user=w[Role.COMMISSION], round=w.round)
                if p.inspected_unit.pk == w.iu_a.pk)


def test_an_extension_is_a_change_request_marked_as_one(w) -> None:
    request = extend(w, dt.date(2026, 8, 31))
    assert request.is_extension and request.state == ChangeRequestState.PENDING
    assert request.changes == {"due_date": {"before": "2026-07-31", "after": "2026-08-31"}}
    plan_services.change_request_withdraw(actor=w[Role.UNIT_LEAD], change_request_id=request.pk)
    earlier = plan_services.change_request_create(actor=w[Role.UNIT_LEAD], task_id=w.task_a.pk,
                                                  reason="提前完成", due_date=dt.date(2026, 7, 28))
    assert not earlier.is_extension  # an ordinary change request, approved by the office as before


def test_an_earlier_or_equal_date_is_not_an_extension(w) -> None:
    for due in (dt.date(2026, 7, 20), dt.date(2026, 7, 31)):
        with pytest.raises(DomainError) as e:
            extend(w, due)
        assert e.value.details["field"] == "due_date"
    assert not ChangeRequest.objects.exists()


def test_warnings_follow_the_approved_date_and_overdue_statistics_the_original(w, frozen_today) -> None:
    assert selectors.task_get_for(user=w[Role.UNIT_LEAD], task_id=w.task_a.pk).warning == "yellow"
    request = extend(w, dt.date(2026, 8, 31))
    plan_services.change_request_approve(actor=w[Role.INSPECTION_OFFICE], change_request_id=request.pk)
    task = selectors.task_get_for(user=w[Role.UNIT_LEAD], task_id=w.task_a.pk)
    assert (task.due_date, task.original_due_date, task.warning) == (dt.date(2026, 8, 31), dt.date(2026, 7, 31),
                                                                       "green")
    frozen_today(dt.date(2026, 8, 10))
    p = unit_progress(w)
    assert (p.tasks_overdue, p.tasks_overdue_original, p.tasks_extended) == (0, 1, 1)


def test_the_requester_never_decides(w) -> None:
    request = extend(w, dt.date(2026, 8, 31), actor=Role.INSPECTION_OFFICE)
    with pytest.raises(PermissionDenied) as e:
        plan_services.change_request_approve(actor=w[Role.INSPECTION_OFFICE], change_request_id=request.pk)
    assert e.value.code == "four_eyes"
    with pytest.raises(PermissionDenied):
        plan_services.change_request_refuse(actor=w[Role.INSPECTION_OFFICE], change_request_id=request.pk,
                                            reason="不同意")
    for role in (Role.UNIT_LEAD, Role.UNIT_MEMBER, Role.LEADER):
        with pytest.raises(PermissionDenied):
            plan_services.change_request_approve(actor=w[role], change_request_id=request.pk)
    plan_services.change_request_approve(actor=w[Role.COMMISSION], change_request_id=request.pk)


def test_a_second_extension_needs_the_commission(w) -> None:
    first = extend(w, dt.date(2026, 8, 31))
    plan_services.change_request_approve(actor=w[Role.INSPECTION_OFFICE], change_request_id=first.pk)
    second = extend(w, dt.date(2026, 9, 30))
    with pytest.raises(PermissionDenied) as e:
        plan_services.change_request_approve(actor=w[Role.INSPECTION_OFFICE], change_request_id=second.pk)
    assert e.value.code == "second_extension_commission" and "纪委监委" in e.value.message
    assert Task.objects.get(pk=w.task_a.pk).due_date == dt.date(2026, 8, 31)
    plan_services.change_request_approve(actor=w[Role.COMMISSION], change_request_id=second.pk)
    assert Task.objects.get(pk=w.task_a.pk).due_date == dt.date(2026, 9, 30)


def test_a_refused_extension_does_not_count_as_the_first(w) -> None:
    refused = extend(w, dt.date(2026, 8, 31))
    plan_services.change_request_refuse(actor=w[Role.INSPECTION_OFFICE], change_request_id=refused.pk,
                                        reason="理由不充分")
    assert Task.objects.get(pk=w.task_a.pk).due_date == dt.date(2026, 7, 31)
    again = extend(w, dt.date(2026, 8, 15))
    plan_services.change_request_approve(actor=w[Role.INSPECTION_OFFICE], change_request_id=again.pk)
    assert Task.objects.get(pk=w.task_a.pk).due_date == dt.date(2026, 8, 15)


def test_scenario_4_long_term_conversion_goes_through_the_same_request(w) -> None:
    services.task_add_progress(actor=w[Role.UNIT_MEMBER], task_id=w.task_a.pk, text="已清退大部分资金")
    request = extend(w, dt.date(2027, 1, 31), deadline_kind="long_term",
                     milestones="2026年9月底前完成全部清退；此后每半年复查一次", review_months=6)
    assert request.is_extension
    plan_services.change_request_approve(actor=w[Role.COMMISSION], change_request_id=request.pk)
    task = Task.objects.get(pk=w.task_a.pk)
    assert (task.deadline_kind, task.due_date, task.review_months) == ("long_term", dt.date(2027, 1, 31), 6)
    assert selectors.problem_get_for(user=w[Role.COMMISSION], problem_id=w.problem_a.pk).completion == "basic"


def test_the_page_marks_a_second_extension_and_offers_the_office_only_refusal(w) -> None:
    first = extend(w, dt.date(2026, 8, 31))
    plan_services.change_request_approve(actor=w[Role.COMMISSION], change_request_id=first.pk)
    second = extend(w, dt.date(2026, 9, 30))
    office = Client()
    office.force_login(w[Role.INSPECTION_OFFICE])
    page = office.get(reverse("rectification:change_request_detail", args=[second.pk])).content.decode()
    assert "第 2 次延期" in page and "再次延期须由纪委监委审批" in page
    assert reverse("rectification:change_request_approve", args=[second.pk]) not in page
    assert reverse("rectification:change_request_refuse", args=[second.pk]) in page
    commission = Client()
    commission.force_login(w[Role.COMMISSION])
    page = commission.get(reverse("rectification:change_request_detail", args=[second.pk])).content.decode()
    assert reverse("rectification:change_request_approve", args=[second.pk]) in page
