"""Benchmark: `rectify notify` over a large data set.

    .venv/bin/python bench/notify.py [--tasks 1000000] [--units 200] [--database-url postgres://…]

Builds a fresh data directory with ``--tasks`` tasks over ``--units`` inspected units of one round (ten tasks per
problem, deadlines spread from 60 days ago to 180 days ahead, 3 % submitted for close-out, a unit lead per unit
and one responsible person with an account per unit), then times the first notify run (which tells the current
state: every overdue, yellow and due-soon task) and a second run the same day (nothing new). E-mail is off (no
SMTP server): the run's cost is the derivation and the inbox. Never run as a test.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TODAY = dt.date(2026, 9, 1)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tasks", type=int, default=1_000_000)
    parser.add_argument("--units", type=int, default=200)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--home", default="")
    args = parser.parse_args()
    os.environ["RECTIFY_HOME"] = args.home or tempfile.mkdtemp(prefix="rectify-bench-notify-")
    os.environ["RECTIFY_TODAY"] = TODAY.isoformat()
    if args.database_url:
        os.environ["DATABASE_URL"] = args.database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rectify.settings")
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction

    call_command("migrate", verbosity=0)
    from rectify.accounts.models import Role, User
    from rectify.inspections.models import InspectedUnit, InspectionRound, Problem
    from rectify.notifications.models import Notification, Preference
    from rectify.notifications.services import notify_run
    from rectify.orgs.models import OrgKind, OrgUnit, Person
    from rectify.orgs.services import org_units_bulk_create
    from rectify.rectification import rollups
    from rectify.rectification.models import CloseOut, Responsibility, ResponsibilityKind, Task, TaskStatus

    rng = random.Random(7)
    started = time.perf_counter()
    if not Task.objects.exists():
        with transaction.atomic():
            province = org_units_bulk_create([OrgUnit(code="P", name="省委", kind=OrgKind.PROVINCE)])[0]
            units = org_units_bulk_create([OrgUnit(code=f"U{n:04d}", name=f"单位{n}", parent=province)
                                           for n in range(args.units)])
            rnd = InspectionRound.objects.create(code="BENCH", name="基准轮次", start_date=TODAY - dt.timedelta(days=200))
            ius = InspectedUnit.objects.bulk_create([InspectedUnit(round=rnd, unit=u, feedback_date=TODAY -
                                                                   dt.timedelta(days=120)) for u in units])
            leads = User.objects.bulk_create([User(username=f"lead{n}", role=Role.UNIT_LEAD, unit=u,
                                                   email=f"lead{n}@bench.example") for n, u in enumerate(units)])
            people = Person.objects.bulk_create([Person(name=f"责任人{n}", unit=u) for n, u in enumerate(units)])
            members = User.objects.bulk_create([User(username=f"member{n}", role=Role.UNIT_MEMBER, unit=u,
                                                     email=f"member{n}@bench.example") for n, u in enumerate(units)])
            Preference.objects.bulk_create([Preference(user=m, person=p) for m, p in zip(members, people, strict=True)])
            User.objects.bulk_create([User(username=f"office{n}", role=Role.INSPECTION_OFFICE) for n in range(3)])
            del leads
        per_unit = args.tasks // args.units
        now = django.utils.timezone.now()
        for n, iu in enumerate(ius):
            with transaction.atomic():
                problems = Problem.objects.bulk_create([
                    Problem(inspected_unit=iu, number=str(k + 1), sort_key=f"{k + 1:08d}", description="问题")
                    for k in range(per_unit // 10)], batch_size=2000)
                tasks = []
                for p in problems:
                    for k in range(10):
                        due = TODAY + dt.timedelta(days=rng.randint(-60, 180))
                        status = TaskStatus.SUBMITTED if rng.random() < 0.03 else TaskStatus.IN_PROGRESS
                        tasks.append(Task(problem=p, number=k + 1, measure="整改措施", criterion="标准",
                                          deadline_kind="deadline", due_date=due, original_due_date=due,
                                          status=status, created_at=now, updated_at=now))
                Task.objects.bulk_create(tasks, batch_size=2000)
                Responsibility.objects.bulk_create([
                    Responsibility(task=t, kind=ResponsibilityKind.PERSON, name="责任人",
                                   person=people[n] if rng.random() < 0.1 else None) for t in tasks], batch_size=2000)
                CloseOut.objects.bulk_create([
                    CloseOut(task=t, submitted_by=members[n], submitted_at=now - dt.timedelta(days=rng.randint(0, 20)))
                    for t in tasks if t.status == TaskStatus.SUBMITTED], batch_size=2000)
        rollups.rebuild()
    else:  # a data directory built before: measure the first run again
        from rectify.notifications.models import Alert, EmailDigest, NotifyRun, WebhookPost

        for model in (Notification, EmailDigest, WebhookPost, Alert, NotifyRun):
            model.objects.all().delete()
    print(f"data: {Task.objects.count():,} tasks, {InspectedUnit.objects.count()} units "
          f"({time.perf_counter() - started:.0f} s to build) on {connection.vendor}")
    for label in ("first run (the current state)", "second run the same day"):
        t0 = time.perf_counter()
        result = notify_run()
        print(f"{label}: {time.perf_counter() - t0:.1f} s, {result.alerts:,} alerts, "
              f"{result.notifications:,} inbox items")
    print(f"inbox items stored: {Notification.objects.count():,}")


if __name__ == "__main__":
    main()
