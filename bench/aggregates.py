"""Each aggregate the pages show, measured beside one hand-written SQL statement giving the same answer.

    .venv/bin/python bench/aggregates.py [--repeat 20] [--json]               # the demo, fresh data directory
    RECTIFY_HOME=/tmp/b5 .venv/bin/python bench/aggregates.py --existing --json

For each aggregate: the application's selector (ORM building, SQL, Python assembly — what a page calls, as
the commission, who sees every unit) and a hand-written statement over the same tables; the answers are
compared (the script stops on a difference) and the ratio of the medians is reported. Where the read model
(rollups) replaces a scan of tasks, the same answer computed straight from the task rows is measured too, so
the table shows what the rollups save. Times in ms, median / p95 of ``--repeat`` interleaved runs. Never run
as a test.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import pages as bench_pages


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--existing", action="store_true")
    parser.add_argument("--database-url", default="")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    bench_pages.setup(existing=args.existing, database_url=args.database_url)
    from django.core.management import call_command
    from django.db import connection

    from rectify.accounts.models import User
    from rectify.core import clock
    from rectify.inspections.models import InspectedUnit, InspectionRound, Problem
    from rectify.orgs.models import OrgUnit
    from rectify.rectification import selectors
    from rectify.rectification.models import (
        CloseOut,
        ProblemRollup,
        Responsibility,
        Task,
        UnitDueCount,
        UnitRollup,
    )

    call_command("migrate", verbosity=0)
    if not args.existing:
        from rectify.demo.loader import demo_load

        demo_load()
    user = User.objects.get(username="jiwei")
    round_code, unit_code, _task, _problem = bench_pages.targets()
    rnd = InspectionRound.objects.get(code=round_code)
    iu_big = InspectedUnit.objects.get(round=rnd, unit__code=unit_code)
    today = clock.today()
    pg = connection.vendor == "postgresql"
    t = {m.__name__: m._meta.db_table for m in (InspectedUnit, InspectionRound, Problem, OrgUnit, CloseOut,
                                                  ProblemRollup, Task, UnitDueCount, UnitRollup)}

    def days_until(col: str) -> str:  # whole days from today until the date column
        return f"({col} - %(today)s::date)" if pg else f"CAST(julianday({col}) - julianday(%(today)s) AS INTEGER)"

    def sql(statement: str, **params: object) -> list[tuple]:
        if not pg:  # sqlite3 wants :name
            import re
            statement = re.sub(r"%\((\w+)\)s", r":\1", statement)
        with connection.cursor() as cursor:
            cursor.execute(statement, params)
            return cursor.fetchall()

    p = {"round": rnd.pk, "today": today, "yellow": rnd.yellow_days}

    # --- 1. round overview: per-unit figures --------------------------------------------------------------
    def app_overview() -> list[tuple]:
        progress = selectors.round_progress_for(user=user, round=rnd, today=today)
        return sorted((x.inspected_unit.pk, x.problems, x.completed, x.basic, x.incomplete, x.by_warning.get("red", 0),
                       x.by_warning.get("yellow", 0), x.tasks, x.tasks_closed, x.tasks_overdue) for x in progress)

    overview_sql = f"""
        SELECT iu.id,
               (SELECT COUNT(*) FROM {t['Problem']} p WHERE p.inspected_unit_id = iu.id AND p.kind = 'feedback') AS problems,
               COALESCE(MAX(ur.completed), 0), COALESCE(MAX(ur.basic), 0),
               COALESCE(MAX(ur.incomplete), 0) AS incomplete, COALESCE(MAX(ur.problems), 0) AS with_tasks,
               COALESCE(SUM(CASE WHEN d.measure = 'problem_due' AND d.day < %(today)s THEN d.count END), 0),
               COALESCE(SUM(CASE WHEN d.measure = 'problem_due' AND d.day >= %(today)s
                                  AND {days_until('d.day')} <= %(yellow)s THEN d.count END), 0),
               COALESCE(MAX(ur.tasks), 0), COALESCE(MAX(ur.tasks_closed), 0),
               COALESCE(SUM(CASE WHEN d.measure = 'task_due' AND d.day < %(today)s THEN d.count END), 0)
        FROM {t['InspectedUnit']} iu
        LEFT JOIN {t['UnitRollup']} ur ON ur.inspected_unit_id = iu.id
        LEFT JOIN {t['UnitDueCount']} d ON d.inspected_unit_id = iu.id
        WHERE iu.round_id = %(round)s
        GROUP BY iu.id"""

    def sql_overview() -> list[tuple]:
        # problems without tasks have no rollup: they are incomplete (the one step done outside SQL)
        return sorted((r[0], r[1], r[2], r[3], r[4] + r[1] - r[5], *r[6:]) for r in sql(overview_sql, **p))

    source_sql = f"""
        WITH per_problem AS (
            SELECT p.id, p.inspected_unit_id AS iu,
                   COUNT(tk.id) AS tasks,
                   COALESCE(SUM(CASE WHEN tk.status = 'closed' THEN 1 ELSE 0 END), 0) AS closed,
                   COALESCE(SUM(CASE WHEN tk.status <> 'closed' AND (tk.deadline_kind <> 'long_term'
                                     OR tk.status = 'pending') THEN 1 ELSE 0 END), 0) AS not_basic,
                   MIN(CASE WHEN tk.status <> 'closed' THEN tk.due_date END) AS earliest,
                   COALESCE(SUM(CASE WHEN tk.status <> 'closed' AND tk.due_date < %(today)s THEN 1 ELSE 0 END), 0)
                       AS overdue
            FROM {t['Problem']} p
            JOIN {t['InspectedUnit']} iu ON iu.id = p.inspected_unit_id
            LEFT JOIN {t['Task']} tk ON tk.problem_id = p.id
            WHERE iu.round_id = %(round)s AND p.kind = 'feedback'
            GROUP BY p.id, p.inspected_unit_id)
        SELECT iu.id, COUNT(pp.id),
               COALESCE(SUM(CASE WHEN pp.tasks > 0 AND pp.closed = pp.tasks THEN 1 ELSE 0 END), 0),
               COALESCE(SUM(CASE WHEN pp.tasks > 0 AND pp.closed < pp.tasks AND pp.not_basic = 0 THEN 1 ELSE 0 END), 0),
               COALESCE(SUM(CASE WHEN pp.tasks = 0 OR pp.not_basic > 0 THEN 1 ELSE 0 END), 0),
               COALESCE(SUM(CASE WHEN pp.earliest < %(today)s THEN 1 ELSE 0 END), 0),
               COALESCE(SUM(CASE WHEN pp.earliest >= %(today)s AND {days_until('pp.earliest')} <= %(yellow)s
                                 THEN 1 ELSE 0 END), 0),
               COALESCE(SUM(pp.tasks), 0), COALESCE(SUM(pp.closed), 0), COALESCE(SUM(pp.overdue), 0)
        FROM {t['InspectedUnit']} iu LEFT JOIN per_problem pp ON pp.iu = iu.id
        WHERE iu.round_id = %(round)s
        GROUP BY iu.id"""

    def sql_overview_source() -> list[tuple]:
        return sorted(tuple(r) for r in sql(source_sql, **p))

    # --- 2. workbench: urgent tasks and the review count ----------------------------------------------------
    def app_attention() -> list[int]:
        return [x.pk for x in selectors.attention_tasks_for(user=user, limit=12)]

    attention_sql = f"""
        SELECT tk.id FROM {t['Task']} tk
        JOIN {t['Problem']} p ON p.id = tk.problem_id
        JOIN {t['InspectedUnit']} iu ON iu.id = p.inspected_unit_id
        JOIN {t['InspectionRound']} r ON r.id = iu.round_id
        WHERE tk.status IN ('pending', 'in_progress', 'submitted') AND tk.due_date <= %(until)s
          AND (tk.due_date < %(today)s OR {days_until('tk.due_date')} <= r.yellow_days)
        ORDER BY tk.due_date, tk.id LIMIT 12"""
    widest = max(InspectionRound.objects.values_list("yellow_days", flat=True))

    def sql_attention() -> list[int]:
        return [r[0] for r in sql(attention_sql, today=today, until=today + dt.timedelta(days=widest))]

    def app_review_count() -> int:
        return selectors.pending_close_out_count_for(user=user)

    def sql_review_count() -> int:
        return sql(f"SELECT COUNT(*) FROM {t['CloseOut']} WHERE state = 'pending'")[0][0]

    # --- 3. the API's round problem list: a page of 20 with state, and the count ---------------------------
    def app_problem_page() -> tuple:
        qs = selectors.problem_list_for(user=user, filters=selectors.ProblemFilters(round_code=round_code))
        page = list(selectors.annotate_task_count(qs)[:20])
        return ([(x.pk, x.status, x.warning, x.completion, x.task_count) for x in page], qs.count())

    page_sql = f"""
        SELECT p.id, COALESCE(pr.status, 'pending'),
               CASE WHEN pr.earliest_open_due IS NULL THEN NULL WHEN pr.earliest_open_due < %(today)s THEN 'red'
                    WHEN {days_until('pr.earliest_open_due')} <= r.yellow_days THEN 'yellow' ELSE 'green' END,
               COALESCE(pr.completion, 'incomplete'), COALESCE(pr.tasks, 0),
               (SELECT COUNT(*) FROM {t['Problem']} p2 JOIN {t['InspectedUnit']} iu2 ON iu2.id = p2.inspected_unit_id
                WHERE iu2.round_id = %(round)s)
        FROM {t['Problem']} p
        JOIN {t['InspectedUnit']} iu ON iu.id = p.inspected_unit_id
        JOIN {t['InspectionRound']} r ON r.id = iu.round_id
        JOIN {t['OrgUnit']} u ON u.id = iu.unit_id
        LEFT JOIN {t['ProblemRollup']} pr ON pr.problem_id = p.id
        WHERE iu.round_id = %(round)s
        ORDER BY r.start_date, u.path, p.kind, p.sort_key, p.id LIMIT 20"""

    def sql_problem_page() -> tuple:
        rows = sql(page_sql, **p)
        return ([tuple(r[:5]) for r in rows], rows[0][5] if rows else 0)

    # --- 4. the unit ledger's first page: 20 problems and their tasks --------------------------------------
    def app_ledger_page() -> list[tuple]:
        qs = selectors.problem_list_for(user=user, filters=selectors.ProblemFilters(inspected_unit_id=iu_big.pk))
        problems = selectors.prefetch_ledger_rows(list(qs[:20]))
        return [(x.pk, x.status, x.warning, tk.pk, tk.status, tk.warning, len(tk.responsibilities.all()))
                for x in problems for tk in x.tasks.all()]

    ledger_sql = f"""
        WITH page AS (
            SELECT p.id, p.kind, p.sort_key FROM {t['Problem']} p
            WHERE p.inspected_unit_id = %(iu)s ORDER BY p.kind, p.sort_key, p.id LIMIT 20)
        SELECT page.id, COALESCE(pr.status, 'pending'),
               CASE WHEN pr.earliest_open_due IS NULL THEN NULL WHEN pr.earliest_open_due < %(today)s THEN 'red'
                    WHEN {days_until('pr.earliest_open_due')} <= %(yellow)s THEN 'yellow' ELSE 'green' END,
               tk.id, tk.status,
               CASE WHEN tk.status = 'closed' THEN NULL WHEN tk.due_date < %(today)s THEN 'red'
                    WHEN {days_until('tk.due_date')} <= %(yellow)s THEN 'yellow' ELSE 'green' END,
               (SELECT COUNT(*) FROM {Responsibility._meta.db_table} re WHERE re.task_id = tk.id)
        FROM page LEFT JOIN {t['ProblemRollup']} pr ON pr.problem_id = page.id
        JOIN {t['Task']} tk ON tk.problem_id = page.id
        ORDER BY page.kind, page.sort_key, page.id, tk.number"""

    def sql_ledger_page() -> list[tuple]:
        return [tuple(r) for r in sql(ledger_sql, iu=iu_big.pk, today=today, yellow=rnd.yellow_days)]

    # --- 5. the close-out queue's first page ------------------------------------------------------------------
    def app_queue() -> tuple:
        qs = selectors.close_out_queue_for(user=user)
        return ([(c.pk, c.evidence_count, c.task.problem.inspected_unit.unit.code) for c in qs[:20]], qs.count())

    queue_sql = f"""
        SELECT c.id, (SELECT COUNT(*) FROM {CloseOut.evidence.through._meta.db_table} e WHERE e.closeout_id = c.id),
               u.code, (SELECT COUNT(*) FROM {t['CloseOut']} c2 WHERE c2.state = 'pending')
        FROM {t['CloseOut']} c JOIN {t['Task']} tk ON tk.id = c.task_id JOIN {t['Problem']} p ON p.id = tk.problem_id
        JOIN {t['InspectedUnit']} iu ON iu.id = p.inspected_unit_id JOIN {t['OrgUnit']} u ON u.id = iu.unit_id
        WHERE c.state = 'pending' ORDER BY c.submitted_at, c.id LIMIT 20"""

    def sql_queue() -> tuple:
        rows = sql(queue_sql)
        return ([tuple(r[:3]) for r in rows], rows[0][3] if rows else 0)

    cases: list[tuple[str, Callable, Callable, Callable | None]] = [
        (f"round overview, per-unit figures ({InspectedUnit.objects.filter(round=rnd).count()} units)",
         app_overview, sql_overview, sql_overview_source),
        ("workbench: urgent tasks (12)", app_attention, sql_attention, None),
        ("workbench: pending close-out count", app_review_count, sql_review_count, None),
        ("API problems ?round=: page of 20 with state + count", app_problem_page, sql_problem_page, None),
        (f"unit ledger page 1: 20 problems with tasks ({iu_big.unit.code}, "
         f"{Task.objects.filter(problem__inspected_unit=iu_big).count()} tasks)", app_ledger_page, sql_ledger_page,
         None),
        ("close-out queue: page of 20 + count", app_queue, sql_queue, None),
    ]
    results = []
    for name, app, hand, source in cases:
        want = app()
        if hand() != want:
            raise SystemExit(f"{name}: the hand-written SQL gives another answer:\n{hand()}\n!=\n{want}")
        if source is not None and source() != want:
            raise SystemExit(f"{name}: the SQL from task rows gives another answer:\n{source()}\n!=\n{want}")
        runs: dict[str, list[float]] = {"app": [], "sql": [], "source": []}
        for _ in range(args.repeat):
            for key, fn in (("app", app), ("sql", hand), ("source", source)):
                if fn is None:
                    continue
                t0 = time.perf_counter()
                fn()
                runs[key].append((time.perf_counter() - t0) * 1000)
        row = {"name": name}
        for key, values in runs.items():
            if values:
                row[f"{key}_median_ms"] = round(statistics.median(values), 2)
                row[f"{key}_p95_ms"] = round(bench_pages.percentile(values, 0.95), 2)
        row["ratio"] = round(row["app_median_ms"] / row["sql_median_ms"], 2)
        results.append(row)
    info = {"database": connection.vendor, "tasks": Task.objects.count(), "round": round_code,
            "load": __import__("os").getloadavg()}
    if args.json:
        print(json.dumps({"aggregates": results, **info}, ensure_ascii=False))
        return
    print(f"{info['database']}, {info['tasks']} tasks, round {round_code}, load {info['load'][0]:.1f}")
    for r in results:
        src = f", from task rows {r['source_median_ms']} ms" if "source_median_ms" in r else ""
        print(f"{r['name']:<70} app {r['app_median_ms']:>8} ms  sql {r['sql_median_ms']:>8} ms  "
              f"ratio {r['ratio']:>5}{src}")


if __name__ == "__main__":
    main()
