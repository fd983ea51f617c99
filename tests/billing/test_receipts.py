"""Receipts: PDF rendered by the Celery task after commit, stored, e-mailed; failures never undo the payment."""

import io

import pytest
from django.core import mail
from django.urls import reverse
from pypdf import PdfReader

from billing import tasks
from billing.models import Payment

from .conftest import pay, start_checkout

pytestmark = pytest.mark.django_db(transaction=True)


def test_success_stores_and_emails_a_pdf_receipt(client, buyer, paid_course):
    payment = start_checkout(buyer, paid_course)
    pay(client, payment)
    payment.refresh_from_db()
    assert payment.receipt_number and payment.receipt_pdf and payment.receipt_sent_at
    text = PdfReader(io.BytesIO(payment.receipt_pdf.read())).pages[0].extract_text()
    assert payment.receipt_number in text and "58.80" in text and "Paid Django" in text
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [buyer.email] and message.attachments[0][2] == "application/pdf"

    client.force_login(buyer)
    download = client.get(reverse("billing:receipt", args=[payment.pk]))
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    # running the task again neither re-renders nor re-sends
    tasks.receipt_issue_task.delay(str(payment.pk))
    assert len(mail.outbox) == 1


def test_receipt_failure_does_not_roll_back_the_payment(client, buyer, paid_course, monkeypatch):
    def broken(payment):
        raise RuntimeError("WeasyPrint exploded")

    monkeypatch.setattr("billing.receipts.receipt_render_pdf", broken)
    payment = start_checkout(buyer, paid_course)
    response = pay(client, payment)
    assert response.status_code == 200
    payment.refresh_from_db()
    assert payment.status == Payment.Status.SUCCEEDED and not payment.receipt_pdf
    assert buyer.enrollments.filter(course=paid_course).exists()
