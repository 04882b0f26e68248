"""Accountability outcomes beside rectification results (rule 25).

The number of people held accountable is never shown on its own, nor ranked: every row puts a unit's
accountability (cases, organisations and people held accountable, exemptions) beside its rectification
(problems, completed, rate, overdue tasks), in the round's own unit order, so that holding more people
accountable never reads as "better" by itself.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db.models import Count, Q

from rectify.accountability.case_models import (
    AccountabilityCase,
    Decision,
    DecisionStatus,
    Outcome,
    SubjectKind,
)
from rectify.accountability.case_selectors import require_accountability
from rectify.inspections.models import InspectionRound
from rectify.rectification import selectors as rectification_selectors
from rectify.rectification.selectors import RoundTotals, UnitProgress

if TYPE_CHECKING:
    from rectify.accounts.models import User


@dataclass
class Accountability:
    cases: int = 0
    open_cases: int = 0
    organisations: int = 0  # held accountable (current decisions)
    people: int = 0
    exempted: int = 0  # exempted or not held accountable
    forms: dict[str, int] = field(default_factory=dict)  # form name -> decisions


@dataclass
class OutcomeRow:
    progress: UnitProgress
    accountability: Accountability


def outcomes_for(*, user: User, round: InspectionRound) -> tuple[list[OutcomeRow], RoundTotals, Accountability]:
    """Per inspected unit of the round: its rectification results and its accountability outcomes."""
    require_accountability(user)
    progress = rectification_selectors.round_progress_for(user=user, round=round)
    by_unit: dict[int, Accountability] = defaultdict(Accountability)
    for row in (AccountabilityCase.objects.filter(inspected_unit__round=round).order_by()
                .values("inspected_unit_id").annotate(n=Count("id"), open=Count("id", filter=~Q(state="closed")))):
        by_unit[row["inspected_unit_id"]].cases = row["n"]
        by_unit[row["inspected_unit_id"]].open_cases = row["open"]
    decisions = (Decision.objects.filter(status=DecisionStatus.CURRENT, case__inspected_unit__round=round)
                 .select_related("subject", "case").prefetch_related("forms"))
    total = Accountability()
    for d in decisions:
        acc = by_unit[d.case.inspected_unit_id]  # type: ignore[index]
        for target in (acc, total):
            if d.outcome != Outcome.ACCOUNTABLE:
                target.exempted += 1
                continue
            if d.subject.kind == SubjectKind.ORGANISATION:
                target.organisations += 1
            else:
                target.people += 1
            for f in d.forms.all():
                target.forms[f.name] = target.forms.get(f.name, 0) + 1
    for acc in list(by_unit.values()):
        total.cases += acc.cases
        total.open_cases += acc.open_cases
    rows = [OutcomeRow(progress=p, accountability=by_unit.get(p.inspected_unit.pk, Accountability()))
            for p in progress]
    return rows, rectification_selectors.round_totals(progress), total
