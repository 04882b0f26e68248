"""Interviews (issue 11 §2): the picker proposes the current principal and every former principal and member in
charge whose tenure overlaps the problems' periods, with overlap days and problems; sessions hold several
units; attendance, minutes and follow-up tasks that enter the unit's ledger."""

from __future__ import annotations

import datetime as dt

import pytest

from rectify.accounts.models import Role
from rectify.accounts.services import api_token_create
from rectify.inspections.models import Problem
from rectify.rectification.models import Task
from rectify.supervision import interview_selectors
from tests import factories
from tests.api.conftest import ApiClient

TODAY = dt.date(2026, 6, 15)


@pytest.fixture
def roster(world, frozen_today):  # type: ignore[no-untyped-def]
    """Unit A: 张书记 principal since 2020 (the world's), 刘书记 principal 2016–2019, 王副厅长 in charge of 财务处
    since 2021, 陈副厅长 in charge of 财务处 2015 – May 2019, 赵副厅长 in charge of 人事处 since 2018.
    Problem 1 (财务处 leads) happened 2018-01-01 – 2021-06-30; problem 2 (人事处) in 2022."""
    frozen_today(TODAY)
    t = {
        "liu": factories.leadership_tenure(unit=world.unit_a, name="刘书记", title="党组书记、厅长", principal=True,
                                           start=dt.date(2016, 1, 1), end=dt.date(2020, 1, 1)),
        "wang": factories.leadership_tenure(unit=world.unit_a, name="王副厅长", title="党组成员、副厅长",
                                            areas="财务处", start=dt.date(2021, 1, 1)),
        "chen": factories.leadership_tenure(unit=world.unit_a, name="陈副厅长", title="党组成员、副厅长",
                                            areas="财务处、审计处", start=dt.date(2015, 1, 1), end=dt.date(2019, 6, 1)),
        "zhao": factories.leadership_tenure(unit=world.unit_a, name="赵副厅长", title="党组成员、副厅长",
                                            areas="人事处", start=dt.date(2018, 1, 1)),
    }
    Problem.objects.filter(pk=world.problem_a.pk).update(occurred_from=dt.date(2018, 1, 1),
                                                         occurred_to=dt.date(2021, 6, 30))
    p2 = factories.problem(iu=world.iu_a, description="选人用人不规范")
    Problem.objects.filter(pk=p2.pk).update(occurred_from=dt.date(2022, 1, 1), occurred_to=dt.date(2022, 12, 31))
    factories.task(prob=p2, department="人事处", leader="赵副厅长")
    return t | {"p1": world.problem_a, "p2": p2}


@pytest.fixture
def client_for(world):  # type: ignore[no-untyped-def]
    return lambda role: ApiClient(api_token_create(actor=None, user=world[role], name="t"))


def _by_name(body: dict) -> dict[str, dict]:
    return {i["name"]: i for i in body["items"]}


def test_candidates_for_one_problem_include_former_heads_with_overlap_days(world, roster, client_for) -> None:
    body = client_for(Role.COMMISSION).get("/interviews/candidates", {
        "round": "R-TEST", "unit": "EDU", "problems": str(roster["p1"].pk)}).json()
    people = _by_name(body)
    assert set(people) == {"张书记", "刘书记", "陈副厅长", "王副厅长"}  # 赵 was in charge of 人事处, not 财务处
    assert body["items"][0]["name"] == "张书记" and people["张书记"]["current"] is True
    assert people["张书记"]["overlap_days"] == 547  # 2020-01-01 … 2021-06-30
    assert people["刘书记"] == people["刘书记"] | {"current": False, "overlap_days": 730, "problems": [roster["p1"].pk]}
    assert people["陈副厅长"]["overlap_days"] == 516 and people["陈副厅长"]["current"] is False  # to 2019-05-31
    assert people["王副厅长"]["overlap_days"] == 181 and people["王副厅长"]["departments"] == ["财务处"]
    assert body["count"] == 4


def test_without_problems_all_of_the_units_problems_count(world, roster, client_for) -> None:
    people = _by_name(client_for(Role.INSPECTION_OFFICE).get(
        "/interviews/candidates", {"round": "R-TEST", "unit": "EDU"}).json())
    assert people["赵副厅长"]["problems"] == [roster["p2"].pk] and people["赵副厅长"]["overlap_days"] == 365
    assert sorted(people["张书记"]["problems"]) == sorted([roster["p1"].pk, roster["p2"].pk])
    assert people["张书记"]["overlap_days"] == 547 + 365  # the union of both periods within the tenure


def test_the_current_principal_is_proposed_even_without_dated_problems(world, roster, client_for) -> None:
    Problem.objects.filter(inspected_unit=world.iu_a).update(occurred_from=None, occurred_to=None)
    body = client_for(Role.COMMISSION).get("/interviews/candidates", {"round": "R-TEST", "unit": "EDU"}).json()
    assert [(i["name"], i["current"], i["overlap_days"]) for i in body["items"]] == [("张书记", True, 0)]


def test_bad_problem_ids_and_unit_roles_are_refused(world, roster, client_for) -> None:
    client = client_for(Role.COMMISSION)
    bad = client.get("/interviews/candidates", {"round": "R-TEST", "unit": "EDU", "problems": str(world.problem_b.pk)})
    assert bad.status_code == 400 and bad.json()["code"] == "invalid_problems"
    assert client.get("/interviews/candidates", {"round": "R-TEST", "unit": "EDU", "problems": "x"}).status_code == 400
    assert client_for(Role.UNIT_LEAD).get("/interviews/candidates",
                                          {"round": "R-TEST", "unit": "EDU"}).status_code == 403


def test_a_session_holds_several_units_records_attendance_and_follow_ups(world, roster, client_for) -> None:
    client = client_for(Role.COMMISSION)
    b_principal = factories.leadership_tenure(unit=world.unit_b, name="钱厅长", title="党组书记、厅长", principal=True)
    response = client.post_json("/interviews", {
        "round": "R-TEST", "kind": "interview", "title": "第一批约谈", "held_on": "2026-06-20",
        "convened_by": "省委巡视工作领导小组组长", "units": [
            {"unit": "EDU", "problems": [roster["p1"].pk],
             "participants": [roster["liu"].pk, world.problem_a.inspected_unit.unit.posts.get(
                 title="党组书记、厅长", tenures__person__name="张书记").tenures.get().pk]},
            {"unit": "FIN", "participants": [b_principal.pk]}]})
    assert response.status_code == 201, response.content
    body = response.json()
    names = {p["name"]: p for p in body["participants"]}
    assert set(names) == {"刘书记", "张书记", "钱厅长"} and names["刘书记"]["current"] is False
    assert body["first_form"] is False
    # Someone outside the candidates (赵 had nothing to do with problem 1) is refused.
    refused = client.post_json("/interviews", {
        "round": "R-TEST", "title": "约谈", "held_on": "2026-06-20",
        "units": [{"unit": "EDU", "problems": [roster["p1"].pk], "participants": [roster["zhao"].pk]}]})
    assert refused.status_code == 400 and refused.json()["details"]["field"] == "participants"
    # Attendance and minutes.
    liu = names["刘书记"]["id"]
    recorded = client.post_json(f"/interviews/{body['id']}/record", {
        "version": body["version"], "minutes": "指出津贴补贴问题整改不彻底，要求限期整改。",
        "attendance": {str(liu): True, str(names["钱厅长"]["id"]): False}})
    assert recorded.status_code == 200, recorded.content
    assert {p["name"]: p["attended"] for p in recorded.json()["participants"]}["刘书记"] is True
    stale = client.post_json(f"/interviews/{body['id']}/record", {"version": body["version"], "minutes": "x"})
    assert stale.status_code == 409
    # A follow-up task enters unit A's ledger, with the problem's responsibility list.
    follow = client.post_json(f"/interviews/{body['id']}/follow-ups", {
        "problem": roster["p1"].pk, "measure": "全面清退违规发放的津贴补贴", "criterion": "清退到位并出具审计报告",
        "deadline_kind": "deadline", "due_date": "2026-07-31"})
    assert follow.status_code == 201, follow.content
    task = Task.objects.get(pk=follow.json()["task"])
    assert task.problem_id == roster["p1"].pk and task.responsibilities.count() == 3
    outside = client.post_json(f"/interviews/{body['id']}/follow-ups", {
        "problem": roster["p2"].pk, "measure": "x", "criterion": "y", "due_date": "2026-07-31"})
    assert outside.status_code == 201  # p2 is unit A's too: the unit was summoned


def test_a_reminder_talk_is_a_first_form_measure(world, roster, client_for) -> None:
    response = client_for(Role.INSPECTION_OFFICE).post_json("/interviews", {
        "round": "R-TEST", "kind": "reminder_talk", "title": "谈话提醒", "held_on": "2026-06-18",
        "units": [{"unit": "EDU", "problems": [roster["p1"].pk], "participants": [roster["wang"].pk]}]})
    assert response.status_code == 201 and response.json()["first_form"] is True
    from rectify.accountability.models import AccountabilityCase

    assert not AccountabilityCase.objects.exists()


def test_candidates_cost_constant_queries(world, roster, django_assert_max_num_queries) -> None:
    factories.problems_bulk(iu=world.iu_a, count=20, with_responsibilities=True)
    with django_assert_max_num_queries(7):
        _iu, found = interview_selectors.interview_candidates_for(user=world[Role.COMMISSION], round_code="R-TEST",
                                                                  unit_code="EDU")
    assert found[0].name == "张书记"
