"""The owner's webhooks page: add an endpoint (secret shown once), see deliveries and attempts, redeliver,
rotate, disable, delete; students 403, somebody else's endpoint 404; the list's query count is flat."""

import pytest
from django.urls import reverse

from courseworx.core.models import WebhookDelivery, WebhookEndpoint, WebhookEvent, WebhookLog
from tests.factories import InstructorFactory, StudentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _webhook_settings(settings):
    settings.WEBHOOKS_ALLOW_PRIVATE_URLS = True
    settings.WEBHOOKS_ALLOW_HTTP = True


def _endpoint(owner, **kwargs):
    kwargs.setdefault("url", "https://hooks.example.com/cw")
    kwargs.setdefault("event_types", ["enrollment.created"])
    return WebhookEndpoint.objects.create(owner=owner, secret="whsec_stored", **kwargs)


def test_an_instructor_adds_an_endpoint_and_sees_the_secret_once(client):
    instructor = InstructorFactory()
    client.force_login(instructor)
    page = client.get(reverse("core:webhooks"))
    assert page.status_code == 200 and b"No endpoints yet." in page.content
    assert b"the courses you teach" in page.content
    response = client.post(
        reverse("core:webhooks"),
        {"url": "http://127.0.0.1:9/hook", "description": "LMS sync", "event_types": ["enrollment.created"]},
    )
    assert response.status_code == 200
    endpoint = WebhookEndpoint.objects.get(owner=instructor)
    assert endpoint.secret.encode() in response.content
    again = client.get(reverse("core:webhooks"))
    assert b"LMS sync" in again.content and endpoint.secret.encode() not in again.content


def test_the_form_shows_the_services_refusals(client, settings):
    settings.WEBHOOKS_ALLOW_PRIVATE_URLS = False
    settings.WEBHOOKS_ALLOW_HTTP = False
    client.force_login(InstructorFactory())
    response = client.post(
        reverse("core:webhooks"), {"url": "https://127.0.0.1/hook", "event_types": ["enrollment.created"]}
    )
    assert response.status_code == 200
    assert b"is-invalid" in response.content and b"not public" in response.content
    assert not WebhookEndpoint.objects.exists()


def test_students_get_403_and_other_peoples_endpoints_are_404(client):
    endpoint = _endpoint(InstructorFactory())
    client.force_login(StudentFactory())
    assert client.get(reverse("core:webhooks")).status_code == 403
    client.force_login(InstructorFactory())
    assert client.get(reverse("core:webhook_detail", args=[endpoint.pk])).status_code == 404
    for name in ("core:webhook_rotate", "core:webhook_toggle", "core:webhook_delete"):
        assert client.post(reverse(name, args=[endpoint.pk])).status_code == 404
    endpoint.refresh_from_db()
    assert endpoint.is_active and endpoint.secret == "whsec_stored"


def test_the_detail_page_lists_deliveries_and_attempts_and_its_buttons_work(client, django_capture_on_commit_callbacks):
    owner = InstructorFactory()
    endpoint = _endpoint(owner, url="http://127.0.0.1:9/closed")
    event = WebhookEvent.objects.create(event_type="enrollment.created", payload={})
    delivery = WebhookDelivery.objects.create(event=event, endpoint=endpoint, status="failed", attempts=8)
    WebhookLog.objects.create(
        delivery=delivery,
        endpoint=endpoint,
        attempt=8,
        url=endpoint.url,
        status_code=502,
        latency_ms=31,
        error="HTTP 502",
    )
    client.force_login(owner)
    page = client.get(reverse("core:webhook_detail", args=[endpoint.pk]))
    assert page.status_code == 200
    assert b"enrollment.created" in page.content and b"HTTP 502" in page.content and b"31 ms" in page.content

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("core:webhook_redeliver", args=[endpoint.pk, delivery.pk]))
    assert response.status_code == 302
    delivery.refresh_from_db()
    assert delivery.attempts == 1 and WebhookLog.objects.count() == 2  # sent again (port 9: refused, logged)

    rotated = client.post(reverse("core:webhook_rotate", args=[endpoint.pk]))
    endpoint.refresh_from_db()
    assert rotated.status_code == 200 and endpoint.secret.encode() in rotated.content
    assert endpoint.previous_secret == "whsec_stored"

    client.post(reverse("core:webhook_toggle", args=[endpoint.pk]))
    endpoint.refresh_from_db()
    assert not endpoint.is_active
    assert client.post(reverse("core:webhook_delete", args=[endpoint.pk])).status_code == 302
    assert not WebhookEndpoint.objects.exists()


def test_the_list_page_query_count_does_not_grow(client, django_assert_num_queries):
    owner = InstructorFactory()
    client.force_login(owner)
    _endpoint(owner)
    client.get(reverse("core:webhooks"))  # warm-up (session, content types)
    from django.db import connection  # noqa: PLC0415
    from django.test.utils import CaptureQueriesContext  # noqa: PLC0415

    with CaptureQueriesContext(connection) as small:
        client.get(reverse("core:webhooks"))
    for i in range(4):
        _endpoint(owner, url=f"https://{i}.example.com/")
    with django_assert_num_queries(len(small.captured_queries)):
        assert client.get(reverse("core:webhooks")).status_code == 200
