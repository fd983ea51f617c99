"""Forms of the billing pages and admin."""

from __future__ import annotations

import uuid
from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _


class CheckoutForm(forms.Form):
    coupon_code = forms.CharField(
        label=_("Coupon code"),
        max_length=40,
        required=False,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "placeholder": "e.g. WELCOME10", "class": "text-uppercase"}
        ),
    )
    use_credit = forms.BooleanField(label=_("Use my credit"), required=False)
    idempotency_key = forms.CharField(max_length=64, widget=forms.HiddenInput, initial=lambda: uuid.uuid4().hex)


class RefundRequestForm(forms.Form):
    reason = forms.CharField(
        label=_("Why do you want a refund?"), max_length=2000, widget=forms.Textarea(attrs={"rows": 4})
    )
    amount = forms.DecimalField(
        label=_("Amount (leave empty for a full refund)"),
        required=False,
        max_digits=12,
        decimal_places=3,  # KWD; the service refuses more decimals than the payment's currency has
        min_value=Decimal("0.001"),
    )


class RefundDecisionForm(forms.Form):
    DECISIONS = (("approve", "Approve and refund"), ("reject", "Reject"))
    decision = forms.ChoiceField(choices=DECISIONS, widget=forms.RadioSelect)
    amount = forms.DecimalField(
        required=False,
        max_digits=12,
        decimal_places=3,  # KWD; the service refuses more decimals than the payment's currency has
        min_value=Decimal("0.00"),
        help_text=_("Approvals only. Empty: the amount asked for (or everything left)."),
    )
    drop_enrolment = forms.BooleanField(
        required=False, initial=True, help_text=_("Approvals only: remove the access the payment bought.")
    )
    note = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), help_text=_("Required; the buyer sees it."))


class PayoutForm(forms.Form):
    instructor = forms.UUIDField(widget=forms.HiddenInput)
    amount = forms.DecimalField(max_digits=10, decimal_places=2, min_value=Decimal("0.01"))
    reference = forms.CharField(max_length=100, required=False, label=_("Transfer reference"))
    note = forms.CharField(max_length=200, required=False)
