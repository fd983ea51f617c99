"""Posting guards (community.services.guards): a muted user cannot post anywhere until the mute
ends; the per-user rate limit refuses fast posters."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from community import selectors, services
from community.models import UserMute

pytestmark = pytest.mark.django_db


def test_muted_user_cannot_post(course, enrolled, moderator):
    thread = services.thread_create(user=enrolled, course=course, title="T", body="B")
    services.user_mute_create(user=enrolled, until=timezone.now() + timedelta(days=1), reason="spam", by=moderator)
    with pytest.raises(PermissionDenied, match="cannot post"):
        services.thread_create(user=enrolled, course=course, title="T2", body="B")
    with pytest.raises(PermissionDenied):
        services.reply_create(user=enrolled, thread=thread, body="x")
    with pytest.raises(PermissionDenied):
        services.review_save(user=enrolled, course=course, rating=5)


def test_expired_mute_allows_posting(course, enrolled, moderator):
    UserMute.objects.create(
        user=enrolled, until=timezone.now() - timedelta(minutes=1), reason="old", muted_by=moderator
    )
    services.thread_create(user=enrolled, course=course, title="T", body="B")


def test_rate_limit(settings, course, enrolled):
    settings.COMMUNITY_POST_RATE_LIMIT = 2
    thread = services.thread_create(user=enrolled, course=course, title="T", body="B")
    services.reply_create(user=enrolled, thread=thread, body="1")
    with pytest.raises(ValidationError, match="too fast"):
        services.reply_create(user=enrolled, thread=thread, body="2")


def test_the_check_step_refuses_the_muted_and_the_signed_out(student, moderator):
    services.user_check_can_post(user=student)  # nothing against them yet
    mute = services.user_mute_create(user=student, until=services.mute_until(2), reason="spam", by=moderator)
    assert selectors.user_mute_active(user=student) == mute
    with pytest.raises(PermissionDenied, match="muted by a moderator"):
        services.user_check_can_post(user=student)
    student.is_active = False
    with pytest.raises(PermissionDenied, match="Sign in"):
        services.user_check_can_post(user=student)


def test_a_mute_needs_a_reason(student, moderator):
    with pytest.raises(ValidationError):
        services.user_mute_create(user=student, until=services.mute_until(1), reason="  ", by=moderator)
    assert not UserMute.objects.exists()
