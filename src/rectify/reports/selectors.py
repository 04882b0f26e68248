"""统计分析: dashboards of a round, a unit, an inspection team, a problem category and the province.

Every figure comes from the read model (``rectification.rollups``: unit rollups and deadline-day counts; the
inspected units' problem counts kept by ``inspections``; all verified by ``rectify verify-rollups``) or from
stored facts (tasks' close-out times and deadlines, pending close-outs) aggregated in SQL — never from a counter
nothing checks. Each dashboard costs a fixed number of queries whatever the number of tasks:

1. the inspected units in scope with their rollup row (which counts, among others, the tasks closed by their
   original deadline: the on-time ranking) and the problem counts they keep (as ``UnitFacts``; the province, with
   thousands of units, reads a row of values per unit and sums it instead);
2. today's warning and overdue figures: the deadline-day counts from today on (each round's own yellow
   period), subtracted from the totals the rollup row keeps;
3. tasks closed per Beijing day, or per month over more than a year (the burn-down) and 4. open tasks by
   deadline day over the last 90 days (ageing), both counts of the read model; 5. pending close-outs by how
   long they have waited (waiting); 6. problems by category (the units' problem counts by category and kind),
   and completed ones by category (the problems' rollups).

Rule 25: nothing here ranks by the number of people held accountable; rankings are by rectification results.
"""

from __future__ import annotations

import datetime as dt
import heapq
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from operator import attrgetter
from typing import Any, NamedTuple
from urllib.parse import urlencode

from django.db.models import Count, F, Q, QuerySet, Sum
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from rectify.accounts import selectors as account_selectors
from rectify.accounts.models import User
from rectify.core import clock
from rectify.core.db import DaysUntil, sum_json_values_below
from rectify.core.errors import NotFound
from rectify.inspections import selectors as inspection_selectors
from rectify.inspections.models import (
    InspectedUnit,
    InspectionRound,
    ProblemCategory,
    ProblemCount,
    ProblemKind,
    rectification_end,
)
from rectify.rectification import selectors as rectification_selectors
from rectify.rectification.models import (
    CloseOut,
    CloseOutState,
    DueMeasure,
    ProblemRollup,
    Task,
    TaskStatus,
    UnitDueCount,
    UnitRollup,
)
from rectify.rectification.selectors import (
    COMPLETION_LABELS,
    DUE_TOTALS,
    STATUS_VALUES,
    UnitProgress,
    completion_hundredths,
    completion_rate,
    days_ahead,
    judged,
    warning_counts,
)
from rectify.reports import cycle_selectors
from rectify.reports.tables import Table

RED, YELLOW, GREEN, GREY, BLUE, TEAL = "#c0392b", "#d4a017", "#2e8b57", "#8c96a0", "#3867d6", "#17a2b8"
STATUS_COLORS = [GREY, BLUE, TEAL, GREEN]  # pending, in progress, submitted, closed
AGEING_BUCKETS = ((None, 0, gettext_noop("未到期")), (1, 7, gettext_noop("逾期1–7天")),
                  (8, 30, gettext_noop("逾期8–30天")), (31, 90, gettext_noop("逾期31–90天")),
                  (91, None, gettext_noop("逾期90天以上")))
WAITING_BUCKETS = ((0, 3, gettext_noop("3天以内")), (4, 7, gettext_noop("4–7天")), (8, 14, gettext_noop("8–14天")),
                   (15, 30, gettext_noop("15–30天")), (31, None, gettext_noop("30天以上")))
BURN_POINTS = 60  # at most this many points on the burn-down line
BURN_DAILY_SPAN = 366  # a burn-down over more days than this has a point at each month's end
PROVINCE_RANKING = 20  # the province page ranks the units with the lowest rates only
PROVINCE_ROUNDS_SHOWN = 30  # the province page lists the newest rounds (the export has them all)


@dataclass
class Card:
    """A figure at the top of a dashboard: a link to the rows it counts."""

    label: str
    value: Any
    url: str | None = None
    sub: str = ""
    tone: str = ""


class OrgRef(NamedTuple):
    code: str
    name: str


class UnitRef(NamedTuple):
    """An inspected unit as the dashboards read it: a few values, not model instances (a province has thousands
    of inspected units; building each with its round, organisation and rollup cost more than the queries; a
    named tuple costs a fifth of a frozen dataclass)."""

    pk: int
    round_id: int
    round: InspectionRound  # shared by the units of a round
    unit: OrgRef
    feedback_date: dt.date
    team_id: int | None

    @property
    def rectification_end(self) -> dt.date:
        return rectification_end(self.feedback_date, self.round.rectification_months)


@dataclass
class UnitFacts(UnitProgress):
    inspected_unit: UnitRef  # type: ignore[assignment]
    tasks_yellow: int = 0
    open_tasks: int = 0
    on_time: int = 0
    due_or_closed: int = 0  # tasks closed, or whose original deadline has passed

    @property
    def on_time_rate(self) -> Decimal:
        return completion_rate(self.on_time, self.due_or_closed)


class UnitList(list[UnitFacts]):
    """A dashboard's units, with what selects their ids in SQL: a list for a few, the scope's own query for many
    (a province's 4,000 ids as parameters cost Django and psycopg 0.5 s a request at 10^6 tasks)."""

    ids: QuerySet[InspectedUnit] | list[int]
    # The scope limits nothing and the page spans every round: SQL that selects its rows by its own condition
    # (every problem, or every problem of a category) need not select the units too.
    everything: bool = False


def _ids(units: list[UnitFacts]) -> QuerySet[InspectedUnit] | list[int]:
    return units.ids if isinstance(units, UnitList) else [u.inspected_unit.pk for u in units]


def _in_units(path: str, units: list[UnitFacts]) -> Q:
    """Rows of these units through ``path`` (a path to the inspected unit's id); no condition at all when they
    are every inspected unit: joining the pending close-outs to their units to keep all of them cost a scan of
    the task table (214 ms against 28 at 10^6 tasks)."""
    if isinstance(units, UnitList) and units.everything:
        return Q()
    return Q(**{f"{path}__in": _ids(units)})


CATEGORY_UNITS_SHOWN = 50  # a category page across rounds lists this many units (the export has them all)
MANY_UNITS = 500  # above this many units, SQL selects them by the scope's query instead of a list of ids


@dataclass
class Dashboard:
    title: str
    scope: str  # round / unit / team / category / province
    cards: list[Card] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    units: list[UnitFacts] = field(default_factory=list)
    today: dt.date | None = None
    round: InspectionRound | None = None
    task_filter: dict[str, str] = field(default_factory=dict)  # the task list's filter for these units

    def table(self, key: str) -> Table:
        for table in self.tables:
            if table.key == key:
                return table
        raise NotFound(_("没有这张统计表。"), details={"table": key})


# --- the facts of a set of inspected units -------------------------------------------------------

def unit_facts(units: QuerySet[InspectedUnit], *, today: dt.date) -> UnitList:
    """Queries 1–2 of the module docstring (and the units' rounds): each unit's rollup figures and problem counts
    as values, then today's warnings and overdue sums with each round's own yellow period (a unit page spans
    rounds)."""
    rounds = {r.pk: r for r in InspectionRound.objects.filter(pk__in=units.values("round_id"))}
    figure_names = rectification_selectors.ROLLUP_FIGURES
    rows = (rectification_selectors.with_unit_facts(units).order_by("-round__start_date", "unit__path")
            .values_list("pk", "round_id", "feedback_date", "team_id", "unit__code", "unit__name", "rollup__pk",
                         *(f"rollup__{name}" for name in figure_names), "fed_back_problems", "self_found_problems",
                         *(f"rollup__{name}" for name in DUE_TOTALS)))
    facts: dict[int, UnitFacts] = {}
    totals: dict[int, tuple[int, int, int]] = {}  # each unit's deadline-day counts summed over every day
    n = len(figure_names)
    on_time = figure_names.index("tasks_closed_on_time")
    fill = rectification_selectors.fill_from_rollup
    for pk, round_id, feedback_date, team_id, code, name, *rest in rows:
        f = facts[pk] = UnitFacts(inspected_unit=UnitRef(pk, round_id, rounds[round_id], OrgRef(code, name),
                                                         feedback_date, team_id))
        rollup = rest[1:n + 1] if rest[0] is not None else None  # (rest[0]: the rollup row's key)
        fill(f, rollup, fed_back=rest[n + 1], self_found=rest[n + 2])
        if rollup is not None:
            f.on_time = rollup[on_time]
            totals[pk] = tuple(rest[n + 3:])  # type: ignore[assignment]
    result = _selection(units, list(facts), everything=False, facts=facts.values())
    if not facts:
        return result
    ahead = days_ahead(_in_units("inspected_unit_id", result),
                       yellow_days={pk: f.inspected_unit.round.yellow_days for pk, f in facts.items()}, today=today)
    for pk, unit_totals in totals.items():
        f = facts[pk]
        red, yel, green, f.tasks_yellow, f.tasks_overdue, f.tasks_overdue_original = judged(unit_totals, ahead.get(pk))
        f.by_warning = warning_counts(red, yel, green)
        f.open_tasks = unit_totals[1]
    for f in facts.values():  # from the read model: closed by the original deadline, and closed or past it
        f.due_or_closed = f.tasks_closed + f.tasks_overdue_original
    return result


TOTALLED = ("problems", "completed", "basic", "incomplete", "tasks", "tasks_closed", "tasks_overdue", "tasks_yellow",
            "tasks_extended", "tasks_overdue_original", "self_found", "self_found_completed", "on_time",
            "due_or_closed", "open_tasks")


def _totals(units: list[UnitFacts]) -> dict[str, int]:
    """The ``TOTALLED`` figures summed over the units in one pass (a province has thousands of units)."""
    if not units:
        return dict.fromkeys(TOTALLED, 0)
    return dict(zip(TOTALLED, map(sum, zip(*map(attrgetter(*TOTALLED), units), strict=True)), strict=True))


def _burn_down(units: list[UnitFacts], *, today: dt.date, start: dt.date | None, tasks: int, closed: int) -> Table:
    """Open tasks of fed-back problems at the end of each day since the first feedback (of each month's last
    day when that is more than a year ago): all tasks less those closed by then (query 3, the read model's
    close-out day or month counts). Tasks count from the feedback on (``start``: the first one); a reopened task
    counts as open again. ``tasks``, ``closed``: the units' tasks, and those closed."""
    table = Table("burn_down", _("未销号任务数变化（燃尽）"), [_("日期"), _("未销号任务")], chart="line",
                  colors=[RED], note=_("以反馈日期起的全部整改任务减去截至当日已销号的任务；重新打开的任务重新计为未销号。"))
    if start is None or start > today:
        return table
    span = (today - start).days
    by_month = span > BURN_DAILY_SPAN  # years of history: a point at each month's end, from the month counts
    if by_month:
        points = _month_ends(start, today)
        points = points[::max(1, -(-len(points) // (BURN_POINTS - 1)))]
        table.note += _("时间跨度超过一年，按月末取点。")
    else:
        step = max(1, -(-span // BURN_POINTS))
        points = [start + dt.timedelta(days=d) for d in range(0, span + 1, step)]
    if not points or points[-1] != today:
        points.append(today)
    # Each count by the day it was closed, or by its month's first day: closed by a point once that is on or
    # before it (a month's closes all fall on or before its end, and on or before today).
    measure = DueMeasure.TASK_CLOSED_MONTH if by_month else DueMeasure.TASK_CLOSED
    by_day = dict(UnitDueCount.objects.filter(_in_units("inspected_unit_id", units), measure=measure)
                  .order_by().values("day").annotate(n=Sum("count")).values_list("day", "n"))
    # closed tasks without a close-out time (e.g. imported as closed) count as closed from the start
    cumulative, i = closed - sum(by_day.values()), 0
    ordered = sorted(by_day.items())
    for day in points:
        while i < len(ordered) and ordered[i][0] <= day:
            cumulative += ordered[i][1]
            i += 1
        table.add([day.isoformat(), max(0, tasks - cumulative)])
    return table


def _month_ends(start: dt.date, today: dt.date) -> list[dt.date]:
    """The last day of each month from ``start``'s to the last one that ended before ``today``."""
    ends, first = [], start.replace(day=1)
    while True:
        following = (first + dt.timedelta(days=31)).replace(day=1)
        if following > today:
            return ends
        ends.append(following - dt.timedelta(days=1))
        first = following


def _ageing(units: list[UnitFacts], *, today: dt.date, task_url: str, open_tasks: int) -> Table:
    """Open tasks by how long they are past their deadline (query 5: deadline-day counts of the days the
    bounded buckets span; the last bucket is the units' ``open_tasks`` less those)."""
    table = Table("ageing_tasks", _("未销号任务账龄（按逾期天数）"), [_("逾期时长"), _("任务数")], chart="bar",
                  colors=[RED])
    counts = [0] * len(AGEING_BUCKETS)
    since = today - dt.timedelta(days=AGEING_BUCKETS[-2][1])  # the last bounded bucket's oldest day
    rows = list(UnitDueCount.objects.filter(_in_units("inspected_unit_id", units), measure=DueMeasure.TASK,
                                            day__gte=since)
                .order_by().values("day").annotate(n=Sum("count")).values_list("day", "n"))
    counts[-1] = max(0, open_tasks - sum(n for _day, n in rows))
    for day, n in rows:
        late = (today - day).days
        for index, (low, high, _label) in enumerate(AGEING_BUCKETS):
            if (low is None or late >= low) and (high is None or late <= high):
                counts[index] += n
                break
    for index, (_low, _high, label) in enumerate(AGEING_BUCKETS):
        link = _with(task_url, warning="all" if index == 0 else "red")
        table.add([_(label), counts[index]], link)
    return table


def _waiting(units: list[UnitFacts], *, today: dt.date, round_codes: set[str]) -> Table:
    """Close-outs waiting for review by days waited (query 6): one count per bucket, each a range of submission
    times from Beijing midnights, so the index on (state, submitted_at) answers alone (grouping by the Beijing
    day converted every pending close-out's time: 21 ms at 10^6 tasks)."""
    table = Table("ageing_close_outs", _("待审核销号申请等待时长"), [_("已等待"), _("申请数")], chart="bar",
                  colors=[TEAL])
    buckets = {}
    for index, (low, high, _label) in enumerate(WAITING_BUCKETS):
        # waited low..high days: submitted on a Beijing day from today - high to today - low
        waited = Q(submitted_at__lt=clock.day_start(today - dt.timedelta(days=low - 1)))
        if high is not None:
            waited &= Q(submitted_at__gte=clock.day_start(today - dt.timedelta(days=high)))
        buckets[f"b{index}"] = Count("submitted_at", filter=waited)
    counted = (CloseOut.objects.filter(_in_units("task__problem__inspected_unit_id", units),
                                       state=CloseOutState.PENDING).aggregate(**buckets))
    counts = [counted[f"b{index}"] for index in range(len(WAITING_BUCKETS))]
    queue = reverse("rectification:review_queue") + (f"?round={next(iter(round_codes))}" if len(round_codes) == 1
                                                      else "")
    for index, (_low, _high, label) in enumerate(WAITING_BUCKETS):
        table.add([_(label), counts[index]], queue)
    return table


def _counted_by_category(units: list[UnitFacts], *, family: list[int] | None = None, by_unit: bool = False,
                         today: dt.date | None = None) -> list[tuple[Any, ...]]:
    """Problems of these units by kind and category id — or, ``by_unit``, their fed-back problems by unit — of
    the categories in ``family`` only if given: (…key, problems, completed[, red]) rows, red (an open task past
    its deadline) with ``today``. Two aggregates: the units' problem counts by category and kind (kept beside
    the problems; counting the problems read all 350,000 of the province at 10^6 tasks: 60 ms), and the
    problems' rollup rows, which carry the category, on an index alone. (By unit and category at once, a
    category page across rounds took 34,000 rows to Python.)"""
    keys = ("inspected_unit_id",) if by_unit else ("kind", "category_id")
    problems = ProblemCount.objects.filter(_in_units("inspected_unit_id", units), problems__gt=0)
    rolled = ProblemRollup.objects.filter(_in_units("inspected_unit_id", units))
    if family is not None:
        problems, rolled = problems.filter(category_id__in=family), rolled.filter(category_id__in=family)
    if by_unit:
        problems, rolled = problems.filter(kind=ProblemKind.FEEDBACK), rolled.filter(kind=ProblemKind.FEEDBACK)
    counted = {row[:-1]: [row[-1], 0, 0] for row in
               problems.order_by().values_list(*keys).annotate(n=Sum("problems"))}
    # COUNT(*) or of the unit (never null), not of the primary key: the key is not in the index that answers
    # these alone.
    if today is None:  # the completed ones alone
        rows = rolled.filter(completion="completed").order_by().values_list(*keys).annotate(done=Count("*"))
    else:
        rows = rolled.order_by().values_list(*keys).annotate(
            done=Count("inspected_unit_id", filter=Q(completion="completed")),
            red=Count("inspected_unit_id", filter=Q(earliest_open_due__lt=today)))
    width = len(keys)
    for row in rows:
        found = counted.get(row[:width])
        if found is not None:  # (a problem added between the two queries is counted by the next request)
            found[1:1 + len(row) - width] = row[width:]
    return [(*key, *values[:3 if today is not None else 2]) for key, values in counted.items()]


def _categories(units: list[UnitFacts], *, category: ProblemCategory | None = None,
                counted: list[tuple[str, int | None, int, int]] | None = None) -> Table:
    """Problems by level-1 category, fed-back and self-found apart, with their completion (query 7, on the
    problems and their rollup rows) — or, on a category's page, by sub-category from the (kind, category id,
    problems, completed) rows the caller ``counted``."""
    title = _("问题类别分布") if category is None else _("“%(name)s”下各子类问题") % {"name": category.name}
    table = Table("categories", title, [_("问题类别"), _("反馈问题"), _("已完成"), _("完成率（%）"), _("自查问题")],
                  chart="bar", series=[1, 2, 4], colors=[BLUE, GREEN, GREY])
    if counted is None:  # every category: grouped by id, names and parents from the small catalogue
        counted = _counted_by_category(units)
    catalogue = {c.pk: c for c in ProblemCategory.objects.select_related("parent")}
    grouped: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0, 0])
    for kind, category_id, n, done in counted:
        found = catalogue.get(category_id)
        if found is None:
            key = ("~", _("未分类"))
        elif category is None and found.parent_id:
            key = (found.parent.code, found.parent.name)
        else:
            key = (found.code, found.name)
        if kind == ProblemKind.SELF_FOUND:
            grouped[key][2] += n
        else:
            grouped[key][0] += n
            grouped[key][1] += done
    for (code, name), (n, done, self_found) in sorted(grouped.items()):
        label = f"{code} {name}" if code != "~" else name
        link = reverse("reports:category", args=[code]) if code != "~" and category is None else None
        table.add([label, n, done, completion_rate(done, n), self_found], link)
    return table


def _in_round(unit_name: str, round_name: str) -> str:
    """A unit's row label on a page spanning rounds."""
    return f"{unit_name}（{round_name}）"


def _with(url: str, **params: str) -> str:
    base, _sep, query = url.partition("?")
    merged = dict(pair.split("=", 1) for pair in query.split("&") if "=" in pair)
    merged.update(params)
    return f"{base}?{urlencode(merged)}"


# --- the dashboard ---------------------------------------------------------------------------

def _cards(sums: dict[str, int], *, units: int, waiting: Table, task_url: str) -> list[Card]:
    """The figure cards of a dashboard from its ``sums`` (``TOTALLED`` and the problems by warning)."""
    problems, completed = sums["problems"], sums["completed"]
    return [
        Card(_("被巡视单位（次）"), units, url=None),  # a unit inspected in two rounds counts twice
        Card(_("反馈问题"), problems, sub=_("整改任务 %(n)s 项") % {"n": sums["tasks"]}),
        Card(_("整改完成率"), f"{completion_rate(completed, problems)}%", tone="success",
             sub=_("已完成 %(c)s · 基本完成 %(b)s · 未完成 %(i)s") % {
                 "c": completed, "b": sums["basic"], "i": sums["incomplete"]}),
        Card(_("逾期任务"), sums["tasks_overdue"], url=_with(task_url, warning="red"), tone="danger",
             sub=_("红灯问题 %(n)s 个") % {"n": sums["red"]}),
        Card(_("黄灯任务"), sums["tasks_yellow"], url=_with(task_url, warning="yellow"), tone="warning",
             sub=_("黄灯问题 %(n)s 个") % {"n": sums["yellow"]}),
        Card(_("经批准延期的任务"), sums["tasks_extended"], url=_with(task_url, warning="all", extended="1"),
             sub=_("按原定时限逾期 %(n)s 项，单独统计") % {"n": sums["tasks_overdue_original"]}),
        Card(_("待审核的销号申请"), sum(row[1] for row in waiting.rows), url=waiting.links[0] if waiting.links else None,
             sub=_("已等待 15 天以上 %(n)s 项") % {"n": sum(row[1] for row in waiting.rows[-2:])}),
        Card(_("自查问题"), sums["self_found"],
             sub=_("已完成 %(n)s，不计入完成率") % {"n": sums["self_found_completed"]}),
    ]


def _report_card(refs: list[UnitRef], *, ids: QuerySet[InspectedUnit] | list[int], round_codes: set[str],
                 today: dt.date) -> Card:
    """The units red or yellow for a missing report (their rounds' report cycles)."""
    colours = cycle_selectors.report_colours(units=refs, ids=ids, today=today)  # type: ignore[arg-type]
    cycles_url = (reverse("reports:cycles", args=[next(iter(round_codes))]) if len(round_codes) == 1
                  else reverse("reports:cycles_index"))
    return Card(_("报告逾期未报的单位"), colours["red"] + colours["yellow"], url=cycles_url,
                tone="danger" if colours["red"] else "warning",
                sub=_("超过宽限期 %(red)s · 宽限期内 %(yellow)s") % colours)


# A ranked unit: its row's label, its round's and organisation's codes (the ledger link), tasks closed on time,
# tasks closed or past their original deadline, completed and fed-back problems.
Ranked = tuple[str, str, str, int, int, int, int]


def _ranking(entries: Iterable[Ranked], *, lowest: int | None = None) -> Table:
    """The on-time close-out ranking, best first; or, with ``lowest``, the units with the lowest rates only
    (integer keys: a province ranks thousands of units)."""
    table = Table("on_time", _("按期销号率排名"), [_("单位"), _("按期销号率（%）"), _("按期销号任务"),
                                               _("已销号或已到原定时限的任务"), _("问题完成率（%）")], chart="hbar",
                  series=[1], colors=[GREEN],
                  note=_("按期销号率 = 在原定完成时限当日或之前销号的任务 ÷ 已销号或原定时限已过的任务。"
                         "排名只看整改成效，不以问责人数排名（规则25）。"))
    entries = list(entries)
    if lowest is not None and len(entries) > lowest:
        ranked = heapq.nsmallest(lowest, entries, key=lambda e: (completion_hundredths(e[3], e[4]),
                                                                 completion_hundredths(e[5], e[6]), e[0]))[::-1]
        table.title = _("按期销号率最低的%(n)s个单位") % {"n": lowest}
    else:
        ranked = sorted(entries, key=lambda e: (-completion_hundredths(e[3], e[4]),
                                                -completion_hundredths(e[5], e[6]), e[0]))
    for label, round_code, unit_code, on_time, due_or_closed, completed, problems in ranked:
        table.add([label, completion_rate(on_time, due_or_closed), on_time, due_or_closed,
                   completion_rate(completed, problems)],
                  reverse("rectification:ledger", args=[round_code, unit_code]))
    return table


def build(*, title: str, scope: str, units: list[UnitFacts], today: dt.date, task_filter: dict[str, str],
          row_label: str = "unit") -> Dashboard:
    """The cards and tables of a dashboard over ``units``. ``row_label`` names each unit's row by its unit
    ("unit"), by its round ("round": a unit's page across rounds) or by both."""
    board = Dashboard(title=title, scope=scope, units=units, today=today, task_filter=task_filter)
    task_url = f"{reverse('reports:tasks')}?{urlencode(task_filter)}"

    def label(u: UnitFacts) -> str:
        iu = u.inspected_unit
        if row_label == "round":
            return iu.round.name
        if row_label == "both":
            return _in_round(iu.unit.name, iu.round.name)
        return iu.unit.name

    def ledger(u: UnitFacts) -> str:
        iu = u.inspected_unit
        return reverse("rectification:ledger", args=[iu.round.code, iu.unit.code])

    sums = _totals(units)
    for colour in ("red", "yellow", "green"):
        sums[colour] = sum(u.by_warning.get(colour, 0) for u in units)
    problems, completed = sums["problems"], sums["completed"]
    round_codes = {u.inspected_unit.round.code for u in units}
    waiting = _waiting(units, today=today, round_codes=round_codes)
    board.cards = [*_cards(sums, units=len(units), waiting=waiting, task_url=task_url),
                   _report_card([u.inspected_unit for u in units], ids=_ids(units), round_codes=round_codes,
                                today=today)]

    progress = Table("progress", _("各单位问题整改状态"), [
        _("单位"), str(TaskStatus.PENDING.label), str(TaskStatus.IN_PROGRESS.label), str(TaskStatus.SUBMITTED.label),
        str(TaskStatus.CLOSED.label), _("完成率（%）")], chart="stacked", series=[1, 2, 3, 4], colors=STATUS_COLORS,
        note=_("问题状态由其整改任务得出：全部销号为已销号；未销号任务均已申请销号为申请销号；均未开始为待整改。"))
    warnings = Table("warnings", _("预警分布（问题）"), [_("单位"), _("红灯"), _("黄灯"), _("绿灯")], chart="stacked",
                     colors=[RED, YELLOW, GREEN], note=_("按问题未销号任务中最早的完成时限：已过期为红灯，进入黄灯期为黄灯。"))
    kinds = Table("kinds", _("反馈问题与自查问题"), [_("单位"), _("反馈问题"), _("其中已完成"), _("自查问题"),
                                                 _("其中已完成")], chart="bar", colors=[BLUE, GREEN, GREY, TEAL],
                  note=_("自查问题（举一反三）单独统计，不计入反馈问题完成率。"))
    extended = Table("extended", _("逾期与延期任务"), [_("单位"), _("逾期任务（按现行时限）"),
                                                  _("逾期任务（按原定时限）"), _("经批准延期")], chart="bar",
                     colors=[RED, "#e67e22", GREY], note=_("延期任务单独统计：按原定时限的逾期数保留延期前的记录（规则3）。"))
    # The province keeps the round summary, the rankings and the distributions: its per-unit tables would
    # list thousands of rows, so they are not built (each round's page has them).
    per_unit = [progress, warnings, kinds, extended] if scope != "province" else []
    for u in units if per_unit else ():
        link = ledger(u)
        status = [u.by_status.get(s, 0) for s in STATUS_VALUES]
        progress.add([label(u), *status, u.rate], link)
        warnings.add([label(u), u.by_warning.get("red", 0), u.by_warning.get("yellow", 0),
                      u.by_warning.get("green", 0)], link + "?warning=red")
        kinds.add([label(u), u.problems, u.completed, u.self_found, u.self_found_completed],
                  link)
        extended.add([label(u), u.tasks_overdue, u.tasks_overdue_original, u.tasks_extended],
                      _with(task_url, inspected_unit=str(u.inspected_unit.pk), warning="red"))
    if per_unit:
        progress.total = [_("合计"), *[sum(u.by_status.get(s, 0) for u in units) for s in STATUS_VALUES],
                          completion_rate(completed, problems)]
        warnings.total = [_("合计"), sums["red"], sums["yellow"], sums["green"]]
        kinds.total = [_("合计"), problems, completed, sums["self_found"], sums["self_found_completed"]]
        extended.total = [_("合计"), sums["tasks_overdue"], sums["tasks_overdue_original"], sums["tasks_extended"]]

    ranking = _ranking(((label(u), u.inspected_unit.round.code, u.inspected_unit.unit.code, u.on_time, u.due_or_closed,
                         u.completed, u.problems) for u in units),
                       lowest=PROVINCE_RANKING if scope == "province" else None)
    start = min((u.inspected_unit.feedback_date for u in units), default=None)
    board.tables = [*per_unit[:2], _burn_down(units, today=today, start=start, tasks=sums["tasks"],
                                              closed=sums["tasks_closed"]),
                    ranking, _ageing(units, today=today, task_url=task_url, open_tasks=sums["open_tasks"]),
                    waiting, _categories(units), *per_unit[2:]]
    return board


# --- the pages' selections ------------------------------------------------------------------

def round_dashboard_for(*, user: User, code: str, today: dt.date | None = None) -> Dashboard:
    today = today or clock.today()
    rnd = inspection_selectors.round_get_for(user=user, code=code)
    units = unit_facts(inspection_selectors.inspected_units_of_round_for(user=user, round=rnd), today=today)
    board = build(title=rnd.name, scope="round", units=units, today=today, task_filter={"round": rnd.code})
    board.round = rnd
    return board


def unit_dashboard_for(*, user: User, unit_code: str, today: dt.date | None = None) -> Dashboard:
    """One organisation across every round that inspected it (rows by round)."""
    today = today or clock.today()
    qs = inspection_selectors.inspected_units_for(user=user).filter(unit__code=unit_code)
    units = unit_facts(qs, today=today)
    if not units:
        raise NotFound(_("未找到单位“%(code)s”的巡视整改记录，或您无权查看。") % {"code": unit_code})
    return build(title=units[0].inspected_unit.unit.name, scope="unit", units=units, today=today,
                 task_filter={"unit": unit_code}, row_label="round")


def team_dashboard_for(*, user: User, round_code: str, team_id: int, today: dt.date | None = None) -> Dashboard:
    today = today or clock.today()
    rnd = inspection_selectors.round_get_for(user=user, code=round_code)
    team = inspection_selectors.team_get_for(user=user, round=rnd, team_id=team_id)
    qs = inspection_selectors.inspected_units_of_round_for(user=user, round=rnd).filter(team=team)
    board = build(title=f"{rnd.name} · {team.name}", scope="team", units=unit_facts(qs, today=today), today=today,
                  task_filter={"round": rnd.code, "team": str(team.pk)})
    board.round = rnd
    return board


def category_dashboard_for(*, user: User, code: str, round_code: str = "", today: dt.date | None = None,
                           every_row: bool = False) -> Dashboard:
    """A problem category: its problems per unit (of one round, or of every round in scope). Across rounds the
    page lists the units with most problems and builds their rows alone; ``every_row`` (the export) builds the
    rows of every unit."""
    today = today or clock.today()
    category = ProblemCategory.objects.filter(code=code).select_related("parent").first()
    if category is None:
        raise NotFound(_("未找到问题类别“%(code)s”。") % {"code": code})
    qs = inspection_selectors.inspected_units_for(user=user)
    rnd = None
    if round_code:
        rnd = inspection_selectors.round_get_for(user=user, code=round_code)
        qs = qs.filter(round=rnd)
    family = [category.pk, *ProblemCategory.objects.filter(parent=category).values_list("pk", flat=True)]
    wanted = ProblemCount.objects.filter(category_id__in=family, problems__gt=0).values("inspected_unit_id")
    units = qs.filter(pk__in=wanted)
    # (pk, round code, round name, unit code, unit name) in the pages' order: newest round first, units in order
    listed = list(units.order_by("-round__start_date", "unit__path")
                  .values_list("pk", "round__code", "round__name", "unit__code", "unit__name"))
    # Across every round for someone who sees every unit, the category alone selects the problems.
    selection = _selection(units, [row[0] for row in listed],
                           everything=rnd is None and account_selectors.sees_every_unit(user))
    counted = {iu_id: figures for iu_id, *figures in
               _counted_by_category(selection, family=family, by_unit=True, today=today)}
    problems, done, red = (sum(column) for column in zip(*counted.values(), strict=True)) if counted else (0, 0, 0)
    task_filter = {"category": category.code, **({"round": rnd.code} if rnd else {})}
    board = Dashboard(title=f"{category.code} {category.name}", scope="category", today=today,
                      task_filter=task_filter, round=rnd)
    sub = _categories(selection, category=category, counted=_counted_by_category(selection, family=family))
    task_url = f"{reverse('reports:tasks')}?{urlencode(task_filter)}"
    board.cards = [
        Card(_("涉及单位"), len(listed)),
        Card(_("该类反馈问题"), problems, sub=_("另有自查问题 %(n)s 个") % {"n": sum(r[4] for r in sub.rows)}),
        Card(_("整改完成率"), f"{completion_rate(done, problems)}%", tone="success",
             sub=_("已完成 %(n)s 个") % {"n": done}),
        Card(_("红灯问题"), red, tone="danger"),
        Card(_("逾期任务"), _overdue_tasks(selection, family=family, today=today), url=_with(task_url, warning="red"),
             tone="danger"),
    ]
    board.tables = [_category_units(listed, counted, category=category, across_rounds=rnd is None,
                                    every_row=every_row), sub]
    return board


def _selection(units: QuerySet[InspectedUnit], ids: list[int], *, everything: bool,
               facts: Iterable[UnitFacts] = ()) -> UnitList:
    """The units' ``facts`` (none for a page that reads the units as values) with what selects them in SQL
    (``_in_units``): their ids, or the query itself for many."""
    selection = UnitList(facts)
    selection.ids = units.order_by().values("pk") if len(ids) > MANY_UNITS else ids
    selection.everything = everything
    return selection


def _overdue_tasks(units: list[UnitFacts], *, family: list[int], today: dt.date) -> int:
    """Open tasks past their deadline of these units' fed-back problems in these categories — the rows of the
    task list's red filter, those waiting for review left out — from the rollups of the red problems alone:
    their open tasks' deadlines, summed in SQL (counting the tasks of every problem of the category: 250 ms at
    10^6 tasks)."""
    red = ProblemRollup.objects.filter(_in_units("inspected_unit_id", units), category_id__in=family,
                                       kind=ProblemKind.FEEDBACK, earliest_open_due__lt=today)
    return sum_json_values_below(red, "open_dues", today.isoformat())


def _category_units(listed: list[tuple[int, str, str, str, str]], counted: dict[int, list[int]], *,
                    category: ProblemCategory, across_rounds: bool, every_row: bool) -> Table:
    """This category's fed-back problems per unit, with completion and red: ``listed`` the units (pk, round code,
    round name, unit code, unit name) in the pages' order, ``counted`` their (problems, completed, red). One
    round lists every unit in order; across rounds the page lists the first ``CATEGORY_UNITS_SHOWN`` by most
    problems, then most red, then in order, and builds those rows alone (a province has 4,000 units: their rows
    cost most of the page), the export (``every_row``) every unit's."""
    table = Table("category_units", _("各单位该类问题"), [_("单位"), _("该类反馈问题"), _("已完成"), _("完成率（%）"),
                                                   _("红灯问题")], chart="bar", series=[1, 2, 4],
                  colors=[BLUE, GREEN, RED])
    none = (0, 0, 0)
    order: Iterable[int] = range(len(listed))
    if across_rounds and len(listed) > CATEGORY_UNITS_SHOWN:
        figures = [counted.get(row[0], none) for row in listed]
        ranked = [(-n, -red, index) for index, (n, _done, red) in enumerate(figures)]
        ranked = sorted(ranked) if every_row else heapq.nsmallest(CATEGORY_UNITS_SHOWN, ranked)
        order = [index for *_key, index in ranked]
        table.shown, table.omitted = CATEGORY_UNITS_SHOWN, len(listed) - len(ranked)
        table.title = _("各单位该类问题（按问题数排序）")
    for position, index in enumerate(order):
        pk, round_code, round_name, unit_code, unit_name = listed[index]
        n, done, red = counted.get(pk, none)
        name = _in_round(unit_name, round_name) if across_rounds else unit_name
        shown = table.shown is None or position < table.shown  # links for the rows the page lists
        table.add([name, n, done, completion_rate(done, n), red],
                  reverse("rectification:ledger", args=[round_code, unit_code]) + f"?category={category.code}"
                  if shown else None)
    return table


# What the province reads of each unit: no figures object per unit (4,000 of them, each with its dicts, cost
# more than the queries), a tuple of the values its sums, ranking and report card need.
PROVINCE_VALUES = ("pk", "round_id", "feedback_date", "unit__code", "unit__name", "fed_back_problems",
                   "self_found_problems", "rollup__completed", "rollup__basic", "rollup__tasks", "rollup__tasks_closed",
                   "rollup__tasks_extended", "rollup__tasks_closed_on_time", "rollup__self_found_completed",
                   *(f"rollup__{name}" for name in DUE_TOTALS))


PROVINCE_SUMMED = ("problems", "completed", "basic", "tasks", "tasks_closed", "tasks_overdue", "tasks_yellow",
                   "tasks_extended", "tasks_overdue_original", "self_found", "self_found_completed", "on_time",
                   "due_or_closed", "open_tasks", "red", "yellow", "green")


def province_dashboard_for(*, user: User, today: dt.date | None = None) -> tuple[Dashboard, Table]:
    """The leader's one page: every round in scope summarised, and the figures of every unit summed (the units
    with the lowest on-time rate ranked). The same figures as ``build`` over every unit's ``UnitFacts`` (a test
    holds them equal), from one row of values per unit: its rollup's sums, and today's judgements from its
    deadline-day counts ahead (query 2)."""
    today = today or clock.today()
    scope = inspection_selectors.inspected_units_for(user=user)
    rounds = {r.pk: r for r in InspectionRound.objects.filter(pk__in=scope.values("round_id"))}
    rows = list(scope.order_by("-round__start_date", "unit__path").values_list(*PROVINCE_VALUES))
    selection = _selection(scope, [row[0] for row in rows], everything=account_selectors.sees_every_unit(user))
    ahead = days_ahead(_in_units("inspected_unit_id", selection),
                       yellow_days={row[0]: rounds[row[1]].yellow_days for row in rows}, today=today)
    per_round: dict[int, list[int]] = {}  # units, problems, completed, red, overdue tasks, on time, due or closed
    refs: list[UnitRef] = []
    ranked: list[Ranked] = []
    summed: list[tuple[int, ...]] = []  # each unit's PROVINCE_SUMMED, added up column by column at the end
    for (pk, round_id, feedback_date, code, name, problems, self_found, completed, basic, tasks, closed, extended,
         on_time, self_found_completed, *due_totals) in rows:
        rnd = rounds[round_id]
        refs.append(UnitRef(pk, round_id, rnd, OrgRef(code, name), feedback_date, None))
        if tasks is None:  # no task yet: every problem pending, incomplete and without a warning
            completed = basic = tasks = closed = extended = on_time = self_found_completed = 0
            red = yellow = green = tasks_yellow = overdue = overdue_original = open_tasks = 0
        else:
            red, yellow, green, tasks_yellow, overdue, overdue_original = judged(due_totals, ahead.get(pk))
            open_tasks = due_totals[1]
        due_or_closed = closed + overdue_original
        summed.append((problems, completed, basic, tasks, closed, overdue, tasks_yellow, extended, overdue_original,
                       self_found, self_found_completed, on_time, due_or_closed, open_tasks, red, yellow, green))
        line = per_round.get(round_id)
        if line is None:
            line = per_round[round_id] = [0] * 7
        line[0] += 1
        line[1] += problems
        line[2] += completed
        line[3] += red
        line[4] += overdue
        line[5] += on_time
        line[6] += due_or_closed
        ranked.append((_in_round(name, rnd.name), rnd.code, code, on_time, due_or_closed, completed, problems))
    sums = dict(zip(PROVINCE_SUMMED, map(sum, zip(*summed, strict=True)) if summed else [0] * len(PROVINCE_SUMMED),
                    strict=True))
    sums["incomplete"] = sums["problems"] - sums["completed"] - sums["basic"]

    board = Dashboard(title=_("全省整改总览"), scope="province", units=selection, today=today, task_filter={})
    task_url = f"{reverse('reports:tasks')}?"
    round_codes = {rounds[round_id].code for round_id in per_round}
    waiting = _waiting(selection, today=today, round_codes=round_codes)
    board.cards = [*_cards(sums, units=len(rows), waiting=waiting, task_url=task_url),
                   _report_card(refs, ids=selection.ids, round_codes=round_codes, today=today)]
    table = Table("rounds", _("各轮次整改情况"), [_("轮次"), _("被巡视单位"), _("反馈问题"), _("已完成"),
                                            _("完成率（%）"), _("红灯问题"), _("逾期任务"), _("按期销号率（%）")],
                  chart="bar", series=[4, 7], colors=[GREEN, BLUE])
    if len(per_round) > PROVINCE_ROUNDS_SHOWN:  # newest first; the export has every round
        table.shown = PROVINCE_ROUNDS_SHOWN
    for index, (round_id, (units, problems, completed, red, overdue, on_time, due_or_closed)) in enumerate(
            per_round.items()):
        rnd = rounds[round_id]
        table.add([rnd.name, units, problems, completed, completion_rate(completed, problems), red, overdue,
                   completion_rate(on_time, due_or_closed)],
                  reverse("reports:round", args=[rnd.code]) if index < PROVINCE_ROUNDS_SHOWN else None)
    start = min((ref.feedback_date for ref in refs), default=None)
    board.tables = [table, _burn_down(selection, today=today, start=start, tasks=sums["tasks"],
                                      closed=sums["tasks_closed"]),
                    _ranking(ranked, lowest=PROVINCE_RANKING),
                    _ageing(selection, today=today, task_url=task_url, open_tasks=sums["open_tasks"]),
                    waiting, _categories(selection)]
    return board, table


def completion_labels() -> dict[str, str]:
    return {k: _(v) for k, v in COMPLETION_LABELS.items()}


# --- the cross-unit list of overdue and yellow tasks -------------------------------------------

WARNING_FILTERS = ("attention", "red", "yellow", "all")


@dataclass(frozen=True)
class TaskFilters:
    """``warning``: "attention" (red and yellow, the default), "red", "yellow", or "all" open tasks; with
    ``extended`` only tasks whose deadline was extended (then closed ones too when warning is "all")."""

    warning: str = "attention"
    round: str = ""
    unit: str = ""
    inspected_unit: int | None = None
    team: int | None = None
    category: str = ""
    extended: bool = False
    query: str = ""
    kind: str = ProblemKind.FEEDBACK  # feedback (counted like every figure), self_found, or "" for both


def task_count_from_rollups(*, user: User, filters: TaskFilters, today: dt.date | None = None) -> int | None:
    """The number of tasks ``task_list_for`` gives, from the deadline-day counts (one query), when the filters
    are ones those counts know (fed-back problems' open tasks by unit and deadline); None otherwise."""
    if filters.kind != ProblemKind.FEEDBACK or filters.extended or filters.category or filters.query:
        return None
    today = today or clock.today()
    units = inspection_selectors.inspected_units_for(user=user)
    if filters.round:
        units = units.filter(round__code=filters.round)
    if filters.unit:
        units = units.filter(unit__code=filters.unit)
    if filters.inspected_unit:
        units = units.filter(pk=filters.inspected_unit)
    if filters.team:
        units = units.filter(team_id=filters.team)
    narrowed = filters.round or filters.unit or filters.inspected_unit or filters.team
    in_units = Q(inspected_unit__in=units.values("pk")) if narrowed or not account_selectors.sees_every_unit(user) \
        else Q()  # every unit: no semi-join of the scope
    counts = UnitDueCount.objects.filter(in_units, measure=DueMeasure.TASK)
    if filters.warning == "all":  # every open task, those waiting for review too (the day counts leave them out)
        return UnitRollup.objects.filter(in_units).aggregate(n=Sum(F("tasks") - F("tasks_closed")))["n"] or 0
    total = 0
    if filters.warning in ("red", "attention"):  # past the deadline: no round's yellow period is needed
        total += counts.filter(day__lt=today).aggregate(n=Sum("count"))["n"] or 0
    if filters.warning in ("yellow", "attention"):  # the few days ahead, each with its round's yellow period
        widest = inspection_selectors.widest_yellow_days()
        total += (counts.filter(day__gte=today, day__lte=today + dt.timedelta(days=widest))
                  .annotate(left=DaysUntil(F("day"), today)).filter(left__lte=F("inspected_unit__round__yellow_days"))
                  .aggregate(n=Sum("count"))["n"] or 0)
    return total


def task_list_for(*, user: User, filters: TaskFilters, today: dt.date | None = None) -> QuerySet[Task]:
    """Tasks in scope with their warning, most urgent first. Red and yellow are bounded by the deadline
    (today plus the widest yellow period of any round), so the (status, due date) index gives the rows."""
    today = today or clock.today()
    qs = rectification_selectors.tasks_in_scope(user=user)
    open_states = [TaskStatus.PENDING, TaskStatus.IN_PROGRESS, TaskStatus.SUBMITTED]
    if filters.warning != "all" or not filters.extended:
        qs = qs.filter(status__in=open_states)
    if filters.warning == "red":
        qs = qs.filter(due_date__lt=today)
    elif filters.warning in ("attention", "yellow"):
        widest = inspection_selectors.widest_yellow_days()
        qs = qs.filter(due_date__lte=today + dt.timedelta(days=widest))
        if filters.warning == "yellow":
            qs = qs.filter(due_date__gte=today)
    if filters.round:
        qs = qs.filter(problem__inspected_unit__round__code=filters.round)
    if filters.unit:
        qs = qs.filter(problem__inspected_unit__unit__code=filters.unit)
    if filters.inspected_unit:
        qs = qs.filter(problem__inspected_unit_id=filters.inspected_unit)
    if filters.team:
        qs = qs.filter(problem__inspected_unit__team_id=filters.team)
    if filters.category:
        qs = qs.filter(Q(problem__category__code=filters.category) | Q(problem__category__parent__code=filters.category))
    if filters.extended:
        qs = qs.exclude(due_date=F("original_due_date"))
    if filters.query:
        qs = qs.filter(Q(measure__icontains=filters.query) | Q(problem__description__icontains=filters.query))
    if filters.kind:
        qs = qs.filter(problem__kind=filters.kind)
    qs = rectification_selectors.annotate_task_state(qs, today=today)
    if filters.warning != "all":  # a task waiting for review has no colour: the reviewers', not the unit's
        qs = qs.filter(warning__in={"attention": ["red", "yellow"], "red": ["red"], "yellow": ["yellow"]}[
            filters.warning])
    return (qs.select_related("problem__inspected_unit__unit", "problem__inspected_unit__round",
                              "problem__inspected_unit__team", "problem__category")
            .order_by("due_date", "id"))


def task_rows(tasks: list[Task]) -> dict[int, dict[str, list[str]]]:
    """The responsibility list's names of these tasks (one query)."""
    return rectification_selectors.responsible_names(tasks=Q(task_id__in=[t.pk for t in tasks]))
