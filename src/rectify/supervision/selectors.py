"""Reads that combine a round's inspected units (inspections) with their rectification progress.

Scope comes from the selectors underneath: every figure counts only what the acting user may see.
"""

from __future__ import annotations

from dataclasses import dataclass

from rectify.accounts.models import User
from rectify.inspections import selectors as inspection_selectors
from rectify.inspections.models import InspectionRound
from rectify.rectification import selectors as rectification_selectors
from rectify.rectification.selectors import RoundTotals, UnitProgress


@dataclass
class RoundSummary:
    """A round on the workbench: its totals and the units that need attention most."""

    round: InspectionRound
    totals: RoundTotals
    units: list[UnitProgress]


@dataclass
class RoundOverview:
    round: InspectionRound
    progress: list[UnitProgress]
    totals: RoundTotals


def round_summaries_for(*, user: User, rounds: int = 3, units: int = 8) -> list[RoundSummary]:
    """The newest ``rounds`` rounds the user sees, each with the ``units`` units with the most red
    problems (then the lowest completion rate)."""
    summaries = []
    for rnd in inspection_selectors.round_list_for(user=user)[:rounds]:
        progress = rectification_selectors.round_progress_for(user=user, round=rnd)
        worst = sorted(progress, key=lambda p: (-p.by_warning.get("red", 0), p.rate))[:units]
        summaries.append(RoundSummary(round=rnd, totals=rectification_selectors.round_totals(progress), units=worst))
    return summaries


def round_overview_for(*, user: User, code: str, order: str = "") -> RoundOverview:
    """Every inspected unit of the round the user sees, with its progress: ``order`` "rate" puts the lowest
    completion rate first, "red" the most red problems, anything else keeps the round's own order.
    A round out of scope is NotFound."""
    rnd = inspection_selectors.round_get_for(user=user, code=code)
    progress = rectification_selectors.round_progress_for(user=user, round=rnd)
    if order == "rate":
        progress.sort(key=lambda p: (p.rate, -p.by_warning.get("red", 0)))
    elif order == "red":
        progress.sort(key=lambda p: (-p.by_warning.get("red", 0), p.rate))
    return RoundOverview(round=rnd, progress=progress, totals=rectification_selectors.round_totals(progress))
