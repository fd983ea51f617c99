"""Refunds: the policy (clear reasons), Finance decisions with a note, provider refund, reversals, log."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts import roles
from billing import services
from billing.models import Coupon, CreditAccount, EarningEntry, Payment, Referral, RefundRequest
from courseworx.core.models import AuditLog
from learning.models import Enrollment
from tests.billing.conftest import pay, start_checkout
from tests.billing.factories import CouponFactory
from tests.factories import StudentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def paid(client, buyer, paid_course):
    payment = start_checkout(buyer, paid_course)
    pay(client, payment)
    payment.refresh_from_db()
    return payment


def test_refund_outside_the_window_is_refused_with_the_reason(client, buyer, paid, settings):
    settings.BILLING_REFUND_WINDOW_DAYS = 14
    Payment.objects.filter(pk=paid.pk).update(succeeded_at=timezone.now() - dt.timedelta(days=20))
    paid.refresh_from_db()
    with pytest.raises(ValidationError) as exc:
        services.refund_request_create(user=buyer, payment=paid, reason="Changed my mind")
    assert exc.value.messages == ["Refunds are possible within 14 days of purchase; this payment was made 20 days ago."]
    client.force_login(buyer)
    api = client.post(
        reverse("api:billing-refund-request-create", args=[paid.pk]),
        {"reason": "please"},
        content_type="application/json",
    )
    assert api.status_code == 400
    assert "within 14 days" in str(api.json()["error"]["fields"])
    page = client.get(reverse("billing:refund_request", args=[paid.pk]))
    assert b"this payment was made 20 days ago" in page.content
    assert not RefundRequest.objects.exists()


def test_refund_beyond_the_progress_limit_is_refused(buyer, paid, paid_course, settings):
    settings.BILLING_REFUND_MAX_PROGRESS_PERCENT = Decimal("30")
    Enrollment.objects.filter(user=buyer, course=paid_course).update(progress_percent=Decimal("50"))
    eligibility = services.refund_eligibility(payment=paid)
    assert not eligibility.allowed
    assert eligibility.reasons == [
        "Refunds are possible while your progress is at most 30%; you have completed 50% of Paid Django."
    ]


def test_only_the_buyer_may_ask(paid):
    with pytest.raises(PermissionDenied):
        services.refund_request_create(user=StudentFactory(), payment=paid, reason="mine")


def test_approval_refunds_drops_reverses_and_logs(client, buyer, paid_course, finance):
    coupon = CouponFactory(code="BACK", max_uses=5)
    referrer = StudentFactory()
    services.referral_attach(user=buyer, code=services.referral_code_get_or_create(user=referrer).code)
    payment = start_checkout(buyer, paid_course, coupon_code="BACK")
    pay(client, payment)
    assert CreditAccount.objects.get(user=referrer).balance == Decimal("10.00")
    coupon.refresh_from_db()
    assert coupon.uses == 1

    request = services.refund_request_create(user=buyer, payment=payment, reason="Not what I expected")
    with pytest.raises(ValidationError, match="note"):
        services.refund_request_approve(refund_request=request, actor=finance, note="  ")
    with pytest.raises(PermissionDenied):
        services.refund_request_approve(refund_request=request, actor=StudentFactory(), note="ok")
    services.refund_request_approve(refund_request=request, actor=finance, note="Goodwill")

    payment.refresh_from_db()
    request.refresh_from_db()
    coupon.refresh_from_db()
    assert payment.status == "refunded" and payment.amount_refunded == payment.amount
    assert request.status == "refunded" and request.provider_reference.startswith("sbx_ref_")
    assert Enrollment.objects.get(user=buyer, course=paid_course).status == "dropped"
    assert coupon.uses == 0
    assert Referral.objects.get(referred=buyer).status == "reversed"
    assert CreditAccount.objects.get(user=referrer).balance == Decimal("0.00")
    assert EarningEntry.objects.filter(payment=payment).values_list("kind", flat=True).count() == 2
    net = sum(EarningEntry.objects.filter(payment=payment).values_list("amount", flat=True))
    assert net == Decimal("0.00")
    actions = list(request.events.values_list("action", flat=True))
    assert actions == [
        "requested",
        "approved",
        "provider_refunded",
        "enrolment_dropped",
        "coupon_reversed",
        "referral_reversed",
    ]
    assert AuditLog.objects.filter(action__startswith="billing.refund_", target_id=str(request.pk)).count() == 6
    with pytest.raises(ValidationError, match="already decided"):
        services.refund_request_reject(refund_request=request, actor=finance, note="again")


def test_partial_refund_keeps_access(buyer, paid, paid_course, finance):
    request = services.refund_request_create(user=buyer, payment=paid, reason="Partly", amount=Decimal("10.00"))
    services.refund_request_approve(refund_request=request, actor=finance, note="Partial")
    paid.refresh_from_db()
    assert paid.status == "partially_refunded" and paid.amount_refunded == Decimal("10.00")
    assert Enrollment.objects.get(user=buyer, course=paid_course).has_access


def test_rejection_needs_a_note_and_notifies(buyer, paid, finance):
    request = services.refund_request_create(user=buyer, payment=paid, reason="Hmm")
    services.refund_request_reject(refund_request=request, actor=finance, note="Outside our policy")
    request.refresh_from_db()
    paid.refresh_from_db()
    assert request.status == "rejected" and paid.status == "succeeded"
    assert buyer.notifications.filter(title__startswith="Refund request declined").exists()


def test_admin_intermediate_decision_page(client, buyer, paid, finance):
    request = services.refund_request_create(user=buyer, payment=paid, reason="Please")
    url = reverse("admin:billing_refundrequest_decide", args=[request.pk])
    client.force_login(finance)
    assert client.get(url).status_code == 200
    missing_note = client.post(url, {"decision": "approve", "drop_enrolment": "on"})
    assert missing_note.status_code == 200 and b"This field is required" in missing_note.content
    done = client.post(url, {"decision": "approve", "drop_enrolment": "on", "note": "Approved by Finance"})
    assert done.status_code == 302
    request.refresh_from_db()
    assert request.status == "refunded"
    # the changelist works for Finance
    assert client.get(reverse("admin:billing_refundrequest_changelist")).status_code == 200


def test_admin_decision_page_is_forbidden_to_others(client, buyer, paid, make_staff):
    request = services.refund_request_create(user=buyer, payment=paid, reason="Please")
    client.force_login(make_staff(roles.MODERATORS))
    assert client.get(reverse("admin:billing_refundrequest_decide", args=[request.pk])).status_code == 403


def test_finance_api_decisions_and_403_for_students(client, buyer, paid, finance):
    request = services.refund_request_create(user=buyer, payment=paid, reason="Please")
    approve = reverse("api:billing-finance-refund-approve", args=[request.pk])
    client.force_login(buyer)
    assert client.get(reverse("api:billing-finance-refund-request-list")).status_code == 403
    assert client.post(approve, {"note": "me"}, content_type="application/json").status_code == 403
    client.force_login(finance)
    listing = client.get(reverse("api:billing-finance-refund-request-list") + "?status=pending").json()
    assert listing["count"] == 1
    response = client.post(approve, {"note": "OK"}, content_type="application/json")
    assert response.status_code == 200 and response.json()["status"] == "refunded"
    assert response.json()["amount_refunded"] == "58.80"
    again = client.post(approve, {"note": "OK"}, content_type="application/json")
    assert again.status_code == 409 and again.json()["error"]["code"] == "already_decided"


def test_coupon_not_restored_when_policy_says_so(client, buyer, paid_course, finance, settings):
    settings.BILLING_REFUND_RESTORES_COUPON = False
    coupon = CouponFactory(code="KEEP")
    payment = start_checkout(buyer, paid_course, coupon_code="KEEP")
    pay(client, payment)
    request = services.refund_request_create(user=buyer, payment=payment, reason="x")
    services.refund_request_approve(refund_request=request, actor=finance, note="ok")
    assert Coupon.objects.get(pk=coupon.pk).uses == 1
