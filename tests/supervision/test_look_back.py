"""Look-back (issue 11 §4, scenario 6, rule 9): proposals ranked by similarity, a supervisor confirms or rejects;
a confirmed repeat of a closed task reopens it with its review chain kept, notifies the original approver and
prompts a false-rectification assessment; the round's problems split into old and new."""

from __future__ import annotations

import datetime as dt

import pytest

from rectify.accounts.models import Role
from rectify.accounts.services import api_token_create
from rectify.inspections.models import Problem, RoundKind
from rectify.rectification.models import CloseOut, Reopening, Task, TaskStatus
from rectify.supervision import lookback_selectors
from rectify.supervision.models import FalseRectificationAssessment, RepeatNotice, RepeatReview
from tests import factories
from tests.api.conftest import ApiClient
from tests.supervision.redflag_fixtures import at, close, progress

TODAY = dt.date(2026, 6, 15)


@pytest.fixture
def look_back(world, frozen_today):  # type: ignore[no-untyped-def]
    """R-ORIG fed back in 2024 to units A and B; A's allowances problem was closed by the office. The look-back
    R-TEST's problem 1 of A ("违规发放津贴补贴问题整改不到位") has not been linked yet."""
    frozen_today(TODAY)
    orig = factories.inspection_round(code="R-ORIG", start=dt.date(2024, 3, 1), kind=RoundKind.REGULAR)
    world.round.look_back_of = orig
    world.round.save(update_fields=["look_back_of"])
    iu_a = factories.inspected_unit(rnd=orig, unit=world.unit_a, feedback=dt.date(2024, 5, 1))
    iu_b = factories.inspected_unit(rnd=orig, unit=world.unit_b, feedback=dt.date(2024, 5, 1))
    allowances = factories.problem(iu=iu_a, description="违规发放津贴补贴，以加班费名义向干部发放补贴")
    others = [factories.problem(iu=iu_a, description=d, category_code="3.2") for d in (
        "选人用人不规范，干部选拔任用程序执行不严格", "基层党组织建设薄弱，组织生活流于形式")]
    b_allowances = factories.problem(iu=iu_b, description="违规发放津贴补贴，以值班费名义向职工发放补贴")
    tasks = [factories.task(prob=allowances, due=dt.date(2024, 7, 31)) for _ in range(2)]
    for t in tasks:
        progress(t, dt.date(2024, 5, 20), world["unit_lead"])
        close(t, at(dt.date(2024, 6, 10)), at(dt.date(2024, 6, 12)), lead=world["unit_lead"],
              reviewer=world["inspection_office"])
    return {"orig": orig, "allowances": allowances, "others": others, "b_allowances": b_allowances, "tasks": tasks}


@pytest.fixture
def client_for(world):  # type: ignore[no-untyped-def]
    return lambda role: ApiClient(api_token_create(actor=None, user=world[role], name="t"))


def test_candidates_rank_the_same_units_paraphrase_first(world, look_back, client_for) -> None:
    body = client_for(Role.COMMISSION).get("/rounds/R-TEST/repeat-candidates",
                                           {"problem": world.problem_a.pk}).json()
    ids = [i["problem"] for i in body["items"]]
    assert ids[0] == look_back["allowances"].pk  # same unit, same category, same words
    assert ids[1] == look_back["b_allowances"].pk  # same words in another unit comes next
    assert len(ids) == 4 and body["items"][0]["score"] >= body["items"][1]["score"]
    assert body["items"][0]["closed_tasks"] == 2


def test_candidates_are_never_empty_while_the_earlier_round_has_problems(world, look_back, client_for) -> None:
    unrelated = factories.problem(iu=world.iu_a, description="安全生产责任落实不到位，消防设施老化")
    body = client_for(Role.INSPECTION_OFFICE).get("/rounds/R-TEST/repeat-candidates",
                                                  {"problem": unrelated.pk}).json()
    assert body["count"] == 4
    assert all(i["similarity"] < 0.15 for i in body["items"])


def test_only_supervisors_and_only_look_back_rounds(world, look_back, client_for) -> None:
    path = "/rounds/R-TEST/repeat-candidates"
    assert client_for(Role.UNIT_LEAD).get(path, {"problem": world.problem_a.pk}).status_code == 403
    assert client_for(Role.COMMISSION).get("/rounds/R-ORIG/repeat-candidates",
                                           {"problem": look_back["allowances"].pk}).status_code == 400
    assert client_for(Role.COMMISSION).get(path, {"problem": look_back["allowances"].pk}).status_code == 404


def test_confirming_a_repeat_reopens_notifies_and_prompts_an_assessment(world, look_back, client_for) -> None:
    client = client_for(Role.COMMISSION)
    response = client.post_json("/rounds/R-TEST/repeats", {
        "problem": world.problem_a.pk, "earlier": look_back["allowances"].pk, "decision": "confirmed",
        "note": "同一问题反弹"})
    assert response.status_code == 201, response.content
    body = response.json()
    assert sorted(body["reopened_tasks"]) == sorted(t.pk for t in look_back["tasks"])
    assert body["notified"] == ["office", "office"]
    world.problem_a.refresh_from_db()
    assert world.problem_a.repeats_id == look_back["allowances"].pk
    for t in look_back["tasks"]:
        t.refresh_from_db()
        assert t.status == TaskStatus.IN_PROGRESS and t.closed_at is None
        assert CloseOut.objects.filter(task=t, state="approved").count() == 1  # the old review chain is kept
        assert Reopening.objects.filter(task=t).count() == 1
    notice = RepeatNotice.objects.filter(recipient=world["inspection_office"]).first()
    assert notice is not None and "重新打开" in notice.text
    assessment = FalseRectificationAssessment.objects.get()
    assert assessment.conclusion == "" and assessment.earlier_id == look_back["allowances"].pk
    # The red-flag list shows the problem that came back, under both rounds.
    for code in ("R-TEST", "R-ORIG"):
        flags = client.get("/red-flags", {"round": code, "kind": "reappeared_in_look_back"}).json()["items"]
        assert [f["task"] for f in flags] == [look_back["tasks"][0].pk]
        assert "已重新打开" in flags[0]["reason"]
    # Confirming again is a conflict; concluding the assessment needs a reason.
    again = client.post_json("/rounds/R-TEST/repeats", {
        "problem": world.problem_a.pk, "earlier": look_back["allowances"].pk, "decision": "confirmed"})
    assert again.status_code == 409
    path = f"/false-rectification-assessments/{assessment.pk}/conclude"
    assert client.post_json(path, {"conclusion": "false", "reason": ""}).status_code == 400
    done = client.post_json(path, {"conclusion": "perfunctory", "reason": "仅停发一个月即恢复，属敷衍整改。"})
    assert done.status_code == 200 and done.json()["conclusion"] == "perfunctory"
    assert client.post_json(path, {"conclusion": "false", "reason": "再次"}).status_code == 409


def test_rejecting_keeps_the_decision_and_removes_a_link_in_force(world, look_back, client_for) -> None:
    client = client_for(Role.INSPECTION_OFFICE)
    earlier = look_back["b_allowances"]  # another unit's problem: not this one
    assert client.post_json("/rounds/R-TEST/repeats", {
        "problem": world.problem_a.pk, "earlier": earlier.pk, "decision": "rejected",
        "note": "不同单位"}).status_code == 201
    world.problem_a.refresh_from_db()
    assert world.problem_a.repeats_id is None
    assert RepeatReview.objects.get().decision == "rejected"
    items = client.get("/rounds/R-TEST/repeat-candidates", {"problem": world.problem_a.pk}).json()["items"]
    assert next(i for i in items if i["problem"] == earlier.pk)["decision"] == "rejected"
    assert Task.objects.filter(problem=look_back["allowances"], status=TaskStatus.CLOSED).count() == 2
    bad = client.post_json("/rounds/R-TEST/repeats", {"problem": world.problem_a.pk,
                                                      "earlier": world.problem_b.pk, "decision": "confirmed"})
    assert bad.status_code == 400 and bad.json()["code"] == "invalid_earlier"


def test_the_split_counts_old_and_new_problems(world, look_back, client_for) -> None:
    Problem.objects.filter(pk=world.problem_a.pk).update(repeats=look_back["allowances"])
    factories.problem(iu=world.iu_a, description="新发现问题")
    body = client_for(Role.COMMISSION).get("/rounds/R-TEST/look-back-split").json()
    assert (body["old"], body["new"]) == (1, 2)
    units = {u["unit"]: u for u in body["units"]}
    assert (units["EDU"]["old"], units["EDU"]["new"]) == (1, 1) and (units["FIN"]["old"], units["FIN"]["new"]) == (0, 1)


def test_split_costs_constant_queries(world, look_back, django_assert_max_num_queries) -> None:
    factories.problems_bulk(iu=world.iu_a, count=30)
    with django_assert_max_num_queries(3):
        split = lookback_selectors.look_back_split_for(user=world[Role.COMMISSION], round=world.round)
    assert split.new == 32
