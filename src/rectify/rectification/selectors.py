"""Reads of problems, tasks and close-outs with their derived state, scoped to the acting user.

Derived state is computed in SQL when read (never stored):

* task warning — closed: none; submitted for close-out by its deadline and still pending (waiting for
  review): none; due date passed: red; due within the round's ``yellow_days``
  (inclusive, so "due today" is yellow): yellow; otherwise green;
* problem status — from its tasks: all closed → closed; every open task submitted → submitted;
  none started → pending; otherwise in_progress (a problem without tasks is pending);
* problem warning — the worst warning among its open tasks;
* completion as public reports count it — all tasks closed → completed (已完成); every open
  task is a started long-term task → basic (基本完成); otherwise incomplete (未完成).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from operator import attrgetter
from typing import IO

from django.db.models import (
    BooleanField,
    Case,
    CharField,
    Count,
    DateField,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, pgettext

from rectify.accounts.models import User
from rectify.accounts.selectors import unit_scope_q
from rectify.core import clock, workdays
from rectify.core.db import DaysUntil
from rectify.core.errors import NotFound
from rectify.inspections import selectors as inspection_selectors
from rectify.inspections.models import Clue, InspectedUnit, InspectionRound, Problem
from rectify.orgs import selectors as org_selectors
from rectify.orgs.selectors import LeaderOfPeriod
from rectify.rectification.models import (
    OPEN_STATUSES,
    ChangeRequest,
    ChangeRequestState,
    CloseOut,
    CloseOutState,
    DeadlineKind,
    DueMeasure,
    Evidence,
    LeaderHandover,
    PlanEvent,
    PlanState,
    ProgressEntry,
    RectificationPlan,
    Reopening,
    Responsibility,
    ResponsibilityKind,
    Task,
    TaskStatus,
    UnitDueCount,
)

# Plain Chinese (gettext_noop marks them for the catalogue): pages translate at render time with gettext.
WARNING_LABELS = {"red": gettext_noop("红灯"), "yellow": gettext_noop("黄灯"), "green": gettext_noop("绿灯"), None: "—"}
WARNING_ORDER = ("red", "yellow", "green")
COMPLETION_LABELS = {"completed": gettext_noop("已完成"), "basic": gettext_noop("基本完成"),
                     "incomplete": gettext_noop("未完成")}
PROBLEM_STATUS_LABELS = dict(TaskStatus.choices)


# --- derived state, as SQL -----------------------------------------------------------------------

def waiting_for_review() -> Exists:
    """The task was submitted for close-out on or before its deadline and the application is still pending: the
    unit has answered, the task is not its overdue (no colour) while the reviewers decide."""
    return Exists(CloseOut.objects.filter(task=OuterRef("pk"), state=CloseOutState.PENDING,
                                          submitted_at__date__lte=OuterRef("due_date")))


def annotate_task_state(qs: QuerySet[Task], *, today: dt.date | None = None) -> QuerySet[Task]:
    today = today or clock.today()
    return qs.annotate(
        days_left=DaysUntil(F("due_date"), today),
    ).annotate(
        warning=Case(
            When(status=TaskStatus.CLOSED, then=Value(None)),
            When(Q(status=TaskStatus.SUBMITTED) & waiting_for_review(), then=Value(None)),
            When(due_date__lt=today, then=Value("red")),
            When(days_left__lte=F("problem__inspected_unit__round__yellow_days"), then=Value("yellow")),
            default=Value("green"),
            output_field=CharField(null=True),
        ),
    )


def annotate_problem_state(qs: QuerySet[Problem], *, today: dt.date | None = None) -> QuerySet[Problem]:
    """Status, warning and completion of each problem, from its rollup row (``rollups.py``) — a join, not a
    scan of tasks — with ``has_clues``. A problem without tasks has no rollup: pending, no warning, incomplete."""
    today = today or clock.today()
    return qs.annotate(
        open_days_left=DaysUntil(F("rollup__earliest_open_due"), today),
    ).annotate(
        status=Coalesce(F("rollup__status"), Value(TaskStatus.PENDING.value), output_field=CharField()),
        warning=Case(
            When(rollup__earliest_open_due__isnull=True, then=Value(None)),
            When(rollup__earliest_open_due__lt=today, then=Value("red")),
            When(open_days_left__lte=F("inspected_unit__round__yellow_days"), then=Value("yellow")),
            default=Value("green"),
            output_field=CharField(null=True),
        ),
        completion=Coalesce(F("rollup__completion"), Value("incomplete"), output_field=CharField()),
        # Rule 12: units see only the flag, and only once a clue has been handed over.
        has_clues=Exists(Clue.objects.filter(problem=OuterRef("pk"), handed_over_on__isnull=False)),
    )


# --- problems --------------------------------------------------------------------------------

@dataclass(frozen=True)
class ProblemFilters:
    round_code: str | None = None
    unit_code: str | None = None
    inspected_unit_id: int | None = None
    status: str | None = None
    warning: str | None = None
    category_code: str | None = None
    department: str | None = None
    query: str | None = None
    kind: str | None = None  # ProblemKind: feedback / self_found


def problem_list_for(*, user: User, filters: ProblemFilters | None = None) -> QuerySet[Problem]:
    """Problems in the user's scope with derived state, filtered; ordered as in the ledger."""
    f = filters or ProblemFilters()
    qs = annotate_problem_state(inspection_selectors.problems_in_scope(user=user))
    if f.round_code:
        qs = qs.filter(inspected_unit__round__code=f.round_code)
    if f.unit_code:
        qs = qs.filter(inspected_unit__unit__code=f.unit_code)
    if f.inspected_unit_id:
        qs = qs.filter(inspected_unit_id=f.inspected_unit_id)
    if f.kind:
        qs = qs.filter(kind=f.kind)
    if f.status:
        qs = qs.filter(status=f.status)
    if f.warning:
        qs = qs.filter(warning=f.warning)
        if f.inspected_unit_id:  # only a problem with a rollup row has a warning: reach the unit's rows by their
            # own unit index instead of hashing every rollup of the province (131 -> ~10 ms at 10^6)
            qs = qs.filter(rollup__inspected_unit_id=f.inspected_unit_id)
    if f.category_code:
        qs = qs.filter(Q(category__code=f.category_code) | Q(category__parent__code=f.category_code))
    if f.department:
        qs = qs.filter(
            Exists(
                Responsibility.objects.filter(
                    task__problem=OuterRef("pk"), kind=ResponsibilityKind.DEPARTMENT, name=f.department
                )
            )
        )
    if f.query:
        qs = qs.filter(Q(description__icontains=f.query) | Q(detail__icontains=f.query))
    qs = qs.select_related("category", "category__parent", "inspected_unit__unit", "inspected_unit__round")
    # fed-back problems first, then self-found ones (shown apart, as in the exported ledger)
    if f.inspected_unit_id:  # one unit: the same order, without the columns that are the same on every row, so
        return qs.order_by("kind", "sort_key", "id")  # the (unit, kind, sort key, id) index gives the page
    return qs.order_by("inspected_unit__round__start_date", "inspected_unit__unit__path", "kind", "sort_key", "id")


def annotate_task_count(qs: QuerySet[Problem]) -> QuerySet[Problem]:
    """Add ``task_count`` as a correlated subquery (no join, so no GROUP BY over the derived state)."""
    counts = Task.objects.filter(problem=OuterRef("pk")).order_by().values("problem").annotate(n=Count("pk"))
    return qs.annotate(task_count=Coalesce(Subquery(counts.values("n"), output_field=IntegerField()), 0))


def latest_progress_text() -> Subquery:
    """A correlated subquery for annotating tasks: the text of the task's newest progress entry."""
    return Subquery(ProgressEntry.objects.filter(task=OuterRef("pk")).order_by("-created_at", "-id").values("text")[:1])


RESPONSIBLE_COLUMNS = ("leader", "department", "co_department", "person")


def responsible_names(*, tasks: Q) -> dict[int, dict[str, list[str]]]:
    """Names on the responsibility list per task id, by column — leader, lead department, co-operating
    department, person — in the order they were entered. One query of plain tuples (a ledger may hold
    hundreds of thousands of entries; model instances would cost more than everything else)."""
    grouped: dict[int, dict[str, list[str]]] = {}
    rows = (Responsibility.objects.filter(tasks).order_by("task_id", "id")
            .values_list("task_id", "kind", "is_lead", "name").iterator(chunk_size=10000))
    for task_id, kind, is_lead, name in rows:
        column = "co_department" if kind == ResponsibilityKind.DEPARTMENT and not is_lead else kind
        grouped.setdefault(task_id, {}).setdefault(column, []).append(name)
    return grouped


def tasks_with_state(*, today: dt.date | None = None) -> QuerySet[Task]:
    return annotate_task_state(Task.objects.all(), today=today).order_by("number")


def prefetch_ledger_rows(problems: list[Problem]) -> list[Problem]:
    """Attach each problem's tasks (with warning) and their responsibilities: two queries in all."""
    from django.db.models import prefetch_related_objects

    prefetch_related_objects(
        problems,
        Prefetch(
            "tasks",
            queryset=tasks_with_state().prefetch_related(
                Prefetch("responsibilities", queryset=Responsibility.objects.order_by("kind", "-is_lead", "id"))
            ),
        ),
    )
    return problems


def problem_get_for(*, user: User, problem_id: int) -> Problem:
    try:
        problem = problem_list_for(user=user).select_related("repeats__inspected_unit__round").get(pk=problem_id)
    except Problem.DoesNotExist:
        raise NotFound(_("未找到该问题，或您无权查看。")) from None
    prefetch_ledger_rows([problem])
    return problem


def problem_occurrence_period(problem: Problem) -> tuple[dt.date, dt.date] | None:
    """The days the problem happened, both included: a missing end means "until the feedback" (the team
    found it still going on), a missing start means the one day the end names. None without either date —
    then nobody can be named as leading the unit "at the time"."""
    if problem.occurred_from is None and problem.occurred_to is None:
        return None
    end = problem.occurred_to or max(problem.inspected_unit.feedback_date, problem.occurred_from)  # type: ignore[type-var]
    return (problem.occurred_from or end, end)


def problem_leaders_of_period(*, problem: Problem) -> list[LeaderOfPeriod]:
    """The principals and members in charge whose tenure overlaps the problem's occurrence period
    (``problem_occurrence_period``; none when the period is unknown).

    A member is "in charge" when their post's areas include a lead department of the problem's tasks or
    when the tasks' responsibility list names them as leader — now, or before they handed a task over to
    a successor (rule 10: the former holder stays among the leaders of the period). Uses the tasks and
    responsibilities that ``problem_get_for`` prefetched, so it costs two queries (hand-overs, tenures).
    """
    period = problem_occurrence_period(problem)
    if period is None:
        return []
    departments: set[str] = set()
    leader_names: set[str] = set()
    leader_people: set[int] = set()
    for task in problem.tasks.all():
        for r in task.responsibilities.all():
            if r.kind == ResponsibilityKind.DEPARTMENT and r.is_lead:
                departments.add(r.name)
            elif r.kind == ResponsibilityKind.LEADER:
                leader_names.add(r.name)
                if r.person_id:
                    leader_people.add(r.person_id)
    for person_id, name in LeaderHandover.objects.filter(task__problem=problem).values_list(
            "from_tenure__person_id", "from_tenure__person__name"):
        leader_people.add(person_id)
        leader_names.add(name)
    return org_selectors.leaders_during(
        unit=problem.inspected_unit.unit, start=period[0], end=period[1], departments=departments,
        leader_names=leader_names, leader_person_ids=leader_people,
    )


def departments_of(*, inspected_unit: InspectedUnit) -> list[str]:
    """Responsible departments named in a unit's responsibility list (for the ledger filter)."""
    return list(
        Responsibility.objects.filter(
            task__problem__inspected_unit=inspected_unit, kind=ResponsibilityKind.DEPARTMENT
        )
        .values_list("name", flat=True)
        .distinct()
        .order_by("name")
    )


# --- tasks -----------------------------------------------------------------------------------

def tasks_in_scope(*, user: User) -> QuerySet[Task]:
    return Task.objects.filter(unit_scope_q(user, unit_path_field="problem__inspected_unit__unit__path"))


def task_get_for(*, user: User, task_id: int) -> Task:
    """A task with its warning, or NotFound if it does not exist or is outside the user's scope."""
    qs = annotate_task_state(tasks_in_scope(user=user)).select_related(
        "problem", "problem__category", "problem__inspected_unit__unit", "problem__inspected_unit__round"
    )
    try:
        return qs.get(pk=task_id)
    except Task.DoesNotExist:
        raise NotFound(_("未找到该整改任务，或您无权查看。")) from None


@dataclass
class TaskHistory:
    responsibilities: list[Responsibility]
    progress: list[ProgressEntry]
    evidence: list[Evidence]
    close_outs: list[CloseOut]
    reopenings: list[Reopening]
    change_requests: list[ChangeRequest] = field(default_factory=list)
    timeline: list[dict] = field(default_factory=list)
    handovers: list[LeaderHandover] = field(default_factory=list)


def task_history(*, task: Task) -> TaskHistory:
    """Everything that happened to a task, merged into one timeline (newest first)."""
    progress = list(ProgressEntry.objects.filter(task=task).select_related("author"))
    evidence = list(Evidence.objects.filter(task=task).select_related("uploaded_by"))
    close_outs = list(
        CloseOut.objects.filter(task=task).select_related("submitted_by", "reviewed_by").prefetch_related("evidence")
    )
    reopenings = list(Reopening.objects.filter(task=task).select_related("reopened_by"))
    change_requests = list(ChangeRequest.objects.filter(task=task).select_related("decided_by")
                           .order_by("-requested_at", "-id"))
    handovers = list(LeaderHandover.objects.filter(task=task).select_related(
        "from_tenure__person", "from_tenure__post", "to_tenure__person", "to_tenure__post"))
    history = TaskHistory(
        responsibilities=list(Responsibility.objects.filter(task=task).select_related("tenure__person", "tenure__post")),
        progress=progress,
        evidence=evidence,
        close_outs=close_outs,
        reopenings=reopenings,
        change_requests=change_requests,
        handovers=handovers,
    )
    events: list[dict] = []
    events += [{"at": p.created_at, "kind": "progress", "actor": p.author, "title": pgettext("timeline", "填报进展"), "text": p.text}
               for p in progress]
    events += [{"at": e.uploaded_at, "kind": "evidence", "actor": e.uploaded_by, "title": pgettext("timeline", "上传佐证材料"),
                "text": e.original_name} for e in evidence]
    for c in close_outs:
        events.append({"at": c.submitted_at, "kind": "submitted", "actor": c.submitted_by, "title": pgettext("timeline", "申请销号"),
                       "text": c.note or c.no_evidence_reason})
        if c.state == CloseOutState.APPROVED:
            events.append({"at": c.reviewed_at, "kind": "approved", "actor": c.reviewed_by, "title": pgettext("timeline", "审核通过，予以销号"),
                           "text": c.review_comment})
        elif c.state == CloseOutState.RETURNED:
            events.append({"at": c.reviewed_at, "kind": "returned", "actor": c.reviewed_by, "title": pgettext("timeline", "退回重新整改"),
                           "text": c.review_comment})
    events += [{"at": r.reopened_at, "kind": "reopened", "actor": r.reopened_by, "title": pgettext("timeline", "重新打开"),
                "text": r.reason} for r in reopenings]
    for c in change_requests:
        events.append({"at": c.requested_at, "kind": "change_requested", "actor": c.requested_by_name,
                       "title": pgettext("timeline", "申请变更"), "text": c.reason})
        if c.state in (ChangeRequestState.APPROVED, ChangeRequestState.REFUSED) and c.decided_at:
            title = (pgettext("timeline", "变更申请获批准") if c.state == ChangeRequestState.APPROVED
                     else pgettext("timeline", "变更申请未获批准"))
            events.append({"at": c.decided_at, "kind": f"change_{c.state}", "actor": c.decided_by, "title": title,
                           "text": c.decision_comment})
    for h in handovers:  # the former leader stays in the task's history (rule 10)
        text = _("责任领导由%(from)s移交给%(to)s") % {"from": h.from_tenure.person.name, "to": h.to_tenure.person.name}
        events.append({"at": h.handed_over_at, "kind": "handover", "actor": h.handed_over_by_name,
                       "title": pgettext("timeline", "移交责任领导"), "text": f"{text}\n{h.note}" if h.note else text})
    history.timeline = sorted(events, key=lambda e: e["at"], reverse=True)
    return history


def evidence_get_for(*, user: User, evidence_id: int) -> Evidence:
    try:
        return Evidence.objects.select_related("task").get(
            unit_scope_q(user, unit_path_field="task__problem__inspected_unit__unit__path"), pk=evidence_id
        )
    except Evidence.DoesNotExist:
        raise NotFound(_("未找到该佐证材料，或您无权查看。")) from None


def evidence_open_for(*, user: User, evidence_id: int) -> tuple[Evidence, IO[bytes]]:
    """An evidence row in scope and its file opened for reading; NotFound if the file has gone from storage."""
    evidence = evidence_get_for(user=user, evidence_id=evidence_id)
    try:
        return evidence, evidence.file.open("rb")
    except FileNotFoundError:
        raise NotFound(_("佐证材料文件已不在存储中，请联系系统管理员从备份恢复。"), code="file_missing",
                       details={"evidence": evidence.pk}) from None


# --- close-outs ------------------------------------------------------------------------------

def close_outs_in_scope(*, user: User) -> QuerySet[CloseOut]:
    return CloseOut.objects.filter(unit_scope_q(user, unit_path_field="task__problem__inspected_unit__unit__path"))


def close_out_queue_for(*, user: User, state: str = CloseOutState.PENDING, round_code: str | None = None,
                        unit: str | None = None, order: str = "oldest") -> QuerySet[CloseOut]:
    """The review queue: close-outs in scope in one state, optionally of one round and of one unit (its code, or a
    part of its name). Pending ones longest waiting first (first come, first reviewed) or, with ``order``
    "newest", newest first; reviewed ones latest review first."""
    qs = close_outs_in_scope(user=user).filter(state=state)
    if round_code:
        qs = qs.filter(task__problem__inspected_unit__round__code=round_code)
    if unit:
        qs = qs.filter(Q(task__problem__inspected_unit__unit__code=unit)
                       | Q(task__problem__inspected_unit__unit__name__contains=unit))
    if state == CloseOutState.PENDING:
        ordering = ("-submitted_at", "-id") if order == "newest" else ("submitted_at", "id")
    else:
        ordering = ("-reviewed_at", "id")
    return (
        qs.select_related(
            "submitted_by", "reviewed_by", "task__problem__inspected_unit__unit", "task__problem__inspected_unit__round"
        )
        # A correlated count, not Count("evidence"): a join would GROUP BY every selected column and sort the
        # whole queue before the page is cut; this way the (state, submitted time) index gives the page in order.
        .annotate(evidence_count=Coalesce(Subquery(
            CloseOut.evidence.through.objects.filter(closeout_id=OuterRef("pk")).order_by()
            .values("closeout_id").annotate(n=Count("pk")).values("n"), output_field=IntegerField()), 0))
        .order_by(*ordering)
    )


@dataclass
class WaitingRow:
    close_out: CloseOut
    days: int  # calendar days since the application
    workdays: int  # working days waited (China's adjusted holidays)
    warning: str | None  # the reviewers' own warning: yellow, then red at RECTIFY_REVIEW_WARNING_WORKING_DAYS


def review_warning(workdays_waited: int) -> str | None:
    """Red once the application has waited the configured working days; yellow two working days before."""
    from django.conf import settings

    limit = settings.RECTIFY_REVIEW_WARNING_WORKING_DAYS
    if workdays_waited >= limit:
        return "red"
    if workdays_waited >= max(1, limit - 2):
        return "yellow"
    return None


def with_waiting(close_outs: list[CloseOut], *, today: dt.date | None = None) -> list[WaitingRow]:
    """How long each application of a page has waited (no query)."""
    today = today or clock.today()
    rows = []
    for c in close_outs:
        submitted = c.submitted_at.astimezone(clock.SHANGHAI).date()
        waited = workdays.workdays_between(submitted, today)
        rows.append(WaitingRow(close_out=c, days=max(0, (today - submitted).days), workdays=waited,
                               warning=review_warning(waited)))
    return rows


def close_out_get_for(*, user: User, close_out_id: int) -> CloseOut:
    try:
        return close_outs_in_scope(user=user).select_related("task", "submitted_by").get(pk=close_out_id)
    except CloseOut.DoesNotExist:
        raise NotFound(_("未找到该销号申请，或您无权查看。")) from None


def prefetch_close_out_evidence(close_outs: list[CloseOut]) -> list[CloseOut]:
    """Attach the evidence each close-out was submitted with: one query for the whole page."""
    from django.db.models import prefetch_related_objects

    prefetch_related_objects(close_outs, Prefetch("evidence", queryset=Evidence.objects.order_by("id")))
    return close_outs


def pending_close_out_count_for(*, user: User) -> int:
    if not user.can_review_close_out:
        return 0
    return close_outs_in_scope(user=user).filter(state=CloseOutState.PENDING).count()


# --- progress of units and rounds ---------------------------------------------------------------

def completion_rate(completed: int, problems: int) -> Decimal:
    """Completion rate in percent, two decimals, as public reports state it (688/697 → 98.71)."""
    if problems == 0:
        return Decimal("0.00")
    return (Decimal(completed) * 100 / Decimal(problems)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def completion_hundredths(completed: int, problems: int) -> int:
    """``completion_rate`` in hundredths of a percent, as an integer (the same rounding, without a Decimal: for
    ordering thousands of units)."""
    if problems == 0:
        return 0
    return (completed * 20000 + problems) // (2 * problems)


@dataclass
class UnitProgress:
    inspected_unit: InspectedUnit
    problems: int = 0
    by_status: dict[str, int] = field(default_factory=dict)
    by_warning: dict[str, int] = field(default_factory=dict)
    by_completion: dict[str, int] = field(default_factory=dict)
    tasks: int = 0  # tasks of fed-back problems, like every other figure here
    tasks_closed: int = 0
    tasks_overdue: int = 0  # open and past the deadline in force (what the warnings show)
    # Overdue statistics count from the plan's original deadline (rule 3): an approved extension moves the
    # warning, not the record. Extended: the deadline in force differs from the original one.
    tasks_overdue_original: int = 0
    tasks_extended: int = 0
    clues: int | None = None
    # Self-found problems (自查问题) are counted apart: never in ``problems`` or the completion rate.
    self_found: int = 0
    self_found_completed: int = 0

    @property
    def completed(self) -> int:
        return self.by_completion.get("completed", 0)

    @property
    def basic(self) -> int:
        return self.by_completion.get("basic", 0)

    @property
    def incomplete(self) -> int:
        return self.by_completion.get("incomplete", 0)

    @property
    def rate(self) -> Decimal:
        return completion_rate(self.completed, self.problems)

    @property
    def worst_warning(self) -> str | None:
        return next((w for w in WARNING_ORDER if self.by_warning.get(w)), None)


def round_progress_for(*, user: User, round: InspectionRound, today: dt.date | None = None) -> list[UnitProgress]:
    """Progress of every inspected unit of the round in the user's scope, from the read model: the units with
    their rollups and problem counts, then today's red/yellow/overdue from the rollups' deadline-day totals less
    the counts from today on — two queries whatever the size of the round (three with clues)."""
    today = today or clock.today()
    units = list(with_unit_facts(inspection_selectors.inspected_units_of_round_for(user=user, round=round)))
    progress = {iu.pk: UnitProgress(inspected_unit=iu) for iu in units}
    if not progress:
        return []
    unit_facts_into(progress, yellow_days=round.yellow_days, today=today)
    if user.sees_clues:
        for iu_id, n in inspection_selectors.clue_counts_by_unit(user=user, round=round).items():
            if iu_id in progress:
                progress[iu_id].clues = n
        for p in progress.values():
            p.clues = p.clues or 0
    return list(progress.values())


def with_unit_facts(units: QuerySet[InspectedUnit]) -> QuerySet[InspectedUnit]:
    """Inspected units with their rollup row (they keep their numbers of fed-back and self-found problems
    themselves: ``fed_back_problems``, ``self_found_problems``)."""
    return units.select_related("rollup")


STATUS_VALUES = tuple(TaskStatus.values)  # read once: the enum's ``values`` builds a new list at every access
PENDING = TaskStatus.PENDING.value
ROLLUP_FIGURES = (*STATUS_VALUES, *COMPLETION_LABELS, "tasks", "tasks_closed", "tasks_extended",
                  "tasks_closed_on_time", "self_found_completed")  # the UnitRollup columns a unit's figures use


N_STATUS, N_COMPLETION = len(STATUS_VALUES), len(COMPLETION_LABELS)
COMPLETION_VALUES = tuple(COMPLETION_LABELS)
_REST = slice(N_STATUS + N_COMPLETION, None)


def fill_from_rollup(p: UnitProgress, rollup: Sequence[int] | None, *, fed_back: int, self_found: int) -> None:
    """A unit's figures from its rollup row (``ROLLUP_FIGURES``' values in their order; None: no task yet) and
    its numbers of fed-back and self-found problems. Problems without tasks are pending and incomplete."""
    if rollup is not None:
        p.by_status = {k: v for k, v in zip(STATUS_VALUES, rollup[:N_STATUS], strict=True) if v}
        p.by_completion = {k: v for k, v in zip(COMPLETION_VALUES, rollup[N_STATUS:N_STATUS + N_COMPLETION],
                                                 strict=True) if v}
        p.tasks, p.tasks_closed, p.tasks_extended, _on_time, p.self_found_completed = rollup[_REST]
    p.problems, p.self_found = fed_back, self_found
    without_tasks = p.problems - sum(p.by_status.values())
    if without_tasks:
        p.by_status[PENDING] = p.by_status.get(PENDING, 0) + without_tasks
        p.by_completion["incomplete"] = p.by_completion.get("incomplete", 0) + without_tasks


_ROLLUP_VALUES = attrgetter(*ROLLUP_FIGURES)


def unit_facts_into(progress: dict[int, UnitProgress], *, yellow_days: int, today: dt.date) -> None:
    """Fill ``UnitProgress`` rows (by inspected unit id; units from ``with_unit_facts``) from the read model: the
    rollup's figures and deadline-day totals, and one query for the counts from today on, for any number of
    units. Problems without tasks have no rollup: they are pending, incomplete and without a warning."""
    totals: dict[int, tuple[int, int, int]] = {}
    for pk, p in progress.items():
        iu = p.inspected_unit
        row = getattr(iu, "rollup", None)  # a unit whose problems have no task yet has none
        fill_from_rollup(p, _ROLLUP_VALUES(row) if row is not None else None, fed_back=iu.fed_back_problems,
                         self_found=iu.self_found_problems)
        if row is not None:
            totals[pk] = _DUE_TOTAL_VALUES(row)
    ahead = days_ahead(Q(inspected_unit_id__in=list(totals)), yellow_days=dict.fromkeys(totals, yellow_days),
                       today=today)
    for pk, unit_totals in totals.items():
        p = progress[pk]
        red, yellow, green, _tasks_yellow, p.tasks_overdue, p.tasks_overdue_original = judged(unit_totals,
                                                                                               ahead.get(pk))
        p.by_warning = warning_counts(red, yellow, green)


# --- today's judgements from the deadline-day counts -------------------------------------------
# A unit's rollup keeps the total of each measure's deadline-day counts (``DUE_TOTALS``); what is past its
# deadline today is the total less the counts from today on, so a page reads the days ahead only, never the
# days behind (a province's rounds have years of them).

# (plain strings: rows are keyed by them thousands of times a page, and an enum member hashes in Python)
PROBLEM_DUE, TASK_DUE, TASK_ORIGINAL_DUE = DueMeasure.PROBLEM.value, DueMeasure.TASK.value, DueMeasure.TASK_ORIGINAL.value
SUMMED_MEASURES = (PROBLEM_DUE, TASK_DUE, TASK_ORIGINAL_DUE)  # not the close-out days
DUE_TOTALS = ("problem_due_total", "task_due_total", "task_original_due_total")  # UnitRollup, as SUMMED_MEASURES
_DUE_TOTAL_VALUES = attrgetter(*DUE_TOTALS)
YELLOW_OF = {PROBLEM_DUE: "yellow", TASK_DUE: "tasks_yellow"}  # the yellow ones of a measure
AHEAD = (*SUMMED_MEASURES, *YELLOW_OF.values())  # what is summed from today on
NOTHING_AHEAD = dict.fromkeys(AHEAD, 0)


def days_ahead(units: Q, *, yellow_days: dict[int, int], today: dt.date) -> dict[int, dict[str, int]]:
    """The deadline-day counts from today on of the units ``units`` selects (a condition on
    ``inspected_unit_id``), by unit: ``AHEAD`` by measure, and the yellow ones by each unit's round's
    ``yellow_days``. One aggregate without joins: the days within the widest yellow period apart — joining the
    rounds for their yellow periods and filtering each sum cost twice as much at 10^6 tasks."""
    if not yellow_days:
        return {}
    widest = today + dt.timedelta(days=max(yellow_days.values()))
    near = Case(When(day__lte=widest, then=F("day")), default=None, output_field=DateField())
    ahead: dict[int, dict[str, int]] = {}
    for pk, measure, day, n in (UnitDueCount.objects.filter(units, measure__in=SUMMED_MEASURES, day__gte=today)
                                .annotate(near=near).order_by().values_list("inspected_unit_id", "measure", "near")
                                .annotate(n=Sum("count"))):
        row = ahead.get(pk)
        if row is None:
            row = ahead[pk] = dict(NOTHING_AHEAD)
        row[measure] += n
        if day is not None and measure in YELLOW_OF and (day - today).days <= yellow_days.get(pk, -1):
            row[YELLOW_OF[measure]] += n
    return ahead


def judged(totals: Sequence[int], ahead: dict[str, int] | None) -> tuple[int, int, int, int, int, int]:
    """Today's judgements of a unit from its deadline-day totals (problems, tasks, tasks by the original
    deadline) and its counts from today on (``days_ahead``): what is past its deadline is the total less what
    is not yet. (red, yellow and green problems, yellow tasks, overdue tasks, overdue by the original
    deadline.)"""
    problems, tasks, original = totals
    row = ahead or NOTHING_AHEAD
    # (max, min: a change committed between the two reads must not show a negative count for one request)
    red = max(0, problems - row[PROBLEM_DUE])
    yellow = min(row["yellow"], problems - red)
    return (red, yellow, problems - red - yellow, row["tasks_yellow"], max(0, tasks - row[TASK_DUE]),
            max(0, original - row[TASK_ORIGINAL_DUE]))


def warning_counts(red: int, yellow: int, green: int) -> dict[str, int]:
    """A unit's problems by warning colour, the colours it has none of left out (``UnitProgress.by_warning``)."""
    return {k: v for k, v in (("red", red), ("yellow", yellow), ("green", green)) if v}


@dataclass
class RoundTotals:
    units: int
    problems: int
    completed: int
    basic: int
    incomplete: int
    red: int
    yellow: int
    green: int
    tasks: int
    tasks_closed: int
    tasks_overdue: int
    clues: int | None
    tasks_overdue_original: int = 0
    tasks_extended: int = 0
    self_found: int = 0
    self_found_completed: int = 0

    @property
    def rate(self) -> Decimal:
        return completion_rate(self.completed, self.problems)


def round_totals(progress: list[UnitProgress]) -> RoundTotals:
    sees_clues = any(p.clues is not None for p in progress)
    return RoundTotals(
        units=len(progress),
        problems=sum(p.problems for p in progress),
        completed=sum(p.completed for p in progress),
        basic=sum(p.basic for p in progress),
        incomplete=sum(p.incomplete for p in progress),
        red=sum(p.by_warning.get("red", 0) for p in progress),
        yellow=sum(p.by_warning.get("yellow", 0) for p in progress),
        green=sum(p.by_warning.get("green", 0) for p in progress),
        tasks=sum(p.tasks for p in progress),
        tasks_closed=sum(p.tasks_closed for p in progress),
        tasks_overdue=sum(p.tasks_overdue for p in progress),
        tasks_overdue_original=sum(p.tasks_overdue_original for p in progress),
        tasks_extended=sum(p.tasks_extended for p in progress),
        clues=sum(p.clues or 0 for p in progress) if sees_clues else None,
        self_found=sum(p.self_found for p in progress),
        self_found_completed=sum(p.self_found_completed for p in progress),
    )


# --- the workbench -----------------------------------------------------------------------------

# The open states written into the SQL as constants, not bound parameters: SQLite uses a partial index only when
# the query repeats the index's condition word for word, and a "?" never matches it (PostgreSQL proves it either
# way). Constants from the code, never from a request.
_OPEN_LITERAL = RawSQL(
    '"rectification_task"."status" IN (' + ", ".join(f"'{s}'" for s in OPEN_STATUSES) + ")", (),
    output_field=BooleanField())


def attention_tasks_for(*, user: User, limit: int = 12) -> list[Task]:
    """Open tasks in scope that are red or yellow, most urgent first. The deadline bound (today plus the largest
    yellow period of any round) lets the (status, due date) index give the rows in order instead of judging
    every open task of the province."""
    today = clock.today()
    widest = inspection_selectors.widest_yellow_days()
    qs = (
        annotate_task_state(tasks_in_scope(user=user).filter(
            _OPEN_LITERAL, due_date__lte=today + dt.timedelta(days=widest)), today=today)
        .filter(warning__in=["red", "yellow"])
        .select_related("problem__inspected_unit__unit", "problem__inspected_unit__round")
        .order_by("due_date", "id")
    )
    return list(qs[:limit])


def returned_close_outs_for(*, user: User, limit: int = 8) -> list[CloseOut]:
    """Close-outs returned to the unit whose task is still being reworked."""
    qs = (
        close_outs_in_scope(user=user)
        .filter(state=CloseOutState.RETURNED, task__status=TaskStatus.IN_PROGRESS)
        .exclude(task__close_outs__state=CloseOutState.PENDING)
        .select_related("task__problem__inspected_unit__unit", "task__problem__inspected_unit__round", "reviewed_by")
        .order_by("-reviewed_at")
    )
    return list(qs[:limit])


# --- the rectification plan and its gaps (rule 1) ------------------------------------------------

def plan_state_of(*, inspected_unit_id: int) -> str:
    """The plan's state; a unit that has not submitted yet is drafting (there is no row)."""
    return (RectificationPlan.objects.filter(inspected_unit_id=inspected_unit_id)
            .values_list("state", flat=True).first() or PlanState.DRAFT)


GAP_LIMIT = 50  # rows listed per kind of gap; the counts are always complete

GAP_LABELS = {
    "no_tasks": gettext_noop("问题尚无整改任务"),
    "no_criterion": gettext_noop("缺完成标准"),
    "no_leader": gettext_noop("缺责任领导"),
    "leader_unlinked": gettext_noop("责任领导不是本单位在任班子成员"),
    "no_department": gettext_noop("缺牵头责任部门"),
    "no_person": gettext_noop("缺责任人"),
    "no_milestones": gettext_noop("长期坚持任务缺阶段目标"),
}


# The same, short enough for a table header (the long label is the header's title).
GAP_SHORT_LABELS = {
    "no_tasks": gettext_noop("无任务"),
    "no_criterion": gettext_noop("缺标准"),
    "no_leader": gettext_noop("缺领导"),
    "leader_unlinked": gettext_noop("领导未关联"),
    "no_department": gettext_noop("缺部门"),
    "no_person": gettext_noop("缺责任人"),
    "no_milestones": gettext_noop("缺阶段目标"),
}


@dataclass
class PlanGaps:
    """What rule 1 (and rule 2's stage goals) still miss in a unit's three lists. Only tasks that can still
    be edited (pending or in progress) count: a task under close-out review or closed is not changed here."""

    counts: dict[str, int]
    problems_without_tasks: list[Problem]
    tasks: list[Task]  # up to GAP_LIMIT tasks with any gap, each with its flags (has_leader, …)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def complete(self) -> bool:
        return self.total == 0

    def summary(self) -> list[tuple[str, str, int]]:
        return [(key, _(label), self.counts[key]) for key, label in GAP_LABELS.items() if self.counts.get(key)]


def _tasks_with_gap_flags(qs: QuerySet[Task]) -> QuerySet[Task]:
    entries = Responsibility.objects.filter(task=OuterRef("pk"))
    return qs.annotate(
        has_leader=Exists(entries.filter(kind=ResponsibilityKind.LEADER)),
        has_linked_leader=Exists(entries.filter(kind=ResponsibilityKind.LEADER, tenure__isnull=False)),
        has_department=Exists(entries.filter(kind=ResponsibilityKind.DEPARTMENT, is_lead=True)),
        has_person=Exists(entries.filter(kind=ResponsibilityKind.PERSON)),
        lacks_milestones=Case(When(Q(deadline_kind=DeadlineKind.LONG_TERM) & Q(milestones=""), then=Value(True)),
                              default=Value(False)),
        lacks_criterion=Case(When(criterion="", then=Value(True)), default=Value(False)),
    )


_GAP_FILTER = (Q(has_leader=False) | Q(has_linked_leader=False) | Q(has_department=False) | Q(has_person=False)
               | Q(lacks_milestones=True) | Q(lacks_criterion=True))


def plan_gaps(*, inspected_unit: InspectedUnit) -> PlanGaps:
    """Three queries: the counts, the first tasks with gaps, the first problems without tasks."""
    editable = _tasks_with_gap_flags(Task.objects.filter(problem__inspected_unit=inspected_unit,
                                                         status__in=[TaskStatus.PENDING, TaskStatus.IN_PROGRESS]))
    counts = editable.aggregate(
        no_leader=Count("pk", filter=Q(has_leader=False)),
        leader_unlinked=Count("pk", filter=Q(has_leader=True, has_linked_leader=False)),
        no_department=Count("pk", filter=Q(has_department=False)),
        no_person=Count("pk", filter=Q(has_person=False)),
        no_milestones=Count("pk", filter=Q(lacks_milestones=True)),
        no_criterion=Count("pk", filter=Q(lacks_criterion=True)),
    )
    bare = Problem.objects.filter(inspected_unit=inspected_unit).filter(~Exists(Task.objects.filter(problem=OuterRef("pk"))))
    counts["no_tasks"] = bare.count()
    problems = list(bare.order_by("kind", "sort_key", "id")[:GAP_LIMIT]) if counts["no_tasks"] else []
    tasks = (list(editable.filter(_GAP_FILTER).select_related("problem")
                  .order_by("problem__kind", "problem__sort_key", "number")[:GAP_LIMIT])
             if any(counts[k] for k in counts if k != "no_tasks") else [])
    return PlanGaps(counts={k: counts[k] for k in GAP_LABELS}, problems_without_tasks=problems, tasks=tasks)


@dataclass
class PlanView:
    inspected_unit: InspectedUnit
    plan: RectificationPlan | None
    history: list[PlanEvent]

    @property
    def state(self) -> str:
        return self.plan.state if self.plan else PlanState.DRAFT

    @property
    def state_label(self) -> str:
        return str(PlanState(self.state).label)

    @property
    def version(self) -> int:
        return self.plan.version if self.plan else 0


def plan_get_for(*, user: User, round_code: str, unit_code: str) -> PlanView:
    """The plan of an inspected unit in the user's scope, with its history oldest first (404 outside scope)."""
    inspected = inspection_selectors.inspected_unit_get_for(user=user, round_code=round_code, unit_code=unit_code)
    plan = RectificationPlan.objects.filter(inspected_unit=inspected).first()
    history = list(PlanEvent.objects.filter(plan=plan).select_related("actor").order_by("at", "id")) if plan else []
    return PlanView(inspected_unit=inspected, plan=plan, history=history)


@dataclass
class UnitPlanRow:
    inspected_unit: InspectedUnit
    state: str
    submitted_at: dt.datetime | None
    tasks: int = 0
    gaps: dict[str, int] = field(default_factory=dict)

    @property
    def gap_total(self) -> int:
        return sum(self.gaps.values())


def round_plans_for(*, user: User, round: InspectionRound) -> list[UnitPlanRow]:
    """Every inspected unit of the round in scope with its plan state and rule-1 gaps: four queries."""
    units = list(inspection_selectors.inspected_units_of_round_for(user=user, round=round))
    rows = {iu.pk: UnitPlanRow(inspected_unit=iu, state=PlanState.DRAFT, submitted_at=None) for iu in units}
    if not rows:
        return []
    for iu_id, state, submitted_at in RectificationPlan.objects.filter(inspected_unit_id__in=rows).values_list(
            "inspected_unit_id", "state", "submitted_at"):
        rows[iu_id].state, rows[iu_id].submitted_at = state, submitted_at
    editable = Q(status__in=[TaskStatus.PENDING, TaskStatus.IN_PROGRESS])
    per_unit = (_tasks_with_gap_flags(Task.objects.filter(problem__inspected_unit_id__in=rows))
                .values("problem__inspected_unit_id").order_by()
                .annotate(n=Count("pk"),
                          no_leader=Count("pk", filter=editable & Q(has_leader=False)),
                          leader_unlinked=Count("pk", filter=editable & Q(has_leader=True, has_linked_leader=False)),
                          no_department=Count("pk", filter=editable & Q(has_department=False)),
                          no_person=Count("pk", filter=editable & Q(has_person=False)),
                          no_milestones=Count("pk", filter=editable & Q(lacks_milestones=True)),
                          no_criterion=Count("pk", filter=editable & Q(lacks_criterion=True))))
    for row in per_unit:
        target = rows[row["problem__inspected_unit_id"]]
        target.tasks = row["n"]
        target.gaps.update({k: row[k] for k in GAP_LABELS if k != "no_tasks"})
    bare = (Problem.objects.filter(inspected_unit_id__in=rows)
            .filter(~Exists(Task.objects.filter(problem=OuterRef("pk"))))
            .values("inspected_unit_id").order_by().annotate(n=Count("pk")))
    for row in bare:
        rows[row["inspected_unit_id"]].gaps["no_tasks"] = row["n"]
    return list(rows.values())


# --- change requests ---------------------------------------------------------------------------

def change_requests_in_scope(*, user: User) -> QuerySet[ChangeRequest]:
    return ChangeRequest.objects.filter(unit_scope_q(user, unit_path_field="problem__inspected_unit__unit__path"))


def change_request_list_for(*, user: User, state: str | None = ChangeRequestState.PENDING,
                            inspected_unit_id: int | None = None, task_id: int | None = None) -> QuerySet[ChangeRequest]:
    """Change requests in scope, oldest pending first (first come, first decided), others newest first."""
    qs = change_requests_in_scope(user=user)
    if state:
        qs = qs.filter(state=state)
    if inspected_unit_id:
        qs = qs.filter(problem__inspected_unit_id=inspected_unit_id)
    if task_id:
        qs = qs.filter(task_id=task_id)
    order = ("requested_at", "id") if state == ChangeRequestState.PENDING else ("-requested_at", "-id")
    return qs.select_related("problem__inspected_unit__unit", "problem__inspected_unit__round", "task",
                             "requested_by", "decided_by").order_by(*order)


def change_request_get_for(*, user: User, change_request_id: int) -> ChangeRequest:
    try:
        return change_requests_in_scope(user=user).select_related(
            "problem__inspected_unit__unit", "problem__inspected_unit__round", "task", "requested_by",
            "decided_by").get(pk=change_request_id)
    except ChangeRequest.DoesNotExist:
        raise NotFound(_("未找到该变更申请，或您无权查看。")) from None


def pending_change_request_count_for(*, user: User) -> int:
    if not user.can_decide_change_requests:
        return 0
    return change_requests_in_scope(user=user).filter(state=ChangeRequestState.PENDING).count()
# --- leaders' hand-over when they change post (rule 10) -------------------------------------------

def open_tasks_led_by(tenure_ids: Collection[int]) -> dict[int, list[int]]:
    """Tenure id -> ids of the open tasks (every status but closed; a submitted task is still open) whose
    responsibility list names that tenure as leader, sorted. One query; tenures leading none are absent.
    The provider ``orgs.hooks.open_duties`` calls (registered in ``RectificationConfig.ready``)."""
    led: dict[int, list[int]] = {}
    rows = (Responsibility.objects.filter(kind=ResponsibilityKind.LEADER, tenure_id__in=list(tenure_ids))
            .exclude(task__status=TaskStatus.CLOSED).order_by("tenure_id", "task_id")
            .values_list("tenure_id", "task_id"))
    for tenure_id, task_id in rows:
        tasks = led.setdefault(tenure_id, [])
        if not tasks or tasks[-1] != task_id:
            tasks.append(task_id)
    return led


def open_tasks_of_tenure(*, tenure_id: int) -> list[Task]:
    """The open tasks a tenure leads, with their problem and warning, in ledger order (the hand-over page).
    The caller has checked that the tenure is in the user's scope; the tasks are of its unit."""
    led = Responsibility.objects.filter(kind=ResponsibilityKind.LEADER, tenure_id=tenure_id).values("task_id")
    return list(annotate_task_state(Task.objects.filter(pk__in=led).exclude(status=TaskStatus.CLOSED))
                .select_related("problem__inspected_unit__round", "problem__inspected_unit__unit")
                .order_by("problem__inspected_unit__round__start_date", "problem__sort_key", "problem_id", "number"))


def plans_awaiting_review_for(*, user: User, limit: int = 8) -> tuple[list[RectificationPlan], int]:
    """Submitted plans in scope, first submitted first (for a reviewer's workbench): the rows and the count."""
    if not user.can_review_plan:
        return [], 0
    qs = (RectificationPlan.objects.filter(unit_scope_q(user, unit_path_field="inspected_unit__unit__path"),
                                           state=PlanState.SUBMITTED)
          .select_related("inspected_unit__unit", "inspected_unit__round").order_by("submitted_at", "id"))
    return list(qs[:limit]), qs.count()


def own_plans_for(*, user: User, limit: int = 6) -> list[PlanView]:
    """A unit user's inspected units, newest round first, each with its plan and the latest review step (the
    reason when it was returned): two queries."""
    units = list(inspection_selectors.inspected_units_for(user=user).select_related("round", "unit")
                 .order_by("-round__start_date", "unit__path")[:limit])
    plans = {p.inspected_unit_id: p for p in RectificationPlan.objects.filter(inspected_unit__in=units)
             .prefetch_related(Prefetch("events", queryset=PlanEvent.objects.order_by("-at", "-id")))}
    views = []
    for iu in units:
        plan = plans.get(iu.pk)
        views.append(PlanView(inspected_unit=iu, plan=plan, history=list(plan.events.all()[:1]) if plan else []))
    return views
