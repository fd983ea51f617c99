import pytest
from django.core.management import call_command

from billing.employer_selectors import managed_partners, partner_licences
from billing.models import Coupon, CourseBundle, EmployerPartner, ExchangeRate, Payment, Plan, RefundRequest
from courses.models import Course

pytestmark = pytest.mark.django_db


def test_demo_has_every_payment_status_and_is_idempotent(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    call_command("seed_demo", verbosity=0)
    statuses = set(Payment.objects.values_list("status", flat=True))
    assert statuses == {"pending", "succeeded", "failed", "refunded", "partially_refunded"}
    assert Plan.objects.count() == 3 and CourseBundle.objects.count() == 1 and Coupon.objects.count() == 4
    assert RefundRequest.objects.filter(status="pending").count() == 1
    # The demo licence manager manages Acme, whose licence has seats given.
    acme = EmployerPartner.objects.get(name="Acme Learning Ltd")
    manager = acme.managers.get()
    assert manager.email == "manager@courseworx.local" and list(managed_partners(manager)) == [acme]
    assert [(lic.seats, lic.seats_used) for lic in partner_licences(acme)] == [(10, 2)]
    # Multi-currency: courses priced in USD, EUR and the zero-decimal JPY; rates with history; USD payments.
    assert {"USD", "EUR", "JPY"} <= set(Course.objects.published().values_list("currency", flat=True))
    assert ExchangeRate.objects.filter(currency_id="JPY").count() == 2
    assert set(Payment.objects.values_list("base_currency", flat=True)) == {"USD"}
    counts = (Payment.objects.count(), RefundRequest.objects.count())
    call_command("seed_demo", verbosity=0)
    assert (Payment.objects.count(), RefundRequest.objects.count()) == counts
