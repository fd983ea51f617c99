"""Approving a course writes course.published to the webhook outbox (in the approval's transaction)."""

import pytest

from courses import services
from courseworx.core.models import WebhookEvent
from tests.courses.services.utils import make_in_review

pytestmark = pytest.mark.django_db


def test_approving_a_course_writes_course_published(course, reviewer):
    make_in_review(course)
    assert not WebhookEvent.objects.exists()
    version = services.course_approve(course=course, reviewer=reviewer)
    [event] = WebhookEvent.objects.filter(event_type="course.published")
    assert event.course_id == course.pk
    assert event.payload["course"]["id"] == str(course.pk) and event.payload["version"] == version.number
    assert event.payload["revision"] is False


def test_a_refused_approval_writes_nothing(course, reviewer):
    with pytest.raises(Exception):  # noqa: B017 — a draft cannot be approved (whatever the error class)
        services.course_approve(course=course, reviewer=reviewer)
    assert not WebhookEvent.objects.exists()
