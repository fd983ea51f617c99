"""Outbound webhooks: outbox, delivery once per endpoint, broker outage, signatures, retries with backoff,
disabling + owner notified, SSRF refusals (save and send time), secret rotation overlap."""

from __future__ import annotations

import socket
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from accounts import roles
from courseworx.core import outbound, services_webhooks, tasks
from courseworx.core.models import Notification, WebhookDelivery, WebhookEndpoint, WebhookEvent, WebhookLog
from courseworx.core.services_webhooks import (
    webhook_delivery_redeliver,
    webhook_endpoint_create,
    webhook_endpoint_rotate_secret,
    webhook_endpoint_update,
    webhook_event_emit,
    webhook_sweep,
)
from courseworx.core.webhooks import (
    DELIVERY_HEADER,
    EVENT_HEADER,
    EVENT_TYPE_NAMES,
    SIGNATURE_HEADER,
    retry_delay,
    sign,
    signature_header,
    verify_signature,
)
from tests.core.webhook_receiver import Receiver
from tests.courses.factories import PublishedCourseFactory
from tests.factories import FinanceFactory, InstructorFactory, StudentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _webhook_settings(settings):
    # Tests run with DEBUG=true: the receiver on 127.0.0.1 over http is allowed (refused in production below).
    settings.WEBHOOKS_ALLOW_PRIVATE_URLS = True
    settings.WEBHOOKS_ALLOW_HTTP = True
    settings.WEBHOOKS_TIMEOUT_SECONDS = 5
    settings.WEBHOOKS_RETRY_BASE_SECONDS = 60
    settings.WEBHOOKS_MAX_ATTEMPTS = 5
    settings.WEBHOOKS_DISABLE_AFTER_FAILURES = 3


@pytest.fixture
def finance(db):
    return FinanceFactory(groups=[roles.FINANCE])


def _endpoint(owner, receiver, types=("enrollment.created",), set_secret=True):
    endpoint, secret = webhook_endpoint_create(owner=owner, url=receiver.url, event_types=list(types))
    if set_secret:
        receiver.secret = secret
    return endpoint, secret


def _emit(capture, event_type="enrollment.created", payload=None, course=None):
    with capture(execute=True):
        return webhook_event_emit(event_type, payload or {"hello": "world"}, course=course)


# --- Signatures --------------------------------------------------------------------------------------------
def test_verify_signature_accepts_the_right_secret_and_refuses_a_wrong_one_or_an_old_timestamp():
    body = b'{"id":"1"}'
    now = 1_800_000_000
    header = signature_header(["whsec_right"], now, body)
    assert header == f"t={now},v1={sign('whsec_right', now, body)}"
    assert verify_signature("whsec_right", header, body, now=now + 10)
    assert not verify_signature("whsec_wrong", header, body, now=now)
    assert not verify_signature("whsec_right", header, body + b" ", now=now)  # body changed
    assert not verify_signature("whsec_right", header, body, tolerance=300, now=now + 301)  # replayed later
    assert not verify_signature("whsec_right", "t=abc,v1=00", body)
    assert not verify_signature("whsec_right", "", body)


def test_a_receiver_with_the_wrong_secret_refuses_the_delivery(finance, django_capture_on_commit_callbacks):
    with Receiver() as receiver:
        endpoint, _secret = _endpoint(finance, receiver, set_secret=False)
        receiver.secret = "whsec_not-the-endpoint-secret"
        _emit(django_capture_on_commit_callbacks)
    assert len(receiver.requests) == 1
    assert receiver.requests[0]["verified"] is False
    delivery = WebhookDelivery.objects.get(endpoint=endpoint)
    assert delivery.status == WebhookDelivery.Status.PENDING  # a retry is scheduled
    log = WebhookLog.objects.get(delivery=delivery)
    assert (log.succeeded, log.status_code, log.response_excerpt) == (False, 400, "bad signature")


def test_a_delivery_is_signed_and_carries_event_and_delivery_ids(finance, django_capture_on_commit_callbacks):
    with Receiver() as receiver:
        endpoint, secret = _endpoint(finance, receiver)
        event = _emit(django_capture_on_commit_callbacks, payload={"enrollment_id": "e1"})
    [request] = receiver.requests
    delivery = WebhookDelivery.objects.get(endpoint=endpoint)
    assert request["verified"] is True
    assert request["headers"][EVENT_HEADER] == "enrollment.created"
    assert request["headers"][DELIVERY_HEADER] == str(delivery.pk)
    assert request["json"] == {
        "id": str(event.pk),
        "type": "enrollment.created",
        "created_at": event.created_at.isoformat(),
        "data": {"enrollment_id": "e1"},
    }
    assert verify_signature(secret, request["headers"][SIGNATURE_HEADER], request["body"])
    assert delivery.status == WebhookDelivery.Status.SUCCEEDED and delivery.attempts == 1
    log = WebhookLog.objects.get(delivery=delivery)
    assert log.succeeded and log.status_code == 200 and log.latency_ms is not None and '"ok"' in log.response_excerpt


# --- Outbox, broker outage, once per endpoint -----------------------------------------------------------------
def test_an_event_survives_a_broker_outage_and_is_delivered_once_per_endpoint_by_the_sweep(
    finance, monkeypatch, django_capture_on_commit_callbacks
):
    def broker_down(*args, **kwargs):
        raise OSError("Error 111 connecting to the broker. Connection refused.")

    with Receiver() as receiver_a, Receiver() as receiver_b:
        endpoint_a, _ = _endpoint(finance, receiver_a)
        endpoint_b, _ = _endpoint(finance, receiver_b)
        with monkeypatch.context() as m:
            m.setattr(tasks.webhook_dispatch, "delay", broker_down)
            event = _emit(django_capture_on_commit_callbacks)  # the task could not be sent: logged, not raised
        event.refresh_from_db()
        assert event.dispatched_at is None and not WebhookDelivery.objects.exists()
        assert receiver_a.requests == [] and receiver_b.requests == []

        # The broker is back: beat's sweep dispatches the outbox row.
        assert tasks.webhook_sweep.delay().get() == {"dispatched": 1, "attempted": 2}
        # Running everything again (the late dispatch task, another sweep) sends nothing more.
        tasks.webhook_dispatch.delay(str(event.pk))
        tasks.webhook_sweep.delay()
        for delivery in WebhookDelivery.objects.all():
            tasks.webhook_deliver.delay(str(delivery.pk))

    assert len(receiver_a.requests) == 1 and len(receiver_b.requests) == 1
    assert receiver_a.requests[0]["verified"] and receiver_b.requests[0]["verified"]
    assert WebhookDelivery.objects.filter(event=event).count() == 2
    assert set(WebhookDelivery.objects.values_list("status", flat=True)) == {WebhookDelivery.Status.SUCCEEDED}
    assert WebhookLog.objects.count() == 2
    event.refresh_from_db()
    assert event.dispatched_at is not None


def test_dispatching_twice_creates_one_delivery_per_endpoint(finance):
    WebhookEndpoint.objects.create(owner=finance, url="https://a.example.com/", event_types=["course.published"])
    event = WebhookEvent.objects.create(event_type="course.published", payload={})
    first = services_webhooks.webhook_event_dispatch(event_id=event.pk)
    # A second dispatch of the same event (dispatched_at reset, as if two workers raced) adds nothing.
    WebhookEvent.objects.filter(pk=event.pk).update(dispatched_at=None)
    second = services_webhooks.webhook_event_dispatch(event_id=event.pk)
    assert len(first) == 1 and first == second
    assert WebhookDelivery.objects.filter(event=event).count() == 1


def test_unsubscribed_disabled_and_student_endpoints_get_nothing(finance, django_capture_on_commit_callbacks):
    student = StudentFactory()
    WebhookEndpoint.objects.create(owner=finance, url="https://a.example.com/", event_types=["payment.succeeded"])
    WebhookEndpoint.objects.create(
        owner=finance, url="https://b.example.com/", event_types=["enrollment.created"], is_active=False
    )
    WebhookEndpoint.objects.create(owner=student, url="https://c.example.com/", event_types=["enrollment.created"])
    _emit(django_capture_on_commit_callbacks)
    assert not WebhookDelivery.objects.exists()


def test_instructors_receive_only_the_events_of_courses_they_teach(django_capture_on_commit_callbacks):
    teacher, other = InstructorFactory(), InstructorFactory()
    course = PublishedCourseFactory(instructor=teacher)
    mine = WebhookEndpoint.objects.create(owner=teacher, url="https://a.example.com/", event_types=["course.published"])
    WebhookEndpoint.objects.create(owner=other, url="https://b.example.com/", event_types=["course.published"])
    mine_failing = []

    def no_network(*args, **kwargs):
        mine_failing.append(args)
        raise outbound.OutboundError("offline")

    with pytest.MonkeyPatch.context() as m:
        m.setattr(outbound, "post", no_network)
        _emit(django_capture_on_commit_callbacks, "course.published", course=course)
        _emit(django_capture_on_commit_callbacks, "course.published", course=None)  # no course: staff only
    assert list(WebhookDelivery.objects.values_list("endpoint_id", flat=True)) == [mine.pk]


def test_an_unknown_event_type_is_a_programming_error():
    with pytest.raises(ValueError, match="Unknown webhook event type"):
        webhook_event_emit("enrollment.exploded", {})


# --- Retries, backoff, disabling ------------------------------------------------------------------------------
def _make_due(delivery):
    WebhookDelivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now() - timedelta(seconds=1))


def test_failures_are_retried_with_exponential_backoff_then_the_endpoint_is_disabled_and_its_owner_notified(
    finance, django_capture_on_commit_callbacks
):
    assert [retry_delay(n) for n in (1, 2, 3, 4)] == [60, 120, 240, 480]
    with Receiver(status=500) as receiver:
        endpoint, _ = _endpoint(finance, receiver)
        before = timezone.now()
        _emit(django_capture_on_commit_callbacks)
        delivery = WebhookDelivery.objects.get()
        assert delivery.attempts == 1 and delivery.status == WebhookDelivery.Status.PENDING
        assert before + timedelta(seconds=59) < delivery.next_attempt_at < timezone.now() + timedelta(seconds=61)

        assert webhook_sweep() == {"dispatched": 0, "attempted": 0}  # not due yet: nothing sent
        assert len(receiver.requests) == 1

        _make_due(delivery)
        start = timezone.now()
        assert webhook_sweep()["attempted"] == 1
        delivery.refresh_from_db()
        assert delivery.attempts == 2
        assert start + timedelta(seconds=119) < delivery.next_attempt_at < timezone.now() + timedelta(seconds=121)

        _make_due(delivery)
        webhook_sweep()  # third failure in a row: the threshold (3)
        endpoint.refresh_from_db()
        assert not endpoint.is_active and endpoint.disabled_at is not None
        assert "3 consecutive failed deliveries" in endpoint.disabled_reason

        _make_due(delivery)
        assert webhook_sweep()["attempted"] == 0  # a disabled endpoint gets nothing
        assert len(receiver.requests) == 3

    logs = list(WebhookLog.objects.order_by("attempt").values_list("attempt", "status_code", "succeeded"))
    assert logs == [(1, 500, False), (2, 500, False), (3, 500, False)]
    note = Notification.objects.get(user=finance)
    assert note.title.startswith("Webhook endpoint disabled") and receiver.url in note.body
    delivery.refresh_from_db()
    assert delivery.status == WebhookDelivery.Status.PENDING  # kept for when the endpoint is enabled again


def test_a_delivery_gives_up_after_max_attempts_and_success_resets_the_failure_count(
    finance, settings, django_capture_on_commit_callbacks
):
    settings.WEBHOOKS_MAX_ATTEMPTS = 2
    settings.WEBHOOKS_DISABLE_AFTER_FAILURES = 10
    with Receiver(status=503) as receiver:
        endpoint, _ = _endpoint(finance, receiver)
        _emit(django_capture_on_commit_callbacks)
        delivery = WebhookDelivery.objects.get()
        _make_due(delivery)
        webhook_sweep()
        delivery.refresh_from_db()
        assert delivery.status == WebhookDelivery.Status.FAILED and delivery.next_attempt_at is None
        endpoint.refresh_from_db()
        assert endpoint.consecutive_failures == 2 and endpoint.is_active

        # Redelivery (admin/API): a fresh round, same delivery id; the receiver is fixed now.
        receiver.status = 200
        with django_capture_on_commit_callbacks(execute=True):
            webhook_delivery_redeliver(delivery=delivery, actor=finance)
    delivery.refresh_from_db()
    endpoint.refresh_from_db()
    assert delivery.status == WebhookDelivery.Status.SUCCEEDED
    assert endpoint.consecutive_failures == 0
    assert [r["headers"][DELIVERY_HEADER] for r in receiver.requests] == [str(delivery.pk)] * 3


def test_re_enabling_an_endpoint_delivers_what_was_kept(finance, django_capture_on_commit_callbacks):
    with Receiver() as receiver:
        endpoint, _ = _endpoint(finance, receiver)
        WebhookEndpoint.objects.filter(pk=endpoint.pk).update(is_active=False)
        event = _emit(django_capture_on_commit_callbacks)
        assert receiver.requests == []
        WebhookEndpoint.objects.filter(pk=endpoint.pk).update(is_active=True)
        WebhookDelivery.objects.create(event=event, endpoint=endpoint)  # as dispatched while it was enabled
        endpoint.refresh_from_db()
        with django_capture_on_commit_callbacks(execute=True):
            webhook_endpoint_update(endpoint=endpoint, actor=finance, data={"is_active": False})
        with django_capture_on_commit_callbacks(execute=True):
            webhook_endpoint_update(endpoint=endpoint, actor=finance, data={"is_active": True})
    assert len(receiver.requests) == 1


# --- SSRF -------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "url",
    [
        "https://127.0.0.1/hook",
        "https://localhost/hook",
        "https://10.0.0.8/hook",
        "https://169.254.169.254/latest/meta-data",
        "https://[::1]/hook",
        "http://hooks.example.com/hook",  # plain http
        "https://user:pw@hooks.example.com/hook",
        "ftp://hooks.example.com/",
    ],
)
def test_private_loopback_and_link_local_urls_are_refused_in_production(finance, settings, monkeypatch, url):
    settings.DEBUG = False
    settings.WEBHOOKS_ALLOW_PRIVATE_URLS = False
    settings.WEBHOOKS_ALLOW_HTTP = False
    monkeypatch.setattr(outbound.socket, "getaddrinfo", lambda host, *a, **k: [(2, 1, 6, "", ("127.0.0.1", 443))])
    with pytest.raises(ValidationError) as exc:
        webhook_endpoint_create(owner=finance, url=url, event_types=["enrollment.created"])
    assert "url" in exc.value.message_dict
    assert not WebhookEndpoint.objects.exists()


def test_a_host_that_rebinds_to_loopback_after_saving_is_refused_at_send_time(
    finance, settings, monkeypatch, django_capture_on_commit_callbacks
):
    settings.WEBHOOKS_ALLOW_PRIVATE_URLS = False
    settings.WEBHOOKS_ALLOW_HTTP = False
    answers = {"hooks.example.com": "93.184.215.14"}
    monkeypatch.setattr(outbound.socket, "getaddrinfo", lambda host, *a, **k: [(2, 1, 6, "", (answers[host], 443))])
    connections = []
    monkeypatch.setattr(outbound.socket, "create_connection", lambda *a, **k: connections.append(a))
    endpoint, _ = webhook_endpoint_create(
        owner=finance, url="https://hooks.example.com/hook", event_types=["enrollment.created"]
    )
    answers["hooks.example.com"] = "127.0.0.1"  # DNS rebinding
    _emit(django_capture_on_commit_callbacks)
    log = WebhookLog.objects.get(endpoint=endpoint)
    assert not log.succeeded and log.error.startswith("Refused:") and "non-public" in log.error
    assert connections == []


def test_the_receiver_on_127_0_0_1_is_refused_when_production_settings_apply_at_send_time(
    finance, settings, django_capture_on_commit_callbacks
):
    with Receiver() as receiver:
        endpoint, _ = _endpoint(finance, receiver)  # saved while allowed (DEBUG)
        settings.WEBHOOKS_ALLOW_PRIVATE_URLS = False
        settings.WEBHOOKS_ALLOW_HTTP = False
        _emit(django_capture_on_commit_callbacks)
    assert receiver.requests == []
    assert WebhookLog.objects.get(endpoint=endpoint).error.startswith("Refused:")


# --- Ownership and secrets -------------------------------------------------------------------------------------
def test_students_cannot_own_endpoints_and_unknown_event_types_are_refused(finance):
    with pytest.raises(PermissionDenied):
        webhook_endpoint_create(owner=StudentFactory(), url="http://127.0.0.1/x", event_types=["enrollment.created"])
    with pytest.raises(ValidationError) as exc:
        webhook_endpoint_create(owner=finance, url="http://127.0.0.1/x", event_types=["nope"])
    assert "event_types" in exc.value.message_dict
    with pytest.raises(ValidationError):
        webhook_endpoint_create(owner=finance, url="http://127.0.0.1/x", event_types=[])
    assert set(EVENT_TYPE_NAMES) >= {
        "enrollment.created",
        "enrollment.completed",
        "course.published",
        "payment.succeeded",
        "refund.approved",
        "certificate.issued",
        "attendance.signed_in",
    }


def test_rotating_the_secret_signs_with_both_during_the_overlap(finance, django_capture_on_commit_callbacks):
    with Receiver() as receiver:
        endpoint, old = _endpoint(finance, receiver)
        endpoint, new = webhook_endpoint_rotate_secret(endpoint=endpoint, actor=finance, overlap_hours=24)
        assert new != old and endpoint.previous_secret == old
        _emit(django_capture_on_commit_callbacks)  # the receiver still has the old secret: accepted
        receiver.secret = new
        _emit(django_capture_on_commit_callbacks)  # and the new one works too
        header = receiver.requests[0]["headers"][SIGNATURE_HEADER]
        assert header.count("v1=") == 2
        # After the overlap only the new secret signs: a receiver still on the old one refuses.
        WebhookEndpoint.objects.filter(pk=endpoint.pk).update(previous_secret_expires_at=timezone.now())
        receiver.secret = old
        _emit(django_capture_on_commit_callbacks)
    assert [r["verified"] for r in receiver.requests] == [True, True, False]
    assert receiver.requests[2]["headers"][SIGNATURE_HEADER].count("v1=") == 1


def test_the_outbound_post_connects_to_the_checked_address(monkeypatch):
    """outbound.post resolves, checks and then connects to that address (never re-resolves)."""
    monkeypatch.setattr(socket, "getaddrinfo", lambda host, *a, **k: [(2, 1, 6, "", ("10.1.2.3", 443))])
    with pytest.raises(outbound.UnsafeURLError):
        outbound.post("https://hooks.example.com/", body=b"{}", headers={})
