import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from courses.models import Course
from learning import services
from learning.models import Enrollment
from tests.courses.factories import CourseFactory, PublishedCourseFactory
from tests.factories import StudentFactory

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


def test_unknown_source_is_a_programming_error(course, student):
    with pytest.raises(ValueError):
        services.enrollment_create(user=student, course=course, source="gift")
