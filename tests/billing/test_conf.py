"""billing.conf reads courseworx/settings.py only: no second set of defaults, no fixed webhook secret."""

import hashlib
import os
from decimal import Decimal

import pytest
from django.core.exceptions import ImproperlyConfigured

import courseworx.settings as project_settings
from billing import conf


def test_settings_are_read_at_call_time(settings):
    settings.BILLING_TAX_RATE_PERCENT = "7.5"
    settings.BILLING_CURRENCY = "eur"
    assert conf.tax_rate_percent() == Decimal("7.5") and conf.currency() == "EUR"


@pytest.mark.django_db  # the refund window is a live setting: a stored value is looked for first
def test_a_missing_setting_is_a_clear_error_not_a_hidden_default(settings):
    del settings.BILLING_REFUND_WINDOW_DAYS
    with pytest.raises(ImproperlyConfigured, match="BILLING_REFUND_WINDOW_DAYS is not set"):
        conf.refund_window_days()


def test_an_empty_sandbox_webhook_secret_is_refused(settings):
    settings.BILLING_SANDBOX_WEBHOOK_SECRET = ""
    with pytest.raises(ImproperlyConfigured, match="BILLING_SANDBOX_WEBHOOK_SECRET is empty"):
        conf.sandbox_webhook_secret()


@pytest.mark.skipif(
    bool(os.environ.get("BILLING_SANDBOX_WEBHOOK_SECRET")), reason="the environment sets the secret itself"
)
def test_the_sandbox_webhook_secret_is_derived_from_secret_key_when_unset():
    derived = hashlib.sha256(f"courseworx-sandbox-webhook:{project_settings.SECRET_KEY}".encode()).hexdigest()
    assert derived == project_settings.BILLING_SANDBOX_WEBHOOK_SECRET
    assert project_settings.SECRET_KEY not in derived
