"""Refund requests and their log."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from courseworx.core.models import TimeStampedModel, UUIDModel

from .base import MONEY, money_field
from .payments import Payment


class RefundRequest(UUIDModel):
    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for Finance")
        REJECTED = "rejected", _("Rejected")
        REFUNDED = "refunded", _("Refunded")
        FAILED = "failed", _("Refund failed at the provider")

    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="refund_requests")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="refund_requests")
    reason = models.TextField(max_length=2000)
    amount_requested = models.DecimalField(**MONEY, null=True, blank=True, help_text=_("Empty: the full amount."))
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    amount_refunded = money_field()
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)
    provider_reference = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["payment"], condition=Q(status="pending"), name="refund_one_pending"),
            models.CheckConstraint(condition=Q(amount_refunded__gte=0), name="refund_amount_not_negative"),
        ]
        indexes = [
            models.Index(fields=["status", "-created_at"], name="refund_status_idx"),
            models.Index(fields=["user", "-created_at"], name="refund_user_idx"),
        ]
        permissions = [("decide_refundrequest", "Can approve or reject refund requests")]

    def __str__(self) -> str:
        return f"Refund of {self.payment_id} ({self.status})"


class RefundEvent(TimeStampedModel):
    """The log of a refund request: requested, approved, refunded at the provider, enrolment
    dropped, coupon and referral reversed, rejected, failed."""

    refund_request = models.ForeignKey(RefundRequest, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(max_length=40)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.action} ({self.refund_request_id})"
