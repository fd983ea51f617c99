"""Referrals: codes, attaching a referred user, crediting the referrer after the first payment."""

from __future__ import annotations

import secrets

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import User

from .. import conf
from ..models import CreditEntry, Payment, Referral, ReferralCode
from ..money import q
from ._common import credit_add, notify


def referral_code_get_or_create(*, user: User) -> ReferralCode:
    existing = ReferralCode.objects.filter(user=user).first()
    if existing:
        return existing
    for _ in range(5):
        code = secrets.token_hex(4).upper()
        try:
            with transaction.atomic():
                return ReferralCode.objects.create(user=user, code=code)
        except IntegrityError:
            existing = ReferralCode.objects.filter(user=user).first()
            if existing:
                return existing
    raise RuntimeError("Could not allocate a referral code")


def referral_attach(*, user: User, code: str) -> Referral | None:
    """Record that `user` was referred by the owner of `code` (first referral wins; only before the
    user's first payment; never oneself).  Returns None when it does not apply."""
    code = (code or "").strip().upper()
    owner_id = ReferralCode.objects.filter(code=code).values_list("user_id", flat=True).first()
    if owner_id is None or owner_id == user.pk:
        return None
    if Referral.objects.filter(referred=user).exists() or Payment.objects.succeeded().filter(user=user).exists():
        return None
    try:
        with transaction.atomic():
            return Referral.objects.create(referrer_id=owner_id, referred=user, currency=conf.currency())
    except IntegrityError:
        return None


def _referral_credit(payment: Payment) -> None:
    """The referred user's first payment succeeded: credit the referrer (once)."""
    if payment.amount <= 0:
        return
    referral = (
        Referral.objects.select_for_update().filter(referred_id=payment.user_id, status=Referral.Status.PENDING).first()
    )
    if referral is None:
        return
    if Payment.objects.succeeded().filter(user_id=payment.user_id).exclude(pk=payment.pk).exists():
        return
    amount = q(conf.referral_credit_amount())
    referral.status = Referral.Status.CREDITED
    referral.payment = payment
    referral.reward = amount
    referral.credited_at = timezone.now()
    referral.save(update_fields=["status", "payment", "reward", "credited_at", "updated_at"])
    credit_add(
        user=referral.referrer,
        amount=amount,
        kind=CreditEntry.Kind.REFERRAL,
        referral=referral,
        currency=referral.currency,
        note=f"Referral of {payment.user.get_full_name()}",
    )
    notify(
        referral.referrer,
        "You earned referral credit",
        f"{amount} {referral.currency} was added to your credit: someone you referred made their first purchase.",
        reverse("billing:referrals"),
    )
