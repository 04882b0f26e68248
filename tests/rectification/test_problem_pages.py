"""Entering and editing problems on the pages: buttons by role, the form's inline errors, natural order."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from rectify.accounts.models import Role
from rectify.inspections import services
from rectify.inspections.models import Problem, ProblemKind

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def new_url(world, unit=None) -> str:
    return reverse("rectification:problem_new", args=[world.round.code, (unit or world.unit_a).code])


def ledger_url(world) -> str:
    return reverse("rectification:ledger", args=[world.round.code, world.unit_a.code])


def test_ledger_buttons_follow_the_role(world):
    page = {role: client_for(world[role]).get(ledger_url(world)).content.decode()
            for role in (Role.INSPECTION_OFFICE, Role.COMMISSION, Role.UNIT_LEAD, Role.UNIT_MEMBER, Role.LEADER)}
    for role in (Role.INSPECTION_OFFICE, Role.COMMISSION):
        assert "录入反馈问题" in page[role] and "新增自查问题" not in page[role]
    assert "新增自查问题" in page[Role.UNIT_LEAD] and "录入反馈问题" not in page[Role.UNIT_LEAD]
    for role in (Role.UNIT_MEMBER, Role.LEADER):
        assert "录入反馈问题" not in page[role] and "新增自查问题" not in page[role]


def test_the_office_enters_a_fed_back_problem_through_the_form(world):
    c = client_for(world[Role.INSPECTION_OFFICE])
    assert c.get(new_url(world)).status_code == 200
    response = c.post(new_url(world), {"number": "XS-2021-03", "category": "2.2", "description": "公车私用",
                                       "detail": "2021年以来3次", "occurred_from": "2021-01-01",
                                       "occurred_to": "2021-12-31", "is_common": "on"})
    problem = Problem.objects.get(description="公车私用")
    assert response.status_code == 302 and response["Location"] == reverse("rectification:problem_detail",
                                                                            args=[problem.pk])
    assert (problem.number, problem.kind, problem.category.code, problem.is_common) == (
        "XS-2021-03", ProblemKind.FEEDBACK, "2.2", True)


def test_the_category_picker_offers_both_levels_of_the_catalogue(world):
    html = client_for(world[Role.COMMISSION]).get(new_url(world)).content.decode()
    assert "<optgroup" in html and 'value="2.2"' in html and 'value="2"' in html


def test_the_unit_lead_adds_a_self_found_problem_but_never_a_fed_back_one(world):
    c = client_for(world[Role.UNIT_LEAD])
    assert "新增自查问题" in c.get(new_url(world)).content.decode()
    refused = c.post(new_url(world), {"kind": "feedback", "description": "想录成反馈问题"})
    assert refused.status_code == 403
    assert c.post(new_url(world), {"kind": "self_found", "description": "举一反三发现"}).status_code == 302
    assert Problem.objects.get(description="举一反三发现").kind == ProblemKind.SELF_FOUND
    assert not Problem.objects.filter(description="想录成反馈问题").exists()


@pytest.mark.parametrize("role", [Role.UNIT_MEMBER, Role.LEADER, Role.ADMIN])
def test_read_only_roles_get_no_problem_form(world, role):
    c = client_for(world[role])
    assert c.get(new_url(world)).status_code == 403
    assert c.post(new_url(world), {"kind": "self_found", "description": "x"}).status_code == 403


def test_another_unit_s_form_is_404_for_a_unit_lead(world):
    assert client_for(world["unit_lead_b"]).get(new_url(world)).status_code == 404


@pytest.mark.parametrize(("number", "status", "message"), [
    ("99999999999999999999", 422, "不能超过 6 位"),
    ("XS-2021-03-第一巡察组-补充-01", 422, "超过 20 个字符"),
    ("1", 409, "本单位已有序号为“1”的问题"),
])
def test_identifier_errors_show_inline_on_the_number_field(world, number, status, message):
    response = client_for(world[Role.INSPECTION_OFFICE]).post(new_url(world), {"number": number, "description": "x"})
    assert response.status_code == status
    html = response.content.decode()
    assert 'id="id_number_error"' in html and message in html


def test_a_reversed_period_shows_inline_on_the_end_date(world):
    response = client_for(world[Role.INSPECTION_OFFICE]).post(new_url(world), {
        "description": "x", "occurred_from": "2022-01-01", "occurred_to": "2021-01-01"})
    assert response.status_code == 422
    assert 'id="id_occurred_to_error"' in response.content.decode()


def test_the_ledger_sorts_mixed_identifiers_naturally_and_tags_self_found_rows(fresh_unit):
    world = fresh_unit
    for number in ["10", "P10", "2", "一-10", "P2", "（1）", "一-2"]:
        services.problem_create(actor=None, inspected_unit=world.iu_a, number=number, description=f"问题{number}")
    services.problem_create(actor=world[Role.UNIT_LEAD], inspected_unit=world.iu_a, number="Z1",
                            kind=ProblemKind.SELF_FOUND, description="自查问题")
    html = client_for(world[Role.INSPECTION_OFFICE]).get(ledger_url(world)).content.decode()
    numbers = re.findall(r'<td class="text-center">([^<]+)</td>', html)
    assert numbers == ["（1）", "一-2", "一-10", "2", "10", "P2", "P10", "Z1"]
    assert html.count('<span class="tag tag-brand">自查</span>') == 1
    only_own = client_for(world[Role.INSPECTION_OFFICE]).get(ledger_url(world), {"kind": "self_found"})
    assert re.findall(r'<td class="text-center">([^<]+)</td>', only_own.content.decode()) == ["Z1"]


def test_the_office_edits_a_problem_from_its_page(world):
    c = client_for(world[Role.INSPECTION_OFFICE])
    detail = reverse("rectification:problem_detail", args=[world.problem_a.pk])
    edit = reverse("rectification:problem_edit", args=[world.problem_a.pk])
    assert edit in c.get(detail).content.decode()
    response = c.post(edit, {"number": "1", "description": "改写后的问题", "category": "2.2",
                             "version": world.problem_a.version})
    assert response.status_code == 302
    world.problem_a.refresh_from_db()
    assert world.problem_a.description == "改写后的问题"
    stale = c.post(edit, {"number": "1", "description": "旧版本上的修改", "version": world.problem_a.version - 1})
    assert stale.status_code == 409 and "已被他人修改" in stale.content.decode()


def test_units_cannot_edit_fed_back_text(world):
    edit = reverse("rectification:problem_edit", args=[world.problem_a.pk])
    for role in (Role.UNIT_LEAD, Role.UNIT_MEMBER):
        c = client_for(world[role])
        assert edit not in c.get(reverse("rectification:problem_detail", args=[world.problem_a.pk])).content.decode()
        assert c.get(edit).status_code == 403
        assert c.post(edit, {"number": "1", "description": "单位改写", "version": 1}).status_code == 403
    world.problem_a.refresh_from_db()
    assert world.problem_a.description != "单位改写"


def test_unit_users_see_only_the_clue_flag_once_handed_over(world):
    problem_url = reverse("rectification:problem_detail", args=[world.problem_a.pk])
    for role in (Role.UNIT_LEAD, Role.UNIT_MEMBER):
        c = client_for(world[role])
        html = c.get(problem_url).content.decode()
        assert "涉及问题线索（已移交）" in html
        assert world.clue_a.number not in html and world.clue_a.summary not in html and "移交单位" not in html
        ledger = c.get(ledger_url(world)).content.decode()
        assert ledger.count("涉及问题线索（已移交）") == 1 and world.clue_a.number not in ledger
    commission = client_for(world[Role.COMMISSION]).get(problem_url).content.decode()
    assert world.clue_a.number in commission
    world.clue_a.handed_over_on = None  # registered, not handed over yet: no flag at all
    world.clue_a.save()
    html = client_for(world[Role.UNIT_MEMBER]).get(problem_url).content.decode()
    assert "涉及问题线索（已移交）" not in html and "不涉及" in html
    assert "涉及问题线索（已移交）" not in client_for(world[Role.UNIT_MEMBER]).get(ledger_url(world)).content.decode()
