"""Notifications (courseworx.core.notifications): stored always, e-mailed per preference
(immediately, daily digest, off), unsubscribe tokens, and e-mail failures that never reach the caller.
The pages (bell, list, preferences, unsubscribe) are tested in tests/community/test_notifications.py."""

import pytest
from django.core import mail
from django.test import override_settings

from courseworx.core import notifications as services
from courseworx.core import tasks
from courseworx.core.models import Notification

pytestmark = pytest.mark.django_db

CAT = Notification.Category.DISCUSSION


@pytest.fixture
def immediate_mail(settings):
    """Celery runs eagerly in tests; make sure e-mail goes to the in-memory outbox."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


def _notify(user, n=1, **kwargs):
    return [
        services.notification_create(user=user, category=CAT, title=f"Reply {i}", body="Hi", url="/x/", **kwargs)
        for i in range(n)
    ]


def test_immediate_is_default_and_sends_one_mail_after_commit(
    student, immediate_mail, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        (n,) = _notify(student)
        assert mail.outbox == []  # nothing before commit
    assert len(callbacks) == 1
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [student.email]
    assert "Reply 0" in message.subject
    assert "List-Unsubscribe" in message.extra_headers
    assert "/notifications/unsubscribe/" in message.body
    n.refresh_from_db()
    assert n.emailed_at is not None
    # Idempotent: running the task again sends nothing.
    assert tasks.notification_send_email(str(n.pk)) is False
    assert len(mail.outbox) == 1


def test_off_stores_but_never_emails(student, immediate_mail, django_capture_on_commit_callbacks):
    services.notification_preference_set(user=student, category=CAT, channel="off")
    with django_capture_on_commit_callbacks(execute=True):
        _notify(student, 3)
    assert Notification.objects.filter(user=student).count() == 3
    assert mail.outbox == []
    assert tasks.notification_send_daily_digests() == 0
    assert mail.outbox == []


def test_daily_sends_one_digest_instead_of_many(student, immediate_mail, django_capture_on_commit_callbacks):
    services.notification_preference_set(user=student, category=CAT, channel="daily")
    with django_capture_on_commit_callbacks(execute=True):
        _notify(student, 4)
        # Another category stays immediate.
        services.notification_create(user=student, category=Notification.Category.GRADING, title="Graded")
    assert [m.subject for m in mail.outbox] == ["[CourseWorx] Graded"]
    mail.outbox.clear()

    assert tasks.notification_send_daily_digests() == 1
    assert len(mail.outbox) == 1
    digest = mail.outbox[0]
    assert "4 updates" in digest.subject
    for i in range(4):
        assert f"Reply {i}" in digest.body
    assert not Notification.objects.filter(user=student, email_channel="daily", emailed_at__isnull=True).exists()
    # Running it again sends nothing more.
    tasks.notification_send_daily_digests()
    assert len(mail.outbox) == 1


def test_email_false_keeps_it_in_app(student, immediate_mail, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        (n,) = _notify(student, email=False)
    assert n.email_channel == ""
    assert mail.outbox == []


@pytest.mark.parametrize("backend", ["ExplodingBackend", "RefusingBackend"])
def test_failing_email_backend_does_not_fail_the_caller(student, backend, django_capture_on_commit_callbacks):
    with (
        override_settings(EMAIL_BACKEND=f"tests.core.backends.{backend}"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        (n,) = _notify(student)
    n.refresh_from_db()
    assert n.emailed_at is None  # stored, still visible in the bell, not marked sent
