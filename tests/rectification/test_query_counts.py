"""N+1 guards: the round dashboard and the ledger cost the same few queries at any size."""

from __future__ import annotations

import datetime as dt

import pytest

from rectify.accounts.models import Role, User
from rectify.core.testing import capture_queries
from rectify.inspections.models import InspectionRound
from rectify.orgs.models import OrgKind
from rectify.rectification.models import DeadlineKind as K
from rectify.rectification.models import TaskStatus as S
from rectify.rectification.selectors import (
    ProblemFilters,
    prefetch_ledger_rows,
    problem_list_for,
    round_progress_for,
    round_totals,
)
from tests import factories

TASKS = ((S.CLOSED, K.DEADLINE), (S.IN_PROGRESS, K.LONG_TERM), (S.PENDING, K.IMMEDIATE))


def build_round(*, units: int, problems_per_unit: int) -> tuple[InspectionRound, User, User]:
    """A round of ``units`` inspected units under one prefecture; returns it with a commission
    user and the prefecture's unit lead (who sees all of them through the subtree)."""
    prefecture = factories.org_unit(kind=OrgKind.PREFECTURE)
    rnd = factories.inspection_round()
    for _ in range(units):
        iu = factories.inspected_unit(rnd=rnd, unit=factories.org_unit(parent=prefecture))
        factories.problems_bulk(iu=iu, count=problems_per_unit, tasks=TASKS, due=dt.date(2026, 7, 1))
        factories.clue(iu=iu)
    return rnd, factories.user(role=Role.COMMISSION), factories.user(role=Role.UNIT_LEAD, unit=prefecture)


def fresh(user: User) -> User:
    """As a request would load it: nothing cached."""
    return User.objects.get(pk=user.pk)


@pytest.mark.parametrize("who", ["commission", "prefecture_lead"])
def test_round_progress_queries_do_not_grow_with_units(db, who):
    small = build_round(units=2, problems_per_unit=2)
    large = build_round(units=12, problems_per_unit=9)
    counts = {}
    for label, (rnd, commission, lead) in {"small": small, "large": large}.items():
        user = fresh(commission if who == "commission" else lead)
        with capture_queries() as ctx:
            progress = round_progress_for(user=user, round=rnd, today=dt.date(2026, 7, 10))
            totals = round_totals(progress)
            for p in progress:  # what the dashboard shows per row
                _ = (p.inspected_unit.unit.name, p.inspected_unit.team.name, p.inspected_unit.round.name,
                     p.rate, p.worst_warning, p.clues)
        counts[label] = len(ctx.captured_queries)
        assert totals.units == (2 if label == "small" else 12)
        assert totals.problems == (4 if label == "small" else 108)
    assert counts["small"] == counts["large"]
    # units with their rollups and problem counts, today's sums, and either clue counts or the user's own unit
    assert counts["large"] <= 3, counts


def touch_ledger_page(user: User, *, size: int = 50) -> int:
    """Render a ledger page's data: every cell a template would read."""
    page = prefetch_ledger_rows(list(problem_list_for(user=user, filters=ProblemFilters())[:size]))
    cells = 0
    for problem in page:
        _ = (problem.status, problem.warning, problem.completion, problem.has_clues)
        _ = (problem.category.name, problem.category.parent.name if problem.category.parent else "")
        _ = (problem.inspected_unit.unit.name, problem.inspected_unit.round.name)
        for task in problem.tasks.all():
            _ = (task.warning, task.days_left, task.get_status_display(), task.get_deadline_kind_display())
            cells += sum(1 for r in task.responsibilities.all() if r.name)
    return cells


@pytest.mark.parametrize("who", ["commission", "prefecture_lead"])
def test_ledger_page_queries_do_not_grow_with_problems(db, who):
    counts = {}
    for label, n in {"few": 3, "many": 30}.items():
        prefecture = factories.org_unit(kind=OrgKind.PREFECTURE)
        iu = factories.inspected_unit(rnd=factories.inspection_round(), unit=factories.org_unit(parent=prefecture))
        factories.problems_bulk(iu=iu, count=n, tasks=TASKS, with_responsibilities=True)
        factories.clue(iu=iu)
        # Only this unit's problems are in a prefecture lead's scope; the commission sees all.
        user = factories.user(role=Role.COMMISSION) if who == "commission" else factories.user(
            role=Role.UNIT_LEAD, unit=prefecture)
        user = fresh(user)
        with capture_queries() as ctx:
            cells = touch_ledger_page(user)
        counts[label] = len(ctx.captured_queries)
        assert cells >= n * len(TASKS) * 3
    assert counts["few"] == counts["many"]
    # the page, its tasks, their responsibilities (+ the lead's own unit)
    assert counts["many"] <= (3 if who == "commission" else 4), counts
