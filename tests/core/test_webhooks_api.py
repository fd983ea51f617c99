"""Webhooks API: endpoints CRUD for their owner (secret shown once), the catalogue (also in the OpenAPI enum
and the README), deliveries and logs, redelivery; denials (students 403, another user's endpoint 404)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from django.urls import reverse
from rest_framework.test import APIClient

from accounts import roles
from courseworx.core.models import AuditLog, WebhookDelivery, WebhookEndpoint, WebhookEvent, WebhookLog
from courseworx.core.webhooks import EVENT_TYPE_NAMES, SIGNATURE_HEADER, verify_signature
from tests.core.webhook_receiver import Receiver
from tests.factories import FinanceFactory, InstructorFactory, StudentFactory

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]
LIST = reverse("api:core-webhook-endpoints")


@pytest.fixture(autouse=True)
def _webhook_settings(settings):
    settings.WEBHOOKS_ALLOW_PRIVATE_URLS = True
    settings.WEBHOOKS_ALLOW_HTTP = True


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def _detail(endpoint, name="core-webhook-endpoint", **kwargs):
    return reverse(f"api:{name}", kwargs={"endpoint_id": endpoint.pk, **kwargs})


def test_the_catalogue_is_listed_and_is_the_openapi_enum_and_in_the_readme(api_client):
    user = InstructorFactory()
    response = client_for(user).get(reverse("api:core-webhook-event-types"))
    assert response.status_code == 200
    assert [e["name"] for e in response.json()] == list(EVENT_TYPE_NAMES)
    assert all(e["description"] for e in response.json())

    schema = yaml.safe_load(client_for(user).get(reverse("api-schema")).content)
    assert schema["components"]["schemas"]["WebhookEventTypeEnum"]["enum"] == list(EVENT_TYPE_NAMES)
    for doc in ("README.md", "courseworx/core/README.md"):
        text = (ROOT / doc).read_text()
        documented = re.findall(r"^\| `([a-z_]+\.[a-z_]+)` \|", text, flags=re.M)
        assert documented == list(EVENT_TYPE_NAMES), doc


def test_an_instructor_creates_an_endpoint_and_sees_the_secret_only_once():
    instructor = InstructorFactory()
    client = client_for(instructor)
    response = client.post(
        LIST,
        {"url": "http://127.0.0.1:9/hook", "event_types": ["enrollment.created", "course.published"]},
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    endpoint = WebhookEndpoint.objects.get(owner=instructor)
    assert body["secret"] == endpoint.secret and body["secret"].startswith("whsec_")
    assert body["scope"] == "courses" and body["event_types"] == ["course.published", "enrollment.created"]
    assert "secret" not in client.get(_detail(endpoint)).json()
    assert all("secret" not in e for e in client.get(LIST).json()["results"])
    assert AuditLog.objects.filter(action="webhook.endpoint_create", target_id=str(endpoint.pk)).exists()

    rotated = client.post(_detail(endpoint, "core-webhook-endpoint-rotate-secret"), {"overlap_hours": 2}, format="json")
    assert rotated.status_code == 200
    endpoint.refresh_from_db()
    assert rotated.json()["secret"] == endpoint.secret != body["secret"]
    assert endpoint.previous_secret == body["secret"] and rotated.json()["secret_rotation_ends_at"]

    patched = client.patch(
        _detail(endpoint), {"description": "CRM", "event_types": ["payment.succeeded"]}, format="json"
    )
    assert patched.status_code == 200 and patched.json()["description"] == "CRM"
    assert client.delete(_detail(endpoint)).status_code == 204
    assert not WebhookEndpoint.objects.exists()


def test_bad_input_is_a_400_with_fields(settings):
    client = client_for(FinanceFactory(groups=[roles.FINANCE]))
    bad_type = client.post(LIST, {"url": "http://127.0.0.1:9/", "event_types": ["nope"]}, format="json")
    assert bad_type.status_code == 400 and "event_types" in bad_type.json()["error"]["fields"]
    settings.WEBHOOKS_ALLOW_PRIVATE_URLS = False
    settings.WEBHOOKS_ALLOW_HTTP = False
    loopback = client.post(LIST, {"url": "https://127.0.0.1/hook", "event_types": ["refund.approved"]}, format="json")
    assert loopback.status_code == 400
    assert loopback.json()["error"]["codes"] == {"url": ["unsafe_url"]}
    nul = client.post(LIST, {"url": "https://a.example.com/\x00", "event_types": ["refund.approved"]}, format="json")
    assert nul.status_code == 400
    assert not WebhookEndpoint.objects.exists()


def test_students_may_not_create_endpoints():
    response = client_for(StudentFactory()).post(
        LIST, {"url": "http://127.0.0.1:9/", "event_types": ["enrollment.created"]}, format="json"
    )
    assert response.status_code == 403 and response.json()["error"]["code"] == "permission_denied"


def test_another_users_endpoint_is_a_404_everywhere():
    owner, intruder = InstructorFactory(), InstructorFactory()
    endpoint = WebhookEndpoint.objects.create(
        owner=owner, url="https://a.example.com/", event_types=["course.published"]
    )
    event = WebhookEvent.objects.create(event_type="course.published", payload={})
    delivery = WebhookDelivery.objects.create(event=event, endpoint=endpoint, status="failed")
    client = client_for(intruder)
    assert client.get(LIST).json()["results"] == []
    assert client.get(_detail(endpoint)).status_code == 404
    assert client.patch(_detail(endpoint), {"is_active": False}, format="json").status_code == 404
    assert client.delete(_detail(endpoint)).status_code == 404
    assert client.post(_detail(endpoint, "core-webhook-endpoint-rotate-secret")).status_code == 404
    assert client.get(_detail(endpoint, "core-webhook-deliveries")).status_code == 404
    assert client.get(_detail(endpoint, "core-webhook-logs")).status_code == 404
    redeliver = _detail(endpoint, "core-webhook-redeliver", delivery_id=delivery.pk)
    assert client.post(redeliver).status_code == 404
    # The owner with another endpoint's delivery id: 404 as well.
    other = WebhookEndpoint.objects.create(
        owner=intruder, url="https://b.example.com/", event_types=["course.published"]
    )
    assert client.post(_detail(other, "core-webhook-redeliver", delivery_id=delivery.pk)).status_code == 404
    endpoint.refresh_from_db()
    assert endpoint.is_active and WebhookEndpoint.objects.count() == 2
    delivery.refresh_from_db()
    assert delivery.status == "failed"


def test_deliveries_logs_and_redelivery_through_the_api(django_capture_on_commit_callbacks):
    finance = FinanceFactory(groups=[roles.FINANCE])
    client = client_for(finance)
    with Receiver(status=500) as receiver:
        created = client.post(LIST, {"url": receiver.url, "event_types": ["refund.approved"]}, format="json").json()
        receiver.secret = created["secret"]
        endpoint = WebhookEndpoint.objects.get(pk=created["id"])
        event = WebhookEvent.objects.create(event_type="refund.approved", payload={"amount": "5.00"})
        with django_capture_on_commit_callbacks(execute=True):
            from courseworx.core.tasks import webhook_dispatch  # noqa: PLC0415 — the task under test

            webhook_dispatch.delay(str(event.pk))
        deliveries = client.get(_detail(endpoint, "core-webhook-deliveries")).json()["results"]
        assert [(d["event_type"], d["status"], d["attempts"], d["last_status_code"]) for d in deliveries] == [
            ("refund.approved", "pending", 1, 500)
        ]
        assert deliveries[0]["payload"] == {"amount": "5.00"}
        logs = client.get(_detail(endpoint, "core-webhook-logs")).json()["results"]
        assert [(entry["attempt"], entry["status_code"], entry["succeeded"]) for entry in logs] == [(1, 500, False)]
        assert logs[0]["latency_ms"] is not None

        receiver.status = 200
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(_detail(endpoint, "core-webhook-redeliver", delivery_id=deliveries[0]["id"]))
        assert response.status_code == 202
    assert WebhookDelivery.objects.get().status == "succeeded"
    assert WebhookLog.objects.count() == 2
    assert all(
        verify_signature(created["secret"], r["headers"][SIGNATURE_HEADER], r["body"]) for r in receiver.requests
    )
    assert client.get(_detail(endpoint, "core-webhook-deliveries") + "?status=succeeded").json()["count"] == 1


def test_endpoint_list_query_count_does_not_grow(django_assert_num_queries):
    finance = FinanceFactory(groups=[roles.FINANCE])
    client = client_for(finance)

    def make(n):
        for i in range(n):
            WebhookEndpoint.objects.create(
                owner=finance, url=f"https://{i}.example.com/", event_types=["course.published"]
            )

    make(2)
    with django_assert_num_queries(2) as small:  # count + page (the scope needs no query for staff)
        assert client.get(LIST).json()["count"] == 2
    make(5)
    with django_assert_num_queries(len(small.captured_queries)):
        assert client.get(LIST).json()["count"] == 7
