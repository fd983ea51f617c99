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


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


def add_courses(student, n):
    for _ in range(n):
        course = PublishedCourseFactory()
        section = SectionFactory(course=course, order=1)
        lesson = ContentFactory(section=section, order=1)
        e = EnrollmentFactory(user=student, course=course, last_content=lesson, last_accessed_at=timezone.now())
        AssignmentFactory(course=course, due_at=timezone.now() + timezone.timedelta(days=3))
        SavedCourse.objects.create(user=student, course=PublishedCourseFactory())
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
    small = count_queries(client, reverse("learning:dashboard"))
    add_courses(student, 6)
    large = count_queries(client, reverse("learning:dashboard"))
    assert small == large, "the dashboard must not run a query per course"
    assert large <= 12


def test_player_query_count_does_not_grow(client, student, course):
    services.enrollment_create(user=student, course=course)
    client.force_login(student)
    first = course.contents.order_by("section__order", "order").first()
    url = reverse("learning:lesson", args=[course.slug, first.pk])
    count_queries(client, url)  # first visit creates the streak row
    small = count_queries(client, url)
    for i in range(4):
        section = SectionFactory(course=course, order=10 + i)
        for j in range(5):
            lesson = ContentFactory(section=section, order=j)
            services.lesson_mark_complete(user=student, content=lesson)
    large = count_queries(client, url)
    assert small == large, "the player must not run a query per lesson"
    assert large <= 16


def test_instructor_dashboard_query_count_does_not_grow(client, instructor):
    client.force_login(instructor)
    PublishedCourseFactory(instructor=instructor)
    small = count_queries(client, reverse("learning:instructor_dashboard"))
    for _ in range(5):
        course = PublishedCourseFactory(instructor=instructor)
        EnrollmentFactory(course=course)
    large = count_queries(client, reverse("learning:instructor_dashboard"))
    assert small == large
