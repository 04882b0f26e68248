"""POST /rounds/{code}/units/{unit}/problems: who may enter which kind, identifiers, errors as JSON."""

from __future__ import annotations

import pytest

from rectify.accounts.models import Role
from rectify.inspections.models import Problem, ProblemKind

pytestmark = pytest.mark.django_db

URL = "/rounds/R-TEST/units/EDU/problems"


def test_the_office_enters_a_fed_back_problem_and_gets_it_back_with_its_id(api):
    response = api(Role.INSPECTION_OFFICE).post_json(URL, {
        "number": "XS-2021-03", "description": "公务用车管理不规范", "category": "2.2",
        "occurred_from": "2021-01-01", "occurred_to": "2022-06-30",
    })
    assert response.status_code == 201, response.json()
    body = response.json()
    problem = Problem.objects.get(pk=body["id"])
    assert body["number"] == "XS-2021-03" and isinstance(body["number"], str)
    assert body["kind"] == "feedback" and body["category"]["code"] == "2.2"
    assert problem.description == "公务用车管理不规范" and str(problem.occurred_to) == "2022-06-30"


def test_without_a_number_the_next_ordinal_is_taken(api):
    body = api(Role.COMMISSION).post_json(URL, {"description": "问题"}).json()
    assert body["number"] == "2"  # unit A already has problem 1


def test_a_unit_lead_may_add_only_self_found_problems(api):
    lead = api(Role.UNIT_LEAD)
    refused = lead.post_json(URL, {"description": "单位想录入反馈问题"})
    assert refused.status_code == 403 and "自查问题" in refused.json()["message"]
    refused = lead.post_json(URL, {"description": "单位想录入反馈问题", "kind": "feedback"})
    assert refused.status_code == 403
    created = lead.post_json(URL, {"description": "举一反三自查发现的问题", "kind": "self_found"})
    assert created.status_code == 201 and created.json()["kind"] == "self_found"
    assert Problem.objects.filter(kind=ProblemKind.FEEDBACK, description="单位想录入反馈问题").count() == 0


@pytest.mark.parametrize("role", [Role.UNIT_MEMBER, Role.LEADER, Role.ADMIN])
def test_read_only_roles_enter_nothing(api, role):
    for kind in ("feedback", "self_found"):
        assert api(role).post_json(URL, {"description": "x", "kind": kind}).status_code == 403


def test_another_unit_is_404_for_a_unit_lead(api):
    response = api("unit_lead_b").post_json(URL, {"description": "x", "kind": "self_found"})
    assert response.status_code == 404


def test_identifier_errors(api):
    office = api(Role.INSPECTION_OFFICE)
    too_long = office.post_json(URL, {"number": "99999999999999999999", "description": "x"})
    assert too_long.status_code == 422 and too_long.json()["details"] == {"field": "number"}
    over_20 = office.post_json(URL, {"number": "X" * 21, "description": "x"})
    assert over_20.status_code == 422
    duplicate = office.post_json(URL, {"number": "1", "description": "x"})
    assert duplicate.status_code == 409 and "序号" in duplicate.json()["message"]


def test_bad_category_period_and_kind_are_422(api):
    office = api(Role.INSPECTION_OFFICE)
    assert office.post_json(URL, {"description": "x", "category": "99"}).status_code == 422
    reversed_ = office.post_json(URL, {"description": "x", "occurred_from": "2022-01-01", "occurred_to": "2021-01-01"})
    assert reversed_.status_code == 422 and reversed_.json()["details"] == {"field": "occurred_to"}
    assert office.post_json(URL, {"description": "x", "kind": "other"}).status_code == 422
    assert office.post_json(URL, {"kind": "feedback"}).status_code == 422


def test_kind_filter_on_the_problem_list(api):
    api(Role.UNIT_LEAD).post_json(URL, {"description": "自查问题一", "kind": "self_found"})
    office = api(Role.INSPECTION_OFFICE)
    own = office.get("/problems", {"kind": "self_found"}).json()
    assert [p["description"] for p in own["items"]] == ["自查问题一"]
    fed_back = office.get("/problems", {"kind": "feedback", "unit": "EDU"}).json()
    assert [p["kind"] for p in fed_back["items"]] == ["feedback"]


def test_self_found_problems_are_counted_apart_in_round_units(api):
    api(Role.UNIT_LEAD).post_json(URL, {"description": "自查问题一", "kind": "self_found"})
    items = {u["code"]: u for u in api(Role.INSPECTION_OFFICE).get("/rounds/R-TEST/units").json()["items"]}
    assert (items["EDU"]["problems"], items["EDU"]["self_found"], items["EDU"]["self_found_completed"]) == (1, 1, 0)
    assert items["FIN"]["self_found"] == 0


def test_unit_users_see_only_the_clue_flag_and_only_once_handed_over(api, world):
    member = api(Role.UNIT_MEMBER)
    detail = member.get(f"/problems/{world.problem_a.pk}").json()
    assert detail["has_clues"] is True
    assert "clue" not in str({k: v for k, v in detail.items() if k != "has_clues"}).lower()
    assert "XS-" not in str(detail) and "礼金" not in str(detail)
    world.clue_a.handed_over_on = None
    world.clue_a.save()
    assert member.get(f"/problems/{world.problem_a.pk}").json()["has_clues"] is False
