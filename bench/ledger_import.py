"""Benchmark: import a 100,000-task ledger (dry run, commit, re-import) on SQLite and PostgreSQL.

    .venv/bin/python bench/ledger_import.py                      # SQLite and PostgreSQL, 100,000 tasks
    .venv/bin/python bench/ledger_import.py --tasks 20000 --db sqlite

Steps, each phase in a fresh process so its peak memory is its own:
1. seed: a round with unit A holding N tasks (≈ N/2.9 problems, 2–4 tasks each, responsibilities,
   progress), generated in bulk; export A's ledger with the standard exporter → the test file
   (merged problem cells, two-row header, category rows — the real layout);
2. parse: only read the file, in the child process the importer reads it in (ledger/sandbox.py), and
   report what the child needed: time, peak RSS and peak address space (what RLIMIT_AS limits);
3. dry-run: import the file into unit B (empty) with dry_run=True;
4. commit: the same import, written;
5. re-import: the same file again into B (dry run): everything unchanged.
Reports wall time and peak RSS (ru_maxrss) per phase — since the file is read in a child process, a phase's
own peak no longer includes the reading (the parse phase reports the child's). Never run as a test.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PG_URL = "postgres://postgres@127.0.0.1:5432/rectify_bench"


def _setup(home: str, db_url: str | None) -> None:
    os.environ["RECTIFY_HOME"] = home
    if db_url:
        os.environ["DATABASE_URL"] = db_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rectify.settings")
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()


def seed(tasks: int) -> None:
    import datetime as dt

    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from rectify.accounts.services import cli_operator
    from rectify.inspections.models import InspectedUnit, InspectionRound, Problem, ProblemCategory
    from rectify.inspections.services import problem_counts_recount
    from rectify.ledger.export import ledger_export
    from rectify.orgs.models import OrgKind, OrgUnit
    from rectify.orgs.services import org_units_bulk_create
    from rectify.rectification.models import ProgressEntry, Responsibility, Task

    rng = random.Random(7)
    province = org_units_bulk_create([OrgUnit(code="P", name="省委", kind=OrgKind.PROVINCE)])[0]
    a, b = org_units_bulk_create([OrgUnit(code="A", name="省甲厅", kind=OrgKind.DEPARTMENT, parent=province),
                                  OrgUnit(code="B", name="省乙厅", kind=OrgKind.DEPARTMENT, parent=province)])
    rnd = InspectionRound.objects.create(code="BENCH", name="基准测试轮次", start_date=dt.date(2026, 3, 1))
    iu_a = InspectedUnit.objects.create(round=rnd, unit=a, feedback_date=dt.date(2026, 5, 1))
    InspectedUnit.objects.create(round=rnd, unit=b, feedback_date=dt.date(2026, 5, 1))
    categories = list(ProblemCategory.objects.filter(parent__isnull=False))
    sizes: list[int] = []
    while sum(sizes) < tasks:
        sizes.append(min(rng.choice((2, 3, 3, 4)), tasks - sum(sizes)))
    problems = [
        Problem(inspected_unit=iu_a, category=rng.choice(categories),
                description=f"第{i + 1}个问题：落实中央八项规定精神不严格，违规发放津贴补贴问题整改不到位",
                detail=f"2024年以来违规发放津贴补贴{rng.randint(2, 90)}万元")
        for i in range(len(sizes))
    ]
    for i, problem in enumerate(problems):
        problem.set_number(str(i + 1))
    problems = Problem.objects.bulk_create(problems, batch_size=5000)
    problem_counts_recount(inspected_unit_ids=[iu_a.pk])
    task_rows = [
        Task(problem=p, number=n, measure=f"开展专项清理，逐笔核查发放记录（措施{n}）",
             criterion="清退资金全部到位，形成清理台账", deadline_kind=rng.choice(["immediate", "deadline", "long_term"]),
             due_date=dt.date(2026, 5, 1) + dt.timedelta(days=rng.randint(10, 200)),
             original_due_date=dt.date(2026, 5, 1), status="pending")
        for p, size in zip(problems, sizes, strict=True) for n in range(1, size + 1)
    ]
    for t in task_rows:
        t.original_due_date = t.due_date
    Task.objects.bulk_create(task_rows, batch_size=5000)
    Responsibility.objects.bulk_create([
        Responsibility(task=t, kind=kind, name=name)
        for t in task_rows
        for kind, name in (("leader", rng.choice(["王国彬", "卢峰泓", "周琳英"])),
                           ("department", rng.choice(["财务处", "人事处", "办公室"])), ("person", "李四"))
    ], batch_size=10000)
    now = dt.datetime(2026, 6, 1, tzinfo=dt.UTC)
    ProgressEntry.objects.bulk_create([ProgressEntry(task=t, text="已召开专题会议研究部署", created_at=now)
                                       for t in task_rows[::2]], batch_size=10000)
    Path(os.environ["RECTIFY_HOME"], "ledger.xlsx").write_bytes(
        ledger_export(user=cli_operator(), round_code="BENCH", unit_code="A"))


def run_import(dry_run: bool) -> dict:
    from rectify.ledger.services import ledger_import

    data = Path(os.environ["RECTIFY_HOME"], "ledger.xlsx").read_bytes()
    report = ledger_import(actor=None, data=data, filename="ledger.xlsx", round_code="BENCH", unit_code="B",
                           dry_run=dry_run)
    assert not report.errors, report.errors[:5]
    return {"problems": report.problems, "tasks": report.tasks}


def run_parse() -> dict:
    """The file read in the child process the importer uses (ledger/sandbox.py): what the child needed."""
    from rectify.ledger import sandbox

    data = Path(os.environ["RECTIFY_HOME"], "ledger.xlsx").read_bytes()
    parsed, stats = sandbox.run("parse_ledger", {"data": data, "filename": "ledger.xlsx", "year": 2026,
                                                 "password": None, "choose_sheet": None}, filename="ledger.xlsx")
    return {"problems": len(parsed.problems), "child_seconds": stats.seconds,
            "child_peak_rss_mib": stats.peak_rss_mib, "child_address_space_mib": stats.peak_vm_mib}


def phase(name: str, tasks: int) -> None:
    started = time.perf_counter()
    if name == "seed":
        info: dict = {}
        seed(tasks)
    elif name == "parse":
        info = run_parse()
    else:
        info = run_import(dry_run=name != "commit")
    elapsed = time.perf_counter() - started
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"phase": name, "seconds": round(elapsed, 2), "peak_mib": round(peak_mib), **info}))


def _pg_reset() -> None:
    import psycopg

    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as conn:
        conn.execute("DROP DATABASE IF EXISTS rectify_bench")
        conn.execute("CREATE DATABASE rectify_bench")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tasks", type=int, default=100_000)
    parser.add_argument("--db", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--phase")
    parser.add_argument("--home")
    args = parser.parse_args()
    if args.phase:
        _setup(args.home, os.environ.get("BENCH_DATABASE_URL"))
        phase(args.phase, args.tasks)
        return
    for db in (["sqlite", "postgresql"] if args.db == "both" else [args.db]):
        home = tempfile.mkdtemp(prefix=f"rectify-bench-{db}-")
        env = dict(os.environ)
        env.pop("DATABASE_URL", None)
        if db == "postgresql":
            _pg_reset()
            env["BENCH_DATABASE_URL"] = PG_URL
        print(f"# {db}, {args.tasks} tasks, data in {home}", flush=True)
        for name in ("seed", "parse", "dry-run", "commit", "re-import"):
            subprocess.run([sys.executable, __file__, "--phase", name, "--home", home, "--tasks", str(args.tasks)],
                           check=True, env=env)


if __name__ == "__main__":
    main()
