"""Personal data: billing's part of an account deletion."""

from __future__ import annotations

from django.db import transaction

from accounts.models import User

from ..models import RefundRequest, SeatAssignment


def personal_data_anonymise_for_user(*, user: User) -> None:
    """Account deletion, billing's part.  Money records are kept as bookkeeping law requires: payments,
    refunds, credit, earnings and payouts keep their amounts and stay linked to the (anonymised)
    account, and receipt PDFs are kept unchanged (an issued receipt is an accounting document; it
    stays in private storage, where only staff who see payments can open it).  What goes: the free text of refund
    requests and the e-mail address of employer seats.  Called by `reports.privacy.personal_data_delete`.
    """
    with transaction.atomic():
        RefundRequest.objects.filter(user=user).update(reason="[deleted]")
        SeatAssignment.objects.filter(user=user).update(email=f"deleted-{user.pk.hex}@deleted.invalid")
