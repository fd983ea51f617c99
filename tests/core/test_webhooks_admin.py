"""Webhooks in the admin: endpoints created through the services (secret shown once, SSRF and owner checks on
the form), read-only outbox/deliveries/logs, the Redeliver and Rotate actions."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from courseworx.core.models import AuditLog, WebhookDelivery, WebhookEndpoint, WebhookEvent, WebhookLog
from tests.core.webhook_receiver import Receiver
from tests.factories import InstructorFactory, StudentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _webhook_settings(settings):
    settings.WEBHOOKS_ALLOW_PRIVATE_URLS = True
    settings.WEBHOOKS_ALLOW_HTTP = True


def _messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_an_admin_creates_an_endpoint_and_sees_its_secret_once(admin_client):
    owner = InstructorFactory()
    add = reverse("admin:core_webhookendpoint_add")
    assert admin_client.get(add).status_code == 200
    response = admin_client.post(
        add,
        {"owner": owner.pk, "url": "http://127.0.0.1:9/hook", "description": "CRM", "event_types": ["course.published"],
         "is_active": "on"},
        follow=True,
    )  # fmt: skip
    assert response.status_code == 200
    endpoint = WebhookEndpoint.objects.get()
    assert endpoint.owner == owner and endpoint.event_types == ["course.published"]
    assert any(endpoint.secret in m for m in _messages(response))
    assert AuditLog.objects.filter(action="webhook.endpoint_create").exists()
    change = admin_client.get(reverse("admin:core_webhookendpoint_change", args=[endpoint.pk]))
    assert change.status_code == 200 and endpoint.secret.encode() not in change.content


def test_the_admin_form_refuses_student_owners_and_private_urls_in_production(admin_client, settings):
    settings.WEBHOOKS_ALLOW_PRIVATE_URLS = False
    settings.WEBHOOKS_ALLOW_HTTP = False
    response = admin_client.post(
        reverse("admin:core_webhookendpoint_add"),
        {"owner": StudentFactory().pk, "url": "https://127.0.0.1/hook", "event_types": ["course.published"]},
    )
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "owner" in errors and "url" in errors
    assert not WebhookEndpoint.objects.exists()


def test_logs_and_deliveries_are_read_only_and_redeliver_sends_again(
    admin_client, admin_user, django_capture_on_commit_callbacks
):
    with Receiver() as receiver:
        endpoint = WebhookEndpoint.objects.create(
            owner=admin_user, url=receiver.url, event_types=["course.published"], secret="whsec_x"
        )
        event = WebhookEvent.objects.create(event_type="course.published", payload={"a": 1})
        delivery = WebhookDelivery.objects.create(event=event, endpoint=endpoint, status="failed", attempts=8)
        for name in ("webhookdelivery", "webhooklog", "webhookevent"):
            assert admin_client.get(reverse(f"admin:core_{name}_changelist")).status_code == 200
            assert admin_client.get(reverse(f"admin:core_{name}_add")).status_code == 403
        assert admin_client.get(reverse("admin:core_webhookdelivery_change", args=[delivery.pk])).status_code == 200
        with django_capture_on_commit_callbacks(execute=True):
            response = admin_client.post(
                reverse("admin:core_webhookdelivery_changelist"),
                {"action": "redeliver", "_selected_action": [str(delivery.pk)]},
                follow=True,
            )
    assert response.status_code == 200
    delivery.refresh_from_db()
    assert delivery.status == "succeeded" and len(receiver.requests) == 1
    assert WebhookLog.objects.filter(delivery=delivery, succeeded=True).count() == 1
    log = WebhookLog.objects.get()
    assert admin_client.post(reverse("admin:core_webhooklog_change", args=[log.pk]), {}).status_code == 403


def test_the_rotate_action_shows_the_new_secret(admin_client, admin_user):
    endpoint = WebhookEndpoint.objects.create(
        owner=admin_user, url="https://a.example.com/", event_types=["course.published"], secret="whsec_old"
    )
    response = admin_client.post(
        reverse("admin:core_webhookendpoint_changelist"),
        {"action": "rotate_secret", "_selected_action": [str(endpoint.pk)]},
        follow=True,
    )
    endpoint.refresh_from_db()
    assert endpoint.secret != "whsec_old" and endpoint.previous_secret == "whsec_old"
    assert any(endpoint.secret in m for m in _messages(response))
