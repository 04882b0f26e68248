"""A problem's status and completion follow from its tasks, and are counted as public reports count them.

DOMAIN §1 "Kinds and completion" and §6 rule 8: closed-out = 已完成; long-term/stage = 基本完成;
rate = completed ÷ problems fed back (a district: 697 problems, 688 completed, 4 basically,
5 not → 98.71%).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rectify.accounts.models import Role
from rectify.inspections.models import Problem
from rectify.rectification.models import DeadlineKind as K
from rectify.rectification.models import TaskStatus as S
from rectify.rectification.selectors import (
    COMPLETION_LABELS,
    ProblemFilters,
    annotate_problem_state,
    completion_hundredths,
    completion_rate,
    problem_list_for,
    round_progress_for,
    round_totals,
)
from tests import factories


def state(problem: Problem) -> dict:
    return annotate_problem_state(Problem.objects.filter(pk=problem.pk), today=dt.date(2026, 7, 1)).values(
        "status", "completion"
    ).get()


@pytest.fixture
def new_problem(world):  # type: ignore[no-untyped-def]
    """A problem in unit A with tasks built from (status, kind) pairs."""

    def build(*specs: tuple[str, str]) -> Problem:
        problem = factories.problem(iu=world.iu_a)
        for status, kind in specs:
            factories.task(prob=problem, status=status, kind=kind)
        return problem

    return build


@pytest.mark.parametrize(
    ("tasks", "status"),
    [
        pytest.param([], S.PENDING, id="no-tasks-pending"),
        pytest.param([(S.PENDING, K.DEADLINE), (S.PENDING, K.IMMEDIATE)], S.PENDING, id="all-pending"),
        pytest.param([(S.IN_PROGRESS, K.DEADLINE), (S.PENDING, K.DEADLINE)], S.IN_PROGRESS, id="one-started"),
        pytest.param([(S.SUBMITTED, K.DEADLINE), (S.PENDING, K.DEADLINE)], S.IN_PROGRESS, id="one-submitted"),
        pytest.param([(S.CLOSED, K.DEADLINE), (S.PENDING, K.DEADLINE)], S.IN_PROGRESS, id="one-closed-one-pending"),
        pytest.param([(S.SUBMITTED, K.DEADLINE), (S.SUBMITTED, K.LONG_TERM)], S.SUBMITTED, id="all-submitted"),
        pytest.param([(S.CLOSED, K.DEADLINE), (S.SUBMITTED, K.DEADLINE)], S.SUBMITTED,
                     id="all-open-submitted"),
        pytest.param([(S.SUBMITTED, K.DEADLINE), (S.IN_PROGRESS, K.DEADLINE)], S.IN_PROGRESS,
                     id="submitted-and-in-progress"),
        pytest.param([(S.CLOSED, K.DEADLINE), (S.CLOSED, K.LONG_TERM)], S.CLOSED, id="all-closed"),
    ],
)
def test_problem_status_from_its_tasks(new_problem, tasks, status):
    assert state(new_problem(*tasks))["status"] == status


@pytest.mark.parametrize(
    ("tasks", "completion"),
    [
        pytest.param([(S.CLOSED, K.DEADLINE), (S.CLOSED, K.IMMEDIATE)], "completed", id="all-closed"),
        pytest.param([(S.CLOSED, K.LONG_TERM)], "completed", id="closed-long-term-is-completed"),
        pytest.param([(S.CLOSED, K.DEADLINE), (S.IN_PROGRESS, K.LONG_TERM)], "basic",
                     id="rest-long-term-started"),
        pytest.param([(S.IN_PROGRESS, K.LONG_TERM), (S.SUBMITTED, K.LONG_TERM)], "basic",
                     id="all-long-term-started"),
        pytest.param([(S.CLOSED, K.DEADLINE), (S.PENDING, K.LONG_TERM)], "incomplete",
                     id="pending-long-term"),
        pytest.param([(S.IN_PROGRESS, K.LONG_TERM), (S.PENDING, K.LONG_TERM)], "incomplete",
                     id="one-long-term-not-started"),
        pytest.param([(S.IN_PROGRESS, K.LONG_TERM), (S.IN_PROGRESS, K.DEADLINE)], "incomplete",
                     id="long-term-plus-open-deadline"),
        pytest.param([(S.CLOSED, K.DEADLINE), (S.SUBMITTED, K.IMMEDIATE)], "incomplete",
                     id="submitted-is-not-closed"),
        pytest.param([(S.PENDING, K.DEADLINE)], "incomplete", id="pending"),
        pytest.param([], "incomplete", id="no-tasks"),
    ],
)
def test_problem_completion_as_public_reports_count_it(new_problem, tasks, completion):
    assert state(new_problem(*tasks))["completion"] == completion


def test_completion_labels_are_the_report_terms():
    assert COMPLETION_LABELS == {"completed": "已完成", "basic": "基本完成", "incomplete": "未完成"}


# --- the ledger's filters ----------------------------------------------------------------------------

@pytest.fixture
def ledger(world, frozen_today):  # type: ignore[no-untyped-def]
    """Unit A's problems on 2026-07-25 (world tasks are due 07-31, so yellow):

    a — 2.2, 财务处, pending, yellow (the world's problem_a)
    c — level-1 category 2 itself, 人事处, in progress, green
    d — 1.1, 办公室, pending, red
    e — no category, 财务处, closed
    and unit B's problem b — 3.2, 财务处, pending, yellow.
    """
    frozen_today(dt.date(2026, 7, 25))
    c = factories.problem(iu=world.iu_a, category_code="2", description="主体责任落实不到位")
    factories.task(prob=c, status=S.IN_PROGRESS, department="人事处", due=dt.date(2026, 12, 31))
    d = factories.problem(iu=world.iu_a, category_code="1.1", description="理论学习流于形式")
    factories.task(prob=d, department="办公室", due=dt.date(2026, 7, 24))
    e = factories.problem(iu=world.iu_a, category_code="none", description="公务用车管理不规范")
    factories.task(prob=e, status=S.CLOSED)
    return {"a": world.problem_a, "b": world.problem_b, "c": c, "d": d, "e": e}


def listed(world, **filters) -> set[str]:  # type: ignore[no-untyped-def]
    return {p.description for p in problem_list_for(user=world[Role.COMMISSION], filters=ProblemFilters(**filters))}


def names(ledger, *keys: str) -> set[str]:  # type: ignore[no-untyped-def]
    return {ledger[k].description for k in keys}


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        pytest.param({}, "abcde", id="no-filter"),
        pytest.param({"status": "pending"}, "abd", id="status-pending"),
        pytest.param({"status": "in_progress"}, "c", id="status-in-progress"),
        pytest.param({"status": "closed"}, "e", id="status-closed"),
        pytest.param({"status": "submitted"}, "", id="status-submitted"),
        pytest.param({"warning": "red"}, "d", id="warning-red"),
        pytest.param({"warning": "yellow"}, "ab", id="warning-yellow"),
        pytest.param({"warning": "green"}, "c", id="warning-green"),
        pytest.param({"category_code": "2"}, "ac", id="level-1-code-matches-itself-and-its-children"),
        pytest.param({"category_code": "2.2"}, "a", id="level-2-code-matches-only-itself"),
        pytest.param({"category_code": "3"}, "b", id="level-1-code-3"),
        pytest.param({"category_code": "4"}, "", id="category-without-problems"),
        pytest.param({"department": "财务处"}, "abe", id="department"),
        pytest.param({"department": "人事处"}, "c", id="other-department"),
        pytest.param({"department": "财务"}, "", id="department-is-exact"),
        pytest.param({"unit_code": "EDU", "warning": "yellow"}, "a", id="combined"),
        pytest.param({"category_code": "2", "status": "pending"}, "a", id="category-and-status"),
    ],
)
def test_problem_list_filters(world, ledger, filters, expected):
    assert listed(world, **filters) == names(ledger, *expected)


def test_filtered_problems_carry_their_derived_state(world, ledger):
    (d,) = problem_list_for(user=world[Role.COMMISSION], filters=ProblemFilters(warning="red"))
    assert (d.status, d.warning, d.completion) == ("pending", "red", "incomplete")


# --- the completion rate -----------------------------------------------------------------------------

def test_completion_rate_of_the_districts_public_report():
    assert completion_rate(688, 697) == Decimal("98.71")


@pytest.mark.parametrize(
    ("completed", "problems", "rate"),
    [(0, 0, "0.00"), (0, 5, "0.00"), (5, 5, "100.00"), (2, 3, "66.67"), (1, 3, "33.33"),
     (1, 800, "0.13")],  # 0.125 rounds half up, as people round, not half to even
)
def test_completion_rate_rounds_to_two_places(completed, problems, rate):
    assert completion_rate(completed, problems) == Decimal(rate)


@given(problems=st.integers(min_value=0, max_value=10**7), data=st.data())
def test_the_integer_rate_that_ranks_thousands_of_units_is_the_shown_rate(problems, data):
    completed = data.draw(st.integers(min_value=0, max_value=problems))
    assert Decimal(completion_hundredths(completed, problems)) / 100 == completion_rate(completed, problems)


@pytest.fixture
def district(db):  # type: ignore[no-untyped-def]
    """697 problems fed back to one unit: 688 closed out, 4 continuing long-term, 5 not done."""
    rnd = factories.inspection_round()
    iu = factories.inspected_unit(rnd=rnd, unit=factories.org_unit(name="某区"))
    factories.problems_bulk(iu=iu, count=688, tasks=((S.CLOSED, K.DEADLINE), (S.CLOSED, K.IMMEDIATE)))
    factories.problems_bulk(iu=iu, count=4, tasks=((S.CLOSED, K.DEADLINE), (S.IN_PROGRESS, K.LONG_TERM)))
    factories.problems_bulk(iu=iu, count=1, tasks=((S.CLOSED, K.DEADLINE), (S.PENDING, K.LONG_TERM)))
    factories.problems_bulk(iu=iu, count=2, tasks=((S.CLOSED, K.DEADLINE), (S.SUBMITTED, K.DEADLINE)))
    factories.problems_bulk(iu=iu, count=2, tasks=((S.PENDING, K.DEADLINE),))
    assert Problem.objects.filter(inspected_unit=iu).count() == 697
    return rnd, iu


def test_round_progress_counts_the_district_like_its_public_report(district):
    rnd, iu = district
    commission = factories.user(role=Role.COMMISSION)
    (unit,) = round_progress_for(user=commission, round=rnd, today=dt.date(2026, 6, 1))
    assert unit.inspected_unit == iu
    assert (unit.problems, unit.completed, unit.basic, unit.incomplete) == (697, 688, 4, 5)
    assert unit.rate == Decimal("98.71")
    assert unit.tasks == 688 * 2 + 4 * 2 + 1 * 2 + 2 * 2 + 2
    assert unit.tasks_closed == 688 * 2 + 4 + 1 + 2


def test_the_unit_sees_the_same_numbers_for_itself(district):
    rnd, iu = district
    lead = factories.user(role=Role.UNIT_LEAD, unit=iu.unit)
    (unit,) = round_progress_for(user=lead, round=rnd, today=dt.date(2026, 6, 1))
    assert (unit.problems, unit.completed, unit.basic, unit.incomplete, unit.rate) == (
        697, 688, 4, 5, Decimal("98.71"))
    assert unit.clues is None  # unit users never see clue counts


def test_round_progress_counts_status_warning_and_overdue_tasks(world):
    factories.task(prob=world.problem_a, due=dt.date(2026, 7, 1), status=S.SUBMITTED)  # overdue on 07-10
    closed = factories.problem(iu=world.iu_a)
    factories.task(prob=closed, due=dt.date(2026, 6, 1), status=S.CLOSED)  # overdue date, but closed
    by_unit = {p.inspected_unit.pk: p for p in round_progress_for(
        user=world[Role.COMMISSION], round=world.round, today=dt.date(2026, 7, 10))}
    a, b = by_unit[world.iu_a.pk], by_unit[world.iu_b.pk]
    assert a.by_status == {"in_progress": 1, "closed": 1}
    assert a.by_warning == {"red": 1}
    assert a.worst_warning == "red"
    assert (a.tasks, a.tasks_closed, a.tasks_overdue) == (3, 1, 1)
    assert a.clues == 1
    assert b.by_status == {"pending": 1}
    assert b.by_warning == {"green": 1}  # due 07-31: 21 days left on 07-10
    assert (b.tasks, b.tasks_closed, b.tasks_overdue, b.clues) == (1, 0, 0, 0)


def test_round_totals_sum_the_units_and_rate_the_sum(world):
    """Unit A 2 of 3 completed, unit B 0 of 1: the round is 2 of 4 = 50.00%, not the mean of 66.67 and 0."""
    factories.task(prob=world.problem_a, status=S.CLOSED)
    world.task_a.status = S.CLOSED
    world.task_a.save(update_fields=["status"])
    factories.refresh_rollups([world.problem_a.pk])
    factories.problems_bulk(iu=world.iu_a, count=1, tasks=((S.CLOSED, K.DEADLINE),))
    factories.problems_bulk(iu=world.iu_a, count=1, tasks=((S.IN_PROGRESS, K.LONG_TERM),), due=dt.date(2026, 7, 1))
    progress = round_progress_for(user=world[Role.COMMISSION], round=world.round, today=dt.date(2026, 7, 25))
    totals = round_totals(progress)
    assert (totals.units, totals.problems, totals.completed, totals.basic, totals.incomplete) == (2, 4, 2, 1, 1)
    assert totals.rate == Decimal("50.00")
    assert (totals.red, totals.yellow, totals.green) == (1, 1, 0)  # A's long-term task overdue; B's due in 6 days
    assert (totals.tasks, totals.tasks_closed, totals.tasks_overdue) == (5, 3, 1)
    assert totals.clues == 1
    for name in ("problems", "completed", "basic", "incomplete", "tasks", "tasks_closed", "tasks_overdue"):
        assert getattr(totals, name) == sum(getattr(p, name) for p in progress), name


def test_round_totals_hide_clues_from_those_who_may_not_see_them(world):
    totals = round_totals(round_progress_for(user=world[Role.INSPECTION_OFFICE], round=world.round))
    assert totals.clues is None
    assert totals.problems == 2


def test_round_totals_of_nothing_is_zero():
    totals = round_totals([])
    assert (totals.units, totals.problems, totals.rate, totals.clues) == (0, 0, Decimal("0.00"), None)



@given(problems=st.integers(0, 40), ahead=st.integers(0, 50), yellow=st.integers(0, 50))
def test_a_change_between_the_two_reads_of_todays_warnings_never_shows_a_negative_count(problems, ahead, yellow):
    """Today's warnings subtract the problems due from today on (one read) from the rollup's total (another): a
    problem added or closed between the two reads must not show a negative colour, nor more colours than
    problems; reads that agree give red = past due, yellow as counted, green the rest."""
    from rectify.rectification.selectors import NOTHING_AHEAD, PROBLEM_DUE, judged

    red, yel, green, *_tasks = judged((problems, 0, 0), {**NOTHING_AHEAD, PROBLEM_DUE: ahead, "yellow": yellow})
    assert min(red, yel, green) >= 0 and red + yel + green == problems
    if yellow <= ahead <= problems:
        assert (red, yel, green) == (problems - ahead, yellow, ahead - yellow)
