"""The extension contract: POST /tasks/{id}/extension {"due_date", "reason"} → 201 with the request's id;
POST /extensions/{id}/approve|refuse, never by the requester, a second extension by the commission only."""

from __future__ import annotations

import datetime as dt

import pytest

from rectify.accounts.models import Role
from rectify.core import clock
from rectify.rectification import plan_services
from rectify.rectification.models import RectificationPlan, Task


@pytest.fixture
def w(world, frozen_today):  # type: ignore[no-untyped-def]
    frozen_today(dt.date(2026, 7, 25))
    RectificationPlan.objects.create(inspected_unit=world.iu_a, state="approved", version=3, approved_at=clock.now())
    return world


def request_extension(api, w, due: str, who=Role.UNIT_LEAD, **more):  # type: ignore[no-untyped-def]
    return api(who).post_json(f"/tasks/{w.task_a.pk}/extension", {"due_date": due, "reason": "资金清退需跨年度", **more})


def test_request_then_approve(w, api) -> None:
    response = request_extension(api, w, "2026-08-31")
    assert response.status_code == 201, response.content
    body = response.json()
    assert isinstance(body["id"], int) and body["is_extension"] and body["state"] == "pending"
    approved = api(Role.INSPECTION_OFFICE).post_json(f"/extensions/{body['id']}/approve")
    assert approved.status_code == 200 and approved.json()["state"] == "approved"
    task = api(Role.UNIT_LEAD).get(f"/tasks/{w.task_a.pk}").json()
    assert (task["deadline"], task["original_deadline"]) == ("2026-08-31", "2026-07-31")


def test_refuse_needs_a_reason_and_the_requester_never_decides(w, api) -> None:
    ext = request_extension(api, w, "2026-08-31", who=Role.INSPECTION_OFFICE).json()["id"]
    assert api(Role.INSPECTION_OFFICE).post_json(f"/extensions/{ext}/approve").json()["code"] == "four_eyes"
    assert api(Role.INSPECTION_OFFICE).post_json(f"/extensions/{ext}/refuse", {"reason": "x"}).status_code == 403
    assert api(Role.UNIT_LEAD).post_json(f"/extensions/{ext}/approve").status_code == 403
    assert api(Role.COMMISSION).post_json(f"/extensions/{ext}/refuse", {"reason": ""}).status_code == 422
    refused = api(Role.COMMISSION).post_json(f"/extensions/{ext}/refuse", {"reason": "理由不充分"})
    assert refused.status_code == 200 and refused.json()["state"] == "refused"
    assert Task.objects.get(pk=w.task_a.pk).due_date == dt.date(2026, 7, 31)


def test_a_second_extension_is_for_the_commission(w, api) -> None:
    first = request_extension(api, w, "2026-08-31").json()["id"]
    api(Role.INSPECTION_OFFICE).post_json(f"/extensions/{first}/approve")
    second = request_extension(api, w, "2026-09-30").json()["id"]
    refused = api(Role.INSPECTION_OFFICE).post_json(f"/extensions/{second}/approve")
    assert refused.status_code == 403 and refused.json()["code"] == "second_extension_commission"
    assert api(Role.COMMISSION).post_json(f"/extensions/{second}/approve").status_code == 200


def test_not_an_extension(w, api) -> None:
    earlier = request_extension(api, w, "2026-07-28")
    assert earlier.status_code == 422 and earlier.json()["code"] == "not_extension"
    assert api(Role.UNIT_LEAD).post_json(f"/tasks/{w.task_a.pk}/extension", {"reason": "x"}).status_code == 422
    text = plan_services.problem_change_request_create(actor=w[Role.UNIT_LEAD], problem_id=w.problem_a.pk,
                                                       description="更正后的表述", reason="笔误")
    assert api(Role.COMMISSION).post_json(f"/extensions/{text.pk}/approve").status_code == 404
    assert api("unit_lead_b").post_json(f"/tasks/{w.task_a.pk}/extension",
                                        {"due_date": "2026-08-31", "reason": "x"}).status_code == 404


def test_long_term_conversion_through_the_extension(w, api) -> None:
    body = request_extension(api, w, "2027-01-31", deadline_kind="long_term",
                             milestones="2026年9月底前完成清退；每半年复查", review_months=6)
    assert body.status_code == 201
    assert api(Role.COMMISSION).post_json(f"/extensions/{body.json()['id']}/approve").status_code == 200
    assert Task.objects.get(pk=w.task_a.pk).deadline_kind == "long_term"


def test_an_extension_may_be_asked_before_the_plan_is_approved(w, api) -> None:
    """Unit B's plan is still being drafted: the request and its decision are still on record."""
    response = api("unit_lead_b").post_json(f"/tasks/{w.task_b.pk}/extension",
                                            {"due_date": "2026-08-31", "reason": "需协调审计部门"})
    assert response.status_code == 201, response.content
    assert api(Role.INSPECTION_OFFICE).post_json(f"/extensions/{response.json()['id']}/approve").status_code == 200
    assert Task.objects.get(pk=w.task_b.pk).due_date == dt.date(2026, 8, 31)
