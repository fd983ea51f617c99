"""Each report's figures equal a hand computation on the `world` fixture (see conftest.py)."""

import datetime as dt
from decimal import Decimal

import pytest

from reports.filters import report_params
from reports.reports import REPORTS

from .conftest import MARCH

pytestmark = pytest.mark.django_db


def run(slug, user, **extra):
    params, filterset = report_params(user=user, report=slug, data={**MARCH, **extra})
    assert filterset.is_valid(), filterset.errors
    report = REPORTS[slug]
    return report, params, list(report.rows(params))


def by(rows, key):
    return {r[key]: r for r in rows}


def kpis(report, params):
    return {k.label: k.value for k in report.summary(params)}


def approx(value, expected):
    return value is not None and abs(float(value) - expected) < 0.05


# -- completion & certification ---------------------------------------------------------------
def test_completion_per_course(world, admin_user):
    report, params, rows = run("completion", admin_user)
    rows = by(rows, "title")
    assert set(rows) == {"Alpha", "Beta", "Gamma"}
    a, b, c = rows["Alpha"], rows["Beta"], rows["Gamma"]
    # Alpha: s1 completed (10 days, certificate), s2 dropped, s3 in progress; s4 enrolled in February.
    assert (a["enrolments"], a["dropped"], a["completed"], a["certificates"]) == (3, 1, 1, 1)
    assert approx(a["completion_rate"], 33.33)
    assert a["avg_days"] == dt.timedelta(days=10)
    # Beta: s1 completed in 20 days but the certificate was revoked; s2 enrolled.
    assert (b["enrolments"], b["dropped"], b["completed"], b["certificates"]) == (2, 0, 1, 0)
    assert approx(b["completion_rate"], 50) and b["avg_days"] == dt.timedelta(days=20)
    assert (c["enrolments"], c["completed"], c["certificates"]) == (1, 1, 1) and approx(c["completion_rate"], 100)
    totals = kpis(report, params)
    assert totals["Enrolments"] == 6 and totals["Dropped"] == 1 and totals["Certificates issued"] == 2
    assert approx(totals["Completion rate"], 50) and totals["Avg. days to complete"] == dt.timedelta(days=11)


def test_completion_instructor_scope(world):
    report, params, rows = run("completion", world.ivan)
    assert {r["title"] for r in rows} == {"Alpha", "Beta"}
    totals = kpis(report, params)
    assert totals["Enrolments"] == 5 and approx(totals["Completion rate"], 40)
    # Irene owns Gamma and co-authors Beta.
    _, _, rows = run("completion", world.irene)
    assert {r["title"] for r in rows} == {"Beta", "Gamma"}


def test_course_and_instructor_filters(world, admin_user):
    _, _, rows = run("completion", admin_user, course=str(world.beta.pk))
    assert [r["title"] for r in rows] == ["Beta"]
    _, _, rows = run("completion", admin_user, instructor=str(world.irene.pk))
    assert {r["title"] for r in rows} == {"Beta", "Gamma"}


def test_date_range_moves_the_cohort(world, admin_user):
    _, _, rows = run("completion", admin_user, date_from="2026-02-01", date_to="2026-02-28")
    assert [(r["title"], r["enrolments"], r["completed"]) for r in rows] == [("Alpha", 1, 1)]


# -- engagement -------------------------------------------------------------------------------
def test_engagement_per_course(world, admin_user):
    report, params, rows = run("engagement", admin_user)
    rows = by(rows, "title")
    a, b, c = rows["Alpha"], rows["Beta"], rows["Gamma"]
    # Alpha: students s1, s3, s4 (s2 dropped); active in March: s1, s2 (quiz), s3 -> 3 (s4's view is February).
    assert (a["students"], a["active_students"], a["time_spent"]) == (3, 3, 1800)
    assert approx(a["active_rate"], 100) and approx(a["avg_progress"], 83.33)
    assert (a["not_started"], a["under_half"], a["over_half"], a["finished"]) == (0, 0, 1, 2)
    assert (b["students"], b["active_students"], b["time_spent"]) == (2, 1, 3600)
    assert approx(b["active_rate"], 50) and approx(b["avg_progress"], 50)
    assert (b["not_started"], b["finished"]) == (1, 1)
    assert (c["students"], c["active_students"], c["time_spent"]) == (1, 0, 0)
    totals = kpis(report, params)
    assert totals["Students"] == 6 and totals["Active students"] == 3 and totals["Time spent (h)"] == 5400


def test_engagement_instructor_scope(world):
    _, _, rows = run("engagement", world.irene)
    assert {r["title"] for r in rows} == {"Beta", "Gamma"}


# -- top students -----------------------------------------------------------------------------
def test_top_students(world, admin_user):
    report, params, rows = run("top-students", admin_user)
    rows = by(rows, "id")
    s1, s2, s3, s4 = (rows[u.pk] for u in (world.s1, world.s2, world.s3, world.s4))
    assert (s1["lessons_completed"], s1["courses_completed"], s1["quizzes"], s1["certificates_earned"]) == (2, 2, 2, 1)
    assert s1["avg_quiz"] == Decimal("85") and (s1["current_streak"], s1["longest_streak"]) == (5, 9)
    assert (s2["lessons_completed"], s2["courses_completed"], s2["quizzes"], s2["avg_quiz"]) == (0, 0, 1, Decimal(40))
    # s3: a pending-review attempt is not a graded quiz.
    assert (s3["lessons_completed"], s3["courses_completed"], s3["quizzes"], s3["certificates_earned"]) == (1, 1, 0, 1)
    assert s3["avg_quiz"] is None and s3["current_streak"] == 0
    # s4 enrolled in February but completed Alpha in March; its lesson was completed in February.
    assert (s4["lessons_completed"], s4["courses_completed"]) == (0, 1)
    assert list(rows)[0] == world.s1.pk  # sorted by lessons completed
    totals = kpis(report, params)
    assert (totals["Lessons completed"], totals["Courses completed"], totals["Quizzes taken"]) == (3, 4, 3)
    assert approx(totals["Avg. quiz score"], 70) and totals["Certificates"] == 2


def test_top_students_instructor_scope(world):
    _, _, rows = run("top-students", world.irene)  # Beta and Gamma
    rows = by(rows, "id")
    assert set(rows) == {world.s1.pk, world.s3.pk}
    s1 = rows[world.s1.pk]
    assert (s1["lessons_completed"], s1["courses_completed"], s1["quizzes"], s1["certificates_earned"]) == (1, 1, 0, 0)


# -- activity ---------------------------------------------------------------------------------
def test_activity_per_day(world, admin_user):
    report, params, rows = run("activity", admin_user)
    days = {r["day"].day: r for r in rows}
    assert set(days) == {2, 3, 6, 10, 21}
    pick = ("active_users", "sessions", "lesson_views", "lesson_completions", "quiz_submits", "purchases")
    got = {d: tuple(days[d][k] for k in pick) for d in days}
    assert got == {
        2: (1, 1, 1, 0, 0, 0),
        3: (2, 1, 2, 0, 0, 0),
        6: (1, 0, 0, 0, 1, 0),
        10: (1, 0, 1, 0, 0, 0),
        21: (2, 0, 0, 1, 0, 1),
    }
    totals = kpis(report, params)
    assert (totals["Active users"], totals["Sessions"], totals["Lessons viewed"], totals["Lessons completed"]) == (
        3,
        2,
        4,
        1,
    )


def test_activity_per_week(world, admin_user):
    _, _, rows = run("activity", admin_user, period="week")
    weeks = {r["day"].date().isoformat() if hasattr(r["day"], "date") else r["day"].isoformat(): r for r in rows}
    # Weeks start on Monday (2 March 2026 is one): 2-8 March has s1 and s2 (s3's view is on the 10th).
    assert set(weeks) == {"2026-03-02", "2026-03-09", "2026-03-16"}
    assert weeks["2026-03-02"]["active_users"] == 2 and weeks["2026-03-02"]["lesson_views"] == 3
    assert weeks["2026-03-09"]["lesson_views"] == 1 and weeks["2026-03-16"]["purchases"] == 1


def test_activity_instructor_sees_only_course_events(world):
    _, _, rows = run("activity", world.ivan)
    days = {r["day"].day: r for r in rows}
    assert {d: (r["active_users"], r["sessions"]) for d, r in days.items()} == {
        2: (1, 0),
        3: (1, 0),
        6: (1, 0),
        10: (1, 0),
        21: (1, 0),
    }
    assert days[21]["purchases"] == 0  # Gamma's purchase is Irene's


# -- attendance -------------------------------------------------------------------------------
def test_attendance(world, admin_user):
    report, params, rows = run("attendance", admin_user)
    rows = by(rows, "title")
    a = rows["Alpha"]
    assert (a["sessions"], a["students"], a["records"], a["present"], a["late"], a["absent"], a["excused"]) == (
        2, 3, 6, 3, 1, 1, 1,
    )  # fmt: skip
    assert approx(a["rate"], 80)
    assert approx(rows["Gamma"]["rate"], 0) and "Beta" not in rows
    totals = kpis(report, params)
    assert totals["Attendance records"] == 7 and approx(totals["Attendance rate"], 66.67)
    _, _, rows = run("attendance", world.ivan)
    assert [r["title"] for r in rows] == ["Alpha"]


def test_attendance_per_trainee(world, admin_user):
    report, params, rows = run("attendance-trainees", admin_user)
    got = {(r["email"], r["title"]): (r["records"], r["present"], r["late"], r["absent"], r["excused"]) for r in rows}
    s1, s2, s3 = world.s1.email, world.s2.email, world.s3.email
    assert got == {
        (s1, "Alpha"): (2, 2, 0, 0, 0),  # February's absence is outside the range
        (s2, "Alpha"): (2, 0, 1, 0, 1),  # dropped since, still listed with the records
        (s3, "Alpha"): (2, 1, 0, 1, 0),
        (s3, "Gamma"): (1, 0, 0, 1, 0),
    }
    rates = [(r["email"], r["title"], r["rate"]) for r in rows]  # lowest first: whom to follow up
    assert rates[:2] == [(s3, "Gamma", 0.0), (s3, "Alpha", 50.0)] and {r[2] for r in rates[2:]} == {100.0}
    totals = kpis(report, params)
    assert totals["Trainees with records"] == 3 and totals["Attendance records"] == 7
    assert approx(totals["Attendance rate"], 66.67)  # the same figure as the per-course report
    _, _, rows = run("attendance-trainees", world.ivan)  # an instructor: their courses' trainees only
    assert {r["title"] for r in rows} == {"Alpha"}
