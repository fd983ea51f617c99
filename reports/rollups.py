"""Report rollups: the whole-site reports answered from small summary tables (PostgreSQL).

Why: at 1M enrolments / 5M lesson records the whole-site reports computed live read millions of rows
per page (several seconds).  The `report_rollups` pipeline (Celery beat, every
REPORTS_ROLLUP_REFRESH_MINUTES) rebuilds, in one transaction, tables keyed by day *and* by month:

- CoursePeriodStats  per course (and NULL = site) and day/month: the completion cohort and time spent;
- SiteResultStats    per day/month for the whole site: lessons, courses, quizzes, certificates;
- StudentYearTotals  per student and calendar year: running totals of the same, at each day with a result,
                     so that a student's figure over *any* range is two binary searches in one row;
- SiteActivityStats  per day and per week: the activity report's rows;
- ActiveDays         per user (and course): the days they were active, as an int4multirange, so that a
                     distinct count over *any* date range is one overlap test per row;
- CourseProgressStats per course: students and progress buckets.

A date range is read as whole months from the month rows and the remaining days at both ends from the
day rows (`period_q`), so any range is exact and costs at most ~60 day rows + 12 month rows per key.
Every figure is defined as in the live report (reports/reports/*.py); tests check that both paths give
the same table, summary and charts.

When the rollups are used (`rollups_as_of`): PostgreSQL, a whole-site view (no course or instructor
filter: a narrowed view reads few rows and stays live), REPORTS_ROLLUPS on, and a successful refresh no
older than REPORTS_ROLLUP_MAX_AGE_MINUTES.  The page then says "figures as of HH:MM".  Otherwise (a
small site without the beat, SQLite, a stale refresh) the reports are computed live, exact at any moment.
"""

# ruff: noqa: S608  (SQL built from model table names and constants only; values are parameters)
from __future__ import annotations

import datetime as dt

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from learning.models import Enrollment, IssuedCertificate, LessonCompletion, QuizAttempt

from . import conf
from .fields import EPOCH
from .models import (
    ActiveDays,
    ActivityLog,
    CoursePeriodStats,
    CourseProgressStats,
    DataPipelineRun,
    Grain,
    SiteActivityStats,
    SiteResultStats,
    StudentYearTotals,
)

PIPELINE = "report_rollups"
LEARNING_EVENTS = (
    ActivityLog.Event.LESSON_VIEW,
    ActivityLog.Event.LESSON_COMPLETE,
    ActivityLog.Event.QUIZ_SUBMIT,
)


# -- reading --------------------------------------------------------------------------------------
def supported() -> bool:
    return connection.vendor == "postgresql" and conf.rollups_enabled()


def rollups_as_of() -> dt.datetime | None:
    """The moment the rollups describe (start of the last successful refresh), if they may be used."""
    if not supported():
        return None
    run = (
        DataPipelineRun.objects.filter(name=PIPELINE, status=DataPipelineRun.Status.SUCCEEDED)
        .order_by("-started_at")
        .only("started_at")
        .first()
    )
    if run is None or run.started_at < timezone.now() - dt.timedelta(minutes=conf.rollup_max_age_minutes()):
        return None
    return run.started_at


def _month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def _next_month(day: dt.date) -> dt.date:
    return (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def period_q(first: dt.date, last: dt.date, prefix: str = "") -> Q:
    """Rows covering the days first..last (inclusive) exactly once: whole months as month rows, the
    days before the first whole month and after the last one as day rows."""

    def q(grain, **lookups):
        return Q(**{f"{prefix}grain": grain}, **{f"{prefix}{k}": v for k, v in lookups.items()})

    first_full = first if first.day == 1 else _next_month(first)
    after_full = _month_start(last + dt.timedelta(days=1))
    if first_full >= after_full:
        return q(Grain.DAY, period__gte=first, period__lte=last)
    return (
        q(Grain.MONTH, period__gte=first_full, period__lt=after_full)
        | q(Grain.DAY, period__gte=first, period__lt=first_full)
        | q(Grain.DAY, period__gte=after_full, period__lte=last)
    )


def full_weeks(first: dt.date, last: dt.date) -> tuple[dt.date, dt.date]:
    """(first Monday, Monday after the last whole week) of the whole Monday-Sunday weeks in first..last;
    empty when the two are equal or reversed."""
    start = first + dt.timedelta(days=(7 - first.weekday()) % 7)
    after = last + dt.timedelta(days=1)
    after -= dt.timedelta(days=after.weekday())
    return start, max(start, after)


# -- refreshing -----------------------------------------------------------------------------------
def _tables():
    return {
        "cps": CoursePeriodStats._meta.db_table,
        "srs": SiteResultStats._meta.db_table,
        "syt": StudentYearTotals._meta.db_table,
        "sas": SiteActivityStats._meta.db_table,
        "ad": ActiveDays._meta.db_table,
        "cprog": CourseProgressStats._meta.db_table,
        "enrol": Enrollment._meta.db_table,
        "cert": IssuedCertificate._meta.db_table,
        "lesson": LessonCompletion._meta.db_table,
        "quiz": QuizAttempt._meta.db_table,
        "act": ActivityLog._meta.db_table,
    }


def _local_date(column: str) -> str:
    return f"({column} AT TIME ZONE %(tz)s)::date"


def _statements() -> list[str]:
    t = _tables()
    enrolled, updated = _local_date("e.enrolled_at"), _local_date("updated_at")
    day = _local_date("created_at")
    learning = ", ".join(f"'{e}'" for e in LEARNING_EVENTS)
    E = ActivityLog.Event
    cps_cols = "course_id, grain, period, enrolments, dropped, completed, certificates, completion_time, "
    cps_cols += "time_spent_seconds"
    measures = "lessons_completed, courses_completed, quizzes, quizzes_scored, "
    srs_cols = f"grain, period, {measures}quiz_percent_sum, certificates"
    srs_sums = "SUM(lessons_completed), SUM(courses_completed), SUM(quizzes), SUM(quizzes_scored), "
    srs_sums += "SUM(quiz_percent_sum), SUM(certificates)"
    syt_cols = f"user_id, year, days, {measures}quiz_percent_hundredths, certificates"
    cps_sums = "SUM(enrolments), SUM(dropped), SUM(completed), SUM(certificates), SUM(completion_time), "
    cps_sums += "SUM(time_spent_seconds)"
    return [
        f"DELETE FROM {t['cps']}",
        f"DELETE FROM {t['srs']}",
        f"DELETE FROM {t['syt']}",
        f"DELETE FROM {t['sas']}",
        f"DELETE FROM {t['ad']}",
        f"DELETE FROM {t['cprog']}",
        # Completion cohort: enrolments by the day they were made, with their current status.
        f"""INSERT INTO {t["cps"]} ({cps_cols})
            SELECT e.course_id, 'day', {enrolled}, COUNT(*),
                   COUNT(*) FILTER (WHERE e.status = %(dropped)s), COUNT(*) FILTER (WHERE e.status = %(completed)s),
                   COUNT(c.id) FILTER (WHERE c.status = %(valid)s),
                   COALESCE(SUM(e.completed_at - e.enrolled_at) FILTER (WHERE e.status = %(completed)s),
                            INTERVAL '0'), 0
            FROM {t["enrol"]} e LEFT JOIN {t["cert"]} c ON c.enrollment_id = e.id
            GROUP BY e.course_id, {enrolled}""",
        # Time spent: lesson records by the day they were last updated (separate rows: all are sums).
        f"""INSERT INTO {t["cps"]} ({cps_cols})
            SELECT course_id, 'day', {updated}, 0, 0, 0, 0, INTERVAL '0', SUM(time_spent_seconds)
            FROM {t["lesson"]} GROUP BY course_id, {updated}""",
        f"""INSERT INTO {t["cps"]} ({cps_cols})
            SELECT course_id, 'month', date_trunc('month', period)::date, {cps_sums}
            FROM {t["cps"]} WHERE grain = 'day' GROUP BY course_id, date_trunc('month', period)""",
        f"""INSERT INTO {t["cps"]} ({cps_cols})
            SELECT NULL, grain, period, {cps_sums} FROM {t["cps"]} GROUP BY grain, period""",
        # Students' results by day (a scratch table: the site's rows and the students' running totals).
        "DROP TABLE IF EXISTS rollup_student_days",
        f"""CREATE TEMPORARY TABLE rollup_student_days ON COMMIT DROP AS
            SELECT user_id, d, SUM(l) l, SUM(c) c, SUM(q) q, SUM(qs) qs, SUM(qp) qp, SUM(ce) ce FROM (
                SELECT user_id, {_local_date("completed_at")} d, COUNT(*) l, 0 c, 0 q, 0 qs, 0 qp, 0 ce
                FROM {t["lesson"]} WHERE completed AND completed_at IS NOT NULL GROUP BY 1, 2
              UNION ALL
                SELECT user_id, {_local_date("completed_at")}, 0, COUNT(*), 0, 0, 0, 0
                FROM {t["enrol"]} WHERE status = %(completed)s AND completed_at IS NOT NULL GROUP BY 1, 2
              UNION ALL
                SELECT user_id, {_local_date("submitted_at")}, 0, 0, COUNT(*), COUNT(percent), SUM(percent), 0
                FROM {t["quiz"]} WHERE status = %(submitted)s AND submitted_at IS NOT NULL GROUP BY 1, 2
              UNION ALL
                SELECT user_id, {_local_date("issued_at")}, 0, 0, 0, 0, 0, COUNT(*)
                FROM {t["cert"]} WHERE status = %(valid)s GROUP BY 1, 2
            ) s WHERE user_id IS NOT NULL GROUP BY user_id, d""",
        f"""INSERT INTO {t["srs"]} ({srs_cols})
            SELECT 'day', d, SUM(l), SUM(c), SUM(q), SUM(qs), SUM(qp), SUM(ce) FROM rollup_student_days GROUP BY d""",
        f"""INSERT INTO {t["srs"]} ({srs_cols})
            SELECT 'month', date_trunc('month', period)::date, {srs_sums}
            FROM {t["srs"]} WHERE grain = 'day' GROUP BY date_trunc('month', period)""",
        # Running totals per student and year, stored in student order: the report's GROUP BY student then
        # streams through the (user, year) index with no sort (EXPLAIN: 0.29 s for 100k students, where
        # sorting the rows' arrays spilled 130 MB to disk).
        f"""INSERT INTO {t["syt"]} ({syt_cols})
            SELECT user_id, y, array_agg(n ORDER BY n), array_agg(l ORDER BY n), array_agg(c ORDER BY n),
                   array_agg(q ORDER BY n), array_agg(qs ORDER BY n), array_agg(qp ORDER BY n),
                   array_agg(ce ORDER BY n)
            FROM (
                SELECT user_id, y, d - DATE '{EPOCH.isoformat()}' n,
                       SUM(l) OVER w l, SUM(c) OVER w c, SUM(q) OVER w q, SUM(qs) OVER w qs,
                       ROUND(SUM(qp) OVER w * 100)::bigint qp, SUM(ce) OVER w ce
                FROM (SELECT *, EXTRACT(YEAR FROM d)::int y FROM rollup_student_days) s
                WINDOW w AS (PARTITION BY user_id, y ORDER BY d)
            ) r GROUP BY user_id, y ORDER BY user_id, y""",
        # Activity per day and per week (distinct users counted per day / per week).
        *[
            f"""INSERT INTO {t["sas"]} (grain, period, active_users, sessions, lesson_views, lesson_completions,
                                        quiz_submits, purchases)
                SELECT '{grain}', {expr}, COUNT(DISTINCT user_id),
                       COUNT(*) FILTER (WHERE event = '{E.LOGIN}'), COUNT(*) FILTER (WHERE event = '{E.LESSON_VIEW}'),
                       COUNT(*) FILTER (WHERE event = '{E.LESSON_COMPLETE}'),
                       COUNT(*) FILTER (WHERE event = '{E.QUIZ_SUBMIT}'), COUNT(*) FILTER (WHERE event = '{E.PURCHASE}')
                FROM {t["act"]} GROUP BY {expr}"""
            for grain, expr in (
                ("day", day),
                ("week", "date_trunc('week', created_at AT TIME ZONE %(tz)s)::date"),
            )
        ],
        # Days active, as sets of day numbers (stored in course order: a course's rows share pages).
        *[
            f"""INSERT INTO {t["ad"]} (scope, user_id, course_id, days)
                SELECT '{scope}', user_id, {course}, range_agg(int4range(d, d + 1)) FROM (
                    SELECT DISTINCT user_id, {course} course_id, {day} - DATE '{EPOCH.isoformat()}' d
                    FROM {t["act"]} WHERE user_id IS NOT NULL {where}
                ) s GROUP BY user_id, course_id ORDER BY course_id"""
            for scope, course, where in (
                ("all", "NULL::uuid", ""),
                ("learning", "NULL::uuid", f"AND event IN ({learning})"),
                ("course", "course_id", f"AND event IN ({learning}) AND course_id IS NOT NULL"),
            )
        ],
        # Progress of the students with access, per course.
        f"""INSERT INTO {t["cprog"]} (course_id, students, progress_sum, not_started, under_half, over_half, finished)
            SELECT course_id, COUNT(*), COALESCE(SUM(progress_percent), 0),
                   COUNT(*) FILTER (WHERE progress_percent = 0),
                   COUNT(*) FILTER (WHERE progress_percent > 0 AND progress_percent < 50),
                   COUNT(*) FILTER (WHERE progress_percent >= 50 AND progress_percent < 100),
                   COUNT(*) FILTER (WHERE progress_percent >= 100)
            FROM {t["enrol"]} WHERE status = ANY(%(access)s) GROUP BY course_id""",
    ]


def refresh() -> int:
    """Rebuild every rollup table from the source tables in one transaction (readers keep seeing the
    previous figures until it commits).  Returns the rows written.  PostgreSQL only."""
    if connection.vendor != "postgresql":
        return 0
    params = {
        "tz": timezone.get_current_timezone_name(),
        "dropped": Enrollment.Status.DROPPED,
        "completed": Enrollment.Status.COMPLETED,
        "valid": IssuedCertificate.Status.VALID,
        "submitted": QuizAttempt.Status.SUBMITTED,
        "access": list(Enrollment.ACCESS_STATUSES),
    }
    rows, tables = 0, _tables()
    rollup_tables = [tables[key] for key in ("cps", "srs", "syt", "sas", "ad", "cprog")]
    with transaction.atomic(), connection.cursor() as cursor:
        for sql in _statements():
            cursor.execute(sql, params if "%(" in sql else None)
            if sql.lstrip().startswith("INSERT"):
                rows += max(cursor.rowcount, 0)
        for table in rollup_tables:
            cursor.execute(f"ANALYZE {table}")  # fresh statistics for the planner
    if not connection.in_atomic_block:
        # The previous figures are now dead rows: without VACUUM the readers scan them too until autovacuum
        # comes (measured: the engagement page at 0.45 s instead of 0.2 s), and the next rebuild could not
        # reuse their space.  VACUUM runs outside a transaction only (so not inside a test's).
        with connection.cursor() as cursor:
            cursor.execute(f"VACUUM (ANALYZE) {', '.join(rollup_tables)}")
    return rows
