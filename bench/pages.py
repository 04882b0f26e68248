"""Benchmark: server time and query count of every page and API list.

    .venv/bin/python bench/pages.py [--repeat 20] [--json] [--database-url postgres://…/rectify_bench_pages]
    RECTIFY_HOME=/tmp/b5 .venv/bin/python bench/pages.py --existing --json     # a bench/generate.py data set

Without ``--existing`` it loads the demo (20 units, 624 problems, ~1,900 tasks in the look-back round, and the
original round) into a fresh data directory; with it, it reads the database ``RECTIFY_HOME``/``DATABASE_URL``
name as it is (e.g. one filled by ``bench/generate.py``: the latest generated round and its big unit are the
ones measured). Each page is requested through Django's test client (no network) as the user who would open
it, API lists with a bearer token; the process's heap frozen as a served worker's is (``settle_heap``); one
warm-up, then ``--repeat`` interleaved rounds over all pages. Reports
the median and 95th percentile of the server time, the number of SQL queries, and the median CPU time of this
process per request (``cpu_median_ms``: Python and, on SQLite, the SQL too; on PostgreSQL the server's own CPU
is not in it) — a figure other work on a shared machine disturbs much less than the wall time. With ``--json`` prints
``{"pages": [{"name", "median_ms", "p95_ms", "queries"}], ...}``. Never run as a test.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TODAY = "2026-11-23"


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)]


def setup(*, existing: bool, database_url: str = "") -> None:
    if not existing:
        os.environ["RECTIFY_HOME"] = tempfile.mkdtemp(prefix="rectify-bench-pages-")
    os.environ.setdefault("RECTIFY_TODAY", TODAY)
    if database_url:
        os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rectify.settings")
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()


def targets() -> tuple[str, str, object, object]:
    """The round, the unit, one task and one problem the pages are measured on: the latest generated round and
    its big unit when bench/generate.py filled the database, else the demo's look-back round."""
    from rectify.demo.loader import DEMO_UNIT, ROUND_CODE
    from rectify.inspections.models import InspectionRound
    from rectify.rectification.models import Task

    generated = InspectionRound.objects.filter(code__startswith="G-").order_by("-code").first()
    round_code = generated.code if generated else ROUND_CODE
    task = (Task.objects.filter(problem__inspected_unit__unit__code=DEMO_UNIT,
                                problem__inspected_unit__round__code=round_code).order_by("id").first())
    return round_code, DEMO_UNIT, task, task.problem


def page_list(round_code: str, unit: str, task, problem) -> list[tuple[str, str, str]]:
    """(user, url, name): every page and API list a user reads often."""
    from rectify.inspections.models import InspectionTeam, ProblemCategory

    r, u = round_code, unit
    # generated rounds have no teams: the demo's rounds do
    team_round, team = (InspectionTeam.objects.filter(round__code=r).values_list("round__code", "pk").first()
                        or InspectionTeam.objects.order_by("-pk").values_list("round__code", "pk").first())
    category = (ProblemCategory.objects.filter(parent__isnull=True).order_by("code").values_list("code", flat=True)
                .first())
    return [
        ("jiwei", "/", "workbench (commission)"),
        ("xunshiban", "/", "workbench (inspection office)"),
        ("jyt_lead", "/", "workbench (unit lead)"),
        ("jyt_member", "/", "workbench (unit member)"),
        ("lingdao", "/", "workbench (leader)"),
        ("jiwei", f"/rounds/{r}/", "round overview"),
        ("jiwei", f"/rounds/{r}/?order=red", "round overview, most red first"),
        ("xunshiban", "/rounds/", "round list"),
        ("xunshiban", f"/rounds/{r}/units/", "round units and teams"),
        ("xunshiban", f"/rounds/{r}/plans/", "round plans"),
        ("xunshiban", "/ledger/", "ledger index"),
        ("xunshiban", f"/ledger/{r}/{u}/", "unit ledger, page 1"),
        ("xunshiban", f"/ledger/{r}/{u}/?page=50", "unit ledger, page 50"),
        ("xunshiban", f"/ledger/{r}/{u}/?warning=red", "unit ledger, red filter"),
        ("jyt_lead", f"/problems/{problem.pk}/", "problem page"),
        ("jyt_lead", f"/tasks/{task.pk}/", "task page"),
        ("xunshiban", "/close-outs/", "close-out queue"),
        ("xunshiban", "/change-requests/", "change request list"),
        ("jiwei", "/clues/", "clue list"),
        ("xunshiban", "/orgs/", "org tree"),
        ("xunshiban", f"/orgs/{u}/", "unit roster"),
        ("jiwei", "/accountability/", "accountability cases"),
        ("jiwei", "/accountability/specialists/", "accountability specialists"),
        ("jiwei", "/accountability/outcomes/", "accountability outcomes"),
        ("jiwei", f"/api/v1/problems?round={r}", "API problems ?round="),
        ("jiwei", f"/api/v1/problems?round={r}&unit={u}", "API problems ?round=&unit="),
        ("jiwei", f"/api/v1/problems?round={r}&warning=red", "API problems ?warning=red"),
        ("jiwei", f"/api/v1/problems?round={r}&unit={u}&offset=1000", "API problems offset 1000"),
        ("jiwei", f"/api/v1/problems/{problem.pk}", "API problem with its tasks"),
        ("jiwei", f"/api/v1/tasks/{task.pk}", "API task"),
        ("xunshiban", "/api/v1/close-outs", "API close-outs"),
        ("xunshiban", "/api/v1/change-requests", "API change requests"),
        ("xunshiban", "/api/v1/rounds", "API rounds"),
        ("jiwei", f"/api/v1/rounds/{r}/units", "API round progress by unit"),
        ("jiwei", "/api/v1/accountability/cases", "API accountability cases"),
        ("jiwei", "/api/v1/accountability/specialists", "API specialists"),
        # supervision part 1 and 2, the case library
        ("jiwei", f"/stats/rounds/{r}/", "round dashboard (统计分析)"),
        ("lingdao", "/stats/province/", "province dashboard"),
        ("xunshiban", f"/stats/units/{u}/", "unit dashboard"),
        ("jiwei", f"/stats/rounds/{team_round}/teams/{team}/", "team dashboard"),
        ("jiwei", f"/stats/categories/{category}/?round={r}", "category dashboard, one round"),
        ("lingdao", f"/stats/categories/{category}/", "category dashboard, every round"),
        ("jiwei", "/attention/", "overdue and yellow tasks"),
        ("xunshiban", f"/stats/cycles/{r}/", "report cycles of a round"),
        ("xunshiban", "/supervision/orders/", "supervision orders"),
        ("jiwei", f"/red-flags/?round={r}", "red flags"),
        ("jiwei", "/interviews/", "interviews"),
        ("jiwei", "/cases/library/", "case library"),
        ("jiwei", "/cases/library/?q=整改", "case library search"),
        ("xunshiban", "/api/v1/supervision-orders", "API supervision orders"),
        ("jiwei", f"/api/v1/red-flags?round={r}", "API red flags"),
        ("jiwei", "/api/v1/cases/search?q=整改", "API case search"),
        ("jyt_lead", "/notifications/", "inbox (unit lead)"),
        ("xunshiban", "/notifications/", "inbox (office)"),
        ("jyt_lead", "/notifications/settings/", "notification settings"),
        ("xunshiban", "/notifications/webhooks/", "group robots"),
        ("xunshiban", f"/notifications/ladder/{r}/", "escalation ladder"),
        ("xunshiban", "/close-outs/?order=newest", "review queue, newest"),
    ]


def measure(pages: list[tuple[str, str, str]], repeat: int) -> list[dict]:
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from rectify.accounts.models import User
    from rectify.accounts.services import api_token_create
    from rectify.core.heap import settle_heap

    settings.ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
    clients: dict[str, Client] = {}
    tokens: dict[str, str] = {}
    for username in {p[0] for p in pages}:
        user = User.objects.get(username=username)
        client = Client()
        client.force_login(user)
        clients[username] = client
        tokens[username] = api_token_create(actor=None, user=user, name="bench")
    times: dict[str, list[float]] = {name: [] for _u, _url, name in pages}
    cpu: dict[str, list[float]] = {name: [] for _u, _url, name in pages}
    queries: dict[str, int] = {}

    def get(username: str, url: str):
        headers = {"Authorization": f"Bearer {tokens[username]}"} if url.startswith("/api/") else {}
        return clients[username].get(url, headers=headers)

    # As a served worker does once it has loaded the app (rectify.wsgi): its start-up heap frozen, so that a
    # full collection inside a request scans only what was created since.
    settle_heap()
    for username, url, _name in pages:  # warm-up: template compilation, session, connection
        response = get(username, url)
        assert response.status_code == 200, (url, response.status_code)
    for _ in range(repeat):
        for username, url, name in pages:
            connection.queries_log.clear()  # a full log (9,000 queries) would make the capture count nothing
            with CaptureQueriesContext(connection) as ctx:
                c0, t0 = time.process_time(), time.perf_counter()
                response = get(username, url)
                times[name].append((time.perf_counter() - t0) * 1000)
                cpu[name].append((time.process_time() - c0) * 1000)
            assert response.status_code == 200, (url, response.status_code)
            queries[name] = len(ctx.captured_queries)
    return [{"name": name, "url": url, "user": username, "median_ms": round(statistics.median(times[name]), 1),
             "p95_ms": round(percentile(times[name], 0.95), 1), "queries": queries[name],
             "cpu_median_ms": round(statistics.median(cpu[name]), 1)}
            for username, url, name in pages]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--existing", action="store_true",
                        help="measure the database RECTIFY_HOME/DATABASE_URL name (e.g. from bench/generate.py)")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--only", default="", help="measure only pages whose name contains this text (several: comma-separated)")
    args = parser.parse_args()
    setup(existing=args.existing, database_url=args.database_url)
    from django.core.management import call_command
    from django.db import connection

    from rectify.rectification.models import Task

    call_command("migrate", verbosity=0)
    info: dict = {"database": connection.vendor, "load_before": os.getloadavg()}
    if not args.existing:
        from rectify.demo.loader import demo_load

        started = time.perf_counter()
        demo_load()
        info["demo_load_s"] = round(time.perf_counter() - started, 1)
    info["tasks"] = Task.objects.count()
    round_code, unit, task, problem = targets()
    info |= {"round": round_code, "unit": unit}
    wanted = [w for w in args.only.split(",") if w] or [""]
    pages = [p for p in page_list(round_code, unit, task, problem) if any(w in p[2] for w in wanted)]
    results = measure(pages, args.repeat)
    info["load_after"] = os.getloadavg()
    if args.json:
        print(json.dumps({"pages": results, **info}, ensure_ascii=False))
        return
    print(f"{info['database']}, {info['tasks']} tasks, round {round_code}, load {info['load_before'][0]:.1f}")
    print(f"{'page':<34} {'queries':>7} {'median ms':>10} {'p95 ms':>8}")
    for r in results:
        print(f"{r['name']:<34} {r['queries']:>7} {r['median_ms']:>10.1f} {r['p95_ms']:>8.1f}")


if __name__ == "__main__":
    main()
