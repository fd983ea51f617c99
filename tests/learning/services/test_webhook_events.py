"""Learning's services write webhook events to the outbox in their own transaction: enrolment, completion,
certificate, classroom sign-in/out; a rolled-back change leaves no event (and nothing is dispatched)."""

import pytest
from django.db import transaction

from courseworx.core import outbound
from courseworx.core.models import WebhookDelivery, WebhookEndpoint, WebhookEvent
from learning import services
from learning.models import IssuedCertificate
from tests.factories import StudentFactory
from tests.learning.factories import ClassSessionFactory, EnrollmentFactory

pytestmark = pytest.mark.django_db


def events(event_type):
    return list(WebhookEvent.objects.filter(event_type=event_type))


def test_enrolling_writes_enrollment_created_with_the_course(course, student, instructor):
    enrollment = services.enrollment_create(user=student, course=course)
    [event] = events("enrollment.created")
    assert event.course_id == course.pk
    assert event.payload["enrollment_id"] == str(enrollment.pk)
    assert event.payload["user_id"] == str(student.pk)
    assert event.payload["course"] == {"id": str(course.pk), "slug": course.slug, "title": course.title}
    # Enrolling again changes nothing and writes no second event.
    services.enrollment_create(user=student, course=course)
    assert len(events("enrollment.created")) == 1


def test_a_rolled_back_enrolment_leaves_no_event_and_dispatches_nothing(
    course, student, instructor, django_capture_on_commit_callbacks
):
    WebhookEndpoint.objects.create(owner=instructor, url="https://a.example.com/", event_types=["enrollment.created"])
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        services.enrollment_create(user=student, course=course)
        assert len(events("enrollment.created")) == 1  # written inside the transaction...
        raise RuntimeError("something after the enrolment failed")
    assert events("enrollment.created") == []  # ...and gone with it
    assert callbacks == [] and not WebhookDelivery.objects.exists()


def test_the_instructors_endpoint_receives_the_enrolment_of_their_course(
    course, instructor, monkeypatch, django_capture_on_commit_callbacks
):
    sent = []
    monkeypatch.setattr(outbound, "post", lambda url, **kw: sent.append((url, kw)) or outbound.PostResult(200, b""))
    WebhookEndpoint.objects.create(owner=instructor, url="https://a.example.com/", event_types=["enrollment.created"])
    with django_capture_on_commit_callbacks(execute=True):
        services.enrollment_create(user=StudentFactory(), course=course)
    assert [url for url, _ in sent] == ["https://a.example.com/"]
    assert sent[0][1]["headers"]["X-CourseWorx-Event"] == "enrollment.created"


def test_completing_the_course_writes_enrollment_completed_then_certificate_issued(
    course, lessons, student, django_capture_on_commit_callbacks, settings, tmp_path
):
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    enrollment = services.enrollment_create(user=student, course=course)
    with django_capture_on_commit_callbacks(execute=True):
        for lesson in lessons:
            if lesson.is_required:
                services.lesson_mark_complete(user=student, content=lesson)
    [completed] = events("enrollment.completed")
    assert completed.payload["enrollment_id"] == str(enrollment.pk) and completed.course_id == course.pk
    certificate = IssuedCertificate.objects.get(enrollment=enrollment)
    [issued] = events("certificate.issued")
    assert issued.payload["certificate_id"] == str(certificate.pk) and issued.payload["code"] == certificate.code
    # Issuing again (the task is idempotent) writes no second event.
    services.certificate_issue(enrollment_id=enrollment.pk)
    assert len(events("certificate.issued")) == 1


def test_signing_in_and_out_of_a_classroom_session_writes_attendance_events(course):
    session = ClassSessionFactory(course=course)
    trainee = EnrollmentFactory(course=course).user
    token = services.attendance_token_make(session=session, action="in")
    services.class_session_sign(user=trainee, session=session, action="in", token=token)
    [signed_in] = events("attendance.signed_in")
    assert signed_in.course_id == course.pk
    assert signed_in.payload["session_id"] == str(session.pk) and signed_in.payload["user_id"] == str(trainee.pk)
    assert signed_in.payload["method"] == "qr"
    services.class_session_sign(user=trainee, session=session, action="out")
    assert len(events("attendance.signed_out")) == 1
    assert len(events("attendance.signed_in")) == 1
