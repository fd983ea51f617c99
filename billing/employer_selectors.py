"""Reads of the employer licence manager's pages (billing/employer_views.py): the organisations a user
manages, their licences with seats used, their seats with each employee's course progress.

Every list is one query whatever its length: seats used is a filtered COUNT (selectors.licence_list),
an employee's progress comes from correlated subqueries on their enrolment in the licence's course
(`Enrollment` is unique per user and course, so nothing is multiplied), and the usage summary is one
aggregate.
"""

from __future__ import annotations

from django.db.models import Avg, Count, DecimalField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from accounts.models import User
from learning.models import Enrollment

from .models import ContentLicensing, EmployerPartner, SeatAssignment
from .selectors import licence_list


def managed_partners(user: User) -> QuerySet[EmployerPartner]:
    """The active organisations `user` manages (their licence manager pages)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return EmployerPartner.objects.none()
    return EmployerPartner.objects.filter(managers=user, is_active=True).order_by("name")


def partner_licences(partner: EmployerPartner) -> QuerySet[ContentLicensing]:
    """The partner's licences, current and future first, with `seats_used` (revoked seats do not count)."""
    return licence_list(partner=partner).order_by("-ends_on", "course__title")


def _enrolment(field: str):
    return Subquery(
        Enrollment.objects.filter(user_id=OuterRef("user_id"), course_id=OuterRef("licence__course_id")).values(field)[
            :1
        ]
    )


def partner_seats(partner: EmployerPartner, *, licence: ContentLicensing | None = None) -> QuerySet[SeatAssignment]:
    """Seats of the partner's licences (or one licence) with the employee's enrolment in the course:
    `enrolment_status`, `progress` (0-100, required lessons), `completed_at`, `last_accessed_at`."""
    qs = SeatAssignment.objects.filter(licence__partner=partner)
    if licence is not None:
        qs = qs.filter(licence=licence)
    return (
        qs.select_related("licence__course", "user")
        .annotate(
            enrolment_status=_enrolment("status"),
            progress=_enrolment("progress_percent"),
            completed_at=_enrolment("completed_at"),
            last_accessed_at=_enrolment("last_accessed_at"),
        )
        .order_by("licence__course__title", "email")
    )


def partner_usage_summary(partner: EmployerPartner) -> dict:
    """Seats in use, employees who started / completed, average progress (one aggregate query)."""
    active = ~Q(status=SeatAssignment.Status.REVOKED)
    seats = SeatAssignment.objects.filter(licence__partner=partner).annotate(
        enrolment_status=_enrolment("status"), progress=_enrolment("progress_percent")
    )
    return seats.aggregate(
        assigned=Count("pk", filter=active),
        invited=Count("pk", filter=Q(status=SeatAssignment.Status.INVITED)),
        completed=Count("pk", filter=active & Q(enrolment_status=Enrollment.Status.COMPLETED)),
        average_progress=Coalesce(
            Avg("progress", filter=active & Q(status=SeatAssignment.Status.ENROLLED)),
            0,
            output_field=DecimalField(max_digits=5, decimal_places=2),
        ),
    )
