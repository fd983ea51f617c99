"""Billing read paths used by pages, API and admin (joins and aggregates in one place)."""

from __future__ import annotations

from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.db.models import (
    Count,
    DecimalField,
    Exists,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, TruncMonth
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from courses.models import Course

from . import conf, permissions
from .models import (
    ContentLicensing,
    CourseBundle,
    CreditAccount,
    CreditEntry,
    EarningEntry,
    MarketingCampaign,
    Payment,
    Payout,
    Plan,
    Referral,
    RefundRequest,
    SeatAssignment,
    Subscription,
)
from .money import ZERO, q

MONEY_OUTPUT: DecimalField[Decimal, Decimal] = DecimalField(max_digits=12, decimal_places=2)
SQL_ZERO = Value(ZERO, output_field=MONEY_OUTPUT)


def plan_list_active() -> QuerySet[Plan]:
    return (
        Plan.objects.filter(is_active=True)
        .annotate(course_count=Count("courses"))
        .prefetch_related("prices")
        .order_by("order", "price")
    )


def bundle_list_active() -> QuerySet[CourseBundle]:
    return (
        CourseBundle.objects.filter(is_active=True)
        .annotate(list_total=Coalesce(Sum("courses__price"), SQL_ZERO), course_count=Count("courses"))
        .annotate(savings=F("list_total") - F("price"))
        .prefetch_related(Prefetch("courses", queryset=Course.objects.only("pk", "title", "slug", "price", "currency")))
    )


def payment_list(*, user: User) -> QuerySet[Payment]:
    """The user's own payments (the "My purchases" list and the API), newest first."""
    pending_refund = RefundRequest.objects.filter(payment=OuterRef("pk"), status=RefundRequest.Status.PENDING)
    return (
        Payment.objects.filter(user=user)
        .select_related("course", "bundle", "plan", "coupon")
        .annotate(has_pending_refund=Exists(pending_refund))
        .order_by("-created_at")
    )


def payment_list_all() -> QuerySet[Payment]:
    """Every payment (Finance)."""
    return Payment.objects.select_related("user", "course", "bundle", "plan", "coupon").order_by("-created_at")


def payment_get(*, user: User, payment_id) -> Payment:
    """A payment the user may see; anything else is a 404 (its existence is not revealed)."""
    payment = get_object_or_404(
        Payment.objects.select_related("user", "course", "bundle", "plan", "coupon", "subscription"), pk=payment_id
    )
    if not permissions.can_view_payment(user, payment):
        raise Http404(_("No such payment."))
    return payment


def subscription_list(*, user: User) -> QuerySet[Subscription]:
    return Subscription.objects.filter(user=user).select_related("plan").order_by("-created_at")


def subscription_plan_ids(*, user: User | AnonymousUser) -> tuple[set, set]:
    """(plans the user subscribes to now, plans the user ever subscribed to or tried): the pricing page."""
    if isinstance(user, AnonymousUser) or not user.pk:
        return set(), set()
    rows = list(Subscription.objects.filter(user=user).values_list("plan_id", "status"))
    return {p for p, s in rows if s in Subscription.LIVE_STATUSES}, {p for p, _ in rows}


def refund_request_list(*, user: User) -> QuerySet[RefundRequest]:
    return RefundRequest.objects.filter(user=user).select_related("payment").order_by("-created_at")


def refund_request_list_all() -> QuerySet[RefundRequest]:
    return RefundRequest.objects.select_related("payment", "user", "decided_by").order_by("-created_at")


def credit_balance_get(*, user: User, currency: str = "") -> Decimal:
    """The user's checkout credit in `currency` (the base currency when empty; 0.00 without an account)."""
    if not getattr(user, "pk", None):
        return ZERO
    code = (currency or conf.currency()).upper()
    return CreditAccount.objects.filter(user=user, currency=code).values_list("balance", flat=True).first() or ZERO


def credit_balances(*, user: User) -> list[CreditAccount]:
    """Every currency the user holds credit in (base currency first), for the credit page's selector."""
    if not getattr(user, "pk", None):
        return []
    accounts = list(CreditAccount.objects.filter(user=user).order_by("currency"))
    return sorted(accounts, key=lambda a: (a.currency != conf.currency(), a.currency))


def credit_entries(*, user: User) -> QuerySet[CreditEntry]:
    return CreditEntry.objects.filter(account__user=user).select_related("account").order_by("-created_at")


def referral_list(*, user: User) -> QuerySet[Referral]:
    """The people `user` referred, newest first."""
    return Referral.objects.filter(referrer=user).select_related("referred").order_by("-created_at")


def campaign_resolve(*, code: str = "", utm_source: str = "") -> MarketingCampaign | None:
    """The running campaign for a `?campaign=` code or a `?utm_source=`."""
    now = timezone.now()
    qs = MarketingCampaign.objects.filter(is_active=True)
    candidates = []
    if code:
        candidates = list(qs.filter(code=code.strip().lower())[:1])
    if not candidates and utm_source:
        candidates = list(qs.filter(utm_source__iexact=utm_source.strip())[:1])
    return next((c for c in candidates if c.is_running(now)), None)


# --- Revenue (SQL aggregates; no Python loops over rows) -------------------------------------------


def _sum(field: str, **filters) -> Coalesce:
    return Coalesce(Sum(field, filter=Q(**filters) if filters else None), SQL_ZERO, output_field=MONEY_OUTPUT)


def earnings_summary(*, instructor: User) -> dict:
    """Totals in the base currency (each sale at its payment's rate of the day): payouts are in the base currency."""
    entries = EarningEntry.objects.filter(instructor=instructor)
    totals = entries.aggregate(
        sales=_sum("amount_base", kind=EarningEntry.Kind.SALE),
        refunds=_sum("amount_base", kind=EarningEntry.Kind.REFUND),
        gross=_sum("gross"),
        earned=_sum("amount_base"),
    )
    totals["paid_out"] = Payout.objects.filter(instructor=instructor).aggregate(t=_sum("amount"))["t"]
    totals["balance"] = totals["earned"] - totals["paid_out"]
    return totals


def earnings_by_course(*, instructor: User) -> QuerySet:
    return (
        EarningEntry.objects.filter(instructor=instructor)
        .values("course_id", "course__title", "course__slug", "currency")
        .annotate(
            sales_count=Count("pk", filter=Q(kind=EarningEntry.Kind.SALE)),
            gross=_sum("gross"),
            refunds=_sum("amount", kind=EarningEntry.Kind.REFUND),
            earned=_sum("amount"),
            earned_base=_sum("amount_base"),
        )
        .order_by("-earned", "course__title")
    )


def earnings_by_month(*, instructor: User) -> QuerySet:
    return (
        EarningEntry.objects.filter(instructor=instructor)
        .annotate(month=TruncMonth("created_at"))
        .values("month")
        .annotate(
            earned=_sum("amount_base"),
            sales=_sum("amount_base", kind=EarningEntry.Kind.SALE),
            refunds=_sum("amount_base", kind=EarningEntry.Kind.REFUND),
        )
        .order_by("-month")
    )


def earnings_recent(*, instructor: User, limit: int = 20) -> QuerySet[EarningEntry]:
    return (
        EarningEntry.objects.filter(instructor=instructor)
        .select_related("course", "payment")
        .order_by("-created_at")[:limit]
    )


def payout_balances() -> QuerySet:
    """Every instructor with earnings: earned, paid out and balance, in the base currency (one query; each source is
    aggregated separately in a subquery so the two one-to-many tables do not multiply)."""
    earned = (
        EarningEntry.objects.filter(instructor=OuterRef("pk"))
        .values("instructor")
        .annotate(t=Sum("amount_base"))
        .values("t")
    )
    sales = (
        EarningEntry.objects.filter(instructor=OuterRef("pk"), kind=EarningEntry.Kind.SALE)
        .values("instructor")
        .annotate(t=Sum("amount_base"))
        .values("t")
    )
    paid = Payout.objects.filter(instructor=OuterRef("pk")).values("instructor").annotate(t=Sum("amount")).values("t")
    return (
        get_user_model()
        .objects.filter(Exists(EarningEntry.objects.filter(instructor=OuterRef("pk"))))
        .annotate(
            earned=Coalesce(Subquery(earned, output_field=MONEY_OUTPUT), SQL_ZERO),
            sales=Coalesce(Subquery(sales, output_field=MONEY_OUTPUT), SQL_ZERO),
            paid_out=Coalesce(Subquery(paid, output_field=MONEY_OUTPUT), SQL_ZERO),
        )
        .annotate(balance=F("earned") - F("paid_out"))
        .order_by("-balance", "last_name")
    )


def instructor_balance(*, instructor: User) -> Decimal:
    """What the instructor has earned and not yet been paid (what a payout may take at most)."""
    earned = EarningEntry.objects.filter(instructor=instructor).aggregate(t=Sum("amount_base"))["t"] or ZERO
    paid = Payout.objects.filter(instructor=instructor).aggregate(t=Sum("amount"))["t"] or ZERO
    return q(earned - paid)


def payout_list(*, instructor: User | None = None) -> QuerySet[Payout]:
    """Payouts, newest first: every instructor's (Finance) or one instructor's."""
    qs = Payout.objects.select_related("instructor", "created_by").order_by("-created_at")
    return qs if instructor is None else qs.filter(instructor=instructor)


def licence_list(*, partner=None) -> QuerySet[ContentLicensing]:
    qs = ContentLicensing.objects.filter(kind=ContentLicensing.Kind.EMPLOYER).select_related("course", "partner")
    if partner is not None:
        qs = qs.filter(partner=partner)
    return qs.annotate(
        seats_used=Count("seat_assignments", filter=~Q(seat_assignments__status=SeatAssignment.Status.REVOKED))
    )
