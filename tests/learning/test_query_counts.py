"""Pages and API lists run a fixed number of queries, whatever the number of courses/lessons/rows."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from learning import services
from learning.models import IssuedCertificate, SavedCourse
from tests.courses.factories import ContentFactory, PublishedCourseFactory, SectionFactory
from tests.learning.factories import AssignmentFactory, EnrollmentFactory

pytestmark = pytest.mark.django_db


def measure(client, url):
    """(number of queries, response) of one GET."""
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries), response


def count_queries(client, url) -> int:
    return measure(client, url)[0]


def _course_with_lesson():
    course = PublishedCourseFactory()
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
    assert large <= 12


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
    assert large <= 16


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
