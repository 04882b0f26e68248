"""Benchmark: search the typical-case library at 100,000 documents, on SQLite (FTS5) and PostgreSQL (tsvector).

    .venv/bin/python bench/cases_search.py                       # SQLite, 100,000 documents
    .venv/bin/python bench/cases_search.py --db postgres --docs 100000
    .venv/bin/python bench/cases_search.py --db both --docs 20000
    .venv/bin/python bench/cases_search.py --db postgres --existing   # search again, on the documents generated last

1. generate: documents of ~150 words (a title of 6–10) drawn from jieba's dictionary with a Zipf-like
   distribution over its 20,000 most frequent 2–4 character words, plus the domain's words (问责、整改、约谈 …)
   at realistic rates; random dates 2015–2026, regions, categories. The words are the tokens (they are
   dictionary words: jieba would cut the text into them), so generation does not run jieba 10^5 times;
   rows go in with bulk_create (the FTS5 triggers / the generated column index them as a real import does);
2. search: the selector the page and the API use (ranked ids, count, the page's documents, snippets), for
   queries of every kind — a frequent word (matches ~10–30 % of the library), a mid-frequency word, two and
   three words, with a year or region filter, a rare word — each run 5 times after one warm-up;
3. report p50 / p95 / max per kind and overall, in ms. Never run as a test.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PG_URL = "postgres://postgres@127.0.0.1:5432/rectify_bench_cases"
DOMAIN = ["问责", "整改", "约谈", "巡视", "形式主义", "官僚主义", "主体责任", "监督责任", "纪委监委", "党组织", "干部",
          "问题线索", "通报", "诫勉", "处分", "疫情防控", "口罩", "饮水工程", "毁林", "造假", "截留", "脱贫攻坚"]
REGIONS = ["昆明市", "曲靖市", "玉溪市", "大理州", "德宏州", "西双版纳州", "红河州", "文山州", "云南省"]


def _setup(home: str, db_url: str | None) -> None:
    os.environ["RECTIFY_HOME"] = home
    if db_url:
        os.environ["DATABASE_URL"] = db_url
    else:
        os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rectify.settings")
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _vocabulary() -> tuple[list[str], list[float]]:
    import jieba

    jieba.setLogLevel(60)
    words = []
    with open(jieba.get_dict_file().name, encoding="utf-8") as fh:
        for line in fh:
            parts = line.split()
            if len(parts) >= 2 and 2 <= len(parts[0]) <= 4 and all("\u4e00" <= ch <= "\u9fff" for ch in parts[0]):
                words.append((int(parts[1]), parts[0]))
    words.sort(reverse=True)
    top = [w for _f, w in words[:20000]]
    weights = [1.0 / (rank + 10) for rank in range(len(top))]
    return top, weights


def generate(n: int) -> tuple[list[str], list[float]]:
    from rectify.cases.models import CaseDocument

    rng = random.Random(13)
    vocab, weights = _vocabulary()
    cum = list(__import__("itertools").accumulate(weights))
    batch: list[CaseDocument] = []
    start = time.perf_counter()
    for i in range(n):
        title_words = rng.choices(vocab, cum_weights=cum, k=rng.randint(6, 10))
        body_words = rng.choices(vocab, cum_weights=cum, k=rng.randint(120, 180))
        for word in DOMAIN:
            if rng.random() < 0.08:
                body_words.insert(rng.randrange(len(body_words)), word)
        if rng.random() < 0.05:
            title_words.insert(0, rng.choice(DOMAIN))
        paragraphs = ["".join(body_words[j:j + 40]) + "。" for j in range(0, len(body_words), 40)]
        day = dt.date(2015, 1, 1) + dt.timedelta(days=rng.randrange(4300))
        batch.append(CaseDocument(title="".join(title_words), date=day, source="基准", region=rng.choice(REGIONS),
                                  paragraphs=paragraphs, identity_key=f"bench-{i}", content_hash=f"bench-{i}",
                                  search_title=" ".join(title_words), search_body=" ".join(body_words),
                                  file_format="txt"))
        if len(batch) == 2000:
            CaseDocument.objects.bulk_create(batch)
            batch = []
    if batch:
        CaseDocument.objects.bulk_create(batch)
    print(f"generated {n:,} documents in {time.perf_counter() - start:.1f} s", file=sys.stderr)
    return vocab, weights


def _queries(vocab: list[str]) -> list[tuple[str, str, dict]]:
    from rectify.cases.selectors import Filters

    rng = random.Random(5)
    frequent = vocab[:40]
    middle = vocab[500:3000]
    rare = vocab[15000:20000]
    out: list[tuple[str, str, dict]] = []
    for _ in range(10):
        out.append(("frequent word", rng.choice(frequent), {}))
        out.append(("domain word", rng.choice(DOMAIN), {}))
        out.append(("mid word", rng.choice(middle), {}))
        out.append(("two words", rng.choice(frequent) + rng.choice(middle), {}))
        out.append(("three words", rng.choice(DOMAIN) + rng.choice(frequent) + rng.choice(middle), {}))
        out.append(("word + year", rng.choice(DOMAIN), {"filters": Filters(year=rng.randint(2015, 2026))}))
        out.append(("word + region", rng.choice(frequent), {"filters": Filters(region=rng.choice(REGIONS))}))
        out.append(("rare word", rng.choice(rare), {}))
    return out


def measure(vocab: list[str]) -> dict:
    from rectify.accounts.models import Role, User
    from rectify.cases.selectors import document_search_for

    user = User.objects.filter(username="bench").first() or User.objects.create(username="bench", role=Role.LEADER)
    times: dict[str, list[float]] = {}
    counts: dict[str, list[int]] = {}
    for kind, query, kwargs in _queries(vocab):
        document_search_for(user=user, query=query, **kwargs)  # warm-up
        for _ in range(5):
            t0 = time.perf_counter()
            found = document_search_for(user=user, query=query, **kwargs)
            times.setdefault(kind, []).append((time.perf_counter() - t0) * 1000)
        counts.setdefault(kind, []).append(found.count)

    def summary(values: list[float]) -> dict:
        values = sorted(values)
        return {"p50": round(statistics.median(values), 1), "p95": round(values[int(0.95 * (len(values) - 1))], 1),
                "max": round(values[-1], 1)}

    report = {kind: {**summary(v), "median_matches": int(statistics.median(counts[kind]))} for kind, v in times.items()}
    report["all"] = summary([t for v in times.values() for t in v])
    return report


def run(db: str, docs: int, *, existing: bool = False) -> dict:
    home = os.environ.get("RECTIFY_BENCH_CASES_HOME") or str(Path(tempfile.gettempdir()) / "rectify-bench-cases")
    Path(home).mkdir(exist_ok=True)
    url = None
    if db == "postgres":
        import psycopg

        if not existing:
            with psycopg.connect(PG_URL.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
                conn.execute("DROP DATABASE IF EXISTS rectify_bench_cases")
                conn.execute("CREATE DATABASE rectify_bench_cases")
        url = PG_URL
    elif not existing:
        (Path(home) / "rectify.sqlite3").unlink(missing_ok=True)
    _setup(home, url)
    if existing:
        from rectify.cases.models import CaseDocument

        docs = CaseDocument.objects.count()
        vocab, _w = _vocabulary()
    else:
        vocab, _w = generate(docs)
    if db == "postgres":
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE cases_casedocument")
    return {"db": db, "documents": docs, **measure(vocab)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--docs", type=int, default=100_000)
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="sqlite")
    parser.add_argument("--existing", action="store_true", help="search the documents a previous run generated")
    args = parser.parse_args()
    if args.db == "both":  # each backend in its own process: Django is set up once per process
        import subprocess

        for db in ("sqlite", "postgres"):
            subprocess.run([sys.executable, __file__, "--docs", str(args.docs), "--db", db,
                            *(["--existing"] if args.existing else [])], check=True)
        return
    print(json.dumps(run(args.db, args.docs, existing=args.existing), ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
