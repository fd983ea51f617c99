"""Referrals and checkout credit (the referral reward is credit; refunds and failed payments return credit)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from courseworx.core.models import TimeStampedModel

from .base import MONEY, currency_field, money_field


class ReferralCode(TimeStampedModel):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="referral_code")
    code = models.CharField(max_length=16, unique=True)

    def __str__(self) -> str:
        return self.code


class Referral(TimeStampedModel):
    """A referred user (once) and the referrer's reward, credited when their first payment succeeds."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for a first payment")
        CREDITED = "credited", _("Credited")
        REVERSED = "reversed", _("Reversed (refund)")

    referrer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="referrals_made")
    referred = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="referral")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    payment = models.OneToOneField(
        "Payment", null=True, blank=True, on_delete=models.SET_NULL, related_name="referral_reward"
    )
    reward = money_field()
    currency = currency_field()
    credited_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [models.CheckConstraint(condition=~Q(referrer=F("referred")), name="referral_not_self")]
        indexes = [models.Index(fields=["referrer", "status"], name="referral_referrer_idx")]

    def __str__(self) -> str:
        return f"{self.referrer_id} -> {self.referred_id}"


class CreditAccount(TimeStampedModel):
    """A user's checkout credit in one currency (one account per user and currency; credit pays only for
    a price in the same currency).  `balance` only moves through conditional UPDATEs (never below 0);
    every move is a CreditEntry row, so balance == sum(entries)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="credit_accounts")
    balance = money_field()
    currency = currency_field()

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(balance__gte=0), name="credit_balance_not_negative"),
            models.UniqueConstraint(fields=["user", "currency"], name="credit_account_one_per_currency"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.balance} {self.currency}"


class CreditEntry(TimeStampedModel):
    class Kind(models.TextChoices):
        REFERRAL = "referral", _("Referral reward")
        REFERRAL_REVERSED = "referral_reversed", _("Referral reward reversed")
        SPENT = "spent", _("Used at checkout")
        RELEASED = "released", _("Returned (payment not completed)")
        REFUNDED = "refunded", _("Returned by a refund")
        ADJUSTMENT = "adjustment", _("Adjustment by staff")

    account = models.ForeignKey(CreditAccount, on_delete=models.CASCADE, related_name="entries")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    amount = models.DecimalField(**MONEY, help_text=_("Positive adds credit, negative uses it."))
    payment = models.ForeignKey("Payment", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    referral = models.ForeignKey(Referral, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    note = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["account", "-created_at"], name="creditentry_account_idx")]

    def __str__(self) -> str:
        return f"{self.kind} {self.amount}"
