"""Bounded load test: requests/s and latency of a read mix against gunicorn, as ``rectify serve`` runs it.

    .venv/bin/python bench/load.py --workers 4 --seconds 30                      # the demo, fresh data directory
    RECTIFY_HOME=/tmp/b5 .venv/bin/python bench/load.py --existing --workers 4 --seconds 30 [--json]

Starts gunicorn with ``--workers`` gthread workers of 4 threads each (the server ``rectify serve`` runs, see
``rectify/core/server.py``) on a free local port, signs the mix's users in, then ``--clients`` keep-alive
HTTP clients (threads spread over two client processes) request the read mix for ``--seconds`` seconds:
workbenches of four roles, the round overview, the unit ledger's first page, a problem page, a task page,
the close-out queue and the API's round problem list (weights below). Reports requests/s, median and p95
latency per page and overall, errors, and the resident memory of each worker at the end. The clients run on
the same machine and take part of its CPU. Never run as a test.
"""

from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import pages as bench_pages

ROOT = Path(__file__).resolve().parents[1]


def mix(round_code: str, unit: str, task, problem) -> list[tuple[str, str, str, int]]:
    """(user, url, name, weight)."""
    r, u = round_code, unit
    return [
        ("jiwei", "/", "workbench (commission)", 2),
        ("xunshiban", "/", "workbench (inspection office)", 2),
        ("jyt_lead", "/", "workbench (unit lead)", 3),
        ("jyt_member", "/", "workbench (unit member)", 3),
        ("jiwei", f"/rounds/{r}/", "round overview", 2),
        ("xunshiban", f"/ledger/{r}/{u}/", "unit ledger, page 1", 3),
        ("jyt_lead", f"/problems/{problem.pk}/", "problem page", 2),
        ("jyt_member", f"/tasks/{task.pk}/", "task page", 4),
        ("xunshiban", "/close-outs/", "close-out queue", 2),
        ("jiwei", f"/api/v1/problems?round={r}", "API problems ?round=", 1),
    ]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _client(port: int, requests: list, deadline: float, threads: int, seed: int, out) -> None:
    results: list[tuple[str, float, int]] = []
    lock = threading.Lock()

    def run(k: int) -> None:
        rng = random.Random(seed * 1000 + k)
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        mine = []
        while time.perf_counter() < deadline:
            name, url, headers = rng.choice(requests)
            t0 = time.perf_counter()
            try:
                conn.request("GET", url, headers=headers)
                response = conn.getresponse()
                response.read()
                status = response.status
            except (OSError, http.client.HTTPException):
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
                status = 0
            mine.append((name, (time.perf_counter() - t0) * 1000, status))
        with lock:
            results.extend(mine)

    workers = [threading.Thread(target=run, args=(k,)) for k in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    out.put(results)


def _rss_mib(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def _cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (clock ticks of /proc/PID/stat)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return 0.0


def _children(pid: int) -> list[int]:
    try:
        return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--existing", action="store_true",
                        help="use the database RECTIFY_HOME/DATABASE_URL name (e.g. from bench/generate.py)")
    parser.add_argument("--database-url", default="")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    bench_pages.setup(existing=args.existing, database_url=args.database_url)
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from rectify.accounts.models import User
    from rectify.accounts.services import api_token_create

    call_command("migrate", verbosity=0)
    if not args.existing:
        from rectify.demo.loader import demo_load

        demo_load()
    settings.ALLOWED_HOSTS = ["*"]
    round_code, unit, task, problem = bench_pages.targets()
    entries = mix(round_code, unit, task, problem)
    headers_of: dict[str, dict[str, str]] = {}
    for username in {e[0] for e in entries}:
        user = User.objects.get(username=username)
        client = Client()
        client.force_login(user)
        headers_of[username] = {"Cookie": f"sessionid={client.cookies['sessionid'].value}",
                                "Authorization": f"Bearer {api_token_create(actor=None, user=user, name='load')}"}
    requests = [(name, url, headers_of[user]) for user, url, name, weight in entries for _ in range(weight)]
    vendor = connection.vendor
    connection.close()

    port = _free_port()
    env = os.environ | {"PYTHONPATH": str(ROOT / "src"), "RECTIFY_ALLOWED_HOSTS": "127.0.0.1,localhost"}
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "rectify.wsgi:application", "--bind", f"127.0.0.1:{port}",
         "--workers", str(args.workers), "--worker-class", "gthread", "--threads", "4", "--timeout", "120",
         "--log-level", "warning"], env=env, cwd=str(ROOT))
    try:
        for _ in range(300):  # up to 30 s for the workers to import Django and connect
            try:
                c = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                c.request("GET", "/healthz")
                c.getresponse().read()
                break
            except OSError:
                time.sleep(0.1)
        # warm every worker: each page a few times
        for _name, url, headers in requests * 2:
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
            c.request("GET", url, headers=headers)
            r = c.getresponse()
            r.read()
            if r.status != 200:
                raise SystemExit(f"{url}: HTTP {r.status}")
        load_before = os.getloadavg()
        worker_pids = _children(server.pid)
        cpu_before = sum(_cpu_seconds(pid) for pid in worker_pids)
        out: multiprocessing.Queue = multiprocessing.Queue()
        procs = 2
        started = time.perf_counter()
        deadline = started + args.seconds
        clients = [multiprocessing.Process(target=_client, args=(port, requests, deadline,
                                                                 args.clients // procs + (k < args.clients % procs),
                                                                 k, out)) for k in range(procs)]
        for p in clients:
            p.start()
        results = [r for _ in clients for r in out.get()]
        for p in clients:
            p.join()
        elapsed = time.perf_counter() - started
        worker_cpu = sum(_cpu_seconds(pid) for pid in worker_pids) - cpu_before
        rss = [round(_rss_mib(pid), 1) for pid in _children(server.pid)]
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)

    def summary(rows: list) -> dict:
        ms = [r[1] for r in rows]
        return {"requests": len(rows), "median_ms": round(statistics.median(ms), 1) if ms else None,
                "p95_ms": round(bench_pages.percentile(ms, 0.95), 1) if ms else None,
                "errors": sum(r[2] != 200 for r in rows)}

    report = {
        "database": vendor, "round": round_code, "workers": args.workers, "threads": 4, "clients": args.clients,
        "seconds": round(elapsed, 1), "requests_per_s": round(len(results) / elapsed, 1), **summary(results),
        "worker_rss_mib": rss, "load_before": load_before, "load_after": os.getloadavg(),
        # CPU the workers spent per request (on SQLite that includes the SQL), and what it would allow if the
        # machine's cores did nothing else: a figure the other work on a shared machine disturbs much less.
        "worker_cpu_ms_per_request": round(worker_cpu * 1000 / max(1, len(results)), 1),
        "cpu_bound_requests_per_s": round(len(results) / worker_cpu * (os.cpu_count() or 1), 1) if worker_cpu else None,
        "pages": {name: summary([r for r in results if r[0] == name]) for _u, _url, name, _w in entries},
    }
    if args.json:
        print(json.dumps(report, ensure_ascii=False))
        return
    print(f"{vendor}, {args.workers} workers × 4 threads, {args.clients} clients, {report['seconds']} s: "
          f"{report['requests_per_s']} requests/s, median {report['median_ms']} ms, p95 {report['p95_ms']} ms, "
          f"{report['errors']} errors; worker RSS {rss} MiB; load {load_before[0]:.1f} → {report['load_after'][0]:.1f}; "
          f"{report['worker_cpu_ms_per_request']} ms of worker CPU a request")
    for name, s in report["pages"].items():
        print(f"  {name:<32} {s['requests']:>6} {s['median_ms']:>8} {s['p95_ms']:>8}")


if __name__ == "__main__":
    main()
