"""The read model: facts pages aggregate, kept up to date inside the transaction of every change.

Facts are stored, judgements about today are computed (DECISIONS 28). For each problem with tasks a
``ProblemRollup`` row holds its task counts by status, its status and completion (which follow from the
counts), its category (copied from the problem, so that counts by category need not join the problems), its
earliest open deadline and the deadlines of its open tasks. For each inspected unit a ``UnitRollup`` row sums
its problems by status and completion, and ``UnitDueCount`` rows count its open problems and tasks per deadline
day (the rollup row keeps their totals too) — so a round's red, yellow and overdue figures are sums over a few
rows, whatever the size of the round, and "today" moves without any job running.

Every service that changes tasks, or a problem's category, calls ``refresh(problem_ids)`` before its
transaction ends:

1. read the problems' tasks (and latest progress) and compute their new rollups;
2. read the old rollups, and take the difference of each problem's contribution to its unit;
3. lock the units' rollup rows (in id order), add the differences to the counters and the day counts;
4. write the problems' rollups.

``rebuild()`` recomputes everything from the source rows (the demo loader and bulk loaders call it) and
``verify()`` compares the stored rollups with a full recomputation and names the first difference
(``rectify verify-rollups``). Both cover the problem counts the inspected units keep too (kept by
``inspections.services``, which knows nothing of this module).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import F, Max

from rectify.core import clock
from rectify.inspections import selectors as inspection_selectors
from rectify.inspections import services as inspection_services
from rectify.inspections.models import InspectedUnit, Problem, ProblemKind
from rectify.rectification.models import (
    CloseOut,
    DeadlineKind,
    DueMeasure,
    ProblemRollup,
    ProgressEntry,
    Task,
    TaskStatus,
    UnitDueCount,
    UnitRollup,
)

CHUNK = 2000
OPEN = (TaskStatus.PENDING, TaskStatus.IN_PROGRESS, TaskStatus.SUBMITTED)
COUNTERS = ("problems", "pending", "in_progress", "submitted", "closed", "completed", "basic", "incomplete",
            "tasks", "tasks_closed", "tasks_extended", "tasks_closed_on_time", "self_found", "self_found_completed",
            "problem_due_total", "task_due_total", "task_original_due_total")
ROLLUP_FIELDS = ("inspected_unit_id", "kind", "category_id", "tasks", "pending", "in_progress", "submitted", "closed", "extended",
                 "status", "completion", "earliest_open_due", "earliest_unsubmitted_due", "latest_progress_at",
                 "open_dues", "open_original_dues", "closed_days", "closed_on_time")


@dataclass(frozen=True)
class Models:
    """The model classes the computation reads and writes: the app's own, or a migration's historical ones
    (the data migration that fills the read model for an existing database uses the same code)."""

    Problem: Any
    Task: Any
    ProgressEntry: Any
    ProblemRollup: Any
    UnitRollup: Any
    UnitDueCount: Any
    CloseOut: Any

    @classmethod
    def current(cls) -> Models:
        return cls(Problem, Task, ProgressEntry, ProblemRollup, UnitRollup, UnitDueCount, CloseOut)

    @classmethod
    def from_apps(cls, apps: Any) -> Models:
        get = apps.get_model
        return cls(get("inspections", "Problem"), get("rectification", "Task"), get("rectification", "ProgressEntry"),
                   get("rectification", "ProblemRollup"), get("rectification", "UnitRollup"),
                   get("rectification", "UnitDueCount"), get("rectification", "CloseOut"))


# --- one problem ---------------------------------------------------------------------------------

@dataclass
class _Facts:
    inspected_unit_id: int
    kind: str
    category_id: int | None = None
    tasks: int = 0
    pending: int = 0
    in_progress: int = 0
    submitted: int = 0
    closed: int = 0
    extended: int = 0
    open_not_basic: int = 0  # open tasks that keep the problem from "basically completed"
    earliest_open_due: dt.date | None = None
    earliest_unsubmitted_due: dt.date | None = None
    latest_progress_at: dt.datetime | None = None
    open_dues: Counter = field(default_factory=Counter)
    open_original_dues: Counter = field(default_factory=Counter)
    closed_days: Counter = field(default_factory=Counter)
    closed_on_time: int = 0

    def add_task(self, status: str, kind: str, due: dt.date, original: dt.date,
                 closed_at: dt.datetime | None = None, waiting: bool = False) -> None:
        """``waiting``: submitted for close-out on or before its deadline — the unit has answered, so while the
        application waits the task is not the unit's overdue (nor yellow): it is the reviewers' turn."""
        self.tasks += 1
        setattr(self, status, getattr(self, status) + 1)
        if due != original:
            self.extended += 1
        if status == TaskStatus.CLOSED:
            if closed_at is not None:  # the day people in China saw it closed
                day = closed_at.astimezone(clock.SHANGHAI).date()
                self.closed_days[day.isoformat()] += 1
                self.closed_on_time += day <= original
            return
        if kind != DeadlineKind.LONG_TERM or status == TaskStatus.PENDING:
            self.open_not_basic += 1
        if status == TaskStatus.SUBMITTED and waiting:
            return
        self.open_dues[due.isoformat()] += 1
        self.open_original_dues[original.isoformat()] += 1
        self.earliest_open_due = min(filter(None, (self.earliest_open_due, due)))
        if status != TaskStatus.SUBMITTED:
            self.earliest_unsubmitted_due = min(filter(None, (self.earliest_unsubmitted_due, due)))

    @property
    def status(self) -> str:
        """All closed → closed; every open task submitted → submitted; none started → pending; else in progress
        (the rules of ``selectors.annotate_problem_state``'s docstring)."""
        if self.tasks == self.closed:
            return TaskStatus.CLOSED
        if self.pending == 0 and self.in_progress == 0:
            return TaskStatus.SUBMITTED
        if self.pending == self.tasks:
            return TaskStatus.PENDING
        return TaskStatus.IN_PROGRESS

    @property
    def completion(self) -> str:
        if self.tasks == self.closed:
            return "completed"
        return "basic" if self.open_not_basic == 0 else "incomplete"

    def row(self, problem_id: int, now: dt.datetime, m: Models) -> ProblemRollup:
        return m.ProblemRollup(
            problem_id=problem_id, inspected_unit_id=self.inspected_unit_id, kind=self.kind,
            category_id=self.category_id, tasks=self.tasks,
            pending=self.pending, in_progress=self.in_progress, submitted=self.submitted, closed=self.closed,
            extended=self.extended, status=self.status, completion=self.completion,
            earliest_open_due=self.earliest_open_due, earliest_unsubmitted_due=self.earliest_unsubmitted_due,
            latest_progress_at=self.latest_progress_at, open_dues=dict(sorted(self.open_dues.items())),
            open_original_dues=dict(sorted(self.open_original_dues.items())),
            closed_days=dict(sorted(self.closed_days.items())), closed_on_time=self.closed_on_time, changed_at=now)


def _compute(problem_ids: list[int], m: Models) -> dict[int, ProblemRollup]:
    """New rollups of these problems from their tasks: three queries. Problems without tasks get none."""
    facts: dict[int, _Facts] = {}
    problems = {pk: (unit, kind, category) for pk, unit, kind, category in
                m.Problem.objects.filter(pk__in=problem_ids).values_list("pk", "inspected_unit_id", "kind",
                                                                         "category_id")}
    waiting = set(m.CloseOut.objects.filter(task__problem_id__in=problem_ids, state="pending",
                                            submitted_at__date__lte=F("task__due_date"))
                  .values_list("task_id", flat=True))
    for task_id, problem_id, status, kind, due, original, closed_at in (
            m.Task.objects.filter(problem_id__in=problem_ids).order_by()
            .values_list("pk", "problem_id", "status", "deadline_kind", "due_date", "original_due_date",
                         "closed_at")):
        entry = facts.get(problem_id)
        if entry is None:
            unit, problem_kind, category = problems[problem_id]
            entry = facts[problem_id] = _Facts(inspected_unit_id=unit, kind=problem_kind, category_id=category)
        entry.add_task(status, kind, due, original, closed_at, waiting=task_id in waiting)
    for problem_id, latest in (m.ProgressEntry.objects.filter(task__problem_id__in=list(facts)).order_by()
                               .values("task__problem_id").annotate(latest=Max("created_at"))
                               .values_list("task__problem_id", "latest")):
        facts[problem_id].latest_progress_at = latest
    now = clock.now()
    return {problem_id: entry.row(problem_id, now, m) for problem_id, entry in facts.items()}


# --- what a problem adds to its unit --------------------------------------------------------------

@dataclass
class _UnitDelta:
    counters: Counter = field(default_factory=Counter)
    days: Counter = field(default_factory=Counter)  # (measure, "YYYY-MM-DD") -> count

    def add(self, rollup: ProblemRollup, sign: int) -> None:
        c = self.counters
        if rollup.kind == ProblemKind.SELF_FOUND:
            c["self_found"] += sign
            c["self_found_completed"] += sign * (rollup.completion == "completed")
            return
        c["problems"] += sign
        c[rollup.status] += sign
        c[rollup.completion] += sign
        c["tasks"] += sign * rollup.tasks
        c["tasks_closed"] += sign * rollup.closed
        c["tasks_extended"] += sign * rollup.extended
        c["tasks_closed_on_time"] += sign * rollup.closed_on_time
        for day, n in rollup.closed_days.items():
            self.days[(DueMeasure.TASK_CLOSED, day)] += sign * n
            self.days[(DueMeasure.TASK_CLOSED_MONTH, month_of(day))] += sign * n
        if rollup.earliest_open_due is not None:
            self.days[(DueMeasure.PROBLEM, _iso(rollup.earliest_open_due))] += sign
            c["problem_due_total"] += sign
        for day, n in rollup.open_dues.items():
            self.days[(DueMeasure.TASK, day)] += sign * n
            c["task_due_total"] += sign * n
        for day, n in rollup.open_original_dues.items():
            self.days[(DueMeasure.TASK_ORIGINAL, day)] += sign * n
            c["task_original_due_total"] += sign * n


def month_of(day: str) -> str:
    """The first day of the month of an ISO date ("2026-07-15" → "2026-07-01")."""
    return day[:8] + "01"


def _iso(day: dt.date | str) -> str:
    return day if isinstance(day, str) else day.isoformat()


def _apply_to_units(deltas: dict[int, _UnitDelta]) -> None:
    """Add the differences to the units' rollups under a lock taken in unit order (no deadlock between two
    writers), creating missing rows first."""
    unit_ids = sorted(unit for unit, delta in deltas.items() if +delta.counters or -delta.counters or delta.days)
    if not unit_ids:
        return
    now = clock.now()
    UnitRollup.objects.bulk_create([UnitRollup(inspected_unit_id=u) for u in unit_ids], ignore_conflicts=True)
    locked = {r.inspected_unit_id: r for r in
              UnitRollup.objects.select_for_update().filter(inspected_unit_id__in=unit_ids).order_by("pk")}
    for unit_id in unit_ids:
        rollup = locked[unit_id]
        for name, change in deltas[unit_id].counters.items():
            setattr(rollup, name, getattr(rollup, name) + change)
        rollup.changed_at = now
    UnitRollup.objects.bulk_update(list(locked.values()), [*COUNTERS, "changed_at"], batch_size=CHUNK)

    wanted = {(unit_id, measure, day): n for unit_id in unit_ids
              for (measure, day), n in deltas[unit_id].days.items() if n}
    if not wanted:
        return
    days = {day for _u, _m, day in wanted}
    stored = {(r.inspected_unit_id, r.measure, r.day.isoformat()): r for r in
              UnitDueCount.objects.filter(inspected_unit_id__in=unit_ids, day__in=sorted(days))}
    new, changed, gone = [], [], []
    for key, n in wanted.items():
        row = stored.get(key)
        if row is None:
            if n < 0:
                raise AssertionError(f"rollup day count below zero for {key}: run `rectify verify-rollups`")
            new.append(UnitDueCount(inspected_unit_id=key[0], measure=key[1], day=dt.date.fromisoformat(key[2]),
                                    count=n))
        elif row.count + n == 0:
            gone.append(row.pk)
        else:
            if row.count + n < 0:
                raise AssertionError(f"rollup day count below zero for {key}: run `rectify verify-rollups`")
            row.count += n
            changed.append(row)
    UnitDueCount.objects.bulk_create(new, batch_size=CHUNK)
    UnitDueCount.objects.bulk_update(changed, ["count"], batch_size=CHUNK)
    UnitDueCount.objects.filter(pk__in=gone).delete()


def _chunks(ids: list[int]) -> Iterator[list[int]]:
    for start in range(0, len(ids), CHUNK):
        yield ids[start:start + CHUNK]


def refresh(problem_ids: Iterable[int]) -> None:
    """Bring these problems' rollups, and their units', up to date with their tasks. Must run inside the
    transaction of the change (so a rolled-back change leaves the rollups as they were)."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("rollups.refresh must run inside the transaction of the change it follows")
    ids = sorted({int(pk) for pk in problem_ids})
    m = Models.current()
    for chunk in _chunks(ids):
        new = _compute(chunk, m)
        old = {r.problem_id: r for r in ProblemRollup.objects.filter(problem_id__in=chunk)}
        deltas: dict[int, _UnitDelta] = defaultdict(_UnitDelta)
        for problem_id in chunk:
            before, after = old.get(problem_id), new.get(problem_id)
            if before is not None and after is not None and _same(before, after):
                continue
            if before is not None:
                deltas[before.inspected_unit_id].add(before, -1)
            if after is not None:
                deltas[after.inspected_unit_id].add(after, +1)
        _apply_to_units(deltas)
        changed = [r for pk, r in new.items() if pk not in old or not _same(old[pk], r)]
        ProblemRollup.objects.bulk_create([r for r in changed if r.problem_id not in old], batch_size=CHUNK)
        ProblemRollup.objects.bulk_update([r for r in changed if r.problem_id in old],
                                          [f.removesuffix("_id") for f in ROLLUP_FIELDS] + ["changed_at"],
                                          batch_size=CHUNK)
        ProblemRollup.objects.filter(problem_id__in=[pk for pk in old if pk not in new]).delete()


def _same(a: ProblemRollup, b: ProblemRollup) -> bool:
    return all(_norm(getattr(a, f)) == _norm(getattr(b, f)) for f in ROLLUP_FIELDS)


def _norm(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.date | dt.datetime) else value


def refresh_unit(inspected_unit_id: int) -> None:
    """Every problem of one inspected unit (a plan's approval fixes all its original deadlines at once)."""
    refresh(Problem.objects.filter(inspected_unit_id=inspected_unit_id).values_list("pk", flat=True))


# --- from scratch: rebuild and verify ------------------------------------------------------------

def _expected(m: Models, unit_ids: list[int] | None = None) -> tuple[dict[int, ProblemRollup],
                                                                      dict[int, Counter], Counter]:
    problems = m.Problem.objects.all() if unit_ids is None else m.Problem.objects.filter(inspected_unit_id__in=unit_ids)
    ids = sorted(problems.values_list("pk", flat=True))
    rollups: dict[int, ProblemRollup] = {}
    for chunk in _chunks(ids):
        rollups.update(_compute(chunk, m))
    units: dict[int, Counter] = defaultdict(Counter)
    days: Counter = Counter()
    for rollup in rollups.values():
        delta = _UnitDelta()
        delta.add(rollup, +1)
        units[rollup.inspected_unit_id].update(delta.counters)
        for (measure, day), n in delta.days.items():
            days[(rollup.inspected_unit_id, measure, day)] += n
    return rollups, units, days


@transaction.atomic
def rebuild(*, inspected_unit_ids: Iterable[int] | None = None, models: Models | None = None) -> dict[str, int]:
    """Recompute the rollups of these inspected units (all when None) from their problems and tasks."""
    m = models or Models.current()
    unit_ids = None if inspected_unit_ids is None else sorted(set(inspected_unit_ids))
    rollups, units, days = _expected(m, unit_ids)
    scope = {} if unit_ids is None else {"inspected_unit_id__in": unit_ids}
    if models is None:  # (migrations rebuild with the models of their time, before the units kept counts)
        inspection_services.problem_counts_recount(inspected_unit_ids=unit_ids)
    m.ProblemRollup.objects.filter(**scope).delete()
    m.UnitDueCount.objects.filter(**scope).delete()
    m.UnitRollup.objects.filter(**scope).delete()
    m.ProblemRollup.objects.bulk_create(rollups.values(), batch_size=CHUNK)
    now = clock.now()
    m.UnitRollup.objects.bulk_create([m.UnitRollup(inspected_unit_id=u, changed_at=now, **{k: c[k] for k in COUNTERS})
                                      for u, c in units.items()], batch_size=CHUNK)
    m.UnitDueCount.objects.bulk_create([m.UnitDueCount(inspected_unit_id=u, measure=measure,
                                                       day=dt.date.fromisoformat(d), count=n)
                                        for (u, measure, d), n in days.items() if n], batch_size=CHUNK)
    return {"problems": len(rollups), "units": len(units), "days": sum(1 for n in days.values() if n)}


def verify() -> str | None:
    """The first difference between the stored rollups (and the units' problem counts) and a full
    recomputation, or None."""
    rollups, units, days = _expected(Models.current())
    stored = {r.problem_id: r for r in ProblemRollup.objects.all().iterator(chunk_size=CHUNK)}
    for problem_id in sorted(set(rollups) | set(stored)):
        want, have = rollups.get(problem_id), stored.get(problem_id)
        if want is None:
            return f"problem {problem_id}: a rollup is stored but the problem has no tasks"
        if have is None:
            return f"problem {problem_id}: no rollup is stored for a problem with {want.tasks} tasks"
        for name in ROLLUP_FIELDS:
            if _norm(getattr(want, name)) != _norm(getattr(have, name)):
                return (f"problem {problem_id}: {name.removesuffix('_id')} is {_norm(getattr(have, name))!r}, "
                        f"recomputed {_norm(getattr(want, name))!r}")
    stored_units = {r.inspected_unit_id: r for r in UnitRollup.objects.all()}
    for unit_id in sorted(set(units) | set(stored_units)):
        row = stored_units.get(unit_id)
        for name in COUNTERS:
            have = getattr(row, name) if row is not None else 0
            if have != units[unit_id][name]:
                return f"inspected unit {unit_id}: {name} is {have}, recomputed {units[unit_id][name]}"
    stored_days = Counter({(r.inspected_unit_id, r.measure, r.day.isoformat()): r.count
                           for r in UnitDueCount.objects.all().iterator(chunk_size=CHUNK)})
    for key in sorted(set(+days) | set(stored_days)):
        if stored_days[key] != days[key]:
            return f"inspected unit {key[0]}: {key[1]} on {key[2]} is {stored_days[key]}, recomputed {days[key]}"
    for unit_id, (by_kind, by_category) in inspection_selectors.problem_count_drift(InspectedUnit.objects.all()).items():
        return (f"inspected unit {unit_id}: problem counts should be {by_kind}, by kind and category "
                f"{dict(sorted(by_category.items(), key=str))}")
    return None

