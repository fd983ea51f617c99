"""Referrals: one code per user, the first referral wins (never oneself, never after a purchase), and the
referrer is credited once, on the referred user's first paid payment."""

from decimal import Decimal

import pytest

from billing import services
from billing.models import CreditAccount, Referral
from tests.billing.conftest import make_course, pay, start_checkout
from tests.factories import StudentFactory

pytestmark = pytest.mark.django_db


def test_one_code_per_user():
    user = StudentFactory()
    assert services.referral_code_get_or_create(user=user) == services.referral_code_get_or_create(user=user)


def test_attach_refuses_oneself_a_second_referrer_and_existing_customers(client, buyer, paid_course):
    referrer, other = StudentFactory(), StudentFactory()
    code = services.referral_code_get_or_create(user=referrer).code
    assert services.referral_attach(user=referrer, code=code) is None
    assert services.referral_attach(user=buyer, code=code.lower()).referrer == referrer
    assert services.referral_attach(user=buyer, code=services.referral_code_get_or_create(user=other).code) is None
    customer = StudentFactory()
    pay(client, start_checkout(customer, paid_course))
    assert services.referral_attach(user=customer, code=code) is None
    assert list(Referral.objects.values_list("referred", flat=True)) == [buyer.pk]


def test_the_referrer_is_credited_once(client, buyer, paid_course, settings):
    settings.BILLING_REFERRAL_CREDIT_AMOUNT = Decimal("10.00")
    referrer = StudentFactory()
    services.referral_attach(user=buyer, code=services.referral_code_get_or_create(user=referrer).code)
    pay(client, start_checkout(buyer, paid_course))
    pay(client, start_checkout(buyer, make_course()))
    assert CreditAccount.objects.get(user=referrer).balance == Decimal("10.00")
    referral = Referral.objects.get(referred=buyer)
    assert referral.status == Referral.Status.CREDITED and referral.reward == Decimal("10.00")
