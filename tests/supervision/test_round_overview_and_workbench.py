"""The round overview and the workbench's round cards: inspected units beside their rectification progress."""

from __future__ import annotations

import datetime as dt

import pytest

from rectify.accounts.models import Role
from rectify.core.errors import NotFound
from rectify.rectification.models import TaskStatus
from rectify.rectification.selectors import round_progress_for
from rectify.supervision.selectors import round_overview_for, round_summaries_for
from tests import factories

TODAY = dt.date(2026, 7, 10)  # the world's tasks are due 07-31: green


@pytest.fixture
def three_units(world, frozen_today):
    """A: 1 of 3 problems completed, 1 red. B: none of 1 completed, no red. C: none of 2, both red."""
    frozen_today(TODAY)
    factories.task(prob=factories.problem(iu=world.iu_a), status=TaskStatus.CLOSED)
    factories.task(prob=factories.problem(iu=world.iu_a), due=dt.date(2026, 7, 1))
    unit_c = factories.org_unit(name="省卫健委", code="HEALTH", parent=world.unit_a.parent)
    iu_c = factories.inspected_unit(rnd=world.round, unit=unit_c)
    for _ in range(2):
        factories.task(prob=factories.problem(iu=iu_c), due=dt.date(2026, 6, 30))
    return {"A": world.unit_a.code, "B": world.unit_b.code, "C": unit_c.code}


def _codes(progress) -> list[str]:
    return [p.inspected_unit.unit.code for p in progress]


def test_the_overview_sorts_by_rate_or_by_red_problems(world, three_units):
    a, b, c = three_units["A"], three_units["B"], three_units["C"]
    commission = world[Role.COMMISSION]
    by_rate = round_overview_for(user=commission, code=world.round.code, order="rate")
    assert _codes(by_rate.progress) == [c, b, a]  # 0% with 2 red, 0% with none, 33.33%
    assert _codes(round_overview_for(user=commission, code=world.round.code, order="red").progress) == [c, a, b]
    as_listed = _codes(round_progress_for(user=commission, round=world.round))
    assert _codes(round_overview_for(user=commission, code=world.round.code).progress) == as_listed
    assert _codes(round_overview_for(user=commission, code=world.round.code, order="name").progress) == as_listed
    assert (by_rate.totals.units, by_rate.totals.problems, by_rate.totals.red) == (3, 6, 3)


def test_a_unit_sees_only_itself_and_outsiders_no_round_at_all(world, three_units):
    overview = round_overview_for(user=world[Role.UNIT_LEAD], code=world.round.code, order="red")
    assert _codes(overview.progress) == [three_units["A"]]
    assert (overview.totals.problems, overview.totals.red, overview.totals.clues) == (3, 1, None)
    outsider = factories.user(role=Role.UNIT_LEAD, unit=factories.org_unit(name="省交通厅"))
    with pytest.raises(NotFound):
        round_overview_for(user=outsider, code=world.round.code)


def test_the_workbench_shows_the_newest_rounds_with_their_worst_units_first(world, three_units):
    newer = [factories.inspection_round(start=dt.date(2026, 4, month)) for month in (1, 2, 3)]
    for rnd in newer:
        factories.inspected_unit(rnd=rnd, unit=world.unit_b)
    summaries = round_summaries_for(user=world[Role.INSPECTION_OFFICE])
    assert [s.round for s in summaries] == newer[::-1]  # the three newest; the world's round (March) is left out

    summaries = round_summaries_for(user=world[Role.INSPECTION_OFFICE], rounds=4, units=2)
    assert summaries[-1].round == world.round
    assert _codes(summaries[-1].units) == [three_units["C"], three_units["A"]]  # most red first, B (none) cut
    assert summaries[-1].totals.units == 3  # totals count every unit, not just those shown
