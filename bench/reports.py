"""Time each report's queries at several data sizes on PostgreSQL and print a table.

    .venv/bin/python bench/reports.py                       # sizes tiny, small, modest
    .venv/bin/python bench/reports.py --sizes full          # 100k users, 2k courses, 1M enrolments, 5M lessons
    .venv/bin/python bench/reports.py --sizes small --explain   # also print EXPLAIN ANALYZE of each rows query

Each size gets a fresh database (BENCH_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/courseworx_bench,
dropped and re-created), `migrate`, `generate_scale_data --seed 42`, `VACUUM ANALYZE`; then, for each report,
as an administrator (every course, the last 365 days) and as one instructor (their courses), the best of
three runs of what a report page computes: the row count, the first page of 25 sorted rows, the summary
figures and the chart data.  Not a test: run it by hand and read the table.
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


def measure(user, slug: str) -> dict:
    from reports.filters import report_params
    from reports.reports import REPORTS

    report = REPORTS[slug]
    import datetime as dt

    from django.utils import timezone

    today = timezone.localdate()
    data = {"date_from": (today - dt.timedelta(days=364)).isoformat(), "date_to": today.isoformat()}
    params, _ = report_params(user=user, report=slug, data=data)
    rows = report.rows(params)
    return {
        "rows": best_of(lambda: (rows.count(), list(rows[:25]))),
        "summary": best_of(lambda: report.summary(params)),
        "charts": best_of(lambda: report.charts(params)),
        "count": rows.count(),
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
        if args.jit_off:
            with connection.cursor() as cursor:
                cursor.execute("SET jit = off")
        admin = User.objects.filter(is_superuser=True).first() or User.objects.create_superuser(
            "bench-admin@scale.invalid", "x", first_name="Bench", last_name="Admin"
        )
        instructor = User.objects.filter(role="instructor", email__startswith="scale-").order_by("email").first()
        for slug in REPORTS:
            a = measure(admin, slug)
            i = measure(instructor, slug)
            results.append((size, slug, a, i))
            print(f"   {slug:<13} admin rows {a['rows'] * 1000:7.0f} ms  summary {a['summary'] * 1000:6.0f} ms  "
                  f"charts {a['charts'] * 1000:6.0f} ms  ({a['count']} rows) | instructor rows "
                  f"{i['rows'] * 1000:5.0f} ms", flush=True)  # fmt: skip
            if args.explain:
                print(explain(admin, slug), "\n", flush=True)

    print(
        "\n| size | report | rows (count + page 1), ms | summary, ms | charts, ms | page total, ms "
        "| instructor page, ms |"
    )
    print("|---|---|---:|---:|---:|---:|---:|")
    for size, slug, a, i in results:
        total = (a["rows"] + a["summary"] + a["charts"]) * 1000
        itotal = (i["rows"] + i["summary"] + i["charts"]) * 1000
        print(f"| {size} | {slug} | {a['rows'] * 1000:.0f} | {a['summary'] * 1000:.0f} | {a['charts'] * 1000:.0f} "
              f"| {total:.0f} | {itotal:.0f} |")  # fmt: skip


if __name__ == "__main__":
    main()
