"""Fixtures of the service tests (the billing-wide ones are in tests/billing/conftest.py)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from billing.models import Subscription
from billing.providers.base import RenewalResult
from billing.providers.sandbox import SandboxProvider
from tests.billing.conftest import make_course, pay, start_checkout
from tests.billing.factories import PlanFactory


@pytest.fixture
def subscribed(client, buyer):
    courses = [make_course(), make_course()]
    plan = PlanFactory(courses=courses, price=Decimal("19.00"))
    payment = start_checkout(buyer, plan)
    pay(client, payment)
    payment.refresh_from_db()
    return payment.subscription, courses


def make_due(subscription, *, days_ago=1):
    Subscription.objects.filter(pk=subscription.pk).update(
        current_period_start=timezone.now() - dt.timedelta(days=31),
        current_period_end=timezone.now() - dt.timedelta(days=days_ago),
    )


def decline_renewals(monkeypatch):
    monkeypatch.setattr(
        SandboxProvider, "renew", lambda self, sub, payment: RenewalResult(status="failed", message="Card expired")
    )
