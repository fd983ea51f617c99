"""Payment outcomes: a pending payment succeeds (deliver what was bought) or fails (give back what was reserved)."""

from __future__ import annotations

import datetime as dt
import logging

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from courses.models import Course
from courseworx.core.activity import activity_record
from courseworx.core.enqueue import enqueue_on_commit
from courseworx.core.services_webhooks import webhook_event_emit

from .. import conf, enrolments
from ..models import CampaignEnrollment, CouponRedemption, CreditEntry, Payment, RefundEvent, RefundRequest
from ._common import credit_add, lock_payment, notify, release_coupon
from .course_stats import _course_revenue_enqueue
from .referrals import _referral_credit
from .revenue import _earnings_record_sale
from .subscriptions import _subscription_activate, _subscription_renewal_failed, _subscription_renewed

logger = logging.getLogger(__name__)


def _receipt_number(payment: Payment) -> str:
    return f"CW-{payment.succeeded_at:%Y%m%d}-{payment.pk.hex[:8].upper()}"


def _payment_succeed(payment: Payment, *, reference: str = "") -> bool:
    """The locked pending payment succeeded: record it and deliver what was bought.  False if it was
    not pending (nothing changes)."""
    if payment.status != Payment.Status.PENDING:
        return False
    now = timezone.now()
    payment.status = Payment.Status.SUCCEEDED
    payment.succeeded_at = now
    payment.receipt_number = _receipt_number(payment)
    if reference and not payment.provider_reference:
        payment.provider_reference = reference
    payment.save(update_fields=["status", "succeeded_at", "receipt_number", "provider_reference", "updated_at"])
    activity_record(
        user=payment.user_id, event="purchase", course_id=payment.course_id, data={"payment": str(payment.pk)}
    )
    CouponRedemption.objects.filter(payment=payment, status=CouponRedemption.Status.RESERVED).update(
        status=CouponRedemption.Status.APPLIED, updated_at=now
    )
    _fulfil(payment)
    _referral_credit(payment)
    if payment.campaign_id:
        CampaignEnrollment.objects.get_or_create(
            payment=payment,
            defaults={
                "campaign_id": payment.campaign_id,
                "user": payment.user,
                "course": payment.course,
                "revenue": payment.net_amount,
                "currency": payment.currency,
            },
        )
    _earnings_record_sale(payment)
    _course_revenue_enqueue(payment)
    notify(
        payment.user,
        f"Payment received: {payment.description}",
        f"Thank you! Your receipt {payment.receipt_number} is in My purchases.",
        reverse("billing:purchases"),
        email=False,  # the receipt e-mail (with the PDF) is the e-mail
    )
    webhook_event_emit(
        "payment.succeeded",
        {
            "payment_id": payment.pk,
            "user_id": payment.user_id,
            "kind": payment.kind,
            "course_id": payment.course_id,
            "bundle_id": payment.bundle_id,
            "plan_id": payment.plan_id,
            "amount": payment.amount,
            "currency": payment.currency,
            "receipt_number": payment.receipt_number,
            "succeeded_at": payment.succeeded_at,
        },
        course=payment.course_id,
    )
    enqueue_on_commit("billing.receipt_issue", str(payment.pk))
    return True


def _payment_fail(payment: Payment, *, reason: str) -> bool:
    """The locked pending payment failed: release the coupon use and the credit.  False if not pending."""
    if payment.status != Payment.Status.PENDING:
        return False
    now = timezone.now()
    payment.status = Payment.Status.FAILED
    payment.failed_at = now
    payment.failure_reason = (reason or "Declined")[:200]
    payment.save(update_fields=["status", "failed_at", "failure_reason", "updated_at"])
    release_coupon(payment, to_status=CouponRedemption.Status.RELEASED)
    if payment.credit_applied > 0:
        credit_add(
            user=payment.user,
            amount=payment.credit_applied,
            kind=CreditEntry.Kind.RELEASED,
            payment=payment,
            currency=payment.currency,
        )
    if payment.kind == Payment.Kind.RENEWAL and payment.subscription_id:
        _subscription_renewal_failed(payment)
    else:
        notify(
            payment.user,
            f"Payment not completed: {payment.description}",
            payment.failure_reason,
            reverse("billing:payment_result", kwargs={"payment_id": payment.pk}),
        )
    return True


def _grant(payment: Payment, course: Course, source: str) -> None:
    """Enrol the buyer; a refusal (course full, ended...) must not lose the money: it opens a
    refund request for Finance and tells the buyer."""
    try:
        enrolments.enrol(user=payment.user, course=course, source=source, payment=payment)
    except ValidationError as exc:
        logger.warning("Paid enrolment refused for payment %s, course %s: %s", payment.pk, course.pk, exc.messages)
        request, created = RefundRequest.objects.get_or_create(
            payment=payment,
            status=RefundRequest.Status.PENDING,
            defaults={
                "user": payment.user,
                "reason": f"Automatic: the purchase could not enrol the buyer in {course.title}: {exc.messages[0]}",
            },
        )
        if created:
            RefundEvent.objects.create(refund_request=request, action="requested", note=request.reason)
        notify(
            payment.user,
            f"We could not enrol you in {course.title}",
            f"{exc.messages[0]} Finance will refund you; no action is needed.",
            reverse("billing:purchases"),
        )


def _fulfil(payment: Payment) -> None:
    # The payment_product_matches_kind constraint: a course payment has its course, a bundle payment its bundle.
    if payment.kind == Payment.Kind.COURSE:
        assert payment.course is not None
        _grant(payment, payment.course, "purchase")
    elif payment.kind == Payment.Kind.BUNDLE:
        assert payment.bundle is not None
        for item in payment.bundle.items.select_related("course").order_by("order", "pk"):
            _grant(payment, item.course, "bundle")
    elif payment.kind == Payment.Kind.PLAN:
        _subscription_activate(payment)
    elif payment.kind == Payment.Kind.RENEWAL:
        _subscription_renewed(payment)


def payment_expire_pending(*, older_than_hours: int | None = None) -> int:
    """Abandoned checkouts: pending payments older than the TTL fail, releasing coupon and credit."""
    hours = conf.pending_ttl_hours() if older_than_hours is None else older_than_hours
    cutoff = timezone.now() - dt.timedelta(hours=hours)
    count = 0
    for pk in Payment.objects.filter(status=Payment.Status.PENDING, created_at__lt=cutoff).values_list("pk", flat=True):
        with transaction.atomic():
            count += _payment_fail(lock_payment(pk), reason="Checkout abandoned (expired)")
    return count
