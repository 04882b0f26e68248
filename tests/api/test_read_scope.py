"""Who sees what over the API: every read is scoped to the token's user, clues to commission only."""

from __future__ import annotations

import datetime as dt
import io

import pytest

from rectify.accounts.models import Role
from rectify.rectification import services
from rectify.rectification.models import TaskStatus
from tests import factories

ALL_UNITS = [Role.COMMISSION, Role.INSPECTION_OFFICE, Role.LEADER, Role.ADMIN]
UNIT_A = [Role.UNIT_LEAD, Role.UNIT_MEMBER]
EVERY_ROLE = ALL_UNITS + UNIT_A + ["unit_lead_b"]


def _visible_units(role: str) -> set[str]:
    if role in ALL_UNITS:
        return {"EDU", "FIN"}
    return {"FIN"} if role == "unit_lead_b" else {"EDU"}


def _b_objects(world) -> dict[str, int]:  # type: ignore[no-untyped-def]
    """Evidence and a close-out on unit B's task, made through the services by B's lead."""
    lead_b = world["unit_lead_b"]
    evidence = services.evidence_upload(actor=lead_b, task_id=world.task_b.pk, file=io.BytesIO(b"%PDF b"),
                                        name="B.pdf")
    close_out = services.close_out_submit(actor=lead_b, task_id=world.task_b.pk, note="B 已整改")
    return {"evidence": evidence.pk, "close_out": close_out.pk}


@pytest.mark.parametrize("role", EVERY_ROLE)
def test_round_list_counts_only_visible_units(world, api, role):
    other = factories.inspection_round(code="R-OTHER", start=dt.date(2026, 9, 1))
    factories.inspected_unit(rnd=other, unit=world.unit_b)
    other.look_back_of = world.round
    other.save()

    body = api(role).get("/rounds").json()
    rounds = {r["code"]: r for r in body["items"]}
    assert body["count"] == len(body["items"])
    assert rounds["R-TEST"]["unit_count"] == len(_visible_units(role))
    if "FIN" in _visible_units(role):
        assert list(rounds) == ["R-OTHER", "R-TEST"]  # newest first
        assert rounds["R-OTHER"]["look_back_of"] == "R-TEST"
        assert rounds["R-OTHER"]["kind"] == "look_back"
    else:
        assert list(rounds) == ["R-TEST"]


@pytest.mark.parametrize("role", EVERY_ROLE)
def test_round_units_are_scoped_and_only_commission_gets_clue_counts(world, api, role):
    body = api(role).get("/rounds/R-TEST/units").json()
    units = {u["code"]: u for u in body["items"]}
    assert set(units) == _visible_units(role)
    assert body["count"] == len(units)
    for unit in units.values():
        if role == Role.COMMISSION:
            assert unit["clues"] == (1 if unit["code"] == "EDU" else 0)
        else:
            assert unit.get("clues") is None


def test_round_units_progress_figures(world, api, frozen_today):
    frozen_today(dt.date(2026, 7, 25))  # world tasks are due 07-31; the round's yellow window is 10 days
    done = factories.problem(iu=world.iu_a)
    factories.task(prob=done, status=TaskStatus.CLOSED)
    late = factories.problem(iu=world.iu_a)
    factories.task(prob=late, due=dt.date(2026, 7, 1), status=TaskStatus.IN_PROGRESS)

    units = {u["code"]: u for u in api(Role.COMMISSION).get("/rounds/R-TEST/units").json()["items"]}
    edu = units["EDU"]
    assert edu["name"] == "省教育厅" and edu["team"] == "第一巡视组"
    assert (edu["feedback_date"], edu["rectification_end"], edu["report_due"]) == (
        "2026-05-01", "2026-07-31", "2026-07-01")
    assert (edu["problems"], edu["completed"], edu["basic"], edu["incomplete"]) == (3, 1, 0, 2)
    assert edu["rate"] == 33.33 and isinstance(edu["rate"], float)
    assert edu["warnings"] == {"red": 1, "yellow": 1, "green": 0}
    assert (edu["tasks"], edu["tasks_closed"], edu["tasks_overdue"]) == (3, 1, 1)
    assert units["FIN"]["rate"] == 0


def test_round_of_another_unit_is_404_for_a_unit_user(world, api):
    other = factories.inspection_round(code="R-B-ONLY")
    factories.inspected_unit(rnd=other, unit=world.unit_b)
    assert api(Role.UNIT_LEAD).get("/rounds/R-B-ONLY/units").status_code == 404
    assert api("unit_lead_b").get("/rounds/R-B-ONLY/units").status_code == 200


@pytest.mark.parametrize("role", EVERY_ROLE)
def test_problem_list_is_scoped_and_has_clues_is_a_flag_for_everyone(world, api, role):
    response = api(role).get("/problems")
    body = response.json()
    by_unit = {p["unit"]: p for p in body["items"]}
    assert set(by_unit) == _visible_units(role)
    assert body["count"] == len(body["items"])
    if "EDU" in by_unit:
        assert by_unit["EDU"]["has_clues"] is True
        assert by_unit["EDU"]["id"] == world.problem_a.pk
    if "FIN" in by_unit:
        assert by_unit["FIN"]["has_clues"] is False
    # The flag only: the clue itself never travels over the problem list.
    assert world.clue_a.number not in response.content.decode()
    assert "clues" not in response.content.decode().replace("has_clues", "")


@pytest.mark.parametrize("role", UNIT_A)
def test_unit_a_never_sees_b_in_lists_even_when_asking_for_it(world, api, role):
    client = api(role)
    assert client.get("/problems?unit=FIN").json() == {"items": [], "count": 0}
    assert client.get("/problems?category=3").json() == {"items": [], "count": 0}
    assert [p["unit"] for p in client.get("/problems?round=R-TEST").json()["items"]] == ["EDU"]


@pytest.mark.parametrize("role", [*UNIT_A, "unit_lead_b"])
def test_other_units_objects_by_id_are_404_exactly_like_missing_ones(world, api, role):
    b = _b_objects(world)
    a_evidence = services.evidence_upload(actor=world[Role.UNIT_MEMBER], task_id=world.task_a.pk,
                                          file=io.BytesIO(b"%PDF a"), name="A.pdf")
    a_close_out = services.close_out_submit(actor=world[Role.UNIT_LEAD], task_id=world.task_a.pk)
    if role == "unit_lead_b":
        foreign = {"problem": world.problem_a.pk, "task": world.task_a.pk, "close_out": a_close_out.pk,
                   "evidence": a_evidence.pk}
        own = {"problem": world.problem_b.pk, "task": world.task_b.pk, **b}
    else:
        foreign = {"problem": world.problem_b.pk, "task": world.task_b.pk, **b}
        own = {"problem": world.problem_a.pk, "task": world.task_a.pk, "close_out": a_close_out.pk,
               "evidence": a_evidence.pk}
    paths = {
        "problem": "/problems/{}", "task": "/tasks/{}", "close_out": "/close-outs/{}",
        "evidence": "/evidence/{}/download",
    }
    client = api(role)
    for kind, template in paths.items():
        assert client.get(template.format(own[kind])).status_code == 200, kind
        hidden = client.get(template.format(foreign[kind]))
        missing = client.get(template.format(10**9))
        assert hidden.status_code == 404, kind
        assert hidden.json() == missing.json()  # existence does not leak


@pytest.mark.parametrize("role", ALL_UNITS)
def test_roles_with_all_units_read_any_object(world, api, role):
    b = _b_objects(world)
    client = api(role)
    assert client.get(f"/problems/{world.problem_b.pk}").status_code == 200
    assert client.get(f"/tasks/{world.task_b.pk}").status_code == 200
    assert client.get(f"/close-outs/{b['close_out']}").json()["state"] == "pending"
    download = client.get(f"/evidence/{b['evidence']}/download")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == b"%PDF b"
    assert "B.pdf" in download["Content-Disposition"]


@pytest.mark.parametrize("role", EVERY_ROLE)
def test_review_queue_is_for_reviewers_only(world, api, role):
    _b_objects(world)
    body = api(role).get("/close-outs").json()
    if role in (Role.COMMISSION, Role.INSPECTION_OFFICE):
        assert body["count"] == 1 and body["items"][0]["task"] == world.task_b.pk
        assert body["items"][0]["evidence"] == body["items"][0]["evidence_ids"] and len(body["items"][0]["evidence"]) == 1
    else:
        assert body == {"items": [], "count": 0}


def test_problem_filters(world, api, frozen_today):
    frozen_today(dt.date(2026, 6, 1))
    closed = factories.problem(iu=world.iu_a, category_code="1.1")
    factories.task(prob=closed, status=TaskStatus.CLOSED)
    late = factories.problem(iu=world.iu_a, category_code="2.4")
    factories.task(prob=late, due=dt.date(2026, 5, 20), status=TaskStatus.IN_PROGRESS)
    client = api(Role.COMMISSION)

    def ids(query: str) -> list[int]:
        body = client.get("/problems" + query).json()
        assert body["count"] == len(body["items"])
        return [p["id"] for p in body["items"]]

    a, b = world.problem_a.pk, world.problem_b.pk
    assert ids("") == [a, closed.pk, late.pk, b]  # ledger order: unit path, then number
    assert ids("?unit=FIN") == [b]
    assert ids("?round=R-TEST&unit=EDU") == [a, closed.pk, late.pk]
    assert ids("?round=NO-SUCH") == []
    assert ids("?status=closed") == [closed.pk]
    assert ids("?status=in_progress") == [late.pk]
    assert ids("?status=pending") == [a, b]
    assert ids("?warning=red") == [late.pk]
    assert ids("?warning=green") == [a, b]
    assert ids("?category=2") == [a, late.pk]
    assert ids("?category=2.2") == [a]
    assert ids("?category=3") == [b]
    assert ids("?status=&warning=&category=") == [a, closed.pk, late.pk, b]  # an empty form field means "any"

    page = client.get("/problems?limit=2&offset=1").json()
    assert page["count"] == 4 and [p["id"] for p in page["items"]] == [closed.pk, late.pk]


def test_problem_item_and_detail_shape(world, api, frozen_today):
    frozen_today(dt.date(2026, 6, 1))
    factories.task(prob=world.problem_a, due=dt.date(2026, 6, 5), kind="immediate")
    client = api(Role.UNIT_MEMBER)
    item = client.get("/problems").json()["items"][0]
    assert item == {
        "id": world.problem_a.pk, "round": "R-TEST", "unit": "EDU", "number": "1",
        "kind": "feedback", "kind_label": "反馈问题",
        "category": {"code": "2.2", "name": "落实中央八项规定精神和纠治“四风”"},
        "description": "违规发放津贴补贴问题整改不到位",
        "status": "pending", "status_label": "待整改", "warning": "yellow", "warning_label": "黄灯",
        "completion": "incomplete", "completion_label": "未完成", "has_clues": True, "task_count": 2,
    }
    detail = client.get(f"/problems/{world.problem_a.pk}").json()
    assert {k: detail[k] for k in item} == item
    assert detail["detail"] == "" and detail["is_common"] is False
    first, second = detail["tasks"]
    assert first["id"] == world.task_a.pk and first["deadline"] == "2026-07-31" and first["warning"] == "green"
    assert second["deadline_kind"] == "immediate" and second["warning"] == "yellow"
    assert {(r["kind"], r["name"]) for r in first["responsibilities"]} == {
        ("leader", "王副厅长"), ("department", "财务处"), ("person", "李四")}


def test_task_detail_shape(world, api, frozen_today):
    frozen_today(dt.date(2026, 6, 1))
    body = api(Role.LEADER).get(f"/tasks/{world.task_a.pk}").json()
    assert body["id"] == world.task_a.pk
    assert body["problem"] == body["problem_id"] == world.problem_a.pk
    assert body["number"] == 1 and body["measure"] == "整改措施1" and body["criterion"] == "清退资金全部到位"
    assert (body["deadline_kind"], body["deadline_kind_label"]) == ("deadline", "限期整改")
    assert body["deadline"] == body["original_deadline"] == "2026-07-31"
    assert (body["status"], body["status_label"]) == ("pending", "待整改")
    assert (body["warning"], body["days_left"], body["version"]) == ("green", 60, 1)
    assert {r["kind"] for r in body["responsibilities"]} == {"leader", "department", "person"}
    assert all(r["is_lead"] is True for r in body["responsibilities"])
    assert body["evidence"] == body["close_outs"] == body["progress"] == body["reopenings"] == []
