"""Revenue: the instructor earnings ledger (written at sale and refund) and payouts."""

from __future__ import annotations

from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from courses.models import Course
from courseworx.core.services import audit_log_create

from .. import conf, permissions, selectors
from ..models import ContentLicensing, EarningEntry, Payment, Payout, Plan, RefundRequest
from ..money import percent_of, q, split
from ._common import notify


def _allocations(payment: Payment) -> list[tuple[Course, Decimal]]:
    """How a payment's net revenue splits over courses (bundles by list price, selected-course plans
    evenly; all-courses plans are platform revenue and are not attributed)."""
    net = payment.net_amount
    # The payment_product_matches_kind constraint: a course payment has its course, a bundle payment its
    # bundle, a plan or renewal payment its plan.
    if payment.kind == Payment.Kind.COURSE:
        assert payment.course is not None
        return [(payment.course, net)]
    if payment.kind == Payment.Kind.BUNDLE:
        assert payment.bundle is not None
        courses = [i.course for i in payment.bundle.items.select_related("course").order_by("order", "pk")]
    else:
        assert payment.plan is not None
        if payment.plan.scope != Plan.Scope.SELECTED:
            return []
        courses = list(payment.plan.courses.select_related("instructor").order_by("pk"))
    weights = [c.price if payment.kind == Payment.Kind.BUNDLE else Decimal(1) for c in courses]
    return list(zip(courses, split(net, weights, payment.currency), strict=True))


def _shares(course_ids) -> dict:
    rows = ContentLicensing.objects.filter(course_id__in=course_ids, kind=ContentLicensing.Kind.REVENUE_SHARE)
    return dict(rows.values_list("course_id", "revenue_share_percent"))


def _earnings_record_sale(payment: Payment) -> None:
    allocations = [(c, g) for c, g in _allocations(payment) if g > 0]
    if not allocations:
        return
    shares = _shares([c.pk for c, _ in allocations])
    default = conf.default_revenue_share_percent()
    EarningEntry.objects.bulk_create(
        [
            EarningEntry(
                instructor_id=c.instructor_id,
                course=c,
                payment=payment,
                kind=EarningEntry.Kind.SALE,
                gross=g,
                share_percent=shares.get(c.pk, default),
                amount=percent_of(g, shares.get(c.pk, default), payment.currency),
                amount_base=q(percent_of(g, shares.get(c.pk, default), payment.currency) * payment.exchange_rate),
                currency=payment.currency,
            )
            for c, g in allocations
        ]
    )


def _earnings_record_refund(request: RefundRequest, payment: Payment, amount: Decimal) -> None:
    sales = list(EarningEntry.objects.filter(payment=payment, kind=EarningEntry.Kind.SALE).order_by("pk"))
    if not sales or amount <= 0 or payment.amount <= 0:
        return
    refunded_net = q(payment.net_amount * amount / payment.amount, payment.currency)
    parts = split(refunded_net, [s.gross for s in sales], payment.currency)
    EarningEntry.objects.bulk_create(
        [
            EarningEntry(
                instructor_id=s.instructor_id,
                course_id=s.course_id,
                payment=payment,
                refund_request=request,
                kind=EarningEntry.Kind.REFUND,
                gross=-part,
                share_percent=s.share_percent,
                amount=-percent_of(part, s.share_percent, payment.currency),
                amount_base=-q(percent_of(part, s.share_percent, payment.currency) * payment.exchange_rate),
                currency=s.currency,
            )
            for s, part in zip(sales, parts, strict=True)
        ]
    )


@transaction.atomic
def payout_create(*, instructor: User, amount: Decimal, actor: User, reference: str = "", note: str = "") -> Payout:
    """Finance records a payout to an instructor (at most their balance)."""
    if not permissions.can_manage_payouts(actor):
        raise PermissionDenied(_("Only Finance can record payouts."))
    # Serialise payouts of one instructor: lock their user row.
    get_user_model().objects.select_for_update().filter(pk=instructor.pk).first()
    amount = q(amount)
    balance = selectors.instructor_balance(instructor=instructor)
    if amount <= 0:
        raise ValidationError({"amount": "The amount must be positive."})
    if amount > balance:
        raise ValidationError({"amount": f"The balance is only {balance} {conf.currency()}."})
    payout = Payout(
        instructor=instructor,
        amount=amount,
        currency=conf.currency(),
        reference=reference.strip(),
        note=note.strip(),
        created_by=actor,
        status=Payout.Status.PAID,
        paid_at=timezone.now(),
    )
    payout.full_clean()
    payout.save()
    audit_log_create(actor=actor, action="billing.payout_create", target=payout, changes={"amount": str(amount)})
    notify(
        instructor,
        "Payout sent",
        f"{amount} {payout.currency} was paid to you. {payout.reference}",
        reverse("billing:earnings"),
    )
    return payout
