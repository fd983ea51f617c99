"""Mentorship state machine: every transition from the right state only (409 otherwise), the right person only,
the mentee cap (also under concurrency, PostgreSQL), notifications to the other side."""

import datetime as dt
import threading

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, connections, transaction
from django.utils import timezone

from courseworx.core.exceptions import ConflictError
from courseworx.core.models import Notification
from learning import services
from learning.models import Mentorship, MentorshipSession
from tests.factories import InstructorFactory, StudentFactory

pytestmark = pytest.mark.django_db
S = Mentorship.Status


def _future(days=3):
    return timezone.now() + dt.timedelta(days=days)


def test_request_notifies_the_mentor(mentor, student, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        m = services.mentorship_request(student=student, mentor=mentor, message="  Help  ")
    assert (m.status, m.message) == (S.REQUESTED, "Help")
    assert Notification.objects.filter(user=mentor, title__contains="Stella").exists()


def test_request_refusals(mentor, student, requested):
    with pytest.raises(ConflictError) as exc:
        services.mentorship_request(student=student, mentor=mentor, message="again")
    assert exc.value.code == "already_open"
    with pytest.raises(ValidationError):
        services.mentorship_request(student=StudentFactory(), mentor=mentor, message="   ")
    with pytest.raises(ValidationError):
        services.mentorship_request(student=mentor, mentor=mentor, message="me")
    closed = InstructorFactory()
    with pytest.raises(ConflictError) as exc:
        services.mentorship_request(student=student, mentor=closed, message="hi")
    assert exc.value.code == "not_accepting"
    services.mentor_profile_save(mentor=mentor, accepting_mentees=False, max_active_mentees=2)
    with pytest.raises(ConflictError):
        services.mentorship_request(student=StudentFactory(), mentor=mentor, message="hi")


def test_only_instructors_mentor(student):
    with pytest.raises(PermissionDenied):
        services.mentor_profile_save(mentor=student, accepting_mentees=True, max_active_mentees=1)


def test_accept_then_wrong_states_are_409(requested, mentor, student, django_capture_on_commit_callbacks):
    with pytest.raises(PermissionDenied):
        services.mentorship_accept(mentorship=requested, actor=student)
    with django_capture_on_commit_callbacks(execute=True):
        m = services.mentorship_accept(mentorship=requested, actor=mentor, message="Yes")
    assert (m.status, m.response_message) == (S.ACCEPTED, "Yes") and m.started_at and m.responded_at
    assert Notification.objects.filter(user=student, title__contains="accepted").exists()
    for fn in (services.mentorship_accept, services.mentorship_decline):
        with pytest.raises(ConflictError) as exc:
            fn(mentorship=m, actor=mentor)
        assert exc.value.code == "not_requested"
    with pytest.raises(ConflictError):
        services.mentorship_cancel(mentorship=m, actor=student)


def test_decline_and_cancel(mentor, student):
    m = services.mentorship_request(student=student, mentor=mentor, message="a")
    m = services.mentorship_decline(mentorship=m, actor=mentor, message="Too busy")
    assert m.status == S.DECLINED
    # declined is closed: a new request is allowed (the unique constraint covers open ones only)
    m2 = services.mentorship_request(student=student, mentor=mentor, message="b")
    m2 = services.mentorship_cancel(mentorship=m2, actor=student, reason="Found another mentor")
    assert (m2.status, m2.ended_by) == (S.CANCELLED, student)
    with pytest.raises(ConflictError):
        services.mentorship_end(mentorship=m2, actor=student, reason="x")


def test_outsiders_cannot_act(requested, accepted):
    other_student, other_instructor = StudentFactory(), InstructorFactory()
    for actor in (other_student, other_instructor):
        with pytest.raises(PermissionDenied):
            services.mentorship_end(mentorship=accepted, actor=actor, reason="x")
        with pytest.raises(PermissionDenied):
            services.mentorship_session_create(mentorship=accepted, actor=actor, scheduled_at=_future())


def test_end_needs_a_reason_and_cancels_planned_sessions(accepted, mentor, student):
    session = services.mentorship_session_create(mentorship=accepted, actor=mentor, scheduled_at=_future())
    with pytest.raises(ValidationError):
        services.mentorship_end(mentorship=accepted, actor=student, reason="  ")
    m = services.mentorship_end(mentorship=accepted, actor=student, reason="Got the job")
    assert (m.status, m.end_reason, m.ended_by) == (S.ENDED, "Got the job", student)
    session.refresh_from_db()
    assert session.status == MentorshipSession.Status.CANCELLED
    with pytest.raises(ConflictError) as exc:
        services.mentorship_end(mentorship=m, actor=mentor, reason="again")
    assert exc.value.code == "not_active"
    with pytest.raises(ConflictError):
        services.mentorship_session_create(mentorship=m, actor=mentor, scheduled_at=_future())


def test_sessions(accepted, mentor, student):
    with pytest.raises(PermissionDenied):
        services.mentorship_session_create(mentorship=accepted, actor=student, scheduled_at=_future())
    with pytest.raises(ValidationError):
        services.mentorship_session_create(mentorship=accepted, actor=mentor, scheduled_at=_future(-1))
    with pytest.raises(ValidationError) as exc:
        services.mentorship_session_create(
            mentorship=accepted, actor=mentor, scheduled_at=_future(), link="javascript:alert(1)"
        )
    assert "link" in exc.value.message_dict
    with pytest.raises(ValidationError):
        services.mentorship_session_create(
            mentorship=accepted, actor=mentor, scheduled_at=_future(), link="ftp://x.org/"
        )
    s = services.mentorship_session_create(
        mentorship=accepted, actor=mentor, scheduled_at=_future(), link="https://meet.example.com/a", agenda="Goals"
    )
    with pytest.raises(ConflictError) as exc:
        services.mentorship_session_mark_held(session=s, actor=mentor)
    assert exc.value.code == "not_started"
    MentorshipSession.objects.filter(pk=s.pk).update(scheduled_at=timezone.now() - dt.timedelta(hours=1))
    s.refresh_from_db()
    s = services.mentorship_session_mark_held(session=s, actor=mentor)
    assert s.status == MentorshipSession.Status.HELD
    # notes may still be written; the time may not change any more
    s = services.mentorship_session_update(session=s, actor=mentor, shared_notes="Plan", private_notes="Shy")
    assert (s.shared_notes, s.private_notes) == ("Plan", "Shy")
    with pytest.raises(ConflictError) as exc:
        services.mentorship_session_update(session=s, actor=mentor, scheduled_at=_future())
    assert exc.value.code == "not_planned"
    with pytest.raises(ConflictError):
        services.mentorship_session_cancel(session=s, actor=mentor)


def test_mentee_cap(mentor):
    students = [StudentFactory() for _ in range(3)]
    requests = [services.mentorship_request(student=s, mentor=mentor, message="hi") for s in students]
    services.mentorship_accept(mentorship=requests[0], actor=mentor)
    services.mentorship_accept(mentorship=requests[1], actor=mentor)
    with pytest.raises(ConflictError) as exc:
        services.mentorship_accept(mentorship=requests[2], actor=mentor)
    assert exc.value.code == "mentee_limit"
    assert Mentorship.objects.get(pk=requests[2].pk).status == S.REQUESTED


def test_one_open_mentorship_per_pair_is_a_constraint(requested, mentor, student):
    with pytest.raises(IntegrityError), transaction.atomic():
        Mentorship.objects.create(student=student, mentor=mentor, message="dup", requested_at=timezone.now())


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_mentee_cap_holds_under_concurrent_accepts():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite serialises writers, so it cannot show a race (set DATABASE_URL)")
    mentor = InstructorFactory()
    services.mentor_profile_save(mentor=mentor, accepting_mentees=True, max_active_mentees=2)
    requests = [services.mentorship_request(student=StudentFactory(), mentor=mentor, message="hi") for _ in range(8)]
    barrier = threading.Barrier(len(requests))
    outcomes: list[str] = []
    lock = threading.Lock()

    def accept(mentorship):
        try:
            barrier.wait()
            services.mentorship_accept(mentorship=Mentorship.objects.get(pk=mentorship.pk), actor=mentor)
            result = "accepted"
        except ConflictError as exc:
            result = exc.code
        except Exception as exc:  # noqa: BLE001 - surfaces in the assertion below
            result = f"error: {exc!r}"
        finally:
            connections.close_all()
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=accept, args=(m,)) for m in requests]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert outcomes.count("accepted") == 2, outcomes
    assert outcomes.count("mentee_limit") == 6, outcomes
    assert Mentorship.objects.filter(mentor=mentor, status=S.ACCEPTED).count() == 2


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_requests_make_one_open_mentorship():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite serialises writers, so it cannot show a race (set DATABASE_URL)")
    mentor, student = InstructorFactory(), StudentFactory()
    services.mentor_profile_save(mentor=mentor, accepting_mentees=True, max_active_mentees=2)
    barrier = threading.Barrier(4)
    outcomes: list[str] = []
    lock = threading.Lock()

    def ask():
        try:
            barrier.wait()
            services.mentorship_request(student=student, mentor=mentor, message="hi")
            result = "ok"
        except ConflictError as exc:
            result = exc.code
        except Exception as exc:  # noqa: BLE001
            result = f"error: {exc!r}"
        finally:
            connections.close_all()
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=ask) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert sorted(outcomes) == ["already_open"] * 3 + ["ok"], outcomes
