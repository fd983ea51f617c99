"""Finance edits currencies and rates in the admin; a rate must be > 0 and is added, never overwritten;
students and instructors cannot; plan and bundle prices choose from the active currencies."""

from decimal import Decimal

import pytest
from django.urls import reverse

from billing.models import Currency, ExchangeRate
from tests.billing.currency.helpers import rate
from tests.factories import FinanceFactory, InstructorFactory

pytestmark = pytest.mark.django_db
ADD = reverse("admin:billing_exchangerate_add")


def _post(client, **data):
    payload = {"currency": "EUR", "rate": "0.91", "valid_from_0": "2026-11-30", "valid_from_1": "10:00:00"}
    payload.update(data)
    return client.post(ADD, payload)


def test_finance_adds_a_rate_and_history_is_kept(client):
    old = rate("EUR", "0.80", days_ago=30)
    client.force_login(FinanceFactory())
    response = _post(client)
    assert response.status_code == 302
    assert ExchangeRate.objects.count() == 2 and ExchangeRate.objects.get(pk=old.pk).rate == Decimal("0.80")
    new = ExchangeRate.objects.exclude(pk=old.pk).get()
    assert new.rate == Decimal("0.91") and new.source == "manual"
    change = client.get(reverse("admin:billing_exchangerate_change", args=[new.pk]))
    assert change.status_code == 200 and 'name="rate"' not in change.text  # read-only: history


@pytest.mark.parametrize("value", ["0", "-1", "abc"])
def test_a_rate_must_be_positive(client, value):
    client.force_login(FinanceFactory())
    response = _post(client, rate=value)
    assert response.status_code == 200 and "rate" in response.context["adminform"].form.errors
    assert not ExchangeRate.objects.exists()


def test_instructors_cannot_touch_rates_or_currencies(client):
    client.force_login(InstructorFactory())
    assert _post(client).status_code == 403
    assert client.get(reverse("admin:billing_currency_changelist")).status_code == 403
    assert not ExchangeRate.objects.exists()


def test_finance_deactivates_a_currency_and_it_leaves_the_choices(client):
    client.force_login(FinanceFactory())
    gbp = Currency.objects.get(code="GBP")
    response = client.post(
        reverse("admin:billing_currency_change", args=["GBP"]),
        {"name": gbp.name, "symbol": gbp.symbol, "decimals": 2, "rates-TOTAL_FORMS": 0, "rates-INITIAL_FORMS": 0},
    )
    assert response.status_code == 302 and Currency.objects.get(code="GBP").active is False
    plan_form = client.get(reverse("admin:billing_plan_add")).context["adminform"].form
    codes = [c for c, _ in plan_form.fields["currency"].choices]
    assert "GBP" not in codes and {"USD", "EUR", "JPY"} <= set(codes)
    bundle_form = client.get(reverse("admin:billing_coursebundle_add")).context["adminform"].form
    assert "GBP" not in [c for c, _ in bundle_form.fields["currency"].choices]
