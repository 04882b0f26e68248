"""Who led the unit while the problem happened: current and former principals and members in charge,
with the days their tenure shares with the problem's occurrence period (pages and API)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from rectify.accounts.models import Role
from rectify.core.errors import DomainError
from rectify.orgs.models import Person, Post, Tenure
from rectify.orgs.selectors import IN_CHARGE, PRINCIPAL, leaders_during, overlap_days
from rectify.orgs.services import person_appoint
from rectify.rectification.models import Responsibility, ResponsibilityKind
from rectify.rectification.selectors import problem_get_for, problem_leaders_of_period


@pytest.fixture
def handover(world):
    """张书记 led unit A from 2020-01-01; 王书记 took over on 2025-07-01."""
    post = Post.objects.get(unit=world.unit_a, is_principal=True)
    new = Person.objects.create(name="王书记", unit=world.unit_a)
    person_appoint(actor=None, person=new, post=post, start=dt.date(2025, 7, 1))
    return post


@pytest.fixture
def members(world):
    """Two deputies of unit A: 李副厅长 in charge of 财务处 until 2024-09-01, then 赵副厅长; 钱副厅长 of 人事处."""
    finance = Post.objects.create(unit=world.unit_a, title="党组成员、副厅长", areas="财务处、审计处")
    finance_later = Post.objects.create(unit=world.unit_a, title="党组成员、副厅长", areas="财务处")
    personnel = Post.objects.create(unit=world.unit_a, title="党组成员、副厅长", areas="人事处")
    li, zhao, qian = (Person.objects.create(name=n, unit=world.unit_a) for n in ("李副厅长", "赵副厅长", "钱副厅长"))
    Tenure.objects.create(person=li, post=finance, start=dt.date(2019, 3, 1), end=dt.date(2024, 9, 1))
    Tenure.objects.create(person=zhao, post=finance_later, start=dt.date(2024, 9, 1))
    Tenure.objects.create(person=qian, post=personnel, start=dt.date(2018, 1, 1))
    return {"li": li, "zhao": zhao, "qian": qian}


def _period(problem, start, end):
    problem.occurred_from, problem.occurred_to = start, end
    problem.save(update_fields=["occurred_from", "occurred_to"])


def _named(leaders):
    return [(leader.name, leader.role, leader.overlap_days) for leader in leaders]


def test_overlap_counts_both_ends_of_the_period_and_excludes_the_day_a_tenure_ended():
    assert overlap_days(tenure_start=dt.date(2024, 1, 1), tenure_end=dt.date(2024, 1, 11),
                        start=dt.date(2024, 1, 1), end=dt.date(2024, 12, 31)) == 10
    assert overlap_days(tenure_start=dt.date(2024, 1, 11), tenure_end=None,
                        start=dt.date(2024, 1, 1), end=dt.date(2024, 1, 11)) == 1
    assert overlap_days(tenure_start=dt.date(2025, 1, 1), tenure_end=None,
                        start=dt.date(2024, 1, 1), end=dt.date(2024, 12, 31)) == 0


def test_problem_before_the_handover_names_the_former_principal_only(world, handover):
    leaders = leaders_during(unit=world.unit_a, start=dt.date(2023, 1, 1), end=dt.date(2024, 12, 31))
    assert _named(leaders) == [("张书记", PRINCIPAL, 731)]


def test_principal_change_in_the_middle_of_the_period_names_both_with_their_share(world, handover):
    leaders = leaders_during(unit=world.unit_a, start=dt.date(2025, 1, 1), end=dt.date(2025, 12, 31))
    assert _named(leaders) == [("张书记", PRINCIPAL, 181), ("王书记", PRINCIPAL, 184)]
    assert sum(leader.overlap_days for leader in leaders) == 365


def test_handover_day_belongs_to_the_new_principal(world, handover):
    leaders = leaders_during(unit=world.unit_a, start=dt.date(2025, 7, 1), end=dt.date(2025, 7, 1))
    assert _named(leaders) == [("王书记", PRINCIPAL, 1)]


def test_an_open_ended_problem_runs_until_the_feedback_and_without_dates_nobody_is_named(world, handover):
    """The team found it still going on at the feedback (2026-05-01): 王书记's share runs until then."""
    _period(world.problem_a, dt.date(2025, 6, 1), None)
    problem = problem_get_for(user=world[Role.COMMISSION], problem_id=world.problem_a.pk)
    assert _named(problem_leaders_of_period(problem=problem)) == [("张书记", PRINCIPAL, 30), ("王书记", PRINCIPAL, 305)]
    _period(world.problem_a, None, None)
    problem = problem_get_for(user=world[Role.COMMISSION], problem_id=world.problem_a.pk)
    assert problem_leaders_of_period(problem=problem) == []


def test_appointment_before_the_current_start_is_refused(world, handover):
    with pytest.raises(DomainError):
        person_appoint(actor=None, person=Person.objects.create(name="李某"), post=handover, start=dt.date(2025, 1, 1))


def test_members_in_charge_of_the_lead_department_during_the_period(world, members):
    """The task's lead department is 财务处: both deputies who had it in their areas, each for their share."""
    _period(world.problem_a, dt.date(2024, 1, 1), dt.date(2024, 12, 31))
    problem = problem_get_for(user=world[Role.COMMISSION], problem_id=world.problem_a.pk)
    leaders = problem_leaders_of_period(problem=problem)
    in_charge = [x for x in leaders if x.role == IN_CHARGE]
    assert _named(in_charge) == [("李副厅长", IN_CHARGE, 244), ("赵副厅长", IN_CHARGE, 122)]
    assert in_charge[0].departments == ("财务处",) and not in_charge[0].named_on_list
    assert "钱副厅长" not in [x.name for x in leaders]  # 人事处 is not this problem's area


def test_a_leader_named_on_the_responsibility_list_is_in_charge_even_outside_their_areas(world, members):
    _period(world.problem_a, dt.date(2024, 1, 1), dt.date(2024, 12, 31))
    Responsibility.objects.filter(task=world.task_a, kind=ResponsibilityKind.LEADER).update(
        name="钱副厅长", person=members["qian"])
    problem = problem_get_for(user=world[Role.COMMISSION], problem_id=world.problem_a.pk)
    qian = next(x for x in problem_leaders_of_period(problem=problem) if x.name == "钱副厅长")
    assert qian.role == IN_CHARGE and qian.named_on_list and qian.departments == () and qian.overlap_days == 366


def test_problem_page_names_current_and_former_heads_with_overlap(world, handover, members, client):
    _period(world.problem_a, dt.date(2024, 1, 1), dt.date(2025, 12, 31))
    client.force_login(world[Role.UNIT_LEAD])
    body = client.get(reverse("rectification:problem_detail", args=[world.problem_a.pk])).content.decode()
    assert "张书记（党组书记、厅长，2020.01.01—2025.06.30，已离任）" in body  # the last day in post
    assert "王书记（党组书记、厅长，2025.07.01—至今）" in body
    assert "与问题发生期间重合 547 天" in body and "与问题发生期间重合 184 天" in body
    assert "李副厅长" in body and "赵副厅长" in body and "分管财务处" in body and "钱副厅长" not in body


def test_api_problem_detail_lists_the_leaders_of_the_period(world, handover, members, client):
    from rectify.accounts.services import api_token_create

    _period(world.problem_a, dt.date(2024, 1, 1), dt.date(2025, 12, 31))
    token = api_token_create(actor=None, user=world[Role.INSPECTION_OFFICE])
    response = client.get(f"/api/v1/problems/{world.problem_a.pk}", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    data = response.json()
    assert data["occurred_from"] == "2024-01-01" and data["occurred_to"] == "2025-12-31"
    rows = [(r["name"], r["post"], r["role"], r["start"], r["end"], r["overlap_days"])
            for r in data["principals_at_the_time"]]
    assert rows == [
        ("张书记", "党组书记、厅长", "principal", "2020-01-01", "2025-07-01", 547),
        ("王书记", "党组书记、厅长", "principal", "2025-07-01", None, 184),
        ("李副厅长", "党组成员、副厅长", "in_charge", "2019-03-01", "2024-09-01", 244),
        ("赵副厅长", "党组成员、副厅长", "in_charge", "2024-09-01", None, 487),
    ]
