"""Instructor revenue: the earnings ledger and payouts."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from courseworx.core.models import TimeStampedModel, UUIDModel

from .base import MONEY, currency_field
from .payments import Payment
from .refunds import RefundRequest


class EarningEntry(TimeStampedModel):
    """The instructor earnings ledger: one row per (payment, course) on success, a negative row per
    refund.  Balances and reports are SQL aggregates over this table."""

    class Kind(models.TextChoices):
        SALE = "sale", _("Sale")
        REFUND = "refund", _("Refund")

    instructor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="earnings")
    course = models.ForeignKey("courses.Course", on_delete=models.PROTECT, related_name="+")
    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="earnings")
    refund_request = models.ForeignKey(
        RefundRequest, null=True, blank=True, on_delete=models.PROTECT, related_name="earnings"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    gross = models.DecimalField(**MONEY, help_text=_("The course's part of the payment's net revenue."))
    share_percent = models.DecimalField(max_digits=5, decimal_places=2)
    amount = models.DecimalField(**MONEY, help_text=_("The instructor's part (negative for refunds)."))
    currency = currency_field()
    amount_base = models.DecimalField(
        **MONEY, default=0, help_text=_("`amount` in the base currency at the payment's exchange rate.")
    )

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["payment", "course"], condition=Q(kind="sale"), name="earning_one_sale_per_course"
            ),
            models.UniqueConstraint(
                fields=["refund_request", "course"], condition=Q(kind="refund"), name="earning_one_refund_per_course"
            ),
        ]
        indexes = [
            models.Index(fields=["instructor", "-created_at"], name="earning_instructor_idx"),
            models.Index(fields=["course", "kind"], name="earning_course_idx"),
        ]
        permissions = [("view_all_earnings", "Can see every instructor's earnings and payouts (Finance)")]

    def __str__(self) -> str:
        return f"{self.kind} {self.amount} {self.currency} for {self.instructor_id}"


class Payout(UUIDModel):
    class Status(models.TextChoices):
        PENDING = "pending", _("Scheduled")
        PAID = "paid", _("Paid")

    instructor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="payouts")
    amount = models.DecimalField(**MONEY)
    currency = currency_field()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PAID)
    reference = models.CharField(max_length=100, blank=True, help_text=_("Bank transfer reference."))
    note = models.CharField(max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    paid_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="payout_amount_positive")]
        indexes = [models.Index(fields=["instructor", "-created_at"], name="payout_instructor_idx")]
        permissions = [("manage_payout", "Can record instructor payouts")]

    def __str__(self) -> str:
        return f"Payout {self.amount} {self.currency} to {self.instructor_id}"
