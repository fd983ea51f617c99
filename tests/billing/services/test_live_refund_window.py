"""The refund window is a live setting: a change in the admin applies to the next refund request."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from billing import services
from billing.models import Payment, RefundRequest
from courseworx.core.live_settings import setting_set
from tests.billing.conftest import pay, start_checkout

pytestmark = pytest.mark.django_db


def test_the_refund_rule_follows_the_live_refund_window(client, buyer, paid_course, settings):
    settings.BILLING_REFUND_WINDOW_DAYS = 14
    payment = start_checkout(buyer, paid_course)
    pay(client, payment)
    Payment.objects.filter(pk=payment.pk).update(succeeded_at=timezone.now() - dt.timedelta(days=20))
    payment.refresh_from_db()
    with pytest.raises(ValidationError, match="within 14 days"):
        services.refund_request_create(user=buyer, payment=payment, reason="Changed my mind")

    setting_set(actor=None, key="BILLING_REFUND_WINDOW_DAYS", value=30)
    services.refund_request_create(user=buyer, payment=payment, reason="Changed my mind")
    assert RefundRequest.objects.filter(payment=payment).exists()
