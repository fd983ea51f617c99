"""billing.services.personal_data_anonymise_for_user: money records and receipts are kept, free text goes."""

from decimal import Decimal

import pytest
from django.core.files.base import ContentFile

from billing import services
from billing.models import Payment, RefundRequest
from tests.factories import StudentFactory

pytestmark = pytest.mark.django_db


def _paid(user, course, n: int) -> Payment:
    payment = Payment.objects.create(
        user=user, kind="course", course=course, description=f"Payment {n}", status="succeeded", currency="USD",
        subtotal=Decimal("49.00"), amount=Decimal("49.00"), idempotency_key=f"privacy-{n}",
    )  # fmt: skip
    payment.receipt_pdf.save(f"receipt-{n}.pdf", ContentFile(b"%PDF-1.4 receipt"), save=True)
    RefundRequest.objects.create(payment=payment, user=user, reason=f"Personal reason {n}")
    return payment


def test_amounts_and_receipts_stay_free_text_goes(buyer, paid_course, settings, tmp_path,
                                                  django_capture_on_commit_callbacks):  # fmt: skip
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    mine, theirs = _paid(buyer, paid_course, 1), _paid(StudentFactory(), paid_course, 2)
    with django_capture_on_commit_callbacks(execute=True):
        services.personal_data_anonymise_for_user(user=buyer)
    mine.refresh_from_db()
    assert (mine.amount, mine.user) == (Decimal("49.00"), buyer)
    assert mine.receipt_pdf.storage.exists(mine.receipt_pdf.name), "receipts are accounting records: kept"
    assert RefundRequest.objects.get(payment=mine).reason == "[deleted]"
    assert RefundRequest.objects.get(payment=theirs).reason == "Personal reason 2", "other people are untouched"
