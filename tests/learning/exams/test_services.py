"""Certification exams: the server's rules (time limit, attempts, cooldown, random draws, certificate once)."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from courseworx.core.exceptions import ConflictError
from courseworx.core.models import AuditLog
from learning import services
from learning.models import ExamAttempt, ExamProctorEvent, ExamQuestion, IssuedCertificate
from tests.courses.factories import PublishedCourseFactory
from tests.factories import StudentFactory

from .conftest import answers_for, make_exam

pytestmark = pytest.mark.django_db


def test_an_answer_after_the_time_limit_is_refused_and_the_saved_answers_are_graded(exam, student):
    start = timezone.now() - dt.timedelta(minutes=30)
    attempt = services.exam_attempt_start(user=student, exam=exam, now=start)
    assert attempt.deadline_at == start + dt.timedelta(minutes=15)
    answers = answers_for(attempt)
    first_six = dict(list(answers.items())[:6])
    services.exam_answers_save(attempt=attempt, user=student, answers=first_six, now=start + dt.timedelta(minutes=5))

    # After the deadline (+ grace): the last two answers are refused, the attempt is closed with the six saved.
    late = dict(list(answers.items())[6:])
    with pytest.raises(ConflictError) as exc:
        services.exam_answers_save(attempt=attempt, user=student, answers=late, now=start + dt.timedelta(minutes=16))
    assert exc.value.code == "time_over"
    attempt.refresh_from_db()
    assert attempt.status == ExamAttempt.Status.EXPIRED
    assert attempt.submitted_at == attempt.deadline_at
    assert set(attempt.answers) == set(first_six)
    assert attempt.score == 6 and attempt.max_score == 8 and attempt.percent == 75
    assert attempt.passed  # 75% >= 70%: graded from what was saved in time

    # The submission after the deadline is refused too (time_over), nothing changes.
    with pytest.raises(ConflictError) as exc:
        services.exam_attempt_submit(attempt=attempt, user=student, answers=answers)
    assert exc.value.code == "time_over"
    attempt.refresh_from_db()
    assert attempt.score == 6


def test_a_submission_within_the_grace_is_taken_after_it_refused(exam, student, settings):
    settings.EXAM_GRACE_SECONDS = 10
    start = timezone.now() - dt.timedelta(minutes=20)
    attempt = services.exam_attempt_start(user=student, exam=exam, now=start)
    in_grace = attempt.deadline_at + dt.timedelta(seconds=5)
    services.exam_attempt_submit(attempt=attempt, user=student, answers=answers_for(attempt), now=in_grace)
    attempt.refresh_from_db()
    assert attempt.status == ExamAttempt.Status.SUBMITTED and attempt.percent == 100

    other = StudentFactory()
    attempt = services.exam_attempt_start(user=other, exam=exam, now=start)
    with pytest.raises(ConflictError, match="time"):
        services.exam_attempt_submit(
            attempt=attempt,
            user=other,
            answers=answers_for(attempt),
            now=attempt.deadline_at + dt.timedelta(seconds=11),
        )
    attempt.refresh_from_db()
    assert attempt.status == ExamAttempt.Status.EXPIRED and attempt.score == 0 and not attempt.passed


def test_the_periodic_task_closes_overdue_attempts_once(exam, student):
    start = timezone.now() - dt.timedelta(hours=1)
    attempt = services.exam_attempt_start(user=student, exam=exam, now=start)
    services.exam_answers_save(attempt=attempt, user=student, answers=answers_for(attempt), now=start)
    fresh = services.exam_attempt_start(user=StudentFactory(), exam=exam)  # not overdue: left alone
    assert services.exam_attempts_close_due() == 1
    assert services.exam_attempts_close_due() == 0
    attempt.refresh_from_db()
    fresh.refresh_from_db()
    assert attempt.status == ExamAttempt.Status.EXPIRED and attempt.passed
    assert fresh.status == ExamAttempt.Status.IN_PROGRESS
    assert IssuedCertificate.objects.filter(user=student, kind="exam").count() == 1


def test_starting_twice_returns_the_attempt_in_progress(exam, student):
    first = services.exam_attempt_start(user=student, exam=exam)
    again = services.exam_attempt_start(user=student, exam=exam)
    assert again.pk == first.pk
    assert ExamAttempt.objects.filter(user=student, exam=exam).count() == 1


def test_attempt_limit_and_cooldown(student):
    exam = make_exam(max_attempts=2, cooldown_hours=24)
    t0 = timezone.now() - dt.timedelta(days=3)
    first = services.exam_attempt_start(user=student, exam=exam, now=t0)
    services.exam_attempt_submit(attempt=first, user=student, answers=answers_for(first, right=1), now=t0)

    # The cooldown: refused with the time the next attempt is allowed.
    with pytest.raises(ConflictError) as exc:
        services.exam_attempt_start(user=student, exam=exam, now=t0 + dt.timedelta(hours=23))
    assert exc.value.code == "cooldown"
    assert exc.value.params["next_allowed_at"] == (t0 + dt.timedelta(hours=24)).isoformat()

    second = services.exam_attempt_start(user=student, exam=exam, now=t0 + dt.timedelta(hours=25))
    assert second.number == 2
    services.exam_attempt_submit(
        attempt=second, user=student, answers=answers_for(second, right=1), now=t0 + dt.timedelta(hours=25)
    )
    with pytest.raises(ConflictError) as exc:
        services.exam_attempt_start(user=student, exam=exam)
    assert exc.value.code == "attempts_exhausted"
    assert ExamAttempt.objects.filter(user=student, exam=exam).count() == 2


def test_a_passed_exam_is_not_taken_again(exam, student):
    attempt = services.exam_attempt_start(user=student, exam=exam, now=timezone.now() - dt.timedelta(days=2))
    services.exam_attempt_submit(
        attempt=attempt, user=student, answers=answers_for(attempt), now=attempt.started_at + dt.timedelta(minutes=1)
    )
    with pytest.raises(ConflictError) as exc:
        services.exam_attempt_start(user=student, exam=exam)
    assert exc.value.code == "already_passed"


def test_two_attempts_draw_at_random_from_the_active_pool(student):
    exam = make_exam(pool=12, per_attempt=8, max_attempts=None, cooldown_hours=0)
    ExamQuestion.objects.filter(exam=exam, order=0).update(is_active=False)
    active = {str(pk) for pk in ExamQuestion.objects.filter(exam=exam, is_active=True).values_list("id", flat=True)}
    draws = []
    for _ in range(6):
        attempt = services.exam_attempt_start(user=student, exam=exam)
        assert len(attempt.question_ids) == 8 == len(set(attempt.question_ids))
        assert set(attempt.question_ids) <= active
        draws.append(tuple(attempt.question_ids))
        services.exam_attempt_submit(attempt=attempt, user=student, answers=answers_for(attempt, right=0))
    # 11!/3! orders of 8 out of 11: six equal draws would be a broken generator.
    assert len(set(draws)) > 1


def test_pass_awards_exactly_one_certificate(exam, student, django_capture_on_commit_callbacks):
    attempt = services.exam_attempt_start(user=student, exam=exam)
    with django_capture_on_commit_callbacks() as callbacks:
        services.exam_attempt_submit(attempt=attempt, user=student, answers=answers_for(attempt))
    with pytest.raises(ConflictError) as exc:  # twice: refused, still one certificate
        services.exam_attempt_submit(attempt=attempt, user=student, answers=answers_for(attempt))
    assert exc.value.code == "already_submitted"
    assert (
        services.exam_attempt_close_if_overdue(attempt_id=attempt.pk, now=timezone.now() + dt.timedelta(hours=1))
        is None
    )
    attempt.refresh_from_db()
    certificates = IssuedCertificate.objects.filter(user=student, kind=IssuedCertificate.Kind.EXAM)
    assert certificates.count() == 1
    assert attempt.certificate == certificates.get()
    assert attempt.certificate.course_title == exam.title
    assert callbacks  # the PDF is rendered after commit


def test_a_failed_attempt_earns_no_certificate_and_notifies(exam, student):
    attempt = services.exam_attempt_start(user=student, exam=exam)
    services.exam_attempt_submit(attempt=attempt, user=student, answers=answers_for(attempt, right=5))
    attempt.refresh_from_db()
    assert attempt.percent == 62.5 and not attempt.passed and attempt.certificate is None
    assert student.notifications.filter(title__contains="Your result").exists()


def test_a_course_exam_needs_an_enrolment(student):
    course = PublishedCourseFactory()
    exam = make_exam(course=course)
    with pytest.raises(ConflictError) as exc:
        services.exam_attempt_start(user=student, exam=exam)
    assert exc.value.code == "not_enrolled"
    services.enrollment_create(user=student, course=course)
    assert services.exam_attempt_start(user=student, exam=exam).is_open


def test_a_draft_exam_and_a_too_small_pool_are_refused(student):
    draft = make_exam(status="draft")
    with pytest.raises(ConflictError) as exc:
        services.exam_attempt_start(user=student, exam=draft)
    assert exc.value.code == "not_published"
    small = make_exam(pool=3, per_attempt=8)
    with pytest.raises(ConflictError) as exc:
        services.exam_attempt_start(user=student, exam=small)
    assert exc.value.code == "pool_too_small"
    with pytest.raises(ValidationError):
        services.exam_check_pool(exam=small)


def test_answers_are_checked(exam, student):
    attempt = services.exam_attempt_start(user=student, exam=exam)
    other = str(ExamQuestion.objects.filter(exam=exam).exclude(pk__in=attempt.question_ids).first().pk)
    for bad in ({other: "yes"}, {attempt.question_ids[0]: {"x": 1}}, {attempt.question_ids[0]: "y" * 1001}, ["yes"]):
        with pytest.raises(ValidationError):
            services.exam_answers_save(attempt=attempt, user=student, answers=bad)
    services.exam_answers_save(attempt=attempt, user=student, answers={attempt.question_ids[0]: "ye\x00s"})
    attempt.refresh_from_db()
    assert attempt.answers == {attempt.question_ids[0]: "yes"}
    with pytest.raises(PermissionDenied):
        services.exam_answers_save(attempt=attempt, user=StudentFactory(), answers={})


def test_proctor_events_are_capped_and_refused_after_the_attempt(exam, student, settings):
    from courseworx.core import live_settings  # noqa: PLC0415

    settings.EXAM_PROCTOR_MAX_EVENTS = 10
    live_settings.prime_empty()
    attempt = services.exam_attempt_start(user=student, exam=exam)
    batch = [{"kind": "focus_lost", "occurred_at": f"2020-01-01T00:00:{i:02d}Z"} for i in range(8)]
    assert services.exam_proctor_events_record(attempt=attempt, user=student, events=batch) == {
        "stored": 8,
        "dropped": 0,
    }
    batch = [{"kind": "paste", "detail": "x" * 999} for _ in range(1)] + [
        {"kind": "copy", "occurred_at": f"2030-01-01T00:00:{i:02d}+02:00"} for i in range(5)
    ]
    assert services.exam_proctor_events_record(attempt=attempt, user=student, events=batch) == {
        "stored": 2,
        "dropped": 4,
    }
    assert ExamProctorEvent.objects.filter(attempt=attempt).count() == 10
    event = ExamProctorEvent.objects.get(attempt=attempt, kind="paste")
    assert len(event.detail) == ExamProctorEvent.DETAIL_MAX
    # Client times are clamped into the attempt (the year 2020 and 2030 above).
    assert all(attempt.started_at <= e.occurred_at <= timezone.now() for e in ExamProctorEvent.objects.all())
    attempt.refresh_from_db()
    assert attempt.proctor_events_dropped == 4

    with pytest.raises(ValidationError):
        services.exam_proctor_events_record(attempt=attempt, user=student, events=[{"kind": "hack"}])
    with pytest.raises(PermissionDenied):
        services.exam_proctor_events_record(attempt=attempt, user=StudentFactory(), events=[])
    services.exam_attempt_submit(attempt=attempt, user=student)
    with pytest.raises(ConflictError) as exc:
        services.exam_proctor_events_record(attempt=attempt, user=student, events=[{"kind": "copy"}])
    assert exc.value.code == "attempt_closed"


def test_invalidating_a_passed_attempt_revokes_its_certificate(exam, student, admin_user, make_staff):
    from accounts import roles  # noqa: PLC0415

    attempt = services.exam_attempt_start(user=student, exam=exam)
    services.exam_attempt_submit(attempt=attempt, user=student, answers=answers_for(attempt))
    attempt.refresh_from_db()
    reviewer = make_staff(roles.REVIEWERS)
    with pytest.raises(PermissionDenied):  # reviewers review; revoking a certificate needs that permission
        services.exam_attempt_invalidate(attempt=attempt, actor=reviewer, reason="Tab switching")
    with pytest.raises(PermissionDenied):
        services.exam_attempt_invalidate(attempt=attempt, actor=StudentFactory(), reason="x")
    with pytest.raises(ValidationError):
        services.exam_attempt_invalidate(attempt=attempt, actor=admin_user, reason=" ")
    services.exam_attempt_invalidate(attempt=attempt, actor=admin_user, reason="Answers pasted from elsewhere")
    attempt.refresh_from_db()
    assert not attempt.passed and attempt.is_invalidated
    assert attempt.certificate.status == IssuedCertificate.Status.REVOKED
    assert AuditLog.objects.filter(action="learning.exam_attempt_invalidated").count() == 1
    assert AuditLog.objects.filter(action="learning.certificate_revoked").count() == 1
    with pytest.raises(ConflictError) as exc:
        services.exam_attempt_invalidate(attempt=attempt, actor=admin_user, reason="again")
    assert exc.value.code == "already_invalidated"
