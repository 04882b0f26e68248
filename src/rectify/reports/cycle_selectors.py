"""Reads of report cycles, scoped to the acting user: the office's view of a round (who filed, who did not)
and a unit's cycles with the draft of its next report, pre-filled from its ledger."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from rectify.accounts.models import User
from rectify.core import clock
from rectify.inspections import selectors as inspection_selectors
from rectify.inspections.models import InspectedUnit, InspectionRound
from rectify.rectification import selectors as rectification_selectors
from rectify.rectification.models import ProgressEntry, Task, TaskStatus
from rectify.reports.cycles import (
    Cycle,
    UnitCycles,
    all_cycles,
    default_policy,
    first_cycle,
    policy_of,
    unit_colour,
    unit_cycles,
)
from rectify.reports.models import ReportPolicy, UnitReport

DRAFT_LINES = 30  # rows listed per section of a draft; the counts are always complete


@dataclass
class RoundCycles:
    round: InspectionRound
    policy: ReportPolicy
    units: list[UnitCycles]

    @property
    def by_colour(self) -> dict[str, int]:
        counts = {"red": 0, "yellow": 0, "green": 0}
        for u in self.units:
            counts[u.colour] += 1
        return counts


def round_cycles_for(*, user: User, code: str, today: dt.date | None = None) -> RoundCycles:
    """Every inspected unit of the round in scope with its cycles: four queries whatever the size."""
    rnd = inspection_selectors.round_get_for(user=user, code=code)
    policy = policy_of(rnd)
    units = list(inspection_selectors.inspected_units_of_round_for(user=user, round=rnd).order_by("unit__path"))
    reports: dict[int, list[UnitReport]] = {iu.pk: [] for iu in units}
    for report in (UnitReport.objects.filter(inspected_unit__in=units).order_by("kind", "cycle")
                   .only("inspected_unit_id", "kind", "cycle", "due_date", "filed_at")):
        reports[report.inspected_unit_id].append(report)
    for iu in units:
        iu.round = rnd  # the round (and its policy) once for all units
    return RoundCycles(round=rnd, policy=policy, units=[unit_cycles(iu, reports[iu.pk], policy=policy, today=today)
                                                        for iu in units])


def unit_cycles_for(*, user: User, round_code: str, unit_code: str, today: dt.date | None = None) -> UnitCycles:
    iu = inspection_selectors.inspected_unit_get_for(user=user, round_code=round_code, unit_code=unit_code)
    reports = list(UnitReport.objects.filter(inspected_unit=iu).select_related("filed_by"))
    return unit_cycles(iu, reports, policy=policy_of(iu.round), today=today)


@dataclass
class Draft:
    """What a report form starts with: the figures now, what moved since ``since``, what is late."""

    since: dt.date
    figures: dict[str, object]
    moved: str
    late: str
    closed: list[Task] = field(default_factory=list)
    overdue: list[Task] = field(default_factory=list)


def unit_figures(iu: InspectedUnit, *, today: dt.date) -> dict[str, object]:
    """The unit's figures from the read model (as the round overview shows them)."""
    unit = rectification_selectors.with_unit_facts(InspectedUnit.objects.filter(pk=iu.pk)).get()
    progress = {iu.pk: rectification_selectors.UnitProgress(inspected_unit=unit)}
    rectification_selectors.unit_facts_into(progress, yellow_days=iu.round.yellow_days, today=today)
    p = progress[iu.pk]
    return {"problems": p.problems, "completed": p.completed, "basic": p.basic, "incomplete": p.incomplete,
            "rate": str(p.rate), "tasks": p.tasks, "tasks_closed": p.tasks_closed, "tasks_overdue": p.tasks_overdue,
            "red": p.by_warning.get("red", 0), "yellow": p.by_warning.get("yellow", 0),
            "self_found": p.self_found, "as_of": today.isoformat()}


def report_draft(iu: InspectedUnit, *, since: dt.date, today: dt.date | None = None) -> Draft:
    """Pre-fill a report from the ledger: tasks closed and progress entered since ``since``, open tasks past their
    deadline with their latest progress (the unit writes why). A fixed number of queries."""
    today = today or clock.today()
    tasks = Task.objects.filter(problem__inspected_unit=iu).select_related("problem")
    closed_qs = tasks.filter(status=TaskStatus.CLOSED, closed_at__date__gte=since).order_by("closed_at", "id")
    closed, closed_count = list(closed_qs[:DRAFT_LINES]), closed_qs.count()
    entries = (ProgressEntry.objects.filter(task__problem__inspected_unit=iu, created_at__date__gte=since)
               .select_related("task__problem").order_by("-created_at", "-id"))
    entry_count, recent = entries.count(), list(entries[:DRAFT_LINES])
    overdue_qs = (tasks.filter(status__in=[TaskStatus.PENDING, TaskStatus.IN_PROGRESS, TaskStatus.SUBMITTED],
                               due_date__lt=today)
                  .annotate(latest=rectification_selectors.latest_progress_text()).order_by("due_date", "id"))
    overdue, overdue_count = list(overdue_qs[:DRAFT_LINES]), overdue_qs.count()
    figures = unit_figures(iu, today=today)

    lines = [_("截至%(date)s：反馈问题%(problems)s个，已完成%(completed)s个，基本完成%(basic)s个，完成率%(rate)s%%；"
               "整改任务%(tasks)s项，已销号%(closed)s项，逾期%(overdue)s项。") % {
        "date": today.isoformat(), "problems": figures["problems"], "completed": figures["completed"],
        "basic": figures["basic"], "rate": figures["rate"], "tasks": figures["tasks"],
        "closed": figures["tasks_closed"], "overdue": figures["tasks_overdue"]}]
    lines.append(_("自%(since)s以来销号任务%(n)s项：") % {"since": since.isoformat(), "n": closed_count})
    lines += [f"  - {t.problem.number}.{t.number} {t.measure[:60]}" for t in closed]
    lines.append(_("自%(since)s以来填报整改进展%(n)s条，最近的：") % {"since": since.isoformat(), "n": entry_count})
    lines += [f"  - {e.task.problem.number}.{e.task.number} {e.text[:80]}" for e in recent]
    late = [_("逾期未完成的任务%(n)s项（请逐项说明原因和新的完成安排）：") % {"n": overdue_count}]
    for t in overdue:
        late.append(_("  - %(number)s 完成时限%(due)s，逾期%(days)s天。最新进展：%(latest)s。原因：") % {
            "number": f"{t.problem.number}.{t.number} {t.measure[:40]}", "due": t.due_date.isoformat(),
            "days": (today - t.due_date).days, "latest": (t.latest or _("无"))[:60].rstrip("。；;. ")})  # type: ignore[attr-defined]
    if overdue_count > len(overdue):
        late.append(_("  ……另有%(n)s项，见整改台账。") % {"n": overdue_count - len(overdue)})
    return Draft(since=since, figures=figures, moved="\n".join(lines), late="\n".join(late) if overdue_count else "",
                 closed=closed, overdue=overdue)


def since_for(cycles: UnitCycles, number: int) -> dt.date:
    """The day after the latest report filed before this cycle, else the cycle's start (or the feedback)."""
    earlier = [s.report.period_end for s in cycles.progress
               if s.report is not None and s.cycle.number < number]
    if earlier:
        return max(earlier) + dt.timedelta(days=1)
    state = cycles.get("progress", number)
    return state.cycle.start if state else cycles.inspected_unit.feedback_date


def report_colours(*, units: list[InspectedUnit], today: dt.date,
                   ids: QuerySet[InspectedUnit] | list[int] | None = None) -> dict[str, int]:
    """How many of these units (already in the user's scope, with their rounds loaded) are red, yellow or green
    for missing reports, across rounds (dashboard cards). Two queries: their rounds' policies, their reports
    (``ids`` selects the units in SQL when given, e.g. as the scope's query). Units of a round fed back on the
    same day share their cycles, worked out once."""
    rounds = {iu.round_id: iu.round for iu in units}
    stored = {p.round_id: p for p in ReportPolicy.objects.filter(round_id__in=list(rounds))}
    policies = {round_id: stored.get(round_id) or default_policy(rnd) for round_id, rnd in rounds.items()}
    filed: dict[int, set[tuple[str, int]]] = defaultdict(set)
    wanted = ids if ids is not None else [iu.pk for iu in units]
    for unit_id, kind, cycle in (UnitReport.objects.filter(inspected_unit_id__in=wanted).order_by()
                                 .values_list("inspected_unit_id", "kind", "cycle")):
        filed[unit_id].add((kind, cycle))
    counts = {"red": 0, "yellow": 0, "green": 0}
    shared: dict[tuple[int, dt.date], list[Cycle]] = {}
    # Units of a round fed back on the same day that filed the same reports (most: none) share one colour.
    colours: dict[tuple[int, dt.date, frozenset[tuple[str, int]]], str] = {}
    nothing: frozenset[tuple[str, int]] = frozenset()
    for iu in units:
        key = (iu.round_id, iu.feedback_date)
        reports = frozenset(filed.get(iu.pk, nothing))
        colour = colours.get((*key, reports))
        if colour is None:
            policy = policies[iu.round_id]
            if reports:
                if key not in shared:
                    shared[key] = all_cycles(iu, policy)
                cycles = shared[key]
            else:  # nothing filed: the first cycle is the earliest missing once it is due
                cycles = [first_cycle(iu, policy)]
            colour = colours[(*key, reports)] = unit_colour(cycles, reports, policy=policy, today=today)
        counts[colour] += 1
    return counts
