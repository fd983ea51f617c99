"""Demo billing data for `manage.py seed_demo` (runs after courses and learning; idempotent).

Plans (monthly all-courses with a trial, annual, a selected-courses plan), a bundle, coupons (active,
expired, used up), a campaign, referral codes, revenue shares, payments in every status (pending,
succeeded, failed, partially refunded, refunded) made through the real services and the sandbox's
signed webhooks, a pending refund request, an active subscription, instructor earnings and a payout,
an employer partner with a licence and seats.  Without paid published courses it does nothing.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from courses.models import Course
from learning.models import Enrollment

from . import conf, selectors, services
from .models import (
    ContentLicensing,
    Coupon,
    CourseBundle,
    Currency,
    EmployerPartner,
    EmployerRequest,
    ExchangeRate,
    MarketingCampaign,
    Payment,
    Payout,
    Plan,
    PlanPrice,
    RefundRequest,
    Subscription,
)
from .providers.sandbox import SandboxProvider, build_event
from .views import webhook_handle


def _deliver(payment: Payment, event_type: str, reason: str = "") -> None:
    """Play the sandbox provider: a signed webhook through the same verification code."""

    status, body = webhook_handle("sandbox", build_event(payment, event_type, failure_reason=reason))
    if status != 200:
        raise RuntimeError(f"Demo webhook refused: {body}")


def _buy(user, product, key: str, *, outcome: str = "succeed", coupon: str = "") -> Payment:
    payment = Payment.objects.filter(idempotency_key=key).first()
    if payment is not None:
        return payment
    payment, _ = services.checkout_start(user=user, product=product, idempotency_key=key, coupon_code=coupon)
    payment.refresh_from_db()
    if payment.status == Payment.Status.PENDING and outcome != "pending":
        SandboxProvider().create_checkout(payment)
        Payment.objects.filter(pk=payment.pk).update(provider_reference=payment.provider_reference)
        _deliver(payment, "payment.succeeded" if outcome == "succeed" else "payment.failed", "Card declined (demo)")
    payment.refresh_from_db()
    return payment


def _purchasable(user, courses) -> list[Course]:
    owned = set(
        Enrollment.objects.filter(user=user, course__in=courses, status__in=Enrollment.ACCESS_STATUSES).values_list(
            "course_id", flat=True
        )
    )
    return [c for c in courses if c.pk not in owned]


# Units per 1 USD: a rate from 60 days ago and today's (history: older payments keep their day's rate).
DEMO_RATES = {
    "EUR": ("0.9000", "0.9200"),
    "GBP": ("0.7800", "0.7900"),
    "JPY": ("148.50", "151.20"),
    "KWD": ("0.3070", "0.3075"),
    "CAD": ("1.3500", "1.3700"),
    "INR": ("83.10", "83.40"),
}


def _seed_rates(*, now, actor) -> None:
    if conf.currency() != "USD":
        return  # the demo rates are against the dollar
    day = now.replace(hour=0, minute=0, second=0, microsecond=0)
    for code, (old, new) in DEMO_RATES.items():
        currency = Currency.objects.filter(code=code).first()
        if currency is None or currency.rates.exists():
            continue
        for moment, rate in ((day - dt.timedelta(days=60), old), (day, new)):
            services.exchange_rate_set(
                currency=currency, rate=Decimal(rate), valid_from=moment, actor=actor, source=ExchangeRate.Source.DEMO
            )


def seed(ctx: dict, log) -> None:
    users = ctx.get("users", {})
    student, student2 = users.get("student"), users.get("student2")
    finance, admin = users.get("finance"), users.get("admin")
    if not (student and student2 and finance):
        log("  billing: demo users missing; skipped")
        return
    _seed_rates(now=timezone.now(), actor=finance)
    paid = list(
        Course.objects.published()
        .filter(price__gt=0, currency=conf.currency())
        .select_related("instructor")
        .order_by("price", "slug")
    )
    if len(paid) < 6:
        log("  billing: fewer than 6 paid published courses; skipped")
        return
    now = timezone.now()

    # --- Catalogue -------------------------------------------------------------------------------
    monthly, _ = Plan.objects.get_or_create(
        slug="all-access-monthly",
        defaults={
            "name": "All access",
            "interval": Plan.Interval.MONTH,
            "price": Decimal("29.00"),
            "scope": Plan.Scope.ALL,
            "trial_days": 7,
            "order": 1,
            "description": "Every course in the catalog, new ones included. Cancel anytime.",
        },
    )
    Plan.objects.get_or_create(
        slug="all-access-annual",
        defaults={
            "name": "All access, annual",
            "interval": Plan.Interval.YEAR,
            "price": Decimal("249.00"),
            "scope": Plan.Scope.ALL,
            "order": 2,
            "description": "Two months free compared with monthly billing.",
        },
    )
    for code, amount in (("EUR", "27.00"), ("KWD", "8.950"), ("JPY", "4400")):
        PlanPrice.objects.get_or_create(plan=monthly, currency=code, defaults={"amount": Decimal(amount)})
    career, created = Plan.objects.get_or_create(
        slug="web-developer-track",
        defaults={
            "name": "Web developer track",
            "interval": Plan.Interval.MONTH,
            "price": Decimal("15.00"),
            "scope": Plan.Scope.SELECTED,
            "order": 3,
            "description": "A curated set of courses for web developers.",
        },
    )
    if created:
        career.courses.add(*paid[-3:])
    bundle, created = CourseBundle.objects.get_or_create(
        slug="starter-bundle",
        defaults={
            "name": "Starter bundle",
            "price": Decimal("59.00"),
            "description": "Three best-selling courses to get you started, at a bundle price.",
        },
    )
    if created:
        for i, course in enumerate(paid[1:4]):
            bundle.items.create(course=course, order=i)
    campaign, _ = MarketingCampaign.objects.get_or_create(
        code="spring-sale",
        defaults={
            "name": "Spring sale",
            "utm_source": "newsletter",
            "starts_at": now - dt.timedelta(days=10),
            "ends_at": now + dt.timedelta(days=20),
            "budget": Decimal("500.00"),
        },
    )
    Coupon.objects.get_or_create(
        code="WELCOME10",
        defaults={
            "description": "10% off your first course",
            "kind": Coupon.Kind.PERCENT,
            "value": Decimal("10"),
            "max_uses": 100,
            "campaign": campaign,
        },
    )
    Coupon.objects.get_or_create(
        code="SPRING25",
        defaults={
            "description": "25% off during the spring sale",
            "kind": Coupon.Kind.PERCENT,
            "value": Decimal("25"),
            "starts_at": now - dt.timedelta(days=10),
            "ends_at": now + dt.timedelta(days=20),
            "max_uses": 50,
            "max_uses_per_user": 1,
            "campaign": campaign,
        },
    )
    Coupon.objects.get_or_create(
        code="FIVEOFF",
        defaults={
            "description": "$5 off",
            "kind": Coupon.Kind.FIXED,
            "value": Decimal("5.00"),
            "max_uses": 1,
        },
    )
    Coupon.objects.get_or_create(
        code="EXPIRED2025",
        defaults={
            "description": "Last year's offer",
            "kind": Coupon.Kind.PERCENT,
            "value": Decimal("30"),
            "ends_at": now - dt.timedelta(days=30),
        },
    )
    for course in paid[:3]:
        ContentLicensing.objects.get_or_create(
            course=course,
            kind=ContentLicensing.Kind.REVENUE_SHARE,
            defaults={"revenue_share_percent": Decimal("60.00")},
        )

    # --- Referrals: student2 was referred by student -----------------------------------------------
    services.referral_code_get_or_create(user=student)
    services.referral_attach(user=student2, code=services.referral_code_get_or_create(user=student).code)

    # --- Payments in every status ------------------------------------------------------------------
    s1 = _purchasable(student, paid)
    s2 = _purchasable(student2, paid)
    if len(s1) >= 4:
        _buy(student, s1[0], "demo-student-succeeded", coupon="WELCOME10")
        _buy(student, s1[1], "demo-student-refund-requested")
        _buy(student, s1[2], "demo-student-failed", outcome="decline")
        _buy(student, s1[3], "demo-student-pending", outcome="pending")
    if len(s2) >= 3:
        _buy(student2, s2[0], "demo-student2-first")  # credits the referrer
        _buy(student2, s2[1], "demo-student2-refunded", coupon="FIVEOFF")
        _buy(student2, s2[2], "demo-student2-partial")
    if not Payment.objects.filter(idempotency_key="demo-student2-bundle").exists() and _purchasable(
        student2, list(bundle.courses.all())
    ):
        _buy(student2, bundle, "demo-student2-bundle")
    live = Subscription.objects.live().filter(user=student, plan=career).exists()
    if not Payment.objects.filter(idempotency_key="demo-student-plan").exists() and not live:
        _buy(student, career, "demo-student-plan")

    # --- Refunds: one pending request, one full refund, one partial ----------------------------------
    pending = Payment.objects.filter(idempotency_key="demo-student-refund-requested", status="succeeded").first()
    if pending and not RefundRequest.objects.filter(payment=pending).exists():
        services.refund_request_create(
            user=student, payment=pending, reason="The course is more advanced than I expected."
        )
    for key, amount, note in (
        ("demo-student2-refunded", None, "Full refund: bought by mistake."),
        ("demo-student2-partial", Decimal("10.00"), "Partial refund: a goodwill gesture for a broken video."),
    ):
        payment = Payment.objects.filter(idempotency_key=key, status="succeeded").first()
        if payment and not RefundRequest.objects.filter(payment=payment).exists():
            request = services.refund_request_create(
                user=student2, payment=payment, reason="Please refund.", amount=amount
            )
            services.refund_request_approve(refund_request=request, actor=finance, note=note)

    # --- A payout to the best-earning instructor -------------------------------------------------------
    if not Payout.objects.exists():
        top = selectors.payout_balances().first()
        if top is not None and top.balance > Decimal("5.00"):
            services.payout_create(
                instructor=top,
                amount=(top.balance / 2).quantize(Decimal("0.01")),
                actor=finance,
                reference="DEMO-TRANSFER-001",
                note="Monthly payout",
            )

    # --- Employer partner with a licence and seats ------------------------------------------------------
    partner, _ = EmployerPartner.objects.get_or_create(
        name="Acme Learning Ltd",
        defaults={
            "contact_name": "Hannah Reed",
            "contact_email": "learning@acme.example",
            "email_domain": "acme.example",
        },
    )
    if not EmployerRequest.objects.filter(partner=partner).exists():
        seats = EmployerRequest.objects.create(
            partner=partner,
            kind=EmployerRequest.Kind.SEATS,
            course=next(c for c in reversed(paid) if not c.prerequisites.exists()),
            seats=10,
            message="Ten seats for our new developers.",
        )
        EmployerRequest.objects.create(
            partner=partner,
            kind=EmployerRequest.Kind.CUSTOM_TRAINING,
            message="A half-day workshop on secure coding for 25 people.",
        )
        seats = services.employer_request_set_status(
            request=seats, actor=admin or finance, status="approved", note="Contract signed", fee=Decimal("900.00")
        )
        services.seat_assign(licence=seats.licence, email=users.get("student2").email, actor=admin or finance)
        services.seat_assign(licence=seats.licence, email="new.hire@acme.example", actor=admin or finance)
    if users.get("manager"):  # the licence manager's pages (billing/employer_views.py)
        partner.managers.add(users["manager"])

    services.course_revenue_refresh()  # CourseStats.revenue of every course (also refreshed after each payment)
    counts = Payment.objects.values_list("status", flat=True)
    log(
        f"  billing: {Plan.objects.count()} plans, {CourseBundle.objects.count()} bundle(s), "
        f"{Coupon.objects.count()} coupons, {len(counts)} payments ({', '.join(sorted(set(counts)))}), "
        f"{RefundRequest.objects.filter(status='pending').count()} pending refund request(s)"
    )
