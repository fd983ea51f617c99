"""Personal data: community's part of an account deletion (called by `reports.privacy.personal_data_delete`
inside its transaction)."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Q

from accounts.models import User
from courseworx.core.storage import file_delete_on_commit

from ..models import (
    ContentFlag,
    DiscussionThread,
    Message,
    Review,
    SupportTicket,
    ThreadReply,
    TicketAttachment,
    TicketMessage,
)

DELETED = "[deleted]"


def personal_data_anonymise_for_user(*, user: User) -> None:
    """Account deletion, community's part: texts the person wrote become "[deleted]" (threads keep
    their shape for the others), and support-ticket attachments go.

    Attachments deleted (rows now, files on commit): every attachment of the person's own tickets
    (whoever uploaded it: screenshots and documents about them) and every attachment they uploaded
    elsewhere.  Tickets keep their number, category and dates (support figures); the subject goes.
    Called by `reports.privacy.personal_data_delete` inside its transaction.
    """
    deleted_html = f"<p>{DELETED}</p>"
    with transaction.atomic():
        Review.objects.filter(author=user).update(body="", body_html="")
        DiscussionThread.objects.filter(author=user).update(title=DELETED, body=DELETED, body_html=deleted_html)
        ThreadReply.objects.filter(author=user).update(body=DELETED, body_html=deleted_html)
        Message.objects.filter(sender=user).update(body=DELETED, body_html=deleted_html)
        attachments = TicketAttachment.objects.filter(
            Q(message__ticket__requester=user) | Q(message__author=user)
        ).only("id", "file")
        file_delete_on_commit(*(a.file for a in attachments))
        TicketAttachment.objects.filter(pk__in=[a.pk for a in attachments]).delete()
        SupportTicket.objects.filter(requester=user).update(subject=DELETED, satisfaction_comment="")
        TicketMessage.objects.filter(author=user).update(body=DELETED, body_html=deleted_html)
        ContentFlag.objects.filter(flagger=user).update(details="")
