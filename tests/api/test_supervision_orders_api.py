"""The supervision-order contract: POST /supervision-orders → 201 with id; POST …/{id}/respond by the addressed
unit only; GET /supervision-orders lists what the caller may see, with the state judged today."""

from __future__ import annotations

import datetime as dt

import pytest

from rectify.accounts.models import Role


@pytest.fixture
def issued(world, api, frozen_today):
    frozen_today(dt.date(2026, 6, 1))

    def make(**overrides):
        body = {"unit": "EDU", "round": world.round.code, "tasks": [world.task_a.pk], "kind": "order",
                "text": "请加快违规发放津贴补贴问题整改。", "respond_by": "2026-06-10", **overrides}
        return api(Role.INSPECTION_OFFICE).post_json("/supervision-orders", body)

    return make


def test_issuing_returns_201_with_the_order_and_its_id(world, issued):
    response = issued()
    assert response.status_code == 201, response.content
    body = response.json()
    assert isinstance(body["id"], int)
    assert (body["unit"], body["round"], body["tasks"], body["kind"], body["respond_by"]) == (
        "EDU", world.round.code, [world.task_a.pk], "order", "2026-06-10")
    assert body["state"] == "waiting" and body["number"] == "巡整督〔2026〕1号" and body["responses"] == []
    for kind in ("notice", "guidance", "reminder", "admonition", "accountability_letter"):
        assert issued(kind=kind).status_code == 201


@pytest.mark.parametrize(("overrides", "status"), [
    ({"kind": "memo"}, 422), ({"respond_by": "2026-05-01"}, 422), ({"tasks": [10**9]}, 422),
    ({"unit": "NOPE"}, 404), ({"text": ""}, 422),
])
def test_bad_orders_get_json_errors(issued, overrides, status):
    response = issued(**overrides)
    assert response.status_code == status
    assert response.json()["message"]


def test_units_cannot_issue(world, api, issued):
    body = {"unit": "EDU", "round": world.round.code, "tasks": [], "kind": "order", "text": "x",
            "respond_by": "2026-06-10"}
    assert api(Role.UNIT_LEAD).post_json("/supervision-orders", body).status_code == 403


def test_only_the_addressed_unit_responds(world, api, issued, frozen_today):
    order = issued().json()["id"]
    path = f"/supervision-orders/{order}/respond"
    assert api("unit_lead_b").post_json(path, {"text": "x"}).status_code == 404
    assert api(Role.COMMISSION).post_json(path, {"text": "x"}).status_code == 403
    assert api(Role.UNIT_LEAD).post_json(path, {"text": ""}).status_code == 422
    frozen_today(dt.date(2026, 6, 12))
    assert api(Role.COMMISSION).get(f"/supervision-orders/{order}").json()["state"] == "overdue"
    done = api(Role.UNIT_LEAD).post_json(path, {"text": "已清退全部资金，制度已修订。"})
    assert done.status_code == 201
    body = done.json()
    assert body["state"] == "answered" and body["responses"][0]["text"] == "已清退全部资金，制度已修订。"


def test_the_list_is_scoped_and_filtered(world, api, issued, frozen_today):
    first = issued().json()["id"]
    issued(unit="FIN", tasks=[world.task_b.pk], respond_by="2026-07-01")
    frozen_today(dt.date(2026, 6, 20))
    everything = api(Role.COMMISSION).get("/supervision-orders").json()
    assert everything["count"] == 2
    overdue = api(Role.COMMISSION).get("/supervision-orders?state=overdue").json()
    assert [o["id"] for o in overdue["items"]] == [first]
    mine = api(Role.UNIT_LEAD).get("/supervision-orders").json()
    assert [o["unit"] for o in mine["items"]] == ["EDU"]
    assert api(Role.COMMISSION).get("/supervision-orders?unit=FIN").json()["items"][0]["tasks"] == [world.task_b.pk]
