"""Webhooks: verified, stored, processed exactly once; a succeeded payment enrols the buyer."""

import time

import pytest
from django.urls import reverse

from billing.models import Payment, WebhookEvent
from billing.providers.sandbox import SIGNATURE_HEADER, build_event, sign
from learning.models import Enrollment
from tests.billing.conftest import pay, post_webhook, start_checkout
from tests.factories import StudentFactory

pytestmark = pytest.mark.django_db


def test_same_webhook_twice_enrols_once_and_records_one_payment(client, buyer, paid_course):
    payment = start_checkout(buyer, paid_course)
    delivery = build_event(payment, "payment.succeeded", event_id="evt_dup_1")

    first = post_webhook(client, delivery)
    second = post_webhook(client, delivery)

    assert first.status_code == 200 and first.json()["duplicate"] is False
    assert second.status_code == 200 and second.json()["duplicate"] is True
    assert Payment.objects.filter(user=buyer).count() == 1
    payment.refresh_from_db()
    assert payment.status == Payment.Status.SUCCEEDED
    assert Enrollment.objects.filter(user=buyer, course=paid_course).count() == 1
    enrollment = Enrollment.objects.get(user=buyer, course=paid_course)
    assert enrollment.source == "purchase" and enrollment.payment_reference == str(payment.pk)
    event = WebhookEvent.objects.get(event_id="evt_dup_1")
    assert event.deliveries == 2 and event.processed_at is not None
    assert payment.earnings.count() == 1  # revenue recorded once


def test_a_second_success_event_with_a_new_id_changes_nothing(client, buyer, paid_course):
    payment = start_checkout(buyer, paid_course)
    pay(client, payment, event_id="evt_a")
    payment.refresh_from_db()
    succeeded_at = payment.succeeded_at
    response = pay(client, payment, event_id="evt_b")
    assert response.status_code == 200
    payment.refresh_from_db()
    assert payment.succeeded_at == succeeded_at
    assert "already succeeded" in WebhookEvent.objects.get(event_id="evt_b").error
    assert payment.earnings.count() == 1


@pytest.mark.parametrize("tamper", ["signature", "stale", "future", "missing", "wrong_secret"])
def test_bad_signature_or_stale_timestamp_is_refused_and_changes_nothing(client, buyer, paid_course, tamper):
    payment = start_checkout(buyer, paid_course)
    delivery = build_event(payment, "payment.succeeded", event_id="evt_bad")
    header = delivery.headers[SIGNATURE_HEADER]
    if tamper == "signature":
        header = header[:-4] + ("0000" if not header.endswith("0000") else "1111")
    elif tamper == "stale":
        header = sign(delivery.body, int(time.time()) - 3600)
    elif tamper == "future":
        header = sign(delivery.body, int(time.time()) + 3600)
    elif tamper == "missing":
        header = ""
    elif tamper == "wrong_secret":
        header = sign(delivery.body, int(time.time()), secret="not-the-secret")

    response = client.post(
        reverse("billing:webhook", kwargs={"provider": "sandbox"}),
        data=delivery.body,
        content_type="application/json",
        headers={SIGNATURE_HEADER: header},
    )

    assert response.status_code == 400
    body = response.json()
    assert body["error"]["code"] == ("stale_timestamp" if tamper in ("stale", "future") else "bad_signature")
    payment.refresh_from_db()
    assert payment.status == Payment.Status.PENDING
    assert not Enrollment.objects.filter(user=buyer).exists()
    assert not WebhookEvent.objects.filter(signature_valid=True).exists()
    # the refused delivery is kept for the record, without claiming the event id
    assert WebhookEvent.objects.filter(signature_valid=False, event_id="").count() == 1


def test_tampered_body_is_refused(client, buyer, paid_course):
    payment = start_checkout(buyer, paid_course)
    delivery = build_event(payment, "payment.succeeded")
    body = delivery.body.replace(b'"amount":"58.80"', b'"amount":"0.01"')
    assert body != delivery.body
    response = client.post(
        reverse("billing:webhook", kwargs={"provider": "sandbox"}),
        data=body,
        content_type="application/json",
        headers={SIGNATURE_HEADER: delivery.headers[SIGNATURE_HEADER]},
    )
    assert response.status_code == 400


def test_unknown_provider_is_404(client):
    assert client.post("/billing/webhooks/stripe/", data=b"{}", content_type="application/json").status_code == 404


def test_decline_fails_the_payment_and_nobody_is_enrolled(client, buyer, paid_course):
    payment = start_checkout(buyer, paid_course)
    pay(client, payment, "payment.failed", failure_reason="Card declined")
    payment.refresh_from_db()
    assert payment.status == Payment.Status.FAILED and payment.failure_reason == "Card declined"
    assert not Enrollment.objects.filter(user=buyer).exists()
    # success after failure is ignored (recorded with an error for Finance)
    pay(client, payment, event_id="evt_late")
    payment.refresh_from_db()
    assert payment.status == Payment.Status.FAILED


def test_pending_event_changes_nothing(client, buyer, paid_course):
    payment = start_checkout(buyer, paid_course)
    assert pay(client, payment, "payment.pending").status_code == 200
    payment.refresh_from_db()
    assert payment.status == Payment.Status.PENDING


def test_amount_mismatch_is_not_fulfilled(client, buyer, paid_course):
    payment = start_checkout(buyer, paid_course)
    Payment.objects.filter(pk=payment.pk).update(amount="1.00")  # the event still says 58.80
    payment.amount = payment.amount  # event built from the in-memory (original) amount
    pay(client, payment)
    payment.refresh_from_db()
    assert payment.status == Payment.Status.PENDING
    assert "mismatch" in WebhookEvent.objects.get(signature_valid=True).error


def test_sandbox_end_to_end_through_the_pages(client, buyer, paid_course):
    client.force_login(buyer)
    page = client.get(reverse("billing:checkout", args=["course", paid_course.slug]))
    assert page.status_code == 200
    key = page.context["form"]["idempotency_key"].value()
    response = client.post(
        reverse("billing:checkout", args=["course", paid_course.slug]), {"idempotency_key": key, "coupon_code": ""}
    )
    payment = Payment.objects.get(user=buyer)
    assert response.status_code == 302 and response["Location"] == reverse("billing:sandbox_pay", args=[payment.pk])
    sandbox = client.get(response["Location"])
    assert b"Sandbox" in sandbox.content and b"Leave it pending" in sandbox.content
    result = client.post(response["Location"], {"outcome": "succeed"})
    assert result.status_code == 302 and result["Location"] == reverse("billing:payment_result", args=[payment.pk])
    final = client.get(result["Location"])
    assert b"Payment successful" in final.content
    payment.refresh_from_db()
    assert payment.status == Payment.Status.SUCCEEDED
    assert Enrollment.objects.get(user=buyer, course=paid_course).has_access
    assert WebhookEvent.objects.filter(payment=payment, signature_valid=True).count() == 1
    # the same checkout form submitted again does not create a second payment
    again = client.post(reverse("billing:checkout", args=["course", paid_course.slug]), {"idempotency_key": key})
    assert Payment.objects.filter(user=buyer).count() == 1
    assert again.status_code == 200  # already enrolled: the page explains instead


def test_sandbox_decline_and_pending_buttons(client, buyer, paid_course):
    client.force_login(buyer)
    declined = start_checkout(buyer, paid_course)
    client.post(reverse("billing:sandbox_pay", args=[declined.pk]), {"outcome": "decline"})
    declined.refresh_from_db()
    assert declined.status == Payment.Status.FAILED
    pending = start_checkout(buyer, paid_course)
    client.post(reverse("billing:sandbox_pay", args=[pending.pk]), {"outcome": "pending"})
    pending.refresh_from_db()
    assert pending.status == Payment.Status.PENDING
    assert b"Waiting for the payment" in client.get(reverse("billing:payment_result", args=[pending.pk])).content


def test_someone_elses_sandbox_page_is_404(client, buyer, paid_course):
    payment = start_checkout(buyer, paid_course)
    client.force_login(StudentFactory())
    assert client.get(reverse("billing:sandbox_pay", args=[payment.pk])).status_code == 404
    assert client.post(reverse("billing:sandbox_pay", args=[payment.pk]), {"outcome": "succeed"}).status_code == 404
