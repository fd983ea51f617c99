"""learning.selectors: the reads pages and the API share."""

import datetime as dt

import pytest
from django.utils import timezone

from learning import selectors
from learning.models import Enrollment
from tests.learning.factories import EnrollmentFactory

pytestmark = pytest.mark.django_db


def test_the_dashboard_continues_the_ongoing_course_opened_last(student):
    now = timezone.now()
    EnrollmentFactory(user=student, last_accessed_at=now - dt.timedelta(days=3))
    latest = EnrollmentFactory(user=student, last_accessed_at=now - dt.timedelta(hours=1))
    EnrollmentFactory(user=student)  # never opened
    EnrollmentFactory(user=student, status=Enrollment.Status.COMPLETED, completed_at=now, last_accessed_at=now)
    EnrollmentFactory(user=student, status=Enrollment.Status.DROPPED, dropped_at=now, last_accessed_at=now)
    assert selectors.student_dashboard(user=student).continue_enrollment == latest


def test_nothing_to_continue_before_a_lesson_was_opened(student):
    EnrollmentFactory(user=student)
    assert selectors.student_dashboard(user=student).continue_enrollment is None


def test_quiz_attempts_left(course):
    quiz = course.contents.first()
    assert selectors.quiz_attempts_left(content=quiz, used=5) is None  # no limit
    quiz.max_attempts = 3
    assert [selectors.quiz_attempts_left(content=quiz, used=n) for n in (0, 2, 3, 4)] == [3, 1, 0, 0]


def test_certificate_verification_url_is_absolute(settings):
    settings.SITE_URL = "https://learn.example.org"
    certificate = type("Certificate", (), {"code": "AbC-123"})()
    assert (
        selectors.certificate_verification_url(certificate) == "https://learn.example.org/certificates/verify/AbC-123/"
    )
