"""Billing's bridge to learning's enrolment services (the only place billing changes enrolments).

learning exposes `enrollment_create` (grant), `enrollment_drop` (the student leaves) and, for changes
made by the platform rather than a person, `enrollment_suspend_by_system` / `enrollment_restore_by_system`
(audited with no actor and the reason): subscription expiry and renewal use those.
"""

from __future__ import annotations

import logging

from django.core.exceptions import ValidationError
from django.db.models import Q

from accounts.models import User
from courses.models import Course
from learning import services as learning_services
from learning.models import Enrollment

from .models import Payment

logger = logging.getLogger(__name__)


def enrol(*, user: User, course: Course, source: str, payment: Payment | str | None = None) -> Enrollment:
    """Grant access through learning; a subscription-suspended enrolment is restored first."""
    existing = Enrollment.objects.filter(user=user, course=course).first()
    if existing is not None and existing.status == Enrollment.Status.SUSPENDED and existing.source == "subscription":
        learning_services.enrollment_restore_by_system(enrollment=existing, reason="Paid access restored")
    return learning_services.enrollment_create(user=user, course=course, source=source, payment=payment)


def suspend_subscription_enrolments(*, user: User, keep_course_ids, reason: str) -> int:
    """Suspend the user's ongoing enrolments that came from a subscription, except in `keep_course_ids`
    (courses still paid for another way).  Completed courses stay completed."""
    qs = Enrollment.objects.filter(user=user, source="subscription", status=Enrollment.Status.ENROLLED).exclude(
        course_id__in=keep_course_ids
    )
    count = 0
    for enrollment in qs:
        learning_services.enrollment_suspend_by_system(enrollment=enrollment, reason=reason)
        count += 1
    return count


def suspend_seat_enrolment(*, user_id, course_id, reference: str, reason: str) -> bool:
    """Suspend the ongoing enrolment an employer seat gave (`payment_reference` = the seat's); an enrolment
    paid another way, or completed, is left alone.  Returns whether one was suspended."""
    enrollment = Enrollment.objects.filter(
        user_id=user_id, course_id=course_id, payment_reference=reference, status=Enrollment.Status.ENROLLED
    ).first()
    if enrollment is None:
        return False
    learning_services.enrollment_suspend_by_system(enrollment=enrollment, reason=reason)
    return True


def restore_subscription_enrolments(*, user: User, course_filter: Q, reason: str) -> int:
    """Reinstate the user's subscription enrolments (suspended by expiry) for courses matching the filter."""
    qs = Enrollment.objects.filter(user=user, source="subscription", status=Enrollment.Status.SUSPENDED).filter(
        course_filter
    )
    count = 0
    for enrollment in qs:
        learning_services.enrollment_restore_by_system(enrollment=enrollment, reason=reason)
        count += 1
    return count


def drop_for_refund(*, user: User, course_ids, payment_id) -> list[str]:
    """Drop the enrolments a refunded payment paid for (only those it paid for).  Returns what happened."""
    done: list[str] = []
    for enrollment in Enrollment.objects.filter(user=user, course_id__in=course_ids).select_related("course"):
        if enrollment.payment_reference and enrollment.payment_reference != str(payment_id):
            done.append(f"kept {enrollment.course.title} (paid by another purchase)")
            continue
        try:
            learning_services.enrollment_drop(enrollment=enrollment, user=enrollment.user)
            done.append(f"dropped {enrollment.course.title}")
        except ValidationError as exc:
            done.append(f"left {enrollment.course.title} as is ({exc.messages[0]})")
    return done
