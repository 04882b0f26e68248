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
    task = Task.objects.filter(problem__inspected_unit__unit__code="YN-JYT").order_by("id").first()
    problem = task.problem
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
        ("jyt_lead", "/notifications/", "inbox (unit lead)"),
        ("xunshiban", "/notifications/", "inbox (office)"),
        ("jyt_lead", "/notifications/settings/", "notification settings"),
        ("xunshiban", "/notifications/webhooks/", "group robots"),
        ("xunshiban", f"/notifications/ladder/{ROUND_CODE}/", "escalation ladder"),
        ("xunshiban", "/close-outs/?order=newest", "review queue, newest"),
    ]
    print(f"{'page':<28} {'queries':>7} {'median ms':>10} {'max ms':>8}")
    for username, url, label in pages:
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



if __name__ == "__main__":
    main()
