"""Malformed ids in query strings are ignored or 404, never a 500 (found in review)."""

import datetime as dt

import pytest
from django.urls import reverse

from learning.models import Attendance
from tests.courses.factories import PublishedCourseFactory
from tests.factories import FinanceFactory, ModeratorFactory, StudentFactory

pytestmark = pytest.mark.django_db


def test_accessibility_report_ignores_a_malformed_course_id(client, admin_user):
    client.force_login(admin_user)
    assert client.get(reverse("reports:accessibility"), {"course": "bad"}).status_code == 200


def test_lesson_add_form_ignores_a_malformed_course_id(client):
    course = PublishedCourseFactory()
    client.force_login(course.instructor)
    assert client.get(reverse("admin:courses_coursecontent_add"), {"course": "bad"}).status_code == 200


def test_finance_earnings_with_a_malformed_instructor_id_is_404(client):
    client.force_login(FinanceFactory())
    assert client.get(reverse("billing:earnings"), {"instructor": "bad"}).status_code == 404


def test_moderation_bulk_page_ignores_malformed_ids(client):
    client.force_login(ModeratorFactory())
    response = client.get(reverse("admin:community_moderate_bulk"), {"action": "hide", "ids": "bad,also-bad"})
    assert response.status_code in (200, 302)


def test_attendance_for_someone_not_enrolled_is_a_form_error_not_a_500(client):
    course = PublishedCourseFactory()
    outsider = StudentFactory()
    client.force_login(course.instructor)
    response = client.post(
        reverse("admin:learning_attendance_add"),
        {"user": outsider.pk, "course": course.pk, "date": dt.date.today().isoformat(), "status": "present"},
    )
    assert response.status_code == 200
    assert "not enrolled in the course" in response.content.decode()
    assert not Attendance.objects.exists()
