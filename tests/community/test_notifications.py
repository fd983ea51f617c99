"""Notifications: stored always, e-mailed per preference (immediately, daily digest, off), the bell,
mark-read, unsubscribe links, and e-mail failures that never reach the caller."""

import pytest
from django.core import mail
from django.test import override_settings
from django.urls import reverse

from community import services, tasks
from community.models import Notification, NotificationPreference
from tests.community.factories import NotificationFactory

pytestmark = pytest.mark.django_db

CAT = Notification.Category.DISCUSSION


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
        override_settings(EMAIL_BACKEND=f"tests.community.backends.{backend}"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        (n,) = _notify(student)
    n.refresh_from_db()
    assert n.emailed_at is None  # stored, still visible in the bell, not marked sent


def test_unsubscribe_link_get_confirms_post_turns_off(client, student):
    token = services.unsubscribe_token_make(user=student, category=CAT)
    url = reverse("community:unsubscribe", kwargs={"token": token})
    response = client.get(url)
    assert response.status_code == 200
    assert b"Stop these e-mails?" in response.content
    assert not NotificationPreference.objects.filter(user=student).exists()  # GET changes nothing
    response = client.post(url)  # no login, no CSRF token (one-click)
    assert response.status_code == 200
    assert services.notification_channel_get(user=student, category=CAT) == "off"


def test_unsubscribe_forged_token_is_refused(client, student):
    token = services.unsubscribe_token_make(user=student, category=CAT)
    response = client.post(reverse("community:unsubscribe", kwargs={"token": token[:-3] + "abc"}))
    assert response.status_code == 400
    assert not NotificationPreference.objects.filter(user=student).exists()


def test_bell_shows_unread_count_accessibly(student_client, student):
    NotificationFactory.create_batch(3, user=student)
    NotificationFactory(user=student, read_at="2026-01-01T00:00:00Z")
    response = student_client.get(reverse("community:notification_bell"))
    assert b'aria-label="Notifications: 3 unread"' in response.content
    page = student_client.get("/")
    assert b'hx-get="/notifications/bell/"' in page.content


def test_bell_anonymous_is_empty(client):
    assert client.get(reverse("community:notification_bell")).status_code == 204


def test_mark_read_htmx_and_only_own(student_client, student, outsider):
    mine = NotificationFactory(user=student)
    theirs = NotificationFactory(user=outsider)
    response = student_client.post(reverse("community:notification_read", args=[mine.pk]), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert response["HX-Trigger"] == "notifications-changed"
    mine.refresh_from_db()
    assert mine.read_at is not None
    student_client.post(reverse("community:notification_read", args=[theirs.pk]))
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_mark_all_read(student_client, student):
    NotificationFactory.create_batch(3, user=student)
    student_client.post(reverse("community:notification_read_all"))
    assert services.notification_unread_count(user=student) == 0


def test_preferences_page_saves(student_client, student):
    data = dict.fromkeys(Notification.Category.values, "immediate")
    data["grading"] = "daily"
    data["message"] = "off"
    response = student_client.post(reverse("community:notification_preferences"), data)
    assert response.status_code == 302
    prefs = services.notification_preferences_get(user=student)
    assert prefs["grading"] == "daily" and prefs["message"] == "off" and prefs["discussion"] == "immediate"


@pytest.mark.parametrize("size", [3, 25])
def test_list_constant_queries(student_client, student, size, django_assert_max_num_queries):
    NotificationFactory.create_batch(size, user=student)
    with django_assert_max_num_queries(8):
        response = student_client.get(reverse("community:notifications"))
    assert response.status_code == 200
    page = response.context["page"]
    assert (page.paginator.count, len(page.object_list)) == (size, min(size, 20))  # the notifications are listed
