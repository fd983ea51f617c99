"""learning.services.enrolment: the enrolment rules, enrolling, dropping, suspension (staff and system)."""

import datetime as dt
import threading
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, connections
from django.utils import timezone

from courses.models import Course
from courseworx.core.exceptions import ConflictError
from courseworx.core.models import AuditLog
from learning import services
from learning.models import Enrollment
from tests.courses.factories import CourseFactory, PublishedCourseFactory
from tests.factories import StudentFactory
from tests.learning.factories import EnrollmentFactory

pytestmark = pytest.mark.django_db


def test_free_course_enrols_at_once_and_counts(course, student):
    enrollment = services.enrollment_create(user=student, course=course)
    assert enrollment.status == Enrollment.Status.ENROLLED
    assert enrollment.source == "free"
    assert enrollment.required_total == 3
    course.refresh_from_db()
    assert course.enrollment_count == 1


def test_enrolling_twice_returns_the_same_enrolment(course, student):
    first = services.enrollment_create(user=student, course=course)
    second = services.enrollment_create(user=student, course=course)
    assert first.pk == second.pk
    course.refresh_from_db()
    assert course.enrollment_count == 1


def test_paid_course_refuses_free_enrolment_but_accepts_a_purchase(student):
    paid = PublishedCourseFactory(price=Decimal("49.00"))
    with pytest.raises(ValidationError, match="paid course"):
        services.enrollment_create(user=student, course=paid)
    enrollment = services.enrollment_create(user=student, course=paid, source="purchase", payment="pay_123")
    assert enrollment.source == "purchase"
    assert enrollment.payment_reference == "pay_123"


def test_unpublished_course_is_refused(student):
    with pytest.raises(ValidationError, match="not open"):
        services.enrollment_create(user=student, course=CourseFactory(status=Course.Status.DRAFT))


def test_ended_course_is_refused(student):
    today = timezone.localdate()
    ended = PublishedCourseFactory(start_date=today - dt.timedelta(days=30), end_date=today - dt.timedelta(days=1))
    with pytest.raises(ValidationError, match="ended"):
        services.enrollment_create(user=student, course=ended)


def test_future_course_accepts_enrolment(student):
    today = timezone.localdate()
    later = PublishedCourseFactory(start_date=today + dt.timedelta(days=5))
    assert services.enrollment_create(user=student, course=later).status == Enrollment.Status.ENROLLED


def test_prerequisites_must_be_completed(student):
    basics = PublishedCourseFactory(title="Basics")
    advanced = PublishedCourseFactory(prerequisites=[basics])
    with pytest.raises(ValidationError, match="Basics"):
        services.enrollment_create(user=student, course=advanced)
    Enrollment.objects.create(
        user=student, course=basics, enrolled_at=timezone.now(), status="completed", completed_at=timezone.now()
    )
    assert services.enrollment_create(user=student, course=advanced).status == "enrolled"


def test_seat_limit_refuses_the_next_student(course):
    Course.objects.filter(pk=course.pk).update(max_students=2)
    course.refresh_from_db()
    services.enrollment_create(user=StudentFactory(), course=course)
    services.enrollment_create(user=StudentFactory(), course=course)
    with pytest.raises(ValidationError, match="full"):
        services.enrollment_create(user=StudentFactory(), course=course)


def test_drop_frees_the_seat_and_re_enrolment_keeps_the_row(course, student):
    Course.objects.filter(pk=course.pk).update(max_students=1)
    course.refresh_from_db()
    enrollment = services.enrollment_create(user=student, course=course)
    services.enrollment_drop(enrollment=enrollment, user=student)
    enrollment.refresh_from_db()
    assert enrollment.status == "dropped"
    course.refresh_from_db()
    assert course.enrollment_count == 0
    other = services.enrollment_create(user=StudentFactory(), course=course)
    assert other.status == "enrolled"
    services.enrollment_drop(enrollment=other, user=other.user)
    again = services.enrollment_create(user=student, course=course)
    assert again.pk == enrollment.pk and again.status == "enrolled"


def test_only_the_student_can_drop_and_only_while_enrolled(enrollment, student):
    with pytest.raises(PermissionDenied):
        services.enrollment_drop(enrollment=enrollment, user=StudentFactory())
    services.enrollment_drop(enrollment=enrollment, user=student)
    with pytest.raises(ValidationError):
        services.enrollment_drop(enrollment=enrollment, user=student)


def test_suspended_student_cannot_re_enrol(enrollment, student, admin_user):
    services.enrollment_set_status(enrollment=enrollment, actor=admin_user, status="suspended", reason="Abuse")
    with pytest.raises(ValidationError, match="suspended"):
        services.enrollment_create(user=student, course=enrollment.course)


def _suspended(student):
    enrollment = services.enrollment_create(user=student, course=PublishedCourseFactory())
    services.enrollment_suspend_by_system(enrollment=enrollment, reason="Subscription expired")
    return enrollment.course


def _full(student):
    course = PublishedCourseFactory(max_students=1)
    services.enrollment_create(user=StudentFactory(), course=course)
    return course


def _ended(student):
    today = timezone.localdate()
    return PublishedCourseFactory(start_date=today - dt.timedelta(days=9), end_date=today - dt.timedelta(days=1))


STATE_REFUSALS = {
    "suspended": _suspended,
    "not_published": lambda student: CourseFactory(status=Course.Status.DRAFT),
    "course_ended": _ended,
    "prerequisites": lambda student: PublishedCourseFactory(prerequisites=[PublishedCourseFactory()]),
    "course_full": _full,
}


@pytest.mark.parametrize("code", STATE_REFUSALS)
def test_state_refusals_are_conflicts_with_their_code(student, code):
    """The course's or the enrolment's state refuses it (a 409 in the API), with the code billing and pages use."""
    course = STATE_REFUSALS[code](student)
    with pytest.raises(ConflictError) as excinfo:
        services.enrollment_create(user=student, course=course)
    assert excinfo.value.code == code
    assert code in services.ELIGIBILITY_CONFLICT_CODES


def test_already_enrolled_is_a_conflict_for_the_rules_but_enrolling_again_is_idempotent(enrollment, student):
    with pytest.raises(ConflictError) as excinfo:
        services.enrollment_check_eligible(user=student, course=enrollment.course)
    assert excinfo.value.code == "already_enrolled"
    assert services.enrollment_create(user=student, course=enrollment.course).pk == enrollment.pk


def test_free_enrolment_in_a_paid_course_is_bad_input_not_a_conflict(student):
    with pytest.raises(ValidationError) as excinfo:
        services.enrollment_create(user=student, course=PublishedCourseFactory(price=Decimal("10.00")))
    assert excinfo.value.code == "paid_course" and not isinstance(excinfo.value, ConflictError)
    assert set(services.ELIGIBILITY_CODES) == {*services.ELIGIBILITY_CONFLICT_CODES, "paid_course"}


def test_unknown_source_is_a_programming_error(course, student):
    with pytest.raises(ValueError):
        services.enrollment_create(user=student, course=course, source="gift")


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


# The seat limit holds under concurrent enrolments (PostgreSQL: real row locks).
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_twenty_parallel_enrolments_for_five_seats():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite serialises writers, so it cannot show a race (set DATABASE_URL)")
    course = PublishedCourseFactory(max_students=5)
    students = [StudentFactory() for _ in range(20)]
    barrier = threading.Barrier(len(students))
    outcomes: list[str] = []
    lock = threading.Lock()

    def enrol(user):
        try:
            barrier.wait()
            services.enrollment_create(user=user, course=Course.objects.get(pk=course.pk))
            result = "enrolled"
        except ValidationError as exc:
            result = exc.messages[0]
        except Exception as exc:  # noqa: BLE001 - surfaces in the assertion below
            result = f"error: {exc!r}"
        finally:
            connections.close_all()
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=enrol, args=(s,)) for s in students]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)

    assert len(outcomes) == 20
    assert outcomes.count("enrolled") == 5, outcomes
    assert all(o == "enrolled" or "full" in o for o in outcomes), outcomes
    assert Enrollment.objects.filter(course=course).count() == 5
    course.refresh_from_db()
    assert course.enrollment_count == 5
