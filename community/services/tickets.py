"""Support tickets: open → pending → resolved → closed (+ reopen), only through `ticket_set_status`;
replies (Support replying stamps `first_response_at`), assignment, satisfaction once resolved, and
checked attachments.

The check steps `ticket_check_reply` and `ticket_check_status` raise before anything changes; the
admin form and the pages call them to validate or to offer only the changes a user may make.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import PurePosixPath

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from courses.models import Course, CourseContent
from courses.validators import validate_content_file
from courseworx.core.exceptions import ConflictError
from courseworx.core.models import Notification
from courseworx.core.notifications import notification_create
from courseworx.core.services import audit_log_create
from courseworx.core.text import plain_text

from .. import permissions
from ..models import SupportTicket, TicketAttachment, TicketMessage
from ._common import setting
from .guards import user_check_can_post

TICKET_TRANSITIONS: dict[str, set[str]] = {
    SupportTicket.Status.OPEN: {SupportTicket.Status.PENDING, SupportTicket.Status.RESOLVED},
    SupportTicket.Status.PENDING: {SupportTicket.Status.OPEN, SupportTicket.Status.RESOLVED},
    SupportTicket.Status.RESOLVED: {SupportTicket.Status.CLOSED, SupportTicket.Status.OPEN},
    SupportTicket.Status.CLOSED: set(),
}
ATTACHMENT_EXTENSIONS = {"png", "jpg", "jpeg", "gif", "webp", "pdf", "txt", "csv", "docx", "xlsx"}
IMAGE_EXTENSIONS = {"png", "jpg", "jpeg", "gif", "webp"}


def ticket_attachment_check(file: UploadedFile) -> str:
    """Type (extension and leading bytes) and size of an uploaded attachment; returns its MIME type."""

    max_bytes = int(setting("COMMUNITY_TICKET_ATTACHMENT_MAX_MB", 10)) * 1024 * 1024
    ext = PurePosixPath(file.name or "").suffix.lower().lstrip(".")
    if ext not in ATTACHMENT_EXTENSIONS:
        raise ValidationError(
            _("Attach images, PDF, text, CSV, Word or Excel files (not .%(ext)s)."),
            code="invalid_file_type",
            params={"ext": ext or "?"},
        )
    if (getattr(file, "size", 0) or 0) > max_bytes:
        raise ValidationError(_("Attachments may be at most %(mb)s MB."), code="file_too_large",
                              params={"mb": max_bytes // (1024 * 1024)})  # fmt: skip
    return validate_content_file(file, "image" if ext in IMAGE_EXTENSIONS else "document")


def _attach(message: TicketMessage, files: Iterable[UploadedFile] | None) -> None:
    files = list(files or [])
    if len(files) > int(setting("COMMUNITY_TICKET_ATTACHMENTS_MAX", 5)):
        raise ValidationError({"attachments": "Too many attachments."})
    for file in files:
        try:
            mime = ticket_attachment_check(file)
        except ValidationError as exc:  # the API and the form name the field (it was a non-field error)
            raise ValidationError({"attachments": exc.error_list}) from exc
        TicketAttachment.objects.create(message=message, file=file, name=(file.name or "")[:255], size=file.size or 0,
                                        content_type=mime)  # fmt: skip


def _next_ticket_number() -> int:
    return (SupportTicket.objects.aggregate(n=Max("number"))["n"] or 1000) + 1


@transaction.atomic
def ticket_create(
    *, user: User, subject: str, body: str, category: str = "other", priority: str = "normal",
    course: Course | None = None, lesson: CourseContent | None = None, attachments: Iterable[UploadedFile] = (),
) -> SupportTicket:  # fmt: skip
    if not (user and user.is_authenticated and user.is_active):
        raise PermissionDenied(_("Sign in to contact support."))
    user_check_can_post(user=user)
    if lesson is not None and course is not None and lesson.course_id != course.pk:
        raise ValidationError({"lesson": "This lesson belongs to another course."})
    if lesson is not None and course is None:
        course = lesson.course
    now = timezone.now()
    for attempt in range(5):
        ticket = SupportTicket(
            number=_next_ticket_number(), requester=user, subject=subject.strip(), category=category,
            priority=priority, course=course, lesson=lesson, last_activity_at=now,
        )  # fmt: skip
        ticket.full_clean(exclude=["number"])
        try:
            with transaction.atomic():
                ticket.save()
            break
        except IntegrityError:  # two tickets took the same number: take the next one
            if attempt == 4:
                raise
    message = TicketMessage(ticket=ticket, author=user, body=body.strip())
    message.full_clean()
    message.save()
    _attach(message, attachments)
    return ticket


def ticket_check_reply(*, user: User, ticket: SupportTicket) -> None:
    """May `user` reply to `ticket` now?  404 when they cannot see it, 400 `closed` when it is closed."""
    if not permissions.can_view_ticket(user, ticket):
        raise Http404(_("No such ticket."))
    if ticket.status == SupportTicket.Status.CLOSED:
        raise ValidationError(_("This ticket is closed. Open a new ticket if you need more help."), code="closed")


@transaction.atomic
def ticket_reply(
    *, user: User, ticket: SupportTicket, body: str, attachments: Iterable[UploadedFile] = ()
) -> TicketMessage:
    """A message in the thread.  Support replying sets first_response_at and waits for the user
    (pending); the requester replying reopens a pending or resolved ticket."""

    ticket = SupportTicket.objects.select_for_update().get(pk=ticket.pk)
    ticket_check_reply(user=user, ticket=ticket)
    user_check_can_post(user=user)
    staff = permissions.can_handle_tickets(user) and user.pk != ticket.requester_id
    message = TicketMessage(ticket=ticket, author=user, body=body.strip(), is_staff_reply=staff)
    message.full_clean()
    message.save()
    _attach(message, attachments)
    now = timezone.now()
    fields = ["last_activity_at", "updated_at"]
    ticket.last_activity_at = now
    if staff:
        if ticket.first_response_at is None:
            ticket.first_response_at = now
            fields.append("first_response_at")
        if ticket.status == SupportTicket.Status.OPEN:
            ticket.status = SupportTicket.Status.PENDING
            fields.append("status")
        if ticket.assignee_id is None:
            ticket.assignee = user
            fields.append("assignee")
    elif ticket.status in (SupportTicket.Status.PENDING, SupportTicket.Status.RESOLVED):
        ticket.status = SupportTicket.Status.OPEN
        ticket.resolved_at = None
        fields += ["status", "resolved_at"]
    ticket.save(update_fields=fields)
    url = reverse("community:ticket", kwargs={"number": ticket.number})
    if staff:
        notification_create(user=ticket.requester, category=Notification.Category.SUPPORT,
                            title=f"Support replied to ticket #{ticket.number}: {ticket.subject}",
                            body=plain_text(body), url=url)  # fmt: skip
    elif ticket.assignee is not None:
        notification_create(user=ticket.assignee, category=Notification.Category.SUPPORT,
                            title=f"New reply on ticket #{ticket.number}: {ticket.subject}",
                            body=plain_text(body), url=url)  # fmt: skip
    return message


def ticket_check_status(*, user: User, ticket: SupportTicket, status: str) -> None:
    """May `user` move `ticket` to `status` now?  404 when they cannot see it, 409
    `invalid_transition` when the status machine forbids it, 403 when only Support may do it."""
    if not permissions.can_view_ticket(user, ticket):
        raise Http404(_("No such ticket."))
    if status not in TICKET_TRANSITIONS.get(ticket.status, set()):
        raise ConflictError(
            _("A ticket that is %(old)s cannot become %(new)s."),
            code="invalid_transition",
            params={"old": ticket.get_status_display().lower(), "new": SupportTicket.Status(status).label.lower()},
        )
    if not permissions.can_set_ticket_status(user, ticket, status):
        raise PermissionDenied(_("Only support staff can change this ticket's status."))


@transaction.atomic
def ticket_set_status(*, user: User, ticket: SupportTicket, status: str, note: str = "") -> SupportTicket:
    ticket = SupportTicket.objects.select_for_update().get(pk=ticket.pk)
    ticket_check_status(user=user, ticket=ticket, status=status)
    old = ticket.status
    now = timezone.now()
    ticket.status = status
    ticket.last_activity_at = now
    if status == SupportTicket.Status.RESOLVED:
        ticket.resolved_at = now
    elif status == SupportTicket.Status.OPEN:
        ticket.resolved_at = None
    if status == SupportTicket.Status.CLOSED:
        ticket.closed_at = now
        ticket.resolved_at = ticket.resolved_at or now
    ticket.save(update_fields=["status", "resolved_at", "closed_at", "last_activity_at", "updated_at"])
    audit_log_create(actor=user, action="community.ticket_status", target=ticket, reason=note,
                     changes={"status": [old, status]})  # fmt: skip
    if status == SupportTicket.Status.RESOLVED and user.pk != ticket.requester_id:
        notification_create(user=ticket.requester, category=Notification.Category.SUPPORT,
                            title=f"Ticket #{ticket.number} is resolved: tell us how we did",
                            body=note, url=reverse("community:ticket", kwargs={"number": ticket.number}))  # fmt: skip
    return ticket


@transaction.atomic
def ticket_assign(*, user: User, ticket: SupportTicket, assignee: User | None) -> SupportTicket:
    if not permissions.can_handle_tickets(user):
        raise PermissionDenied(_("Only support staff can assign tickets."))
    if assignee is not None and not permissions.can_handle_tickets(assignee):
        raise ValidationError({"assignee": "Assign tickets to members of the Support team."})
    ticket = SupportTicket.objects.select_for_update().get(pk=ticket.pk)
    old = ticket.assignee_id
    ticket.assignee = assignee
    ticket.save(update_fields=["assignee", "updated_at"])
    audit_log_create(actor=user, action="community.ticket_assign", target=ticket,
                     changes={"assignee": [str(old or ""), str(getattr(assignee, "pk", "") or "")]})  # fmt: skip
    if assignee is not None and assignee.pk != user.pk:
        notification_create(user=assignee, category=Notification.Category.SUPPORT,
                            title=f"Ticket #{ticket.number} is assigned to you: {ticket.subject}",
                            url=reverse("community:ticket", kwargs={"number": ticket.number}))  # fmt: skip
    return ticket


@transaction.atomic
def ticket_rate(*, user: User, ticket: SupportTicket, rating: int, comment: str = "") -> SupportTicket:
    ticket = SupportTicket.objects.select_for_update().get(pk=ticket.pk)
    if not permissions.can_view_ticket(user, ticket):
        raise Http404(_("No such ticket."))
    if not permissions.can_rate_ticket(user, ticket):
        raise ValidationError(_("Rate a ticket once, after it is resolved."), code="not_rateable")
    if not 1 <= int(rating) <= 5:
        raise ValidationError({"rating": "Choose 1 to 5."})
    ticket.satisfaction = int(rating)
    ticket.satisfaction_comment = comment.strip()[:2000]
    ticket.save(update_fields=["satisfaction", "satisfaction_comment", "updated_at"])
    return ticket
