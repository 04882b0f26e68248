"""Report cycles on working days (issue 10 §2; rule 4): which reports are due, filed, late or missing.

A round's ``ReportPolicy`` (or the defaults) sets the cadence. For an inspected unit:

1. progress cycles run from the feedback date to the end of the concentrated period: weekly while the first
   month lasts when the round says so, then every week, two weeks or month; the last cycle ends with the period;
2. a cycle's report is due on its last day — moved to the next working day (China's holidays and adjusted
   working days, ``core.workdays``) when that day is not one and the round says so;
3. the rectification report is due ``report_months`` after the feedback (cycle 0), moved the same way;
4. a cycle whose due date has passed without a report is missing: yellow for ``grace_workdays`` working days,
   then red; the unit takes the worst colour of its cycles. A report filed after its due date is "late"
   and clears the colour (the date it was filed stays on record).

Nothing here is stored: the policy and the filed reports are the facts; the states follow from today's date.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.utils.translation import gettext, gettext_noop

from rectify.core import clock, workdays
from rectify.inspections.models import InspectedUnit, InspectionRound, add_months
from rectify.reports.models import Cadence, ReportKind, ReportPolicy, UnitReport

STATE_LABELS = {
    "on_time": gettext_noop("按期报送"),
    "late": gettext_noop("逾期报送"),
    "missing": gettext_noop("未报送"),
    "open": gettext_noop("待报送"),
    "upcoming": gettext_noop("未到期"),
}
COLOUR_ORDER = ("red", "yellow", "green")


def policy_of(rnd: InspectionRound) -> ReportPolicy:
    """The round's policy, or an unsaved one with the defaults (one query; none if already loaded)."""
    try:
        return rnd.report_policy
    except ReportPolicy.DoesNotExist:
        return default_policy(rnd)


def default_policy(rnd: InspectionRound) -> ReportPolicy:
    return ReportPolicy(round=rnd, cadence=settings.RECTIFY_REPORT_CADENCE_DEFAULT,
                        grace_workdays=settings.RECTIFY_REPORT_GRACE_WORKDAYS_DEFAULT)


@dataclass(frozen=True)
class Cycle:
    kind: str
    number: int  # 1, 2, … for progress reports; 0 for the rectification report
    start: dt.date
    end: dt.date
    due: dt.date

    @property
    def key(self) -> tuple[str, int]:
        return (self.kind, self.number)


def _due(day: dt.date, policy: ReportPolicy) -> dt.date:
    return workdays.next_workday(day) if policy.shift_to_workday else day


def progress_cycles(iu: InspectedUnit, policy: ReportPolicy, *, limit: int | None = None) -> list[Cycle]:
    """Steps 1–2 of the module docstring (the first ``limit`` cycles only, if given)."""
    feedback, last = iu.feedback_date, iu.rectification_end
    first_month_end = add_months(feedback, 1)
    cycles: list[Cycle] = []
    start = feedback
    while start <= last and (limit is None or len(cycles) < limit):
        if (policy.weekly_first_month and start < first_month_end) or policy.cadence == Cadence.WEEKLY:
            end = start + dt.timedelta(days=6)
        elif policy.cadence == Cadence.BIWEEKLY:
            end = start + dt.timedelta(days=13)
        else:  # monthly: to the day before the same date next month
            end = add_months(start, 1) - dt.timedelta(days=1)
        end = min(end, last)
        cycles.append(Cycle(ReportKind.PROGRESS, len(cycles) + 1, start, end, _due(end, policy)))
        start = end + dt.timedelta(days=1)
    return cycles


def rectification_cycle(iu: InspectedUnit, policy: ReportPolicy) -> Cycle:
    due_day = add_months(iu.feedback_date, iu.round.report_months)
    return Cycle(ReportKind.RECTIFICATION, 0, iu.feedback_date, due_day, _due(due_day, policy))


@dataclass
class CycleState:
    cycle: Cycle
    report: UnitReport | None
    state: str  # on_time / late / missing / open / upcoming
    colour: str | None = None  # for a missing report: yellow, then red after the grace period
    workdays_late: int = 0

    @property
    def label(self) -> str:
        return gettext(STATE_LABELS[self.state])


def judge(cycle: Cycle, report: UnitReport | None, *, policy: ReportPolicy, today: dt.date) -> CycleState:
    if report is not None:
        filed = report.filed_at.astimezone(clock.SHANGHAI).date()
        return CycleState(cycle, report, "on_time" if filed <= report.due_date else "late",
                          workdays_late=workdays.workdays_between(report.due_date, filed))
    if cycle.due >= today:
        return CycleState(cycle, None, "open" if cycle.start <= today else "upcoming")
    late = workdays.workdays_between(cycle.due, today)
    return CycleState(cycle, None, "missing", colour="yellow" if late <= policy.grace_workdays else "red",
                      workdays_late=late)


@dataclass
class UnitCycles:
    inspected_unit: InspectedUnit
    policy: ReportPolicy
    progress: list[CycleState] = field(default_factory=list)
    rectification: CycleState | None = None

    @property
    def all(self) -> list[CycleState]:
        return [*self.progress, *([self.rectification] if self.rectification else [])]

    @property
    def colour(self) -> str:
        colours = {s.colour for s in self.all if s.colour}
        return next((c for c in COLOUR_ORDER if c in colours), "green")

    def count(self, *states: str) -> int:
        """Progress reports in these states (the rectification report is shown apart)."""
        return sum(1 for s in self.progress if s.state in states)

    @property
    def on_time_count(self) -> int:
        return self.count("on_time")

    @property
    def late_count(self) -> int:
        return self.count("late")

    @property
    def missing_count(self) -> int:
        return self.count("missing")

    @property
    def due_so_far(self) -> int:
        return sum(1 for s in self.progress if s.cycle.due < clock.today() or s.report is not None)

    @property
    def current(self) -> CycleState | None:
        """The cycle to file now: the oldest missing one, else the open one."""
        missing = [s for s in self.progress if s.state == "missing"]
        if missing:
            return missing[0]
        return next((s for s in self.progress if s.state == "open"), None)

    def get(self, kind: str, number: int) -> CycleState | None:
        return next((s for s in self.all if s.cycle.key == (kind, number)), None)


def unit_cycles(iu: InspectedUnit, reports: list[UnitReport], *, policy: ReportPolicy,
                today: dt.date | None = None) -> UnitCycles:
    today = today or clock.today()
    filed = {(r.kind, r.cycle): r for r in reports}
    result = UnitCycles(inspected_unit=iu, policy=policy)
    for cycle in progress_cycles(iu, policy):
        result.progress.append(judge(cycle, filed.get(cycle.key), policy=policy, today=today))
    rect = rectification_cycle(iu, policy)
    result.rectification = judge(rect, filed.get(rect.key), policy=policy, today=today)
    return result


def unit_colour(cycles: list[Cycle], filed: set[tuple[str, int]], *, policy: ReportPolicy, today: dt.date) -> str:
    """``unit_cycles(…).colour`` without judging every cycle: ``cycles`` sorted by due date (``all_cycles``, or
    ``[first_cycle(…)]`` for a unit that filed nothing), the keys of the reports filed. The earliest missing
    report is the latest one, so it alone sets the colour."""
    for cycle in cycles:
        if cycle.due >= today:
            return "green"
        if cycle.key not in filed:
            return judge(cycle, None, policy=policy, today=today).colour or "green"
    return "green"


def first_cycle(iu: InspectedUnit, policy: ReportPolicy) -> Cycle:
    """The cycle ``all_cycles`` lists first, without working out the others (progress cycles fall due in
    their order): all a unit that filed nothing is judged by."""
    return min([*progress_cycles(iu, policy, limit=1), rectification_cycle(iu, policy)],
               key=lambda c: (c.due, c.number))


def all_cycles(iu: InspectedUnit, policy: ReportPolicy) -> list[Cycle]:
    """Every report cycle of the unit, progress and rectification, by due date."""
    return sorted([*progress_cycles(iu, policy), rectification_cycle(iu, policy)], key=lambda c: (c.due, c.number))
