"""What a careless or hostile user types into the set-up pages, the API and the CLI is refused with a
clear message before anything is written — never a 500, never a record that breaks later pages."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from rectify.accounts.models import Role
from rectify.core.errors import DomainError
from rectify.inspections import services
from rectify.inspections.models import Clue, InspectedUnit, InspectionRound, InspectionTeam
from rectify.orgs import services as org_services
from rectify.orgs.models import OrgUnit, Person, Post
from tests import factories


def _client(user) -> Client:  # type: ignore[no-untyped-def]
    c = Client()
    c.force_login(user)
    return c


ROUND = {"code": "H-12", "name": "测试轮次", "kind": "regular", "level": "provincial"}


@pytest.mark.parametrize("start", ["9999-12-31", "0001-01-01"])
def test_a_round_starting_in_an_implausible_year_is_refused_and_nothing_is_written(api, world, start):
    response = api(Role.INSPECTION_OFFICE).post_json("/rounds", {**ROUND, "start": start})
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "implausible_date" and body["details"] == {"field": "start_date"}
    assert "请检查年份是否填错" in body["message"]
    assert not InspectionRound.objects.filter(code="H-12").exists()


def test_a_feedback_date_in_year_9999_is_refused_so_no_deadline_overflows(api, world):
    assert api(Role.INSPECTION_OFFICE).post_json("/rounds", {**ROUND, "start": "2026-01-05"}).status_code == 201
    response = api(Role.INSPECTION_OFFICE).post_json(
        "/rounds/H-12/units", {"unit": "ZZ-1", "unit_name": "测试单位", "feedback_date": "9999-12-31"})
    assert response.status_code == 422 and response.json()["details"] == {"field": "feedback_date"}
    assert not InspectedUnit.objects.filter(round__code="H-12").exists()
    assert not OrgUnit.objects.filter(code="ZZ-1").exists()  # the unit named with it is not left behind
    assert _client(world[Role.UNIT_LEAD]).get(reverse("rectification:ledger_index")).status_code in (200, 302)


def test_tenure_dates_outside_the_plausible_range_are_refused(world):
    post = Post.objects.get(unit=world.unit_a, is_principal=True)
    with pytest.raises(DomainError) as caught:
        org_services.person_appoint(actor=None, person=Person.objects.create(name="李某", unit=world.unit_a),
                                    post=post, start=dt.date(9999, 12, 1))
    assert caught.value.code == "implausible_date" and caught.value.details == {"field": "start"}
    assert post.tenures.get().end is None  # the sitting principal was not ended in year 9999


@pytest.mark.parametrize("code", ["r-test", "R-Test"])
def test_round_codes_differing_only_in_case_are_duplicates(world, code):
    with pytest.raises(DomainError) as caught:
        services.round_create(actor=world[Role.INSPECTION_OFFICE], code=code, name="另一轮", kind="regular",
                              level="provincial", start_date=dt.date(2026, 1, 1))
    assert caught.value.status == 409 and "R-TEST" in caught.value.message


def test_unit_codes_differing_only_in_case_are_duplicates(world):
    with pytest.raises(DomainError) as caught:
        org_services.org_unit_create(actor=None, code="edu", name="另一个教育厅")
    assert caught.value.code == "duplicate_code" and "EDU" in caught.value.message


def test_an_internal_office_is_never_an_inspected_unit_nor_offered_as_one(world):
    with pytest.raises(DomainError) as caught:
        services.inspected_unit_add(actor=world[Role.INSPECTION_OFFICE], round=world.round, unit=world.unit_a_dept,
                                    feedback_date=dt.date(2026, 5, 1))
    assert caught.value.code == "unit_internal" and "内设机构" in caught.value.message
    options = _client(world[Role.INSPECTION_OFFICE]).get(reverse("inspections:unit_options"), {"q": "财务处"})
    assert "没有找到与“财务处”相符的结果" in options.content.decode() and "EDU-CW" not in options.content.decode()
    assert "省财政厅" in _client(world[Role.INSPECTION_OFFICE]).get(
        reverse("inspections:unit_options"), {"q": "财"}).content.decode()


@pytest.mark.parametrize("field", ["leader", "members"])
@pytest.mark.parametrize("value", ["99999999999999999999", "²", "-1"])
def test_a_forged_person_id_on_the_team_form_is_a_form_error_not_a_500(world, field, value):
    response = _client(world[Role.INSPECTION_OFFICE]).post(
        reverse("inspections:team_create", args=[world.round.code]), {"name": "第九巡视组", field: value})
    assert response.status_code == 400
    assert "请从下拉结果中选择" in response.content.decode()
    assert not InspectionTeam.objects.filter(name="第九巡视组").exists()


def test_a_typed_parent_that_does_not_exist_is_a_form_error_on_the_move_form(world):
    c = _client(world[Role.INSPECTION_OFFICE])
    response = c.post(reverse("orgs:unit_move", args=[world.unit_a_dept.code]),
                      {"parent": "省财政", "version": world.unit_a_dept.version})
    assert response.status_code == 400
    assert "未找到上级单位“省财政”" in response.content.decode()
    world.unit_a_dept.refresh_from_db()
    assert world.unit_a_dept.parent_id == world.unit_a.pk


def test_reloading_a_clue_action_shows_the_clue_page_and_others_still_get_404(world):
    clue: Clue = world.clue_a
    url = reverse("inspections:clue_hand_over", args=[clue.pk])
    response = _client(world[Role.COMMISSION]).get(url)
    assert response.status_code == 302 and response.url == reverse("inspections:clue_detail", args=[clue.pk])
    assert _client(world[Role.INSPECTION_OFFICE]).get(url, follow=True).status_code == 404


def test_text_direction_controls_never_enter_a_problem_identifier(world):
    problem = services.problem_create(actor=None, inspected_unit=world.iu_b, number="P0\u202e9", description="测试")
    assert problem.number == "P09"


def test_a_problem_without_an_occurrence_period_names_nobody_at_the_time(world):
    factories.problem(iu=world.iu_a, number=7, description="未填写发生期间的问题")
    problem = world.iu_a.problems.get(number="7")
    body = _client(world[Role.COMMISSION]).get(reverse("rectification:problem_detail", args=[problem.pk])).content
    assert "问题发生期间未填写" in body.decode() and "张书记" not in body.decode()


def test_a_policy_number_must_be_a_number_not_true(api, world):
    response = api(Role.INSPECTION_OFFICE).post_json("/rounds", {**ROUND, "start": "2026-01-05", "yellow_days": True})
    assert response.status_code == 422 and "yellow_days" in response.json()["message"]
    assert not InspectionRound.objects.filter(code="H-12").exists()


def test_an_over_long_keyword_keeps_the_other_clue_filters(world):
    other = factories.clue(iu=world.iu_b)
    body = _client(world[Role.COMMISSION]).get(reverse("inspections:clue_list"),
                                               {"state": "pending_hand_over", "q": "线" * 60}).content.decode()
    assert other.number not in body  # handed over: not among the clues still to hand over


def test_an_edit_posted_without_its_version_is_refused_not_an_overwrite(world):
    problem = world.problem_a
    response = _client(world[Role.INSPECTION_OFFICE]).post(
        reverse("rectification:problem_edit", args=[problem.pk]),
        {"number": problem.number, "description": "无版本号的修改", "category": "2.2"})
    assert response.status_code == 400 and "页面已过期" in response.content.decode()
    problem.refresh_from_db()
    assert problem.description != "无版本号的修改"
    unit = world.unit_a_dept
    response = _client(world[Role.INSPECTION_OFFICE]).post(reverse("orgs:unit_edit", args=[unit.code]),
                                                         {"name": "改名", "kind": unit.kind})
    unit.refresh_from_db()
    assert response.status_code == 400 and unit.name == "财务处" and "页面已过期" in response.content.decode()
