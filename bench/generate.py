"""Fill an empty database with a realistic data set of N tasks, for the benchmarks.

    RECTIFY_HOME=/tmp/b5 .venv/bin/python bench/generate.py --tasks 100000
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_pg .venv/bin/python bench/generate.py --tasks 1000000

Sets Django up and migrates the database that ``RECTIFY_HOME`` / ``DATABASE_URL`` name (it must hold no rounds
and no users), then:

1. loads the demo through its loader (two rounds, 40 inspected units, ~3,300 tasks with their whole history:
   plans, progress, evidence, close-outs, change requests, clues, accountability cases) — the part written the
   way the application writes it;
2. adds the rest in bulk: ~N/500 more units (departments, enterprises, counties), ~N/4,000 more rounds at every
   level and kind whose feedback dates are spread over the six years before today, 8–24 units a round, one
   unit of the demo's own department with min(20,000, N/5) tasks in the latest round (the "big unit" of the
   ledger benchmark), 1–5 tasks a problem, every state (old rounds mostly closed, recent ones mostly open,
   some stuck past their deadline), extended deadlines, self-found problems, two responsibility entries a
   task, progress entries, evidence rows, close-outs (pending for submitted tasks, approved — some after a
   return — for closed ones), approved plans and pending change requests;
3. rebuilds the rollups with ``rollups.rebuild`` (the code ``rectify rebuild-rollups`` runs) and checks them
   with ``rollups.verify`` (the code of ``rectify verify-rollups``).

Prints one JSON object with the counts and the time of each phase. Deterministic for a seed. Evidence rows
point at one stored PDF per inspected unit, or at one of three province-wide templates (``TEMPLATE_SHARE``);
the files are content-addressed, so many rows share one. (Until stop 21 every row of the province pointed at
one file: 606,875 rows of one content at 10^6 tasks, which made every round's red flags read them all.)
Never run as a test.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TODAY = "2026-11-23"  # the demo's day; bench/pages.py and bench/load.py pin the same
TEMPLATE_SHARE = 0.02  # evidence rows that are a province-wide template (the rest: their unit's own document)
BIG_UNIT = "YN-JYT"  # the demo unit: its lead's workbench and ledger see the big unit
BATCH = 2000


def _setup() -> None:
    os.environ.setdefault("RECTIFY_TODAY", TODAY)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rectify.settings")
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tasks", type=int, default=100_000, help="tasks in the database at the end (≥ the demo's)")
    parser.add_argument("--seed", type=int, default=9)
    parser.add_argument("--no-verify", action="store_true", help="skip the full recomputation at the end")
    parser.add_argument("--one-round", action="store_true",
                        help="put every added task into one round of 20 units (no big unit): the export benchmark")
    args = parser.parse_args()
    _setup()
    result = generate(args.tasks, seed=args.seed, verify=not args.no_verify, one_round=args.one_round)
    print(json.dumps(result, ensure_ascii=False))


def generate(total_tasks: int, *, seed: int = 9, verify: bool = True, one_round: bool = False) -> dict:
    from django.core.management import call_command
    from django.db import connection, transaction

    from rectify.accounts.models import Role, User
    from rectify.core import clock
    from rectify.demo.loader import database_is_empty, demo_load
    from rectify.inspections.models import (
        InspectedUnit,
        InspectionRound,
        Problem,
        ProblemCategory,
        ProblemKind,
        RoundKind,
        RoundLevel,
    )
    from rectify.orgs.models import OrgKind, OrgUnit
    from rectify.orgs.services import org_units_bulk_create
    from rectify.rectification import rollups
    from rectify.rectification.models import (
        ChangeRequest,
        ChangeRequestState,
        CloseOut,
        CloseOutState,
        DeadlineKind,
        Evidence,
        PlanAction,
        PlanEvent,
        PlanState,
        ProgressEntry,
        RectificationPlan,
        Responsibility,
        ResponsibilityKind,
        Task,
        TaskStatus,
    )

    phases: dict[str, float] = {}
    started = t0 = time.perf_counter()

    def phase(name: str) -> None:
        nonlocal t0
        now_ = time.perf_counter()
        phases[name] = round(now_ - t0, 1)
        t0 = now_

    call_command("migrate", verbosity=0)
    if not database_is_empty():
        raise SystemExit("bench/generate.py needs an empty database (no rounds, no users)")
    phase("migrate")
    demo_load()
    phase("demo")

    rng = random.Random(seed)
    today, now = clock.today(), clock.now()
    day = dt.timedelta(days=1)
    remaining = max(0, total_tasks - Task.objects.count())

    counts: dict[str, int] = {}
    statuses: dict[str, int] = {}
    big_info = None
    if remaining:
        # --- texts from the demo, cycled ---------------------------------------------------------------
        descriptions = list(Problem.objects.values_list("description", "detail", "cause")[:400])
        measures = list(Task.objects.values_list("measure", "criterion")[:800])
        progress_texts = list(ProgressEntry.objects.values_list("text", flat=True)[:300]) or ["已完成阶段性整改。"]
        categories = list(ProblemCategory.objects.filter(parent__isnull=False).values_list("pk", flat=True)) or [None]
        office = User.objects.get(username="xunshiban")
        reviewers = list(User.objects.filter(username__in=["xunshiban", "xunshiban2", "jiwei"]))
        province = OrgUnit.objects.get(code="YN")
        prefectures = list(OrgUnit.objects.filter(kind=OrgKind.PREFECTURE))
        big = OrgUnit.objects.get(code=BIG_UNIT)
        big_lead = User.objects.get(username="jyt_lead")

        # --- more units, with a lead account each --------------------------------------------------------
        n_units = max(40, remaining // 500)
        kinds = [OrgKind.DEPARTMENT, OrgKind.ENTERPRISE, OrgKind.COUNTY]
        with transaction.atomic():
            new_units = org_units_bulk_create([
                OrgUnit(code=f"G{i:05d}", name=f"基准测试单位{i:05d}", short_name=f"单位{i:05d}", kind=kind,
                        parent=rng.choice(prefectures) if kind == OrgKind.COUNTY else province)
                for i in range(n_units) for kind in [kinds[i % 3]]])
            leads = [User(username=f"g{u.pk}_lead", role=Role.UNIT_LEAD, unit=u, display_name=f"{u.short_name}整改办")
                     for u in new_units]
            for u in leads:
                u.set_unusable_password()
            User.objects.bulk_create(leads, batch_size=BATCH)
        lead_of = {u.unit_id: u for u in User.objects.filter(unit__in=new_units, role=Role.UNIT_LEAD)}
        lead_of[big.pk] = big_lead
        from django.core.files.base import ContentFile
        from django.core.files.storage import default_storage

        def stored_pdf(label: str) -> tuple[str, str, int]:
            """A small PDF of its own content, stored content-addressed as uploads are: (file, sha256, size)."""
            pdf = f"%PDF-1.4\n% rectify benchmark evidence: {label}\n%%EOF\n".encode()
            sha = hashlib.sha256(pdf).hexdigest()
            name = f"evidence/{sha[:2]}/{sha}"
            if not default_storage.exists(name):
                default_storage.save(name, ContentFile(pdf))
            return name, sha, len(pdf)

        # Evidence contents: each inspected unit has its own document, which many of its tasks share (one
        # meeting's minutes may prove several measures: never a red flag), and TEMPLATE_SHARE of the rows are
        # one of a few province-wide templates (the same file for unrelated units: the reused-evidence red flag,
        # at the size a popular file reaches — thousands of rows, not every row of the province).
        templates = [stored_pdf(f"province template {i}") for i in range(3)]
        unit_documents: dict[int, tuple[str, str, int]] = {}
        phase("units")

        # --- rounds and who they inspect ---------------------------------------------------------------
        big_tasks = 0 if one_round else min(20_000, remaining // 5)
        n_rounds = 1 if one_round else max(3, remaining // 4_000)
        levels = [RoundLevel.PROVINCIAL, RoundLevel.PROVINCIAL, RoundLevel.CITY, RoundLevel.COUNTY]
        round_kinds = [RoundKind.REGULAR, RoundKind.REGULAR, RoundKind.REGULAR, RoundKind.SPECIAL, RoundKind.MOBILE]
        span = 6 * 365
        with transaction.atomic():
            rounds = InspectionRound.objects.bulk_create([
                InspectionRound(code=f"G-{i + 1:04d}", name=f"基准测试第{i + 1}轮巡视", kind=round_kinds[i % 5],
                                level=levels[i % 4], start_date=start, end_date=start + 60 * day)
                for i in range(n_rounds)
                for start in [today - (150 + (span - 150) * (n_rounds - 1 - i) // max(1, n_rounds - 1)) * day]])
            plan_rows = []
            inspected: list[InspectedUnit] = []
            for rnd in rounds:
                for unit in rng.sample(new_units, 20 if one_round else min(len(new_units), rng.randint(8, 24))):
                    inspected.append(InspectedUnit(round=rnd, unit=unit, feedback_date=rnd.end_date + 10 * day))
            latest = rounds[-1]
            if not one_round:
                inspected.append(InspectedUnit(round=latest, unit=big, feedback_date=latest.end_date + 10 * day))
            inspected = InspectedUnit.objects.bulk_create(inspected, batch_size=BATCH)
            for iu in inspected:
                recent = (today - iu.feedback_date).days < 120
                state = (PlanState.APPROVED if not recent or rng.random() < 0.6 else
                         rng.choice([PlanState.DRAFT, PlanState.SUBMITTED]))
                if state != PlanState.DRAFT:
                    plan_rows.append(RectificationPlan(
                        inspected_unit=iu, state=state, submitted_at=_at(iu.feedback_date + 25 * day),
                        approved_at=_at(iu.feedback_date + 35 * day) if state == PlanState.APPROVED else None))
            plans = RectificationPlan.objects.bulk_create(plan_rows, batch_size=BATCH)
            PlanEvent.objects.bulk_create(
                [PlanEvent(plan=p, action=PlanAction.SUBMITTED, actor=lead_of[p.inspected_unit.unit_id],
                           actor_name="整改办", at=p.submitted_at) for p in plans]
                + [PlanEvent(plan=p, action=PlanAction.APPROVED, actor=office, actor_name=office.display_name,
                             at=p.approved_at) for p in plans if p.approved_at], batch_size=BATCH)
        phase("rounds")

        # --- problems and tasks, unit by unit --------------------------------------------------------------
        ordinary = inspected if one_round else inspected[:-1]
        share = [rng.uniform(0.5, 1.5) for _ in ordinary]
        scale = (remaining - big_tasks) / sum(share) if ordinary else 0
        quota = {iu.pk: max(1, round(s * scale)) for iu, s in zip(ordinary, share, strict=True)}
        if not one_round:
            quota[inspected[-1].pk] = big_tasks
        if ordinary:  # rounding: the exact total
            quota[ordinary[-1].pk] = max(1, quota[ordinary[-1].pk] + remaining - sum(quota.values()))
        counts = dict.fromkeys(["problems", "tasks", "responsibilities", "progress", "evidence", "close_outs",
                                "change_requests"], 0)
        statuses = dict.fromkeys(TaskStatus.values, 0)
        pending_batch: list = []

        def flush() -> None:
            with transaction.atomic():
                problems = Problem.objects.bulk_create([p for p, _tasks in pending_batch], batch_size=BATCH)
                tasks = []
                for problem, its_tasks in zip(problems, [t for _p, t in pending_batch], strict=True):
                    for task in its_tasks:
                        task.problem = problem
                        tasks.append(task)
                Task.objects.bulk_create(tasks, batch_size=BATCH)
                _children(tasks)
                rollups.rebuild(inspected_unit_ids={p.inspected_unit_id for p in problems})
            counts["problems"] += len(problems)
            counts["tasks"] += len(tasks)
            pending_batch.clear()

        def _children(tasks: list) -> None:
            resp, progress, evidence, close_outs, changes = [], [], [], [], []
            for task in tasks:
                iu = task._iu
                lead = lead_of[iu.unit_id]
                resp.append(Responsibility(task=task, kind=ResponsibilityKind.LEADER, name=f"{iu.unit.short_name}分管领导"))
                resp.append(Responsibility(task=task, kind=ResponsibilityKind.DEPARTMENT,
                                           name=rng.choice(["办公室", "财务处", "人事处", "机关党委", "规划处"])))
                start = iu.feedback_date + 20 * day
                if task.status != TaskStatus.PENDING:
                    for k in range(rng.choice([1, 1, 2, 3])):
                        progress.append(ProgressEntry(task=task, author=lead, text=rng.choice(progress_texts),
                                                      created_at=_at(min(today, start + (15 + 30 * k) * day))))
                if task.status in (TaskStatus.SUBMITTED, TaskStatus.CLOSED):
                    submitted = min(today - day, max(start + 30 * day, task.due_date - rng.randint(0, 20) * day))
                    if rng.random() < 0.7:
                        template = rng.random() < TEMPLATE_SHARE
                        if template:
                            name, sha, size = rng.choice(templates)
                        else:
                            document = unit_documents.get(iu.pk)
                            if document is None:
                                document = unit_documents[iu.pk] = stored_pdf(f"inspected unit {iu.pk}")
                            name, sha, size = document
                        evidence.append(Evidence(task=task, file=name, sha256=sha, size=size,
                                                 original_name="整改情况报告模板.pdf" if template else "整改佐证材料.pdf",
                                                 content_type="application/pdf", uploaded_by=lead,
                                                 uploaded_at=_at(submitted)))
                    reviewer = rng.choice(reviewers)
                    if task.status == TaskStatus.SUBMITTED:
                        close_outs.append(CloseOut(task=task, note="已按完成标准整改到位。", submitted_by=lead,
                                                   submitted_at=_at(submitted)))
                    else:
                        if rng.random() < 0.1:
                            close_outs.append(CloseOut(
                                task=task, note="整改完成。", submitted_by=lead, submitted_at=_at(submitted - 20 * day),
                                state=CloseOutState.RETURNED, reviewed_by=reviewer, reviewed_at=_at(submitted - 15 * day),
                                review_comment="佐证材料不足，请补充。"))
                        close_outs.append(CloseOut(
                            task=task, note="已按完成标准整改到位。", submitted_by=lead, submitted_at=_at(submitted),
                            state=CloseOutState.APPROVED, reviewed_by=reviewer,
                            reviewed_at=_at(min(today, submitted + 5 * day)), review_comment="同意销号。"))
                elif task.status == TaskStatus.IN_PROGRESS and rng.random() < 0.01:
                    new_due = task.due_date + 60 * day
                    changes.append(ChangeRequest(
                        problem=task.problem, task=task, reason="客观原因需延期。", requested_by=lead,
                        requested_by_name=lead.display_name, requested_at=now - rng.randint(1, 20) * day,
                        changes={"due_date": {"before": task.due_date.isoformat(), "after": new_due.isoformat()}},
                        state=ChangeRequestState.PENDING))
            for model, rows, key in [(Responsibility, resp, "responsibilities"), (ProgressEntry, progress, "progress"),
                                     (Evidence, evidence, "evidence"), (CloseOut, close_outs, "close_outs"),
                                     (ChangeRequest, changes, "change_requests")]:
                model.objects.bulk_create(rows, batch_size=BATCH)
                counts[key] += len(rows)

        batch_tasks = 0
        for iu in inspected:
            age = (today - iu.feedback_date).days
            n_tasks = quota[iu.pk]
            number = 0
            while n_tasks > 0:
                number += 1
                k = min(n_tasks, rng.choice([1, 2, 2, 3, 3, 3, 4, 5]))
                n_tasks -= k
                desc, detail, cause = descriptions[(iu.pk * 7 + number) % len(descriptions)]
                problem = Problem(inspected_unit=iu, description=desc, detail=detail, cause=cause,
                                  kind=ProblemKind.SELF_FOUND if rng.random() < 0.03 else ProblemKind.FEEDBACK,
                                  category_id=rng.choice(categories), is_common=rng.random() < 0.05)
                problem.set_number(str(number))
                stage = _stage(rng, age)
                tasks = []
                for j in range(k):
                    kind = rng.choices([DeadlineKind.IMMEDIATE, DeadlineKind.DEADLINE, DeadlineKind.LONG_TERM],
                                       [30, 55, 15])[0]
                    original = iu.feedback_date + rng.randint(*{"immediate": (10, 40), "deadline": (45, 365),
                                                                 "long_term": (180, 900)}[kind]) * day
                    due = original + rng.choice([60, 90, 180]) * day if rng.random() < 0.05 else original
                    status = _status(rng, stage, overdue=due < today)
                    statuses[status] += 1
                    measure, criterion = measures[(number * 5 + j) % len(measures)]
                    task = Task(number=j + 1, measure=measure, criterion=criterion, deadline_kind=kind, due_date=due,
                                original_due_date=original, status=status,
                                closed_at=_at(min(today, due)) if status == TaskStatus.CLOSED else None,
                                milestones="第一阶段完成制度修订；第二阶段完成专项检查；此后每半年复查。"
                                if kind == DeadlineKind.LONG_TERM else "",
                                review_months=6 if kind == DeadlineKind.LONG_TERM else None)
                    task._iu = iu
                    tasks.append(task)
                pending_batch.append((problem, tasks))
                batch_tasks += k
                if batch_tasks >= 10_000:
                    flush()
                    batch_tasks = 0
        if pending_batch:
            flush()
        phase("bulk")
        big_info = {"round": rounds[-1].code, "unit": BIG_UNIT, "tasks": big_tasks}

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:  # autocommit: VACUUM cannot run inside a transaction
            cursor.execute("VACUUM ANALYZE")
    # PostgreSQL: what autovacuum does to a database in use within minutes of a bulk load — statistics, and the
    # visibility map without which no index-only scan skips the heap (the province page: 711 -> 582 ms at 10^6).
    # SQLite: no ANALYZE. The project never runs it, so a real embedded installation has no statistics and the
    # benchmark must see the plans SQLite makes without them.
    phase("analyze")

    difference = None
    if verify:
        difference = rollups.verify()
        phase("verify")
        if difference:
            raise SystemExit(f"verify-rollups: {difference}")

    return {
        "database": connection.vendor,
        "tasks": Task.objects.count(),
        "problems": Problem.objects.count(),
        "rounds": InspectionRound.objects.count(),
        "inspected_units": InspectedUnit.objects.count(),
        "units": OrgUnit.objects.count(),
        "big_unit": big_info,
        "added": counts,
        "added_task_states": statuses,
        "responsibilities": Responsibility.objects.count(),
        "progress_entries": ProgressEntry.objects.count(),
        "evidence": Evidence.objects.count(),
        "close_outs": CloseOut.objects.count(),
        "change_requests": ChangeRequest.objects.count(),
        "rollups_verified": verify and difference is None,
        "seconds": phases | {"total": round(time.perf_counter() - started, 1)},
    }


def _at(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(10, 0), tzinfo=dt.UTC)


def _stage(rng: random.Random, age: int) -> str:
    """Where a problem stands: old rounds are mostly done, recent ones mostly being worked on."""
    r = rng.random()
    done = 0.92 if age > 720 else 0.75 if age > 365 else 0.4 if age > 180 else 0.1
    if r < done:
        return "done"
    r = (r - done) / (1 - done)
    return "review" if r < 0.25 else "working" if r < 0.8 else "stuck"


def _status(rng: random.Random, stage: str, *, overdue: bool) -> str:
    r = rng.random()
    if stage == "done":
        return "closed" if r < 0.97 else "in_progress"
    if stage == "review":
        return "submitted" if r < 0.6 else "closed"
    if stage == "working":
        return "closed" if r < (0.5 if overdue else 0.3) else "in_progress" if r < 0.9 else "pending"
    return "in_progress" if r < 0.5 else "pending"


if __name__ == "__main__":
    main()
