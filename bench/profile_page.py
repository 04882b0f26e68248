"""Where a page's server time goes: cProfile of N requests through Django's test client.

    .venv/bin/python bench/profile_page.py --user jiwei --url / [--repeat 50] [--existing] [--sort tottime]

Loads the demo into a fresh data directory (or, with ``--existing``, reads the database RECTIFY_HOME /
DATABASE_URL name), warms the page up, then profiles ``--repeat`` requests and prints the top functions, plus
the share of time spent in SQL execution, template rendering and the rest. Never run as a test.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import pages as bench_pages


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--user", default="jiwei")
    parser.add_argument("--url", default="/")
    parser.add_argument("--repeat", type=int, default=50)
    parser.add_argument("--existing", action="store_true")
    parser.add_argument("--sort", default="cumulative")
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument("--filter", default="", help="only functions whose file matches this regex, e.g. rectify")
    args = parser.parse_args()
    bench_pages.setup(existing=args.existing)
    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client

    from rectify.accounts.models import User

    call_command("migrate", verbosity=0)
    if not args.existing:
        from rectify.demo.loader import demo_load

        demo_load()
    settings.ALLOWED_HOSTS = ["testserver"]
    round_code, _unit, task, problem = bench_pages.targets()
    url = args.url.format(round=round_code, task=task.pk, problem=problem.pk)
    client = Client()
    client.force_login(User.objects.get(username=args.user))
    for _ in range(3):
        assert client.get(url).status_code == 200
    profile = cProfile.Profile()
    t0 = time.perf_counter()
    profile.enable()
    for _ in range(args.repeat):
        client.get(url)
    profile.disable()
    per_request = (time.perf_counter() - t0) * 1000 / args.repeat
    stats = pstats.Stats(profile)
    total = stats.total_tt  # type: ignore[attr-defined]
    parts = {"SQL execute": ("execute", "django/db/backends"), "template render": ("render", "django/template/base.py")}
    print(f"{url} as {args.user}: {per_request:.1f} ms a request under the profiler ({total / args.repeat * 1000:.1f} "
          "ms profiled)")
    for label, (func, path) in parts.items():
        cum = sum(v[3] for (file, _line, name), v in stats.stats.items()  # type: ignore[attr-defined]
                  if name == func and path in file and "utils.py" not in file)
        print(f"  {label}: ~{cum / args.repeat * 1000:.1f} ms a request (cumulative, may overlap)")
    stats.sort_stats(args.sort).print_stats(args.filter or "", args.top) if args.filter else stats.sort_stats(args.sort).print_stats(args.top)


if __name__ == "__main__":
    main()
