"""Self-found problems (自查问题) are counted apart and never enter the completion rate of fed-back problems."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from rectify.accounts.models import Role
from rectify.rectification.models import DeadlineKind as K
from rectify.rectification.models import TaskStatus as S
from rectify.rectification.selectors import ProblemFilters, problem_list_for, round_progress_for, round_totals
from tests import factories

pytestmark = pytest.mark.django_db


def _self_found(iu, count, tasks):
    made = factories.problems_bulk(iu=iu, count=count, tasks=tasks)
    factories.make_self_found(*made)
    factories.refresh_rollups([p.pk for p in made])
    return made


def test_the_district_still_reads_98_71_with_self_found_problems_beside_it(db):
    rnd = factories.inspection_round()
    iu = factories.inspected_unit(rnd=rnd, unit=factories.org_unit(name="某区"))
    factories.problems_bulk(iu=iu, count=688, tasks=((S.CLOSED, K.DEADLINE),))
    factories.problems_bulk(iu=iu, count=4, tasks=((S.IN_PROGRESS, K.LONG_TERM),))
    factories.problems_bulk(iu=iu, count=5, tasks=((S.PENDING, K.DEADLINE),))
    _self_found(iu, 30, ((S.PENDING, K.DEADLINE),))  # 30 undone self-found problems would drag the rate down
    _self_found(iu, 10, ((S.CLOSED, K.DEADLINE),))
    commission = factories.user(role=Role.COMMISSION)
    (unit,) = round_progress_for(user=commission, round=rnd, today=dt.date(2026, 6, 1))
    assert (unit.problems, unit.completed, unit.basic, unit.incomplete) == (697, 688, 4, 5)
    assert unit.rate == Decimal("98.71")
    assert (unit.self_found, unit.self_found_completed) == (40, 10)
    totals = round_totals([unit])
    assert (totals.problems, totals.rate, totals.self_found, totals.self_found_completed) == (
        697, Decimal("98.71"), 40, 10)


def test_problem_lists_filter_by_kind(world):
    own = factories.problem(iu=world.iu_a, description="自查发现的问题")
    factories.make_self_found(own)
    office = world[Role.INSPECTION_OFFICE]
    assert list(problem_list_for(user=office, filters=ProblemFilters(kind="self_found"))) == [own]
    assert own not in list(problem_list_for(user=office, filters=ProblemFilters(kind="feedback")))
    assert own in list(problem_list_for(user=office))


def test_the_round_overview_shows_self_found_problems_apart(world):
    from django.test import Client
    from django.urls import reverse

    own = factories.problem(iu=world.iu_a, description="自查发现的问题")
    factories.make_self_found(own)
    c = Client()
    c.force_login(world[Role.INSPECTION_OFFICE])
    html = c.get(reverse("inspections:round_detail", args=[world.round.code])).content.decode()
    assert "另有自查问题 1 个（已完成 0），单独统计" in html
    assert '<td class="num">0/1</td>' in html  # unit A's self-found column; its problem count stays 1


def test_a_round_without_self_found_problems_shows_no_such_column(world):
    from django.test import Client
    from django.urls import reverse

    c = Client()
    c.force_login(world[Role.INSPECTION_OFFICE])
    html = c.get(reverse("inspections:round_detail", args=[world.round.code])).content.decode()
    assert "自查问题" not in html
