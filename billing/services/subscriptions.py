"""Subscriptions: periods, trials, cancel/resume, ending (access suspended) and renewal (access restored)."""

from __future__ import annotations

import calendar
import datetime as dt
import logging

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from courses.models import Course
from courseworx.core.exceptions import ConflictError
from courseworx.core.services import audit_log_create
from learning.models import Enrollment

from .. import conf, enrolments, permissions
from ..models import Payment, Plan, Subscription
from ._common import notify

logger = logging.getLogger(__name__)


def add_interval(start: dt.datetime, interval: str) -> dt.datetime:
    """start + one month (clamped to the month's last day) or one year."""
    months = 12 if interval == Plan.Interval.YEAR else 1
    month_index = start.month - 1 + months
    year, month = start.year + month_index // 12, month_index % 12 + 1
    day = min(start.day, calendar.monthrange(year, month)[1])
    return start.replace(year=year, month=month, day=day)


def _plan_course_filter(plan: Plan) -> Q:
    return Q() if plan.scope == Plan.Scope.ALL else Q(course__in=plan.courses.values("pk"))


def _plan_grant_access(subscription: Subscription) -> None:
    plan = subscription.plan
    enrolments.restore_subscription_enrolments(
        user=subscription.user, course_filter=_plan_course_filter(plan), reason=f"Subscription {plan.name} active"
    )
    if plan.scope == Plan.Scope.SELECTED:
        for course in plan.courses.filter(status=Course.Status.PUBLISHED):
            try:
                enrolments.enrol(user=subscription.user, course=course, source="subscription")
            except ValidationError as exc:
                logger.info("Subscription %s: not enrolled in %s: %s", subscription.pk, course.pk, exc.messages)


def _subscription_activate(payment: Payment) -> Subscription:
    plan, now = payment.plan, timezone.now()
    assert plan is not None  # a plan payment has its plan (constraint payment_product_matches_kind)
    if payment.subscription_id:  # buying again a subscription that had ended
        subscription = Subscription.objects.select_for_update().get(pk=payment.subscription_id)
        if subscription.is_live:
            return _extend(subscription, payment)
        subscription.status = Subscription.Status.ACTIVE
        subscription.current_period_start = now
        subscription.current_period_end = add_interval(now, plan.interval)
        subscription.cancel_at_period_end = False
        subscription.grace_until = subscription.ended_at = subscription.canceled_at = None
        subscription.renewal_attempts = 0
        subscription.full_clean()
        subscription.save()
    else:
        live = Subscription.objects.select_for_update().live().filter(user=payment.user, plan=plan).first()
        if live is not None:  # two checkouts of the same plan both paid: the second extends the first
            subscription = _extend(live, payment)
        else:
            subscription = Subscription(
                user=payment.user,
                plan=plan,
                status=Subscription.Status.ACTIVE,
                current_period_start=now,
                current_period_end=add_interval(now, plan.interval),
                provider=payment.provider,
            )
            subscription.full_clean()
            subscription.save()
        payment.subscription = subscription
        payment.save(update_fields=["subscription", "updated_at"])
    _plan_grant_access(subscription)
    return subscription


def _extend(subscription: Subscription, payment: Payment) -> Subscription:
    subscription.current_period_end = add_interval(subscription.current_period_end, subscription.plan.interval)
    subscription.status = Subscription.Status.ACTIVE
    subscription.grace_until = None
    subscription.renewal_attempts = 0
    subscription.save(update_fields=["current_period_end", "status", "grace_until", "renewal_attempts", "updated_at"])
    return subscription


@transaction.atomic
def subscription_start_trial(*, user: User, plan: Plan) -> Subscription:
    """A free trial (plans with trial_days), once per user and plan; the first charge is the renewal."""
    if not plan.is_active or plan.trial_days <= 0:
        raise ValidationError(_("This plan has no free trial."), code="no_trial")
    if Subscription.objects.filter(user=user, plan=plan).exists():
        raise ValidationError(_("You have already had a subscription or trial of this plan."), code="trial_used")
    now = timezone.now()
    subscription = Subscription(
        user=user,
        plan=plan,
        status=Subscription.Status.TRIALING,
        current_period_start=now,
        current_period_end=now + dt.timedelta(days=plan.trial_days),
        provider=conf.default_provider(),
    )
    subscription.full_clean()
    try:
        with transaction.atomic():
            subscription.save()
    except IntegrityError:
        raise ConflictError(_("You already subscribe to this plan."), code="already_subscribed") from None
    _plan_grant_access(subscription)
    notify(
        user,
        f"Your {plan.name} trial has started",
        f"It is free until {subscription.current_period_end:%d %b %Y}.",
        reverse("billing:subscriptions"),
    )
    return subscription


@transaction.atomic
def subscription_cancel(*, subscription: Subscription, user: User) -> Subscription:
    """Cancel at the end of the current period (access continues until then)."""
    subscription = Subscription.objects.select_for_update().get(pk=subscription.pk)
    if not permissions.can_manage_subscription(user, subscription):
        raise PermissionDenied(_("Not your subscription."))
    if not subscription.is_live:
        raise ConflictError(_("This subscription has already ended."), code="not_live")
    if not subscription.cancel_at_period_end:
        subscription.cancel_at_period_end = True
        subscription.canceled_at = timezone.now()
        subscription.save(update_fields=["cancel_at_period_end", "canceled_at", "updated_at"])
        audit_log_create(actor=user, action="billing.subscription_cancel", target=subscription)
    return subscription


@transaction.atomic
def subscription_resume(*, subscription: Subscription, user: User) -> Subscription:
    subscription = Subscription.objects.select_for_update().get(pk=subscription.pk)
    if not permissions.can_manage_subscription(user, subscription):
        raise PermissionDenied(_("Not your subscription."))
    if not subscription.is_live:
        raise ConflictError(_("This subscription has ended: subscribe again instead."), code="not_live")
    if subscription.cancel_at_period_end:
        subscription.cancel_at_period_end = False
        subscription.canceled_at = None
        subscription.save(update_fields=["cancel_at_period_end", "canceled_at", "updated_at"])
        audit_log_create(actor=user, action="billing.subscription_resume", target=subscription)
    return subscription


def _keep_course_ids(user: User, *, excluding_subscription_id) -> tuple[bool, set]:
    """(covered by an all-courses subscription?, course ids the user still has paid access to)."""
    others = Subscription.objects.live().filter(user=user).exclude(pk=excluding_subscription_id).select_related("plan")
    keep: set = set()
    for other in others:
        if other.plan.scope == Plan.Scope.ALL:
            return True, set()
        keep |= set(other.plan.courses.values_list("pk", flat=True))
    paid = Payment.objects.filter(user=user, status__in=Payment.REFUNDABLE_STATUSES)
    keep |= set(paid.filter(kind=Payment.Kind.COURSE).values_list("course_id", flat=True))
    keep |= set(
        Course.objects.filter(bundles__payments__in=paid.filter(kind=Payment.Kind.BUNDLE)).values_list("pk", flat=True)
    )
    return False, keep


def _subscription_end(subscription: Subscription, status: str, reason: str) -> None:
    """The subscription row is locked by the caller."""
    subscription.status = status
    subscription.ended_at = timezone.now()
    subscription.save(update_fields=["status", "ended_at", "updated_at"])
    all_covered, keep = _keep_course_ids(subscription.user, excluding_subscription_id=subscription.pk)
    if not all_covered:
        enrolments.suspend_subscription_enrolments(user=subscription.user, keep_course_ids=keep, reason=reason)
    notify(
        subscription.user,
        f"Your {subscription.plan.name} subscription has ended",
        reason,
        reverse("billing:subscriptions"),
    )


def _subscription_renewed(payment: Payment) -> None:
    subscription = (
        Subscription.objects.select_for_update().select_related("plan", "user").get(pk=payment.subscription_id)
    )
    if subscription.status in (Subscription.Status.CANCELED, Subscription.Status.EXPIRED):
        # paid after it ended (a late provider answer): start a new period now
        subscription.current_period_end = timezone.now()
    subscription.current_period_start = subscription.current_period_end
    subscription.current_period_end = add_interval(subscription.current_period_start, subscription.plan.interval)
    subscription.status = Subscription.Status.ACTIVE
    subscription.grace_until = subscription.ended_at = None
    subscription.renewal_attempts = 0
    subscription.save(
        update_fields=[
            "current_period_start",
            "current_period_end",
            "status",
            "grace_until",
            "ended_at",
            "renewal_attempts",
            "updated_at",
        ]
    )
    _plan_grant_access(subscription)


def _subscription_renewal_failed(payment: Payment) -> None:
    subscription = (
        Subscription.objects.select_for_update().select_related("plan", "user").get(pk=payment.subscription_id)
    )
    if not subscription.is_live:
        return
    subscription.status = Subscription.Status.PAST_DUE
    if subscription.grace_until is None:
        subscription.grace_until = subscription.current_period_end + dt.timedelta(days=conf.grace_days())
    subscription.renewal_attempts = F("renewal_attempts") + 1
    subscription.save(update_fields=["status", "grace_until", "renewal_attempts", "updated_at"])
    subscription.refresh_from_db(fields=["renewal_attempts"])
    notify(
        subscription.user,
        f"We could not renew your {subscription.plan.name} subscription",
        f"{payment.failure_reason}. You keep access until {subscription.grace_until:%d %b %Y}; we will try again.",
        reverse("billing:subscriptions"),
    )


def subscription_expire_due() -> int:
    """Past-due subscriptions whose grace period is over expire; their plan enrolments are suspended."""
    now = timezone.now()
    count = 0
    due = Subscription.objects.filter(status=Subscription.Status.PAST_DUE, grace_until__lte=now).values_list(
        "pk", flat=True
    )
    for pk in due:
        with transaction.atomic():
            subscription = Subscription.objects.select_for_update().select_related("plan", "user").get(pk=pk)
            if subscription.status != Subscription.Status.PAST_DUE or subscription.grace_until > now:
                continue
            _subscription_end(
                subscription,
                Subscription.Status.EXPIRED,
                "The renewal payment did not succeed within the grace period.",
            )
            count += 1
    return count


@transaction.atomic
def subscription_course_enrol(*, user: User, course: Course) -> Enrollment:
    """Enrol in a course covered by one of the user's live subscriptions (all-courses plans)."""
    live = Subscription.objects.live().filter(user=user).select_related("plan")
    if not any(s.plan.covers(course) for s in live):
        raise PermissionDenied(_("None of your subscriptions includes this course."))
    return enrolments.enrol(user=user, course=course, source="subscription")
