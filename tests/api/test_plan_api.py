"""The three lists over the API as outside checks use them: tasks with their responsibilities, the plan
submitted, returned and approved, change requests approved and refused with the original deadline kept, and
a stale edit that is a conflict listing what changed."""

from __future__ import annotations

import datetime as dt

import pytest

from rectify.accounts.models import Role

TASK = {"measure": "清退违规津贴补贴", "criterion": "违规发放的资金全部清退并取得银行回单", "deadline_kind": "deadline",
        "due_date": "2026-07-01", "responsibilities": [{"kind": "leader", "name": "张书记"},
                                                        {"kind": "department", "name": "财务处"},
                                                        {"kind": "person", "name": "李四（财务处处长）"}]}


@pytest.fixture
def w(world, frozen_today):  # type: ignore[no-untyped-def]
    frozen_today(dt.date(2026, 5, 10))
    # the factory's task names a leader who holds no post: give it a complete responsibility list
    from rectify.rectification import services

    services.task_update(actor=world[Role.UNIT_LEAD], task_id=world.task_a.pk, expected_version=1,
                         responsibilities=TASK["responsibilities"])
    return world


def plan_url(w, action: str = "") -> str:  # type: ignore[no-untyped-def]
    return f"/rounds/{w.round.code}/units/{w.unit_a.code}/plan" + (f"/{action}" if action else "")


def patch(client, task_id: int, body: dict):  # type: ignore[no-untyped-def]
    return client.patch(f"/api/v1/tasks/{task_id}", body, content_type="application/json")


def test_the_three_lists_from_task_to_approved_plan(w, api) -> None:
    lead, office, commission = api(Role.UNIT_LEAD), api(Role.INSPECTION_OFFICE), api(Role.COMMISSION)
    r = lead.post_json(f"/problems/{w.problem_a.pk}/tasks", TASK)
    assert r.status_code == 201, r.content
    task = r.json()
    assert task["version"] == 1 and task["deadline"] == task["original_deadline"] == "2026-07-01"
    leader = next(x for x in task["responsibilities"] if x["kind"] == "leader")
    assert leader["name"] == "张书记" and leader["tenure"] is not None
    assert {x["name"] for x in task["responsibilities"]} >= {"财务处", "李四（财务处处长）"}  # kept as written

    r = lead.get(plan_url(w))
    assert r.json()["state"] == "draft" and r.json()["gaps"]["complete"] and r.json()["history"] == []
    assert lead.post_json(plan_url(w, "submit")).json()["state"] == "submitted"
    r = office.post_json(plan_url(w, "return"), {"reason": "请写明分阶段目标"})
    assert r.status_code == 200 and r.json()["state"] == "returned"
    r = lead.post_json(plan_url(w, "submit"))
    assert r.json()["state"] == "submitted"
    r = commission.post_json(plan_url(w, "approve"), {"comment": "同意"})
    body = r.json()
    assert r.status_code == 200 and body["state"] == "approved"
    assert [(h["action"], h["comment"]) for h in body["history"]] == [
        ("submitted", ""), ("returned", "请写明分阶段目标"), ("submitted", ""), ("approved", "同意")]


def test_plan_errors_are_json_with_what_to_fix(w, api) -> None:
    lead, office = api(Role.UNIT_LEAD), api(Role.INSPECTION_OFFICE)
    from tests import factories

    factories.problem(iu=w.iu_a, description="选人用人不规范")  # no task yet
    r = lead.post_json(plan_url(w, "submit"))
    assert r.status_code == 422 and r.json()["code"] == "plan_incomplete" and r.json()["details"]["gaps"]["no_tasks"] == 1
    assert office.post_json(plan_url(w, "approve")).status_code == 409  # nothing submitted
    assert office.post_json(plan_url(w, "submit")).status_code == 403
    assert api("unit_lead_b").get(plan_url(w)).status_code == 404
    assert office.post_json(plan_url(w, "return"), {}).status_code == 422


def test_a_stale_patch_is_a_conflict_naming_the_change(w, api) -> None:
    lead = api(Role.UNIT_LEAD)
    task_id = lead.post_json(f"/problems/{w.problem_a.pk}/tasks", TASK).json()["id"]
    assert patch(lead, task_id, {"version": 1, "criterion": "资金清退到位，追责到人"}).json()["version"] == 2
    r = patch(lead, task_id, {"version": 1, "measure": "别的措施"})
    assert r.status_code == 409 and r.json()["code"] == "conflict"
    changed = r.json()["details"]["changed"]
    assert [(c["field"], c["after"]) for c in changed] == [("criterion", "资金清退到位，追责到人")]
    r = patch(lead, task_id, {"version": 2, "responsibilities": [{"kind": "leader", "name": "无此人"}]})
    assert r.status_code == 422 and r.json()["code"] == "leader_unresolved"
    assert str(w.problem_a.number) in r.json()["message"]


def approve_plan(w, api) -> None:  # type: ignore[no-untyped-def]
    api(Role.UNIT_LEAD).post_json(plan_url(w, "submit"))
    api(Role.INSPECTION_OFFICE).post_json(plan_url(w, "approve"))


def test_after_approval_a_deadline_moves_only_by_an_approved_change_request(w, api) -> None:
    lead, office, commission = api(Role.UNIT_LEAD), api(Role.INSPECTION_OFFICE), api(Role.COMMISSION)
    approve_plan(w, api)
    task = lead.get(f"/tasks/{w.task_a.pk}").json()
    r = patch(lead, w.task_a.pk, {"version": task["version"], "due_date": "2026-09-30"})
    assert r.status_code == 409 and r.json()["code"] == "change_request_required"

    r = lead.post_json(f"/tasks/{w.task_a.pk}/change-requests", {"due_date": "2026-09-30", "reason": "当事人已调离"})
    assert r.status_code == 201 and r.json()["state"] == "pending"
    change = r.json()["id"]
    assert lead.post_json(f"/change-requests/{change}/approve").status_code == 403
    r = office.post_json(f"/change-requests/{change}/approve", {"comment": "同意"})
    assert r.status_code == 200 and r.json()["state"] == "approved"
    task = lead.get(f"/tasks/{w.task_a.pk}").json()
    assert (task["deadline"], task["original_deadline"]) == ("2026-09-30", "2026-07-31")
    assert [c["state"] for c in task["change_requests"]] == ["approved"]

    r = lead.post_json(f"/tasks/{w.task_a.pk}/change-requests", {"due_date": "2026-12-31", "reason": "再延期"})
    change = r.json()["id"]
    assert commission.post_json(f"/change-requests/{change}/refuse", {}).status_code == 422
    r = commission.post_json(f"/change-requests/{change}/refuse", {"reason": "不同意再次延期"})
    assert r.json()["state"] == "refused"
    task = lead.get(f"/tasks/{w.task_a.pk}").json()
    assert (task["deadline"], task["original_deadline"]) == ("2026-09-30", "2026-07-31")
    listing = office.get("/change-requests", {"state": "refused"}).json()
    assert listing["count"] == 1 and listing["items"][0]["decision_comment"] == "不同意再次延期"


def test_a_change_request_before_approval_says_to_edit_directly(w, api) -> None:
    r = api(Role.UNIT_LEAD).post_json(f"/tasks/{w.task_a.pk}/change-requests",
                                      {"due_date": "2026-09-30", "reason": "延期"})
    assert r.status_code == 409 and r.json()["code"] == "plan_not_approved"
