"""Billing writes payment.succeeded and refund.approved to the webhook outbox with the change."""

import pytest

from billing import services
from courseworx.core.models import WebhookEvent
from tests.billing.conftest import pay, start_checkout

pytestmark = pytest.mark.django_db


def test_a_paid_course_writes_payment_succeeded_then_enrollment_created(client, buyer, paid_course, finance):
    payment = start_checkout(buyer, paid_course)
    assert not WebhookEvent.objects.filter(event_type="payment.succeeded").exists()
    pay(client, payment)
    [paid] = WebhookEvent.objects.filter(event_type="payment.succeeded")
    payment.refresh_from_db()
    assert paid.course_id == paid_course.pk
    assert paid.payload["payment_id"] == str(payment.pk) and paid.payload["amount"] == str(payment.amount)
    assert paid.payload["currency"] == payment.currency and paid.payload["receipt_number"] == payment.receipt_number
    assert WebhookEvent.objects.filter(event_type="enrollment.created", course_id=paid_course.pk).count() == 1
    # The provider repeats its notification: no second event.
    pay(client, payment)
    assert WebhookEvent.objects.filter(event_type="payment.succeeded").count() == 1


def test_an_approved_refund_writes_refund_approved(client, buyer, paid_course, finance):
    payment = start_checkout(buyer, paid_course)
    pay(client, payment)
    request = services.refund_request_create(user=buyer, payment=payment, reason="Not for me")
    assert not WebhookEvent.objects.filter(event_type="refund.approved").exists()
    services.refund_request_approve(refund_request=request, actor=finance, note="OK")
    [event] = WebhookEvent.objects.filter(event_type="refund.approved")
    assert event.payload["refund_request_id"] == str(request.pk) and event.payload["full"] is True
    assert event.course_id == paid_course.pk
