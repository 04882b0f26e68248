from __future__ import annotations

from rectify.accounts.models import Role

BODY = {"measure": "清退违规津贴", "criterion": "资金全部清退到位", "deadline_kind": "deadline",
        "due_date": "2026-07-01", "responsibilities": [{"kind": "leader", "name": "张书记"},
                                                        {"kind": "department", "name": "财务处"}]}


def test_create_patch_and_stale_patch(world, api, frozen_today):  # type: ignore[no-untyped-def]
    import datetime as dt
    frozen_today(dt.date(2026, 5, 10))
    client = api(Role.UNIT_LEAD)
    r = client.post_json(f"/problems/{world.problem_a.pk}/tasks", BODY)
    assert r.status_code == 201, r.content
    task = r.json()
    assert task["version"] == 1 and task["deadline"] == task["original_deadline"] == "2026-07-01"
    r = client.patch(f"/api/v1/tasks/{task['id']}", {"version": 1, "due_date": "2026-07-20"},
                     content_type="application/json")
    # a draft plan: nothing approved yet, so the original deadline follows the edit
    assert r.status_code == 200 and r.json()["version"] == 2 and r.json()["original_deadline"] == "2026-07-20"
    r = client.patch(f"/api/v1/tasks/{task['id']}", {"version": 1, "measure": "x"}, content_type="application/json")
    assert r.status_code == 409 and r.json()["code"] == "conflict"
    assert r.json()["details"]["changed"][0]["field"] == "due_date"


def test_unknown_leader_is_422_and_others_403(world, api, frozen_today):  # type: ignore[no-untyped-def]
    import datetime as dt
    frozen_today(dt.date(2026, 5, 10))
    r = api(Role.UNIT_LEAD).post_json(f"/problems/{world.problem_a.pk}/tasks",
                                      {**BODY, "responsibilities": [{"kind": "leader", "name": "无此人"}]})
    assert r.status_code == 422 and r.json()["code"] == "leader_unresolved"
    assert api(Role.INSPECTION_OFFICE).post_json(f"/problems/{world.problem_a.pk}/tasks", BODY).status_code == 403
    assert api("unit_lead_b").post_json(f"/problems/{world.problem_a.pk}/tasks", BODY).status_code == 404
