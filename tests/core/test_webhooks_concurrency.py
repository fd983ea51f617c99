"""Parallel workers (the dispatch task, its retry and the sweep at once) send a delivery ONCE: the claim is a
row lock with skip_locked plus a lease (PostgreSQL; SQLite serialises writers and cannot show a race)."""

import threading

import pytest
from django.db import connection, connections

from courseworx.core import services_webhooks
from courseworx.core.models import WebhookDelivery, WebhookEndpoint, WebhookEvent, WebhookLog
from tests.core.webhook_receiver import Receiver
from tests.factories import AdminFactory

pytestmark = pytest.mark.postgres


@pytest.mark.django_db(transaction=True)
def test_parallel_attempts_and_dispatches_send_once_per_endpoint(settings):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite serialises writers, so it cannot show a race (set DATABASE_URL)")
    settings.WEBHOOKS_ALLOW_PRIVATE_URLS = True
    settings.WEBHOOKS_ALLOW_HTTP = True
    owner = AdminFactory()
    with Receiver() as receiver:
        endpoint = WebhookEndpoint.objects.create(
            owner=owner, url=receiver.url, event_types=["course.published"], secret="whsec_race"
        )
        event = WebhookEvent.objects.create(event_type="course.published", payload={})
        workers = 6
        barrier = threading.Barrier(workers)
        errors: list[str] = []

        def work():
            try:
                barrier.wait()
                for delivery_id in services_webhooks.webhook_event_dispatch(event_id=event.pk):
                    services_webhooks.webhook_delivery_attempt(delivery_id=delivery_id)
            except Exception as exc:  # noqa: BLE001 - surfaces in the assertion below
                errors.append(repr(exc))
            finally:
                connections.close_all()

        threads = [threading.Thread(target=work) for _ in range(workers)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=60)
    assert errors == []
    assert len(receiver.requests) == 1
    assert WebhookDelivery.objects.filter(event=event, endpoint=endpoint).count() == 1
    assert WebhookLog.objects.count() == 1
