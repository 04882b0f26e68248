"""POST /api/v1/tenures/{id}/end and /handover: ending a leader's tenure waits for the hand-over of their
open tasks; the former holder stays among the problem's leaders of the period and in the task's history."""

from __future__ import annotations

import datetime as dt

import pytest

from rectify.accounts.models import Role
from rectify.inspections.models import Problem
from rectify.orgs.models import Post, Tenure
from rectify.rectification.models import LeaderHandover, Responsibility, ResponsibilityKind

TODAY = dt.date(2026, 6, 15)


@pytest.fixture(autouse=True)
def _today(frozen_today):  # type: ignore[no-untyped-def]
    frozen_today(TODAY)


def _open_ids(s) -> list[int]:  # type: ignore[no-untyped-def]
    return sorted(t.pk for t in s.open_tasks)


def test_ending_is_409_handover_required_with_the_task_ids_then_200_after_the_hand_over(succession, api):
    s = succession
    lead = api(Role.UNIT_LEAD)
    refused = lead.post_json(f"/tenures/{s.secretary.pk}/end", {"end_date": "2026-06-30"})
    assert refused.status_code == 409
    body = refused.json()
    assert body["code"] == "handover_required" and body["details"] == {"tasks": _open_ids(s)}
    assert "张书记" in body["message"] and "移交" in body["message"]

    moved = lead.post_json(f"/tenures/{s.secretary.pk}/handover", {"to_person": s.deputy.person_id})
    assert moved.status_code == 200
    out = moved.json()
    assert out["tasks"] == _open_ids(s) and out["count"] == 8
    assert out["from_tenure"] == {"tenure_id": s.secretary.pk, "person_id": s.secretary.person_id, "name": "张书记",
                                  "post": "党组书记、厅长"}
    assert out["to_tenure"]["tenure_id"] == s.deputy.pk and out["to_tenure"]["name"] == "王副厅长"

    ended = lead.post_json(f"/tenures/{s.secretary.pk}/end", {"end_date": "2026-06-30"})
    assert ended.status_code == 200
    assert ended.json()["end"] == "2026-06-30" and ended.json()["tenure_id"] == s.secretary.pk
    again = lead.post_json(f"/tenures/{s.secretary.pk}/end", {"end_date": "2026-07-30"})
    assert again.status_code == 409 and again.json()["code"] == "already_ended"


def test_handing_over_some_tasks_moves_only_those(succession, api):
    s = succession
    picked = _open_ids(s)[:3]
    response = api(Role.INSPECTION_OFFICE).post_json(f"/tenures/{s.secretary.pk}/handover",
                                                     {"to_person": s.deputy.person_id, "tasks": picked})
    assert response.status_code == 200 and response.json()["tasks"] == picked
    still = api(Role.INSPECTION_OFFICE).post_json(f"/tenures/{s.secretary.pk}/end", {"end_date": "2026-06-30"})
    assert still.json()["details"] == {"tasks": _open_ids(s)[3:]}


def test_a_wrong_successor_or_wrong_tasks_are_422_in_chinese(succession, api):
    s = succession
    lead = api(Role.UNIT_LEAD)
    no_post = lead.post_json(f"/tenures/{s.secretary.pk}/handover", {"to_person": s.newcomer.pk})
    assert no_post.status_code == 422
    assert no_post.json()["details"]["field"] == "to_person" and "请先在班子名单中为其任职" in no_post.json()["message"]
    wrong = lead.post_json(f"/tenures/{s.secretary.pk}/handover",
                           {"to_person": s.deputy.person_id, "tasks": [s.closed_task.pk]})
    assert wrong.status_code == 422 and wrong.json()["details"]["tasks"] == [s.closed_task.pk]
    assert f"#{s.closed_task.pk}" in wrong.json()["message"]
    missing = lead.post_json(f"/tenures/{s.secretary.pk}/handover", {})
    assert missing.status_code == 422 and missing.json()["code"] == "validation_error"
    assert not LeaderHandover.objects.exists()


@pytest.mark.parametrize("who, status", [("unit_lead_b", 404), (Role.UNIT_MEMBER, 403), (Role.COMMISSION, 403),
                                         (Role.LEADER, 403)])
def test_out_of_scope_is_404_and_read_only_roles_403(succession, api, who, status):
    s = succession
    client = api(who)
    handover = client.post_json(f"/tenures/{s.secretary.pk}/handover", {"to_person": s.deputy.person_id})
    end = client.post_json(f"/tenures/{s.deputy.pk}/end", {"end_date": "2026-06-30"})
    assert (handover.status_code, end.status_code) == (status, status)
    assert not LeaderHandover.objects.exists() and Tenure.objects.get(pk=s.deputy.pk).end is None


def test_a_missing_tenure_is_404(world, api):
    response = api(Role.ADMIN).post_json("/tenures/999999/handover", {"to_person": 1})
    assert response.status_code == 404 and response.json()["code"] == "not_found"


def test_the_former_holder_stays_a_leader_of_the_period_and_in_the_task(succession, api):
    """A member in charge named only on the responsibility list hands over and leaves: the problem still
    names them among its leaders at the time, and the task keeps the hand-over."""
    s = succession
    office = api(Role.INSPECTION_OFFICE)
    Problem.objects.filter(pk=s.world.problem_a.pk).update(occurred_from=dt.date(2023, 1, 1),
                                                           occurred_to=dt.date(2023, 12, 31))
    Tenure.objects.filter(pk=s.deputy.pk).update(start=dt.date(2026, 3, 1))  # took office after the period
    post = Post.objects.create(unit=s.world.unit_a, title="党组成员、副厅长（原）", areas="机关党委")
    member = Tenure.objects.create(person=s.newcomer, post=post, start=dt.date(2019, 1, 1))
    task = s.open_tasks[0]
    Responsibility.objects.filter(task=task, kind=ResponsibilityKind.LEADER).update(
        tenure=member, person=s.newcomer, name="李新")

    def named_in_charge() -> set[str]:
        body = office.get(f"/problems/{s.world.problem_a.pk}").json()
        return {p["name"] for p in body["principals_at_the_time"] if p["role"] == "in_charge"}

    assert named_in_charge() == {"李新"}
    assert office.post_json(f"/tenures/{member.pk}/handover", {"to_person": s.deputy.person_id}).status_code == 200
    assert office.post_json(f"/tenures/{member.pk}/end", {"end_date": "2026-06-30"}).status_code == 200
    assert named_in_charge() == {"李新"}
    detail = office.get(f"/tasks/{task.pk}").json()
    assert [r["name"] for r in detail["responsibilities"] if r["kind"] == "leader"] == ["王副厅长"]
    assert [(h["from_name"], h["to_name"], h["from_tenure_id"]) for h in detail["handovers"]] == [
        ("李新", "王副厅长", member.pk)]
