"""Report rollups (reports/rollups.py) give the same figures as the live reports, and are used only when
they may be: PostgreSQL, a whole-site view, a fresh successful refresh.  Plus the one-query paginator."""

import dataclasses
import datetime as dt

import pytest
from django.db import connection
from django.db.models import Sum
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from reports import rollups
from reports.filters import report_params
from reports.models import ActivityLog, CoursePeriodStats, DataPipelineRun, Grain
from reports.pagination import ReportPaginator
from reports.pipelines import report_rollups_refresh
from reports.reports import REPORTS
from reports.rollups import PIPELINE, full_weeks, period_q

from .conftest import _attempt, _certificate, _completion, _enrol, _event, at

pytestmark = pytest.mark.django_db
postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="Rollups are built on PostgreSQL only (int4multirange); CI runs them."
)


# -- date arithmetic (any database) -------------------------------------------------------------
def test_full_weeks():
    # Wed 2026-03-04 .. Tue 2026-03-24: whole weeks are Mon 9 .. Sun 22.
    assert full_weeks(dt.date(2026, 3, 4), dt.date(2026, 3, 24)) == (dt.date(2026, 3, 9), dt.date(2026, 3, 23))
    # A Monday..Sunday range is its own whole weeks.
    assert full_weeks(dt.date(2026, 3, 2), dt.date(2026, 3, 15)) == (dt.date(2026, 3, 2), dt.date(2026, 3, 16))
    # Three days: no whole week (an empty span).
    start, after = full_weeks(dt.date(2026, 3, 4), dt.date(2026, 3, 6))
    assert start >= after


@pytest.mark.parametrize(
    "first,last",
    [
        ("2026-01-01", "2026-12-31"),  # whole months only
        ("2026-01-15", "2026-04-10"),  # day rows at both ends
        ("2026-02-01", "2026-02-28"),  # one whole month
        ("2026-03-05", "2026-03-20"),  # inside one month: day rows only
        ("2026-01-31", "2026-02-01"),  # two days across a month boundary
        ("2026-02-10", "2026-03-31"),  # ends on a month end
    ],
)
def test_period_q_covers_each_day_once(first, last):
    """Day rows worth 1 and month rows worth their number of days: any range sums to its length."""
    day, rows = dt.date(2026, 1, 1), []
    while day.year == 2026:
        rows.append(CoursePeriodStats(grain=Grain.DAY, period=day, enrolments=1))
        if day.day == 1:
            days = ((day.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - day).days
            rows.append(CoursePeriodStats(grain=Grain.MONTH, period=day, enrolments=days))
        day += dt.timedelta(days=1)
    CoursePeriodStats.objects.bulk_create(rows)
    a, b = dt.date.fromisoformat(first), dt.date.fromisoformat(last)
    total = CoursePeriodStats.objects.filter(period_q(a, b)).aggregate(n=Sum("enrolments"))["n"]
    assert total == (b - a).days + 1


def test_refresh_is_a_no_op_without_postgresql(world, admin_user):
    if connection.vendor == "postgresql":
        pytest.skip("This checks the other databases.")
    assert report_rollups_refresh() is None
    params, _ = report_params(user=admin_user, report="completion", data={})
    assert not params.use_rollups


# -- rollups = live (PostgreSQL) ----------------------------------------------------------------
@pytest.fixture
def rich_world(world):
    """The hand-computed world plus rows on month and week edges (April, late February)."""
    w = world
    _enrol(w.s4, w.beta, at(2, 28, 23), "completed", at(4, 2), 100)
    _enrol(w.s3, w.beta, at(4, 1, 1), "dropped", dropped=at(4, 3), progress=10)
    _completion(w.s2, w.a1, seconds=900, completed_at=at(4, 1, 0), updated=at(4, 1, 0))
    _completion(w.s4, w.b1, seconds=300, completed_at=None, updated=at(2, 28, 23))
    E = ActivityLog.Event
    _event(w.s4, E.LESSON_VIEW, at(2, 28, 23), w.beta, w.b1)
    _event(w.s4, E.LOGIN, at(3, 1, 0))
    _event(w.s2, E.LESSON_VIEW, at(4, 1, 2), w.alpha, w.a1)
    _event(w.s1, E.QUIZ_SUBMIT, at(3, 31, 23), w.alpha, w.quiz)
    _event(None, E.LOGIN, at(3, 15))  # an anonymised user's event: counted as an event, not as a user
    # The year before: ranges across New Year read two years' running totals per student.
    dec = lambda day, hour=12: dt.datetime(2025, 12, day, hour, tzinfo=dt.UTC)  # noqa: E731
    e = _enrol(w.s2, w.gamma, dec(1), "completed", dec(31, 23), 100)
    _certificate(e, at(1, 1, 0))
    _completion(w.s2, w.b1, seconds=120, completed_at=dec(31, 22), updated=dec(31, 22))
    _attempt(w.s2, w.quiz, 2, "65.5", dec(30))
    _attempt(w.s4, w.quiz, 1, "70.25", at(1, 2))
    return w


RANGES = [
    {"date_from": "2026-03-01", "date_to": "2026-03-31"},
    {"date_from": "2026-02-01", "date_to": "2026-04-30"},
    {"date_from": "2026-02-15", "date_to": "2026-04-02"},
    {"date_from": "2026-02-20", "date_to": "2026-03-25", "period": "week"},
    {"date_from": "2026-03-04", "date_to": "2026-03-06", "period": "week"},
    {"date_from": "2026-01-01", "date_to": "2026-12-31", "period": "week", "sort": "-sessions"},
    {"date_from": "2025-12-20", "date_to": "2026-03-10", "sort": "-avg_quiz"},
    {"date_from": "2025-12-31", "date_to": "2026-01-01"},
    {"date_from": "2025-12-01", "date_to": "2026-04-30", "period": "week"},
]


def _render(report, params):
    return (
        [report.cells(row) for row in report.rows(params)],
        [(k.label, k.display) for k in report.summary(params)],
        [c.as_dict() for c in report.charts(params)],
    )


@postgres_only
@pytest.mark.parametrize("slug", list(REPORTS))
def test_rollups_give_the_live_figures(rich_world, admin_user, slug):
    run = report_rollups_refresh()
    assert run.status == DataPipelineRun.Status.SUCCEEDED and run.rows > 0
    report, with_rows = REPORTS[slug], 0
    for data in RANGES:
        params, _ = report_params(user=admin_user, report=slug, data=data)
        assert params.use_rollups, data
        live = dataclasses.replace(params, rollups_as_of=None, cache={})
        rolled, computed = _render(report, params), _render(report, live)
        assert rolled == computed, (slug, data)
        with_rows += bool(computed[0])
    assert with_rows >= 4 or slug in ("support", "revenue", "attendance", "attendance-trainees"), (
        "the fixture must give rows"
    )


@postgres_only
def test_rollups_follow_the_data_at_the_next_refresh(rich_world, admin_user):
    report_rollups_refresh()
    params, _ = report_params(user=admin_user, report="completion", data=RANGES[0])
    before = {k.label: k.value for k in REPORTS["completion"].summary(params)}["Enrolments"]
    _enrol(rich_world.s4, rich_world.gamma, at(3, 9))
    assert {k.label: k.value for k in REPORTS["completion"].summary(params)}["Enrolments"] == before  # as of
    report_rollups_refresh()
    params, _ = report_params(user=admin_user, report="completion", data=RANGES[0])
    assert {k.label: k.value for k in REPORTS["completion"].summary(params)}["Enrolments"] == before + 1


@postgres_only
def test_rollups_are_not_used_when_narrowed_stale_or_off(rich_world, admin_user, settings):
    w = rich_world
    report_rollups_refresh()
    whole, _ = report_params(user=admin_user, report="engagement", data={})
    assert whole.use_rollups and whole.rollups_as_of <= timezone.now()
    one_course, _ = report_params(user=admin_user, report="engagement", data={"course": str(w.alpha.pk)})
    assert not one_course.use_rollups
    instructor, _ = report_params(user=w.ivan, report="engagement", data={})
    assert not instructor.use_rollups
    settings.REPORTS_ROLLUPS = False
    off, _ = report_params(user=admin_user, report="engagement", data={})
    assert not off.use_rollups
    settings.REPORTS_ROLLUPS = True
    DataPipelineRun.objects.filter(name=PIPELINE).update(started_at=timezone.now() - dt.timedelta(hours=3))
    stale, _ = report_params(user=admin_user, report="engagement", data={})
    assert not stale.use_rollups


@postgres_only
def test_the_page_says_when_its_figures_are_from(rich_world, admin_client):
    url = "/reports/completion/"
    assert "figures as of" not in admin_client.get(url, RANGES[0]).content.decode()  # no refresh yet: live
    report_rollups_refresh()
    assert "figures as of" in admin_client.get(url, RANGES[0]).content.decode()
    narrowed = admin_client.get(url, {**RANGES[0], "course": str(rich_world.alpha.pk)}).content.decode()
    assert "figures as of" not in narrowed


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_a_refresh_vacuums_the_rollup_tables_after_it_commits():
    def vacuums():
        with connection.cursor() as cursor:
            cursor.execute("SELECT vacuum_count FROM pg_stat_user_tables WHERE relname = 'reports_studentyeartotals'")
            return cursor.fetchone()[0]

    before = vacuums()
    assert report_rollups_refresh().status == DataPipelineRun.Status.SUCCEEDED
    assert vacuums() == before + 1


@postgres_only
def test_the_home_page_looks_up_the_rollups_once(rich_world, admin_client):
    report_rollups_refresh()
    with CaptureQueriesContext(connection) as queries:
        html = admin_client.get("/reports/").content.decode()
    assert "Top performing students" in html
    runs = [q["sql"] for q in queries if DataPipelineRun._meta.db_table in q["sql"]]
    assert len(runs) == 1, runs


@postgres_only
def test_a_failed_refresh_keeps_the_previous_figures(rich_world, admin_user, monkeypatch):
    report_rollups_refresh()
    rows = CoursePeriodStats.objects.count()
    monkeypatch.setattr(rollups, "_statements", lambda: ["DELETE FROM reports_courseperiodstats", "SELECT 1/0"])
    with pytest.raises(Exception):  # noqa: B017 (the database's division error)
        report_rollups_refresh()
    assert CoursePeriodStats.objects.count() == rows  # the transaction rolled back
    assert DataPipelineRun.objects.filter(name=PIPELINE, status=DataPipelineRun.Status.FAILED).exists()


# -- the one-query paginator --------------------------------------------------------------------
def test_report_paginator_gets_a_page_and_the_count_in_one_query(world, admin_user, django_assert_num_queries):
    params, _ = report_params(user=admin_user, report="completion", data={"date_from": "2026-02-01",
                                                                          "date_to": "2026-03-31"})  # fmt: skip
    rows = REPORTS["completion"].rows(params)
    expected = [r["title"] for r in rows]
    paginator = ReportPaginator(rows, 2)
    with django_assert_num_queries(1):
        page = paginator.get_page(1)
        assert paginator.count == len(expected) == 3
    assert [r["title"] for r in page.object_list] == expected[:2]
    assert "_report_total" not in page.object_list[0]
    assert [r["title"] for r in ReportPaginator(rows, 2).get_page(2).object_list] == expected[2:]
    assert ReportPaginator(rows, 2).get_page(99).number == 2  # past the end: the last page
    assert ReportPaginator(rows, 2).get_page("x").number == 1
    empty = ReportPaginator(rows.filter(title="nothing"), 2).get_page(1)
    assert empty.number == 1 and list(empty.object_list) == [] and empty.paginator.count == 0
