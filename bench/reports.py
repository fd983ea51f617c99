"""Time each report's queries at several data sizes on PostgreSQL and print a table.

    .venv/bin/python bench/reports.py                       # sizes tiny, small, modest
    .venv/bin/python bench/reports.py --sizes full          # 100k users, 2k courses, 1M enrolments, 5M lessons
    .venv/bin/python bench/reports.py --sizes small --explain   # also print EXPLAIN ANALYZE of each rows query

Each size gets a fresh database (BENCH_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/courseworx_bench,
dropped and re-created), `migrate`, `generate_scale_data --seed 42`, `VACUUM ANALYZE`, then the report rollups
are built (reports/rollups.py; the time is printed); then, for each report, the best of three runs of what a
report page computes -- the first page of 25 sorted rows with the row count (one query, reports.pagination),
the summary figures and the chart data -- over the last 365 days, as an administrator (every course) from
the rollups and computed live, and as one instructor (their courses, always live).
Not a test: run it by hand and read the table.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
BENCH_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/courseworx_bench")
os.environ["DATABASE_URL"] = BENCH_URL
os.environ.setdefault("DEBUG", "true")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "courseworx.settings")

SIZES = {
    "tiny": {"users": 1_000, "courses": 50, "enrolments": 10_000, "completions": 50_000},
    "small": {"users": 3_000, "courses": 200, "enrolments": 30_000, "completions": 150_000},
    "modest": {"users": 10_000, "courses": 500, "enrolments": 100_000, "completions": 500_000},
    "large": {"users": 30_000, "courses": 1_000, "enrolments": 300_000, "completions": 1_500_000},
    "full": {"users": 100_000, "courses": 2_000, "enrolments": 1_000_000, "completions": 5_000_000},
}


def recreate_database() -> None:
    import psycopg

    url = urlparse(BENCH_URL)
    name = url.path.lstrip("/")
    admin = url._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def best_of(func, runs: int = 3) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return min(times)


def measure(user, slug: str, rollups: bool = True) -> dict:
    import dataclasses
    import datetime as dt

    from django.core.paginator import Paginator
    from django.utils import timezone

    from reports.filters import report_params
    from reports.pagination import ReportPaginator
    from reports.reports import REPORTS

    report = REPORTS[slug]
    today = timezone.localdate()
    data = {"date_from": (today - dt.timedelta(days=364)).isoformat(), "date_to": today.isoformat()}
    base, _ = report_params(user=user, report=slug, data=data)
    if not rollups:
        base = dataclasses.replace(base, rollups_as_of=None)
    state = {}

    def page():
        state["p"] = p = dataclasses.replace(base, cache={})  # a new request: nothing computed yet
        paginator = (ReportPaginator if report.count_with_page(p) else Paginator)(report.rows(p), 25)
        rows = paginator.get_page(1)
        p.cache.update(first_rows=list(rows.object_list), count=paginator.count)
        state["count"] = paginator.count

    return {
        "rows": best_of(page),
        "summary": best_of(lambda: report.summary(state["p"])),
        "charts": best_of(lambda: report.charts(state["p"])),
        "count": state["count"],
        "rollups": base.use_rollups,
    }


def explain(user, slug: str) -> str:
    import datetime as dt

    from django.utils import timezone

    from reports.filters import report_params
    from reports.reports import REPORTS

    today = timezone.localdate()
    data = {"date_from": (today - dt.timedelta(days=364)).isoformat(), "date_to": today.isoformat()}
    params, _ = report_params(user=user, report=slug, data=data)
    return REPORTS[slug].rows(params)[:25].explain(analyze=True, buffers=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="tiny,small,modest")
    parser.add_argument("--explain", action="store_true")
    parser.add_argument("--keep", action="store_true", help="Reuse the database as it is (no re-create/generate).")
    parser.add_argument("--refresh", action="store_true", help="With --keep: rebuild the rollups first.")
    parser.add_argument(
        "--jit-off", action="store_true", help="SET jit = off (PostgreSQL's JIT costs 0.5-1 s on these plans)."
    )
    args = parser.parse_args()

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, connections

    from accounts.models import User
    from reports.reports import REPORTS

    results = []
    for size in args.sizes.split(","):
        spec = SIZES[size]
        if not args.keep:
            connections.close_all()
            recreate_database()
            print(f"\n== {size}: {spec}", flush=True)
            t0 = time.perf_counter()
            call_command("migrate", verbosity=0)
            call_command("generate_scale_data", seed=42, **spec)
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE")
            print(f"   generated in {time.perf_counter() - t0:.0f} s", flush=True)
        if not args.keep or args.refresh:
            from reports.pipelines import report_rollups_refresh

            t0 = time.perf_counter()
            run = report_rollups_refresh()
            print(f"   rollups: {run.rows:,} rows in {time.perf_counter() - t0:.0f} s", flush=True)
        if args.jit_off:
            with connection.cursor() as cursor:
                cursor.execute("SET jit = off")
        admin = User.objects.filter(is_superuser=True).first() or User.objects.create_superuser(
            "bench-admin@scale.invalid", "x", first_name="Bench", last_name="Admin"
        )
        instructor = User.objects.filter(role="instructor", email__startswith="scale-").order_by("email").first()
        for slug in REPORTS:
            a = measure(admin, slug)
            live = measure(admin, slug, rollups=False)
            i = measure(instructor, slug)
            results.append((size, slug, a, live, i))
            print(f"   {slug:<13} admin page {a['rows'] * 1000:6.0f} ms  summary {a['summary'] * 1000:5.0f} ms  "
                  f"charts {a['charts'] * 1000:5.0f} ms ({a['count']} rows, rollups {a['rollups']}) | live "
                  f"{total(live):6.0f} ms | instructor {total(i):5.0f} ms", flush=True)  # fmt: skip
            if args.explain:
                print(explain(admin, slug), "\n", flush=True)

    print(
        "\n| size | report | page 1 + count, ms | summary, ms | charts, ms | whole-site page, ms "
        "| same, computed live, ms | instructor page (live), ms |"
    )
    print("|---|---|---:|---:|---:|---:|---:|---:|")
    for size, slug, a, live, i in results:
        print(f"| {size} | {slug} | {a['rows'] * 1000:.0f} | {a['summary'] * 1000:.0f} | {a['charts'] * 1000:.0f} "
              f"| {total(a):.0f} | {total(live):.0f} | {total(i):.0f} |")  # fmt: skip


def total(m: dict) -> float:
    return (m["rows"] + m["summary"] + m["charts"]) * 1000


if __name__ == "__main__":
    main()
