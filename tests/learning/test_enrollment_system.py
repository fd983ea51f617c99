"""Suspension and restoration done by the platform (billing's subscription expiry/renewal)."""

import pytest
from django.core.exceptions import ValidationError

from courseworx.core.models import AuditLog
from learning import services
from learning.models import Enrollment

from .factories import EnrollmentFactory

pytestmark = pytest.mark.django_db


def test_system_suspend_and_restore_are_audited_without_a_person():
    enrollment = EnrollmentFactory()
    services.enrollment_suspend_by_system(enrollment=enrollment, reason="Subscription expired")
    enrollment.refresh_from_db()
    assert enrollment.status == Enrollment.Status.SUSPENDED
    services.enrollment_restore_by_system(enrollment=enrollment, reason="Subscription renewed")
    enrollment.refresh_from_db()
    assert enrollment.status == Enrollment.Status.ENROLLED
    rows = list(AuditLog.objects.filter(target_id=str(enrollment.pk)).order_by("created_at", "id"))
    assert [(r.action, r.actor_id, r.reason) for r in rows] == [
        ("learning.enrollment_suspended", None, "Subscription expired"),
        ("learning.enrollment_enrolled", None, "Subscription renewed"),
    ]


def test_suspension_leaves_the_learner_count_and_reinstatement_restores_it():
    enrollment = EnrollmentFactory()
    course = enrollment.course
    course.refresh_from_db()
    before = course.enrollment_count
    services.enrollment_suspend_by_system(enrollment=enrollment, reason="Subscription expired")
    course.refresh_from_db()
    assert course.enrollment_count == max(before - 1, 0)
    services.enrollment_restore_by_system(enrollment=enrollment, reason="Subscription renewed")
    course.refresh_from_db()
    assert course.enrollment_count == max(before - 1, 0) + 1


def test_system_cannot_restore_a_dropped_enrolment_or_act_without_a_reason():
    enrollment = EnrollmentFactory(status=Enrollment.Status.DROPPED)
    with pytest.raises(ValidationError, match="cannot become"):
        services.enrollment_restore_by_system(enrollment=enrollment, reason="renewed")
    active = EnrollmentFactory()
    with pytest.raises(ValidationError):
        services.enrollment_suspend_by_system(enrollment=active, reason="  ")
    active.refresh_from_db()
    assert active.status == Enrollment.Status.ENROLLED
