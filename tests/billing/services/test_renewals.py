"""Renewals: charged through the provider once per period; a success while past due restores and extends."""

from decimal import Decimal

import pytest
from django.utils import timezone

from billing import services
from billing.models import Payment
from tests.billing.services.conftest import decline_renewals, make_due

pytestmark = pytest.mark.django_db


def test_successful_renewal_while_past_due_restores_and_extends(client, buyer, subscribed, monkeypatch):
    subscription, _ = subscribed
    make_due(subscription)
    decline_renewals(monkeypatch)
    services.subscription_renew_due()
    monkeypatch.undo()
    assert services.subscription_renew_due() == {"renewed": 1}
    subscription.refresh_from_db()
    assert subscription.status == "active" and subscription.grace_until is None
    assert subscription.current_period_end > timezone.now()
    renewal = Payment.objects.get(subscription=subscription, kind="renewal", status="succeeded")
    assert renewal.amount == Decimal("22.80")  # 19.00 + 20% tax


def test_renewal_is_not_charged_twice_for_a_period(client, buyer, subscribed):
    subscription, _ = subscribed
    make_due(subscription)
    services.subscription_renew_due()
    services.subscription_renew_due()
    assert Payment.objects.filter(subscription=subscription, kind="renewal").count() == 1
