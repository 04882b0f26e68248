"""Benchmark: a whole round's ledger export as the background worker runs it.

    RECTIFY_HOME=/tmp/e5 .venv/bin/python bench/generate.py --tasks 103307 --one-round   # a round of ~10^5 tasks
    RECTIFY_HOME=/tmp/e5 .venv/bin/python bench/export.py [--round G-0001] [--json]

Queues the export as the commission (``ledger_export_start``) and runs the job in this process
(``run_ledger_export``, what ``rectify worker`` runs), then reports the wall time, the CPU time, the peak RSS of
the process, the file size and the tasks exported. Never run as a test.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import pages as bench_pages


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--round", default="", help="round code (default: the generated round with most tasks)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    bench_pages.setup(existing=True)
    from django.db.models import Count

    from rectify.accounts.models import User
    from rectify.inspections.models import InspectionRound
    from rectify.ledger import jobs
    from rectify.ledger.models import LedgerExport

    rnd = (InspectionRound.objects.get(code=args.round) if args.round else
           InspectionRound.objects.annotate(n=Count("inspected_units__problems__tasks")).order_by("-n").first())
    tasks = InspectionRound.objects.filter(pk=rnd.pk).aggregate(n=Count("inspected_units__problems__tasks"))["n"]
    user = User.objects.get(username="jiwei")
    load = os.getloadavg()
    job = jobs.ledger_export_start(actor=user, round_code=rnd.code)
    cpu0, t0 = time.process_time(), time.perf_counter()
    jobs.run_ledger_export.call(str(job.pk))  # the task body, as the worker calls it
    wall, cpu = time.perf_counter() - t0, time.process_time() - cpu0
    job = LedgerExport.objects.get(pk=job.pk)
    report = {"round": rnd.code, "tasks": tasks, "units": rnd.inspected_units.count(), "state": job.state,
              "seconds": round(wall, 1), "cpu_seconds": round(cpu, 1),
              "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
              "file_mb": round(job.file.size / 1e6, 1) if job.file else None, "load_before": load,
              "load_after": os.getloadavg()}
    print(json.dumps(report, ensure_ascii=False) if args.json else report)


if __name__ == "__main__":
    main()
