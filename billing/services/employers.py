"""Employer partners: requests handled by Finance, employer licences, seats assigned and accepted."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from courses.models import Course
from courseworx.core.enqueue import enqueue_on_commit
from courseworx.core.exceptions import ConflictError
from courseworx.core.services import audit_log_create

from .. import conf, enrolments, permissions
from ..models import ContentLicensing, EmployerPartner, EmployerRequest, SeatAssignment
from ..money import ZERO, q


@transaction.atomic
def employer_request_create(
    *,
    partner: EmployerPartner,
    user: User,
    kind: str,
    course: Course | None = None,
    seats: int | None = None,
    message: str = "",
) -> EmployerRequest:
    if not permissions.can_manage_partner(user, partner):
        raise PermissionDenied(_("You do not manage this organisation."))
    request = EmployerRequest(
        partner=partner, requested_by=user, kind=kind, course=course, seats=seats, message=message.strip()
    )
    request.full_clean()
    request.save()
    return request


EMPLOYER_TRANSITIONS: dict[str, set[str]] = {
    EmployerRequest.Status.NEW: {
        EmployerRequest.Status.IN_REVIEW,
        EmployerRequest.Status.APPROVED,
        EmployerRequest.Status.REJECTED,
    },
    EmployerRequest.Status.IN_REVIEW: {EmployerRequest.Status.APPROVED, EmployerRequest.Status.REJECTED},
    EmployerRequest.Status.APPROVED: {EmployerRequest.Status.FULFILLED},
}


@transaction.atomic
def employer_request_set_status(
    *,
    request: EmployerRequest,
    actor: User,
    status: str,
    note: str = "",
    term_days: int = 365,
    fee: Decimal | None = None,
) -> EmployerRequest:
    """Staff move a request on.  Approving a seat purchase creates the employer licence."""
    if not permissions.can_handle_employer_requests(actor):
        raise PermissionDenied(_("Only Finance handles employer requests."))
    request = EmployerRequest.objects.select_for_update().get(pk=request.pk)
    if status not in EMPLOYER_TRANSITIONS.get(request.status, set()):
        raise ConflictError(
            _("A request that is %(old)s cannot become %(new)s."),
            code="invalid_transition",
            params={"old": request.get_status_display().lower(), "new": status},
        )
    old = request.status
    request.status = status
    request.handled_by = actor
    request.handled_at = timezone.now()
    request.staff_note = note.strip() or request.staff_note
    fields = ["status", "handled_by", "handled_at", "staff_note", "updated_at"]
    if status == EmployerRequest.Status.APPROVED and request.kind == EmployerRequest.Kind.SEATS:
        today = timezone.localdate()
        licence = ContentLicensing(
            course=request.course,
            kind=ContentLicensing.Kind.EMPLOYER,
            partner=request.partner,
            seats=request.seats,
            starts_on=today,
            ends_on=today + dt.timedelta(days=term_days),
            fee=q(fee or ZERO),
            currency=conf.currency(),
        )
        licence.full_clean()
        licence.save()
        request.licence = licence
        fields.append("licence")
    request.save(update_fields=fields)
    audit_log_create(
        actor=actor,
        action="billing.employer_request_status",
        target=request,
        reason=note,
        changes={"status": [old, status]},
    )
    return request


@transaction.atomic
def seat_assign(*, licence: ContentLicensing, email: str, actor: User) -> SeatAssignment:
    """Give a seat to an employee's e-mail: enrol them if they have an account, else invite them."""
    licence = (
        ContentLicensing.objects.select_for_update(of=("self",)).select_related("course", "partner").get(pk=licence.pk)
    )
    if licence.kind != ContentLicensing.Kind.EMPLOYER:
        raise ValidationError(_("Seats belong to employer licences."), code="not_employer")
    if not (permissions.can_handle_employer_requests(actor) or permissions.can_manage_partner(actor, licence.partner)):
        raise PermissionDenied(_("You cannot assign seats of this licence."))
    if not licence.is_current():
        raise ValidationError(
            _("This licence is not current (%(a)s – %(b)s)."),
            code="licence_not_current",
            params={"a": licence.starts_on, "b": licence.ends_on},
        )
    email = get_user_model().objects.normalize_email((email or "").strip()).lower()
    if not email:
        raise ValidationError({"email": "Give the employee's e-mail address."})
    existing = SeatAssignment.objects.filter(licence=licence, email__iexact=email).first()
    if existing is not None:
        raise ConflictError(
            "%(email)s already has a seat of this licence." if existing.status != SeatAssignment.Status.REVOKED
            else "The seat of %(email)s was revoked; it cannot be given to the same address again.",
            code="already_assigned",
            params={"email": email},
        )  # fmt: skip
    assert licence.seats is not None  # an employer licence has seats (constraint licensing_employer_complete)
    used = SeatAssignment.objects.filter(licence=licence).exclude(status=SeatAssignment.Status.REVOKED).count()
    if used >= licence.seats:
        # A conflict with the licence's state (409 in the API): nothing the manager typed is wrong.
        raise ConflictError(
            _("All %(n)s seats are assigned: revoke one or ask for more seats."),
            code="no_seats_left",
            params={"n": licence.seats},
        )
    seat = SeatAssignment(licence=licence, email=email, assigned_by=actor if getattr(actor, "pk", None) else None)
    seat.full_clean()
    seat.save()
    user = get_user_model().objects.filter(email__iexact=email, is_active=True).first()
    if user is not None:
        _seat_enrol(seat, user)
    else:
        enqueue_on_commit("billing.seat_invitation_send", str(seat.pk))
    audit_log_create(actor=actor, action="billing.seat_assign", target=seat, changes={"email": email})
    return seat


def _seat_enrol(seat: SeatAssignment, user: User) -> None:
    enrolments.enrol(user=user, course=seat.licence.course, source="employer", payment=f"seat:{seat.pk}")
    seat.user = user
    seat.status = SeatAssignment.Status.ENROLLED
    seat.enrolled_at = timezone.now()
    seat.save(update_fields=["user", "status", "enrolled_at", "updated_at"])


@transaction.atomic
def seat_revoke(*, seat: SeatAssignment, actor: User, reason: str = "") -> SeatAssignment:
    """Take a seat back: it no longer counts against the licence.  The employee's enrolment that the
    seat gave (still in progress) is suspended; a completed course stays completed (its certificate is
    theirs).  An invitation not yet accepted can no longer be accepted.  Audited."""
    seat = (
        SeatAssignment.objects.select_for_update(of=("self",))
        .select_related("licence__partner", "licence__course")
        .get(pk=seat.pk)
    )
    if not (
        permissions.can_handle_employer_requests(actor) or permissions.can_manage_partner(actor, seat.licence.partner)
    ):
        raise PermissionDenied(_("You cannot revoke seats of this licence."))
    if seat.status == SeatAssignment.Status.REVOKED:
        raise ConflictError(
            _("The seat of %(email)s is already revoked."), code="already_revoked", params={"email": seat.email}
        )
    old = seat.status
    if seat.user_id is not None:
        enrolments.suspend_seat_enrolment(
            user_id=seat.user_id,
            course_id=seat.licence.course_id,
            reference=f"seat:{seat.pk}",
            reason=reason.strip() or f"Seat revoked by {seat.licence.partner}",
        )
    seat.status = SeatAssignment.Status.REVOKED
    seat.save(update_fields=["status", "updated_at"])
    audit_log_create(
        actor=actor, action="billing.seat_revoke", target=seat, reason=reason, changes={"status": [old, "revoked"]}
    )
    return seat


@transaction.atomic
def seat_accept(*, token: str, user: User) -> SeatAssignment:
    """The invited employee (signed up with the invited e-mail) accepts their seat."""
    seat = SeatAssignment.objects.select_for_update().select_related("licence__course").filter(token=token).first()
    if seat is None or seat.status == SeatAssignment.Status.REVOKED:
        raise ValidationError(_("This invitation is not valid."), code="invalid_invitation")
    if seat.email.lower() != user.email.lower():
        raise PermissionDenied(f"This invitation was sent to {seat.email}; log in with that address.")
    if seat.status == SeatAssignment.Status.ENROLLED:
        return seat
    if not seat.licence.is_current():
        raise ValidationError(_("The licence of this seat has ended."), code="licence_not_current")
    _seat_enrol(seat, user)
    return seat
