"""Three-colour warnings (DOMAIN §1 deadlines, §6 rule 5) at their day boundaries.

Green while there is time; yellow from ``yellow_days`` days before the deadline up to and
including the deadline day itself; red from the day after; nothing once the task is closed.
"Today" is the date in Beijing, whatever the UTC date is.
"""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rectify.core import clock
from rectify.inspections.models import InspectionRound, Problem
from rectify.rectification.models import DeadlineKind, Task, TaskStatus
from rectify.rectification.selectors import annotate_problem_state, annotate_task_state
from tests import factories

TODAY = dt.date(2026, 7, 20)


def task_warning(task: Task, *, today: dt.date | None = None) -> str | None:
    return annotate_task_state(Task.objects.filter(pk=task.pk), today=today).values_list("warning", flat=True).get()


def problem_warning(problem: Problem, *, today: dt.date | None = None) -> str | None:
    qs = annotate_problem_state(Problem.objects.filter(pk=problem.pk), today=today)
    return qs.values_list("warning", flat=True).get()


def reference_warning(*, due: dt.date, today: dt.date, yellow_days: int, closed: bool) -> str | None:
    """The rule as a person would state it, in plain Python."""
    if closed:
        return None
    days_left = (due - today).days
    if days_left < 0:
        return "red"
    if days_left <= yellow_days:
        return "yellow"
    return "green"


@pytest.fixture
def fresh_problem(db):  # type: ignore[no-untyped-def]
    """Build problems in a round of their own: ``fresh_problem(yellow_days=10)``."""

    def build(*, yellow_days: int = 10) -> Problem:
        rnd = factories.inspection_round(yellow_days=yellow_days)
        iu = factories.inspected_unit(rnd=rnd, unit=factories.org_unit())
        return factories.problem(iu=iu)

    return build


def due_in(days: int) -> dt.date:
    return TODAY + dt.timedelta(days=days)


BOUNDARIES = [
    pytest.param(0, "yellow", id="due-today-yellow"),
    pytest.param(1, "yellow", id="due-tomorrow-yellow"),
    pytest.param(10, "yellow", id="due-in-exactly-yellow_days-yellow"),
    pytest.param(11, "green", id="due-in-yellow_days+1-green"),
    pytest.param(400, "green", id="far-away-green"),
    pytest.param(-1, "red", id="due-yesterday-red"),
    pytest.param(-400, "red", id="long-overdue-red"),
]


@pytest.mark.parametrize(("days_left", "colour"), BOUNDARIES)
def test_task_warning_at_the_boundaries_given_today(fresh_problem, days_left, colour):
    task = factories.task(prob=fresh_problem(yellow_days=10), due=due_in(days_left))
    assert task_warning(task, today=TODAY) == colour


@pytest.mark.parametrize(("days_left", "colour"), BOUNDARIES)
def test_task_warning_at_the_boundaries_by_the_frozen_clock(fresh_problem, frozen_today, days_left, colour):
    """The default path (no ``today=``) asks the clock."""
    task = factories.task(prob=fresh_problem(yellow_days=10), due=due_in(days_left))
    frozen_today(TODAY)
    assert task_warning(task) == colour
    assert problem_warning(task.problem) == colour


@pytest.mark.parametrize(("days_left", "colour"), BOUNDARIES)
def test_problem_with_one_open_task_has_that_tasks_colour(fresh_problem, days_left, colour):
    task = factories.task(prob=fresh_problem(yellow_days=10), due=due_in(days_left))
    assert problem_warning(task.problem, today=TODAY) == colour


@pytest.mark.parametrize("days_left", [-30, -1, 0, 5, 10, 11, 60])
def test_closed_task_has_no_warning_whatever_the_date(fresh_problem, days_left):
    task = factories.task(prob=fresh_problem(), due=due_in(days_left), status=TaskStatus.CLOSED)
    assert task_warning(task, today=TODAY) is None
    assert problem_warning(task.problem, today=TODAY) is None


@pytest.mark.parametrize("status", [TaskStatus.PENDING, TaskStatus.IN_PROGRESS, TaskStatus.SUBMITTED])
def test_open_task_past_due_is_red_even_when_submitted_for_close_out(fresh_problem, status):
    """申请销号 is not 已销号: until it is approved, an overdue task stays red."""
    task = factories.task(prob=fresh_problem(), due=due_in(-1), status=status)
    assert task_warning(task, today=TODAY) == "red"
    assert problem_warning(task.problem, today=TODAY) == "red"


@pytest.mark.parametrize(
    ("days_left", "with_3", "with_10"),
    [(0, "yellow", "yellow"), (3, "yellow", "yellow"), (4, "green", "yellow"), (10, "green", "yellow"),
     (11, "green", "green"), (-1, "red", "red")],
)
def test_each_round_sets_its_own_yellow_boundary(fresh_problem, days_left, with_3, with_10):
    """Per-round policy: the same due date is green in a 3-day round and yellow in a 10-day one."""
    short = factories.task(prob=fresh_problem(yellow_days=3), due=due_in(days_left))
    usual = factories.task(prob=fresh_problem(yellow_days=10), due=due_in(days_left))
    colours = dict(annotate_task_state(Task.objects.filter(pk__in=[short.pk, usual.pk]), today=TODAY)
                   .values_list("pk", "warning"))
    assert colours == {short.pk: with_3, usual.pk: with_10}
    assert problem_warning(short.problem, today=TODAY) == with_3
    assert problem_warning(usual.problem, today=TODAY) == with_10


def test_changing_a_rounds_policy_changes_its_colours(fresh_problem):
    task = factories.task(prob=fresh_problem(yellow_days=10), due=due_in(7))
    assert task_warning(task, today=TODAY) == "yellow"
    InspectionRound.objects.filter(pk=task.problem.inspected_unit.round_id).update(yellow_days=3)
    assert task_warning(task, today=TODAY) == "green"
    assert problem_warning(task.problem, today=TODAY) == "green"


@pytest.mark.parametrize(
    ("tasks", "colour"),
    [
        pytest.param([(-1, TaskStatus.CLOSED), (30, TaskStatus.PENDING)], "green", id="closed-red-dated-ignored"),
        pytest.param([(-1, TaskStatus.CLOSED), (5, TaskStatus.IN_PROGRESS)], "yellow", id="closed-ignored-yellow"),
        pytest.param([(30, TaskStatus.PENDING), (5, TaskStatus.PENDING), (-3, TaskStatus.SUBMITTED)], "red",
                     id="red-beats-yellow-and-green"),
        pytest.param([(30, TaskStatus.PENDING), (10, TaskStatus.IN_PROGRESS)], "yellow", id="yellow-beats-green"),
        pytest.param([(30, TaskStatus.PENDING), (11, TaskStatus.IN_PROGRESS)], "green", id="all-green"),
        pytest.param([(-1, TaskStatus.CLOSED), (-9, TaskStatus.CLOSED)], None, id="all-closed-none"),
    ],
)
def test_problem_warning_is_the_worst_of_its_open_tasks(fresh_problem, tasks, colour):
    problem = fresh_problem(yellow_days=10)
    for days_left, status in tasks:
        factories.task(prob=problem, due=due_in(days_left), status=status)
    assert problem_warning(problem, today=TODAY) == colour


def test_problem_without_tasks_has_no_warning(fresh_problem):
    assert problem_warning(fresh_problem(), today=TODAY) is None


def test_deadline_kind_does_not_change_the_colour(fresh_problem):
    problem = fresh_problem()
    for kind in DeadlineKind.values:
        factories.task(prob=problem, due=due_in(-1), kind=kind)
    assert set(annotate_task_state(Task.objects.filter(problem=problem), today=TODAY)
               .values_list("warning", flat=True)) == {"red"}


# --- "today" is Beijing's date, not UTC's ------------------------------------------------------------

BEIJING_2330_JUL31 = dt.datetime(2026, 7, 31, 15, 30, tzinfo=dt.UTC)  # 23:30 on 31 July in Beijing
BEIJING_0030_AUG01 = dt.datetime(2026, 7, 31, 16, 30, tzinfo=dt.UTC)  # 00:30 on 1 August in Beijing


def test_crossing_midnight_in_beijing_turns_a_task_due_that_day_red(fresh_problem):
    task = factories.task(prob=fresh_problem(), due=dt.date(2026, 7, 31))
    with clock.frozen(BEIJING_2330_JUL31):
        assert clock.now().date() == dt.date(2026, 7, 31)
        assert task_warning(task) == "yellow"
        assert problem_warning(task.problem) == "yellow"
    with clock.frozen(BEIJING_0030_AUG01):
        assert clock.now().date() == dt.date(2026, 7, 31), "still 31 July in UTC ..."
        assert task_warning(task) == "red", "... but 1 August in Beijing, so the deadline has passed"
        assert problem_warning(task.problem) == "red"


def test_freezing_with_beijing_local_time_gives_the_same_answer(fresh_problem):
    task = factories.task(prob=fresh_problem(), due=dt.date(2026, 7, 31))
    with clock.frozen(dt.datetime(2026, 7, 31, 23, 30, tzinfo=clock.SHANGHAI)):
        assert task_warning(task) == "yellow"
    with clock.frozen(dt.datetime(2026, 8, 1, 0, 30, tzinfo=clock.SHANGHAI)):
        assert task_warning(task) == "red"


# --- property: SQL == the reference rule ------------------------------------------------------------

@pytest.fixture
def lone_task(fresh_problem) -> Task:  # type: ignore[no-untyped-def]
    return factories.task(prob=fresh_problem(), due=TODAY)


@settings(max_examples=150, deadline=None, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    offset=st.integers(min_value=-400, max_value=400),
    yellow_days=st.integers(min_value=0, max_value=30),
    today=st.dates(min_value=dt.date(2023, 1, 1), max_value=dt.date(2031, 12, 31)),  # leap days, year ends
    status=st.sampled_from(TaskStatus.values),
)
def test_sql_warning_matches_the_reference_rule(lone_task, offset, yellow_days, today, status):
    due = today + dt.timedelta(days=offset)
    Task.objects.filter(pk=lone_task.pk).update(due_date=due, status=status)
    factories.refresh_rollups([lone_task.problem_id])
    InspectionRound.objects.filter(pk=lone_task.problem.inspected_unit.round_id).update(yellow_days=yellow_days)
    expected = reference_warning(due=due, today=today, yellow_days=yellow_days, closed=status == TaskStatus.CLOSED)

    assert task_warning(lone_task, today=today) == expected
    assert problem_warning(lone_task.problem, today=today) == expected  # its only task
    with clock.frozen(today):
        assert task_warning(lone_task) == expected


WORST_FIRST = ("red", "yellow", "green")


@settings(max_examples=75, deadline=None, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    tasks=st.lists(st.tuples(st.integers(min_value=-400, max_value=400), st.sampled_from(TaskStatus.values)),
                   max_size=4),
    yellow_days=st.integers(min_value=0, max_value=30),
)
def test_sql_problem_warning_is_the_worst_reference_colour_of_its_open_tasks(lone_task, tasks, yellow_days):
    problem = lone_task.problem
    Task.objects.filter(problem=problem).delete()
    Task.objects.bulk_create([
        Task(problem=problem, number=n, measure="措施", criterion="标准", deadline_kind=DeadlineKind.DEADLINE,
             due_date=TODAY + dt.timedelta(days=offset), original_due_date=TODAY, status=status)
        for n, (offset, status) in enumerate(tasks, start=1)
    ])
    factories.refresh_rollups([problem.pk])
    InspectionRound.objects.filter(pk=problem.inspected_unit.round_id).update(yellow_days=yellow_days)
    colours = {reference_warning(due=TODAY + dt.timedelta(days=offset), today=TODAY, yellow_days=yellow_days,
                                 closed=status == TaskStatus.CLOSED) for offset, status in tasks}
    expected = next((c for c in WORST_FIRST if c in colours), None)

    assert problem_warning(problem, today=TODAY) == expected
