"""Clue results hold close-outs (issue 11 §6, scenario 10): while a problem has a clue without a concluding
result, close-outs of its tasks can be submitted but not approved — the reviewer is told why (the commission
with the clue numbers, the office without), unit users see only that a clue was handed over; a result that
closes the clue lets approval proceed."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.test import Client
from django.urls import reverse

from rectify.accounts.models import Role
from rectify.core.errors import Conflict
from rectify.inspections import services as inspection_services
from rectify.inspections.models import Clue
from rectify.rectification import services
from rectify.rectification.models import CloseOutState, Task, TaskStatus
from tests import factories

TODAY = dt.date(2026, 8, 10)  # three months and more after the 2026-05-02 hand-over


@pytest.fixture
def submitted(world, frozen_today):  # type: ignore[no-untyped-def]
    """Task A (problem A, whose clue was handed over without a result yet) submitted for close-out."""
    frozen_today(TODAY)
    services.evidence_upload(actor=world[Role.UNIT_MEMBER], task_id=world.task_a.pk,
                             file=io.BytesIO("清退凭证".encode()), name="清退凭证.txt")
    return services.close_out_submit(actor=world[Role.UNIT_LEAD], task_id=world.task_a.pk, note="已全部清退")


def record(world, *, concluded: bool, result: str):  # type: ignore[no-untyped-def]
    clue = Clue.objects.get(pk=world.clue_a.pk)
    return inspection_services.clue_record_results(actor=world[Role.COMMISSION], clue_id=clue.pk,
                                                   feedback_on=dt.date(2026, 8, 1), result=result,
                                                   expected_version=clue.version, concluded=concluded)


def test_scenario_10_a_close_out_waits_for_the_clue_and_a_concluding_result_releases_it(world, submitted):
    assert Task.objects.get(pk=world.task_a.pk).status == TaskStatus.SUBMITTED  # submitting is not held
    with pytest.raises(Conflict) as office:
        services.close_out_approve(actor=world[Role.INSPECTION_OFFICE], close_out_id=submitted.pk)
    assert office.value.code == "clue_not_concluded"
    assert "线索尚未办结" in office.value.message and world.clue_a.number not in office.value.message
    with pytest.raises(Conflict) as commission:
        services.close_out_approve(actor=world[Role.COMMISSION], close_out_id=submitted.pk)
    assert world.clue_a.number in commission.value.message  # the commission sees which clue
    record(world, concluded=False, result="已转初步核实，尚在办理")  # an interim result holds on
    with pytest.raises(Conflict):
        services.close_out_approve(actor=world[Role.INSPECTION_OFFICE], close_out_id=submitted.pk)
    record(world, concluded=True, result="经谈话函询，本人如实说明情况，予以了结")
    services.close_out_approve(actor=world[Role.INSPECTION_OFFICE], close_out_id=submitted.pk)
    assert Task.objects.get(pk=world.task_a.pk).status == TaskStatus.CLOSED


def test_a_held_close_out_can_still_be_returned(world, submitted):
    services.close_out_return(actor=world[Role.INSPECTION_OFFICE], close_out_id=submitted.pk, reason="补充清退凭证")
    submitted.refresh_from_db()
    assert submitted.state == CloseOutState.RETURNED


def test_every_clue_of_the_problem_counts_and_other_problems_are_not_held(world, submitted):
    second = factories.clue(iu=world.iu_a, prob=world.problem_a)
    record(world, concluded=True, result="予以了结")
    with pytest.raises(Conflict) as e:
        services.close_out_approve(actor=world[Role.COMMISSION], close_out_id=submitted.pk)
    assert second.number in e.value.message and world.clue_a.number not in e.value.message
    factories.conclude(second)
    services.close_out_approve(actor=world[Role.COMMISSION], close_out_id=submitted.pk)
    # problem B has no clue: approved at once
    services.evidence_upload(actor=world["unit_lead_b"], task_id=world.task_b.pk, file=io.BytesIO(b"ok"), name="a.txt")
    other = services.close_out_submit(actor=world["unit_lead_b"], task_id=world.task_b.pk)
    services.close_out_approve(actor=world[Role.INSPECTION_OFFICE], close_out_id=other.pk)


def _page(user, task_id: int) -> str:  # type: ignore[no-untyped-def]
    c = Client()
    c.force_login(user)
    return c.get(reverse("rectification:task_detail", args=[task_id])).content.decode()


def test_the_reviewer_is_told_why_and_the_unit_sees_only_the_flag(world, submitted):
    approve = reverse("rectification:close_out_approve", args=[submitted.pk])
    office = _page(world[Role.INSPECTION_OFFICE], world.task_a.pk)
    assert "线索尚未办结，销号暂不能批准" in office and approve not in office
    assert world.clue_a.number not in office
    assert world.clue_a.number in _page(world[Role.COMMISSION], world.task_a.pk)
    for role in (Role.UNIT_LEAD, Role.UNIT_MEMBER):
        unit = _page(world[role], world.task_a.pk)
        assert "尚未办结" not in unit and world.clue_a.number not in unit and world.clue_a.summary not in unit
    record(world, concluded=True, result="予以了结")
    assert approve in _page(world[Role.INSPECTION_OFFICE], world.task_a.pk)


def test_the_page_approve_says_why_it_was_refused(world, submitted):
    c = Client()
    c.force_login(world[Role.INSPECTION_OFFICE])
    response = c.post(reverse("rectification:close_out_approve", args=[submitted.pk]), follow=True)
    assert "线索尚未办结" in response.content.decode()
    assert Task.objects.get(pk=world.task_a.pk).status == TaskStatus.SUBMITTED


def test_the_commission_records_whether_a_result_concludes_the_clue(world, frozen_today):
    frozen_today(TODAY)
    c = Client()
    c.force_login(world[Role.COMMISSION])
    url = reverse("inspections:clue_results", args=[world.clue_a.pk])
    assert c.post(url, {"feedback_on": "2026-08-01", "result": "已转立案审查", "version": 1}).status_code == 302
    clue = Clue.objects.get(pk=world.clue_a.pk)
    assert clue.feedback_on and not clue.concluded
    page = c.get(reverse("inspections:clue_detail", args=[clue.pk])).content.decode()
    assert "尚未办结" in page
    assert c.post(url, {"feedback_on": "2026-08-05", "result": "予以了结", "concluded": "on",
                        "version": 2}).status_code == 302
    assert Clue.objects.get(pk=clue.pk).concluded
