"""Subscriptions to plans: trialing -> active -> past_due -> canceled | expired."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from courseworx.core.models import UUIDModel

from .catalogue import Plan


class SubscriptionQuerySet(models.QuerySet):
    def live(self):
        """Subscriptions that give access (past_due is inside its grace period)."""
        return self.filter(status__in=Subscription.LIVE_STATUSES)


class Subscription(UUIDModel):
    class Status(models.TextChoices):
        TRIALING = "trialing", _("Trial")
        ACTIVE = "active", _("Active")
        PAST_DUE = "past_due", _("Payment overdue")
        CANCELED = "canceled", _("Canceled")
        EXPIRED = "expired", _("Expired")

    LIVE_STATUSES = (Status.TRIALING, Status.ACTIVE, Status.PAST_DUE)

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="subscriptions")
    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="subscriptions")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    current_period_start = models.DateTimeField()
    current_period_end = models.DateTimeField()
    cancel_at_period_end = models.BooleanField(default=False)
    canceled_at = models.DateTimeField(null=True, blank=True)
    grace_until = models.DateTimeField(null=True, blank=True, help_text=_("Past due: access ends after this."))
    ended_at = models.DateTimeField(null=True, blank=True)
    provider = models.CharField(max_length=20, default="sandbox")
    provider_reference = models.CharField(max_length=100, blank=True)
    renewal_attempts = models.PositiveSmallIntegerField(default=0)

    objects = SubscriptionQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "plan"],
                condition=Q(status__in=["trialing", "active", "past_due"]),
                name="subscription_one_live_per_plan",
            ),
            models.CheckConstraint(
                condition=Q(current_period_end__gt=F("current_period_start")), name="subscription_period_order"
            ),
        ]
        indexes = [
            models.Index(fields=["status", "current_period_end"], name="subscription_due_idx"),
            models.Index(fields=["status", "grace_until"], name="subscription_grace_idx"),
            models.Index(fields=["user", "status"], name="subscription_user_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.plan} for {self.user_id} ({self.status})"

    @property
    def is_live(self) -> bool:
        return self.status in self.LIVE_STATUSES
