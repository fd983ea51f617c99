"""Notification pages (community views over courseworx.core.notifications): the bell, mark-read,
the list, e-mail preferences and one-click unsubscribe links."""

import pytest
from django.urls import reverse

from courseworx.core import notifications as services
from courseworx.core.models import Notification, NotificationPreference
from tests.core.factories import NotificationFactory

pytestmark = pytest.mark.django_db

CAT = Notification.Category.DISCUSSION


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
