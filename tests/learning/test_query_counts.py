"""Pages and API lists run a fixed number of queries, whatever the number of courses/lessons/rows: the same
number at two sizes (the dashboard and the player also keep a budget for their fixed cost)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from learning import services
from learning.models import Attendance, Enrollment, IssuedCertificate, LessonCompletion, QuizAttempt, SavedCourse
from tests.courses.factories import ContentFactory, PublishedCourseFactory, QuizContentFactory, SectionFactory
from tests.learning.factories import AssignmentFactory, EnrollmentFactory, NoteFactory, SubmissionFactory
from tests.querycount import assert_same_queries_at_two_sizes

pytestmark = pytest.mark.django_db


def measure(client, url):
    """(number of queries, response) of one GET."""
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries), response


def count_queries(client, url) -> int:
    return measure(client, url)[0]


def _course_with_lesson(instructor=None):
    course = PublishedCourseFactory(**({"instructor": instructor} if instructor is not None else {}))
    section = SectionFactory(course=course, order=1)
    return course, ContentFactory(section=section, order=1)


def add_courses(student, n):
    """n times: a course in progress (with an upcoming assignment), a completed course (with a certificate)
    and a saved course -- every kind of row the dashboard lists."""
    for _ in range(n):
        course, lesson = _course_with_lesson()
        EnrollmentFactory(user=student, course=course, last_content=lesson, last_accessed_at=timezone.now())
        AssignmentFactory(course=course, due_at=timezone.now() + timezone.timedelta(days=3))
        SavedCourse.objects.create(user=student, course=PublishedCourseFactory())
        course, lesson = _course_with_lesson()
        e = EnrollmentFactory(user=student, course=course, last_content=lesson, last_accessed_at=timezone.now())
        e.status, e.completed_at = "completed", timezone.now()
        e.save()
        IssuedCertificate.objects.create(
            enrollment=e,
            user=student,
            course=course,
            code=f"code{course.pk.hex[:8]}",
            holder_name="S",
            course_title=course.title,
            issued_at=timezone.now(),
        )


def test_dashboard_query_count_does_not_grow(client, student):
    client.force_login(student)
    add_courses(student, 2)
    small, response = measure(client, reverse("learning:dashboard"))
    data = response.context["data"]
    shown = (len(data.enrollments), len(data.upcoming), len(data.certificates), len(data.saved))
    assert shown == (4, 2, 2, 2)
    add_courses(student, 6)
    large, response = measure(client, reverse("learning:dashboard"))
    data = response.context["data"]
    shown = (len(data.enrollments), len(data.upcoming), len(data.certificates), len(data.saved))
    assert shown == (16, 5, 6, 6)  # upcoming: the first 5; certificates and saved: the first 6
    assert small == large, "the dashboard must not run a query per course"
    # Not the per-row check (the equality above is): a budget for the page's fixed cost, 10 queries for the page
    # itself and 6 for the engagement panels (learning/dashboard_panels.py: points, paths, mentoring, picks, exams).
    assert large <= 16


def test_player_query_count_does_not_grow(client, student, course):
    services.enrollment_create(user=student, course=course)
    client.force_login(student)
    first = course.contents.order_by("section__order", "order").first()
    url = reverse("learning:lesson", args=[course.slug, first.pk])
    count_queries(client, url)  # first visit creates the streak row
    small, response = measure(client, url)
    player = response.context["player"]
    assert (len(player.sections), sum(len(s.lessons) for s in player.sections)) == (2, 4)
    for i in range(4):
        section = SectionFactory(course=course, order=10 + i)
        for j in range(5):
            lesson = ContentFactory(section=section, order=j)
            services.lesson_mark_complete(user=student, content=lesson)
    large, response = measure(client, url)
    player = response.context["player"]
    assert (len(player.sections), sum(len(s.lessons) for s in player.sections)) == (6, 24)
    assert sum(lesson.completed for s in player.sections for lesson in s.lessons) == 20
    assert small == large, "the player must not run a query per lesson"
    assert large <= 16  # not the per-row check (the equality above is): a budget for the page's fixed cost


def test_instructor_dashboard_query_count_does_not_grow(client, instructor):
    client.force_login(instructor)
    PublishedCourseFactory(instructor=instructor)
    small, response = measure(client, reverse("learning:instructor_dashboard"))
    assert len(response.context["courses"]) == 1
    for _ in range(5):
        course = PublishedCourseFactory(instructor=instructor)
        EnrollmentFactory(course=course)
    large, response = measure(client, reverse("learning:instructor_dashboard"))
    assert len(response.context["courses"]) == 6
    assert response.context["totals"]["students"] == 5
    assert small == large


# --- Lists at two sizes ---------------------------------------------------------------------------
# Every list page and list API: the same number of queries with SMALL rows and with LARGE rows (not an
# upper bound, which a query per row can stay under; tests/querycount.py).  Rows are spread over courses,
# lessons, sections and students so that a missing select_related on any of them shows up as a difference.


def assert_same_queries_at_two_list_sizes(client, url, add_rows, shown) -> None:
    """One GET of `url` runs the same number of queries with SMALL and with LARGE rows.  `add_rows(n)` adds
    n rows; `shown(response)` is the number of rows the response lists (checked, so the list measured did
    grow)."""
    rows = 0

    def load(n):
        nonlocal rows
        add_rows(n - rows)
        rows = n
        queries, response = measure(client, url)
        assert shown(response) == n, url
        return queries

    assert_same_queries_at_two_sizes(load)


def api_count(response) -> int:
    return response.json()["count"]


def _own_course(student):
    """A course of its own (instructor, section, lesson) the student is enrolled in."""
    course, lesson = _course_with_lesson()
    return EnrollmentFactory(user=student, course=course, status=Enrollment.Status.ENROLLED), lesson


def _student_rows(name: str, student):
    def add(n):
        now = timezone.now()
        for _ in range(n):
            enrollment, lesson = _own_course(student)
            course = enrollment.course
            if name == "submissions":
                SubmissionFactory(user=student, assignment__course=course)
            elif name == "notes":
                NoteFactory(user=student, content=lesson)
            elif name == "certificates":
                IssuedCertificate.objects.create(
                    enrollment=enrollment, user=student, course=course, code=f"C{enrollment.pk.hex[:12]}",
                    holder_name=student.get_full_name(), course_title=course.title, issued_at=now,
                )  # fmt: skip
            elif name == "quiz-attempts":
                quiz = QuizContentFactory(section=lesson.section, order=2)
                QuizAttempt.objects.create(user=student, content=quiz, course=course, number=1, started_at=now)
            elif name == "assignments":
                AssignmentFactory(course=course, due_at=now + timezone.timedelta(days=3))
            elif name == "completions":
                LessonCompletion.objects.create(
                    user=student, content=lesson, course=course, completed=True, completed_at=now
                )
            elif name == "attendance":
                Attendance.objects.create(course=course, user=student, date=now.date(), status="present")
            elif name == "saved-courses":
                SavedCourse.objects.create(user=student, course=course)

    return add


STUDENT_LISTS = [
    "enrollments",
    "completions",
    "quiz-attempts",
    "assignments",
    "submissions",
    "notes",
    "attendance",
    "certificates",
    "saved-courses",
]


@pytest.mark.parametrize("name", STUDENT_LISTS)
def test_api_lists_run_a_constant_number_of_queries(name, student):
    client = APIClient()
    client.force_authenticate(student)
    url = reverse(f"api:learning-{name}")
    assert_same_queries_at_two_list_sizes(client, url, _student_rows(name, student), api_count)


def _taught_rows(name: str, instructor):
    """Rows in courses `instructor` teaches, each course with its own students."""

    def add(n):
        now = timezone.now()
        for _ in range(n):
            course, lesson = _course_with_lesson(instructor=instructor)
            enrollment = EnrollmentFactory(course=course, status=Enrollment.Status.ENROLLED)
            if name == "grading-submissions":
                SubmissionFactory(user=enrollment.user, assignment__course=course)
            else:  # quiz attempts waiting for review
                quiz = QuizContentFactory(section=lesson.section, order=2)
                QuizAttempt.objects.create(
                    user=enrollment.user, content=quiz, course=course, number=1, started_at=now, submitted_at=now,
                    status=QuizAttempt.Status.PENDING_REVIEW,
                )  # fmt: skip

    return add


def test_grading_api_runs_a_constant_number_of_queries(instructor):
    client = APIClient()
    client.force_authenticate(instructor)
    url = reverse("api:learning-grading-submissions")
    assert_same_queries_at_two_list_sizes(client, url, _taught_rows("grading-submissions", instructor), api_count)


def test_course_attendance_api_runs_a_constant_number_of_queries(instructor):
    course = PublishedCourseFactory(instructor=instructor)

    def add(n):
        for _ in range(n):
            student = EnrollmentFactory(course=course).user
            Attendance.objects.create(course=course, user=student, date=timezone.localdate(), status="present")

    client = APIClient()
    client.force_authenticate(instructor)
    url = f"{reverse('api:learning-attendance')}?course={course.pk}"
    assert_same_queries_at_two_list_sizes(client, url, add, api_count)


@pytest.mark.parametrize("kind", ["submissions", "quiz_attempts"])
def test_grading_page_runs_a_constant_number_of_queries(client, instructor, kind):
    """The instructors' list of assignment submissions (and of quiz attempts to review)."""
    client.force_login(instructor)
    url = f"{reverse('learning:grading')}?status=all"
    rows = _taught_rows("grading-submissions" if kind == "submissions" else "quiz-attempts", instructor)
    assert_same_queries_at_two_list_sizes(client, url, rows, lambda r: len(r.context[kind]))


def test_course_notes_page_runs_a_constant_number_of_queries(client, student):
    course, _ = _course_with_lesson()
    EnrollmentFactory(user=student, course=course)

    def add(n):
        for _ in range(n):  # each note on a lesson of its own section
            section = SectionFactory(course=course, order=course.sections.count() + 1)
            NoteFactory(user=student, content=ContentFactory(section=section, order=1))

    client.force_login(student)
    url = reverse("learning:course_notes", args=[course.slug])
    assert_same_queries_at_two_list_sizes(client, url, add, lambda r: len(r.context["notes"]))


def test_course_assignments_page_runs_a_constant_number_of_queries(client, student):
    course, _ = _course_with_lesson()
    EnrollmentFactory(user=student, course=course)

    def add(n):
        for _ in range(n):
            SubmissionFactory(user=student, assignment__course=course)

    client.force_login(student)
    url = reverse("learning:course_assignments", args=[course.slug])
    assert_same_queries_at_two_list_sizes(client, url, add, lambda r: len(r.context["assignments"]))


def test_my_attendance_page_runs_a_constant_number_of_queries(client, student):
    course, _ = _course_with_lesson()
    EnrollmentFactory(user=student, course=course)

    def add(n):
        start = Attendance.objects.filter(user=student).count()
        for i in range(start, start + n):
            Attendance.objects.create(
                course=course, user=student, date=timezone.localdate() - timezone.timedelta(days=i), status="late",
                recorded_by=course.instructor,
            )  # fmt: skip

    client.force_login(student)
    url = reverse("learning:my_attendance", args=[course.slug])
    assert_same_queries_at_two_list_sizes(client, url, add, lambda r: len(r.context["records"]))


@pytest.mark.parametrize("name", ["learning:course_students", "learning:attendance_sheet"])
def test_course_roster_pages_run_a_constant_number_of_queries(client, instructor, name):
    course = PublishedCourseFactory(instructor=instructor)

    def add(n):
        for _ in range(n):
            enrollment = EnrollmentFactory(course=course)
            Attendance.objects.create(course=course, user=enrollment.user, date=timezone.localdate(), status="present")

    def shown(response):
        return len(response.context["enrollments"] if "enrollments" in response.context else response.context["rows"])

    client.force_login(instructor)
    assert_same_queries_at_two_list_sizes(client, reverse(name, args=[course.slug]), add, shown)


def test_enrolment_api_list_with_lesson_numbers_query_count_does_not_grow(client, student):
    """`lessons_total/required/done` (learning.selectors.with_lesson_progress) are subqueries of the one query."""
    client.force_login(student)
    add_courses(student, 1)
    small, response = measure(client, reverse("api:learning-enrollments"))
    assert len(response.json()["results"]) == 2
    add_courses(student, 3)
    large, response = measure(client, reverse("api:learning-enrollments"))
    rows = response.json()["results"]
    assert len(rows) == 8 and {(r["lessons_total"], r["lessons_required"]) for r in rows} == {(1, 1)}
    assert small == large, "the lesson numbers must not run a query per enrolment"
