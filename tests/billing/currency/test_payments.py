"""Payments keep their own currency and the base-currency amount at the rate of their day; the earnings
ledger follows; store credit is per currency."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from billing import selectors, services
from billing.models import CreditAccount, EarningEntry, Payment
from tests.billing.conftest import make_course, pay, start_checkout
from tests.billing.currency.helpers import rate
from tests.factories import StudentFactory

pytestmark = pytest.mark.django_db


def test_a_payment_stores_its_base_amount_at_the_rate_of_its_day(client, buyer):
    rate("EUR", "0.80", days_ago=30)
    rate("EUR", "0.50", days_ago=1)  # today's rate: 1 EUR = 2 USD
    rate("EUR", "0.25", days_ago=-1)  # valid only from tomorrow
    course = make_course(price="40.00", currency="EUR")
    payment = start_checkout(buyer, course)  # tax 20% -> 48.00 EUR
    assert (payment.currency, payment.amount) == ("EUR", Decimal("48.00"))
    assert (payment.base_currency, payment.exchange_rate) == ("USD", Decimal("2"))
    assert payment.amount_base == Decimal("96.00")
    pay(client, payment)
    entry = EarningEntry.objects.get(payment=payment)
    assert entry.currency == "EUR" and entry.amount_base == (entry.amount * 2).quantize(Decimal("0.01"))


def test_the_base_amount_of_an_older_day_uses_that_days_rate():
    rate("JPY", "100", days_ago=30)
    rate("JPY", "150", days_ago=5)
    at = timezone.now() - dt.timedelta(days=10)
    fields = services.payment_base_amounts(currency="JPY", amount=Decimal("9800"), at=at)
    assert fields == {"base_currency": "USD", "exchange_rate": Decimal("0.0100000000"), "amount_base": Decimal("98.00")}
    today = services.payment_base_amounts(currency="JPY", amount=Decimal("9800"))
    assert today["amount_base"] == Decimal("65.33")


def test_a_price_in_a_currency_without_a_rate_cannot_be_paid(buyer):
    course = make_course(price="10.00", currency="GBP")
    with pytest.raises(ValidationError) as exc:
        start_checkout(buyer, course)
    assert exc.value.error_list[0].code == "no_exchange_rate"
    assert not Payment.objects.exists()


def test_base_currency_payments_have_rate_one(buyer, paid_course):
    payment = start_checkout(buyer, paid_course)
    assert (payment.exchange_rate, payment.amount_base) == (Decimal("1"), payment.amount)


def test_credit_is_kept_and_spent_per_currency(buyer):
    rate("EUR", "0.5", days_ago=1)
    CreditAccount.objects.create(user=buyer, currency="USD", balance=Decimal("5.00"))
    CreditAccount.objects.create(user=buyer, currency="EUR", balance=Decimal("3.00"))
    assert selectors.credit_balance_get(user=buyer) == Decimal("5.00")
    assert selectors.credit_balance_get(user=buyer, currency="EUR") == Decimal("3.00")
    assert [a.currency for a in selectors.credit_balances(user=buyer)] == ["USD", "EUR"]
    euro_course = make_course(price="10.00", currency="EUR")
    payment = start_checkout(buyer, euro_course, use_credit=True)
    assert payment.credit_applied == Decimal("3.00") and payment.amount == Decimal("9.00")  # 12.00 - 3.00
    assert CreditAccount.objects.get(user=buyer, currency="EUR").balance == Decimal("0.00")
    assert CreditAccount.objects.get(user=buyer, currency="USD").balance == Decimal("5.00")  # untouched


def test_yen_credit_does_not_pay_for_a_dollar_price():
    user = StudentFactory()
    CreditAccount.objects.create(user=user, currency="JPY", balance=Decimal("5000"))
    payment = start_checkout(user, make_course(price="10.00"), use_credit=True)
    assert payment.credit_applied == Decimal("0.00") and payment.currency == "USD"


def test_the_credit_page_lists_each_currency_balance(client, buyer):
    CreditAccount.objects.create(user=buyer, currency="USD", balance=Decimal("5.00"))
    CreditAccount.objects.create(user=buyer, currency="JPY", balance=Decimal("700"))
    client.force_login(buyer)
    page = client.get(reverse("billing:referrals"))
    assert [a.currency for a in page.context["balances"]] == ["USD", "JPY"]
    assert "$5.00" in page.text and "¥700" in page.text


def test_instructor_balance_and_payouts_sum_in_the_base_currency(client, buyer):
    rate("EUR", "0.5", days_ago=1)  # 1 EUR = 2 USD
    usd = make_course(price="10.00")
    eur = make_course(price="10.00", currency="EUR", instructor=usd.instructor)
    pay(client, start_checkout(buyer, usd))
    pay(client, start_checkout(buyer, eur))
    # 70 % of 10.00 USD + 70 % of 10.00 EUR x 2 = 7.00 + 14.00 USD
    assert selectors.instructor_balance(instructor=usd.instructor) == Decimal("21.00")
    row = selectors.payout_balances().get(pk=usd.instructor.pk)
    assert (row.earned, row.balance) == (Decimal("21.00"), Decimal("21.00"))
    assert selectors.earnings_summary(instructor=usd.instructor)["earned"] == Decimal("21.00")
    by_course = {
        r["currency"]: (r["earned"], r["earned_base"]) for r in selectors.earnings_by_course(instructor=usd.instructor)
    }
    assert by_course == {"USD": (Decimal("7.00"), Decimal("7.00")), "EUR": (Decimal("7.00"), Decimal("14.00"))}
