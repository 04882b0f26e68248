"""Markdown tables from the JSON the benchmark scripts print, side by side per data set.

    .venv/bin/python bench/table.py pages demo=out/demo.pages.json "PG 10^5=out/p5.pages.json" …
    .venv/bin/python bench/table.py aggregates demo=out/demo.agg.json …
    .venv/bin/python bench/table.py load demo=out/demo.load.json …
"""

from __future__ import annotations

import json
import sys


def _load(args: list[str]) -> list[tuple[str, dict]]:
    sets = []
    for arg in args:
        label, path = arg.split("=", 1)
        with open(path, encoding="utf-8") as f:
            sets.append((label, json.load(f)))
    return sets


def pages(sets: list[tuple[str, dict]]) -> None:
    names = list(dict.fromkeys(p["name"] for _l, d in sets for p in d["pages"]))
    print("| page | " + " | ".join(f"{label} q | {label} median / p95 (CPU)" for label, _d in sets) + " |")
    print("|---|" + "---:|---:|" * len(sets))
    for name in names:
        cells = []
        for _label, d in sets:
            row = next((p for p in d["pages"] if p["name"] == name), None)
            cpu = f" ({row['cpu_median_ms']:.0f})" if row and "cpu_median_ms" in row else ""
            cells += [str(row["queries"]), f"{row['median_ms']:.0f} / {row['p95_ms']:.0f}{cpu}"] if row else ["", ""]
        print(f"| {name} | " + " | ".join(cells) + " |")
    print()
    print("load (1 min) before → after: " + "; ".join(
        f"{label} {d['load_before'][0]:.1f} → {d['load_after'][0]:.1f}" for label, d in sets))


def aggregates(sets: list[tuple[str, dict]]) -> None:
    print("| data set | aggregate | ours (ms) | hand-written SQL (ms) | ratio | from task rows (ms) |")
    print("|---|---|---:|---:|---:|---:|")
    for label, d in sets:
        for a in d["aggregates"]:
            src = f"{a['source_median_ms']:.1f}" if "source_median_ms" in a else ""
            print(f"| {label} | {a['name']} | {a['app_median_ms']:.1f} | {a['sql_median_ms']:.2f} | "
                  f"{a['ratio']:.1f}× | {src} |")
    print()
    print("load (1 min): " + "; ".join(f"{label} {d['load'][0]:.1f}" for label, d in sets))


def load(sets: list[tuple[str, dict]]) -> None:
    print("| data set | workers | clients | requests/s | median ms | p95 ms | errors | worker CPU ms/request | "
          "requests/s if the 2 cores were ours | worker RSS MiB | load |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---|")
    for label, d in sets:
        print(f"| {label} | {d['workers']} | {d['clients']} | {d['requests_per_s']} | {d['median_ms']} | {d['p95_ms']} | "
              f"{d['errors']} | {d.get('worker_cpu_ms_per_request', '')} | {d.get('cpu_bound_requests_per_s', '')} | "
              f"{', '.join(f'{r:.0f}' for r in d['worker_rss_mib'])} | "
              f"{d['load_before'][0]:.1f} → {d['load_after'][0]:.1f} |")


if __name__ == "__main__":
    {"pages": pages, "aggregates": aggregates, "load": load}[sys.argv[1]](_load(sys.argv[2:]))
