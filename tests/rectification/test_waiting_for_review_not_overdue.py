"""Issue 10 §3: a task submitted for close-out before its deadline is not counted as the unit's overdue while it
waits — it shows as waiting for review. Submitted after the deadline it stays red; returned, the clock is the
unit's again."""

from __future__ import annotations

import datetime as dt

import pytest

from rectify.core import clock
from rectify.inspections.models import Problem
from rectify.rectification import rollups
from rectify.rectification import services as rectification_services
from rectify.rectification.models import Task
from rectify.rectification.selectors import annotate_problem_state, annotate_task_state, round_progress_for

pytestmark = pytest.mark.django_db

DUE = dt.date(2026, 7, 31)


def colour(task: Task, today: dt.date) -> str | None:
    return annotate_task_state(Task.objects.filter(pk=task.pk), today=today).values_list("warning", flat=True).get()


def problem_colour(problem: Problem, today: dt.date) -> str | None:
    return annotate_problem_state(Problem.objects.filter(pk=problem.pk), today=today).values_list(
        "warning", flat=True).get()


def unit_a(world, today: dt.date):  # type: ignore[no-untyped-def]
    progress = round_progress_for(user=world["commission"], round=world.round, today=today)
    return next(p for p in progress if p.inspected_unit.pk == world.iu_a.pk)


def test_submitted_on_time_is_waiting_not_overdue(world) -> None:  # type: ignore[no-untyped-def]
    after = DUE + dt.timedelta(days=20)
    assert colour(world.task_a, after) == "red" and unit_a(world, after).tasks_overdue == 1
    with clock.frozen(DUE):  # on the deadline day itself
        close_out = rectification_services.close_out_submit(actor=world["unit_lead"], task_id=world.task_a.pk,
                                                             no_evidence_reason="专题会议已召开")
    assert colour(world.task_a, after) is None
    assert problem_colour(world.problem_a, after) is None
    progress = unit_a(world, after)
    assert progress.tasks_overdue == 0 and progress.by_warning.get("red", 0) == 0
    assert rollups.verify() is None
    with clock.frozen(after):  # returned: the task is the unit's again, and late
        rectification_services.close_out_return(actor=world["inspection_office"], close_out_id=close_out.pk,
                                                reason="未见执行情况")
    assert colour(world.task_a, after) == "red" and unit_a(world, after).tasks_overdue == 1
    assert rollups.verify() is None


def test_submitted_after_the_deadline_stays_red(world) -> None:  # type: ignore[no-untyped-def]
    late = DUE + dt.timedelta(days=1)
    with clock.frozen(late):
        rectification_services.close_out_submit(actor=world["unit_lead"], task_id=world.task_a.pk,
                                                no_evidence_reason="专题会议已召开")
    assert colour(world.task_a, late) == "red"
    assert unit_a(world, late).tasks_overdue == 1 and unit_a(world, late).by_warning.get("red") == 1
    assert rollups.verify() is None


def test_the_overdue_list_leaves_out_a_task_waiting_for_review(world) -> None:  # type: ignore[no-untyped-def]
    """The cross-unit list of overdue tasks agrees with the figures: a task submitted on time and waiting is
    the reviewers' turn, listed neither as red nor in the count; the list of every open task has it, and its
    count from the read model too."""
    from rectify.reports import selectors as report_selectors

    after = DUE + dt.timedelta(days=20)
    with clock.frozen(DUE):
        rectification_services.close_out_submit(actor=world["unit_lead"], task_id=world.task_a.pk,
                                                no_evidence_reason="专题会议已召开")
    user = world["commission"]
    for warning in ("red", "attention"):
        filters = report_selectors.TaskFilters(warning=warning)
        listed = list(report_selectors.task_list_for(user=user, filters=filters, today=after))
        assert world.task_a not in listed
        assert report_selectors.task_count_from_rollups(user=user, filters=filters, today=after) == len(listed)
    for who in (user, world["unit_lead"]):  # the whole province, and one unit's scope
        filters = report_selectors.TaskFilters(warning="all")
        listed = list(report_selectors.task_list_for(user=who, filters=filters, today=after))
        assert world.task_a in listed
        assert report_selectors.task_count_from_rollups(user=who, filters=filters, today=after) == len(listed)
