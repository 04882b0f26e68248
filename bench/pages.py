"""Benchmark: server time and query count of the main pages on the demo data set.

    .venv/bin/python bench/pages.py [--repeat 20] [--database-url postgres://…/rectify_bench_pages]

Loads the demo (20 units, 624 problems, ~1,900 tasks in the look-back round, and the original round) into a fresh data directory, then requests
each page through Django's test client as the user who would open it, and reports the median
and worst server time and the number of SQL queries. Never run as a test.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--extra-tasks", type=int, default=0,
                        help="add this many tasks (3 per problem) to the look-back round's units before measuring")
    parser.add_argument("--only", default="", help="measure only pages whose label contains this text")
    args = parser.parse_args()
    os.environ["RECTIFY_HOME"] = tempfile.mkdtemp(prefix="rectify-bench-pages-")
    os.environ["RECTIFY_TODAY"] = "2026-11-23"
    if args.database_url:
        os.environ["DATABASE_URL"] = args.database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rectify.settings")
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    settings.ALLOWED_HOSTS = ["testserver"]
    call_command("migrate", verbosity=0)
    from rectify.accounts.models import User
    from rectify.demo.loader import ROUND_CODE, demo_load
    from rectify.rectification.models import Task

    started = time.perf_counter()
    demo_load()
    print(f"demo load: {time.perf_counter() - started:.1f} s ({connection.vendor})")
    if args.extra_tasks:
        started = time.perf_counter()
        _add_tasks(args.extra_tasks)
        print(f"added {args.extra_tasks} tasks: {time.perf_counter() - started:.1f} s")
    task = Task.objects.filter(problem__inspected_unit__unit__code="YN-JYT").order_by("id").first()
    problem = task.problem
    from rectify.inspections.models import InspectionTeam

    team = InspectionTeam.objects.filter(round__code=ROUND_CODE).order_by("id").first()
    pages = [
        ("jiwei", "/", "workbench (commission)"),
        ("jiwei", f"/rounds/{ROUND_CODE}/", "round overview, 20 units"),
        ("xunshiban", f"/ledger/{ROUND_CODE}/YN-JYT/", "unit ledger, page 1"),
        ("xunshiban", f"/ledger/{ROUND_CODE}/YN-JYT/?warning=red", "unit ledger, red filter"),
        ("jyt_lead", f"/tasks/{task.pk}/", "task page"),
        ("xunshiban", "/close-outs/", "close-out review queue"),
        ("jyt_lead", "/", "workbench (unit lead)"),
        ("jyt_lead", f"/problems/{problem.pk}/", "problem page (leaders)"),
        ("xunshiban", f"/rounds/{ROUND_CODE}/units/", "round units and teams"),
        ("jiwei", "/clues/", "clue list"),
        ("xunshiban", "/orgs/", "org tree"),
        ("xunshiban", "/orgs/YN-JYT/", "unit roster"),
        ("jiwei", f"/stats/rounds/{ROUND_CODE}/", "round dashboard (统计分析)"),
        ("lingdao", "/stats/province/", "province dashboard"),
        ("xunshiban", "/stats/units/YN-JYT/", "unit dashboard, 2 rounds"),
        ("xunshiban", f"/stats/rounds/{ROUND_CODE}/teams/{team.pk}/", "team dashboard"),
        ("xunshiban", f"/stats/categories/2/?round={ROUND_CODE}", "category dashboard"),
        ("jiwei", "/attention/", "overdue and yellow tasks"),
        ("xunshiban", f"/stats/cycles/{ROUND_CODE}/", "report cycles of a round"),
        ("jyt_lead", f"/reports/{ROUND_CODE}/YN-JYT/progress/1/", "a filed progress report"),
        ("jyt_lead", "/notifications/", "inbox (unit lead)"),
        ("xunshiban", "/notifications/", "inbox (office)"),
        ("jyt_lead", "/notifications/settings/", "notification settings"),
        ("xunshiban", "/notifications/webhooks/", "group robots"),
        ("xunshiban", f"/notifications/ladder/{ROUND_CODE}/", "escalation ladder"),
        ("xunshiban", "/close-outs/?order=newest", "review queue, newest"),
    ]
    print(f"{'page':<28} {'queries':>7} {'median ms':>10} {'max ms':>8}")
    for username, url, label in pages:
        if args.only and args.only not in label:
            continue
        client = Client()
        client.force_login(User.objects.get(username=username))
        client.get(url)  # warm-up: template compilation, session
        times = []
        for _ in range(args.repeat):
            with CaptureQueriesContext(connection) as ctx:
                t0 = time.perf_counter()
                response = client.get(url)
                times.append((time.perf_counter() - t0) * 1000)
            assert response.status_code == 200, (url, response.status_code)
        print(f"{label:<28} {len(ctx.captured_queries):>7} {statistics.median(times):>10.1f} {max(times):>8.1f}")



def _add_tasks(total: int) -> None:
    """Problems with three tasks each, spread over the look-back round's units, deadlines over the concentrated
    period, a third closed (at varied times), then the read model rebuilt — as a big province would look."""
    import datetime as dt
    import random

    from django.db import transaction

    from rectify.core import clock
    from rectify.demo.loader import ROUND_CODE
    from rectify.inspections.models import InspectedUnit, Problem, ProblemCategory
    from rectify.rectification import rollups
    from rectify.rectification.models import DeadlineKind, Task, TaskStatus

    rng = random.Random(7)
    units = list(InspectedUnit.objects.filter(round__code=ROUND_CODE))
    categories = list(ProblemCategory.objects.filter(parent__isnull=False))
    today, now = clock.today(), clock.now()
    made = 0
    with transaction.atomic():
        while made < total:
            batch = []
            for i in range(min(3000, (total - made) // 3 or 1)):
                iu = units[i % len(units)]
                p = Problem(inspected_unit=iu, category=rng.choice(categories), description=f"压测问题{made + i}")
                p.set_number(f"B{made // 3 + i}")
                batch.append(p)
            problems = Problem.objects.bulk_create(batch)
            tasks = []
            for p in problems:
                for n in (1, 2, 3):
                    due = today + dt.timedelta(days=rng.randint(-60, 60))
                    closed = rng.random() < 0.35
                    tasks.append(Task(problem=p, number=n, measure=f"措施{n}", criterion="完成",
                                      deadline_kind=DeadlineKind.DEADLINE, due_date=due, original_due_date=due,
                                      status=TaskStatus.CLOSED if closed else rng.choice(
                                          [TaskStatus.PENDING, TaskStatus.IN_PROGRESS]),
                                      closed_at=now - dt.timedelta(days=rng.randint(1, 70)) if closed else None))
            Task.objects.bulk_create(tasks, batch_size=2000)
            made += len(tasks)
        rollups.rebuild()


if __name__ == "__main__":
    main()
