"""A small world whose report figures are computed by hand in the tests (March 2026, UTC).

Courses: Alpha and Beta owned by instructor one (Ivan); Gamma owned by instructor two (Irene), who also
co-authors Beta.  Students s1..s4.  See each test for the expected figures.
"""

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

import pytest

from billing.models import ContentLicensing, EarningEntry, EmployerPartner, Payment, RefundRequest
from community.models import SupportTicket
from learning.models import Attendance, IssuedCertificate, LearningStreak, LessonCompletion, QuizAttempt
from reports.models import ActivityLog
from tests.courses.factories import CollaboratorFactory, ContentFactory, PublishedCourseFactory, QuizContentFactory
from tests.factories import InstructorFactory, StudentFactory
from tests.learning.factories import EnrollmentFactory

UTC = dt.UTC
MARCH = {"date_from": "2026-03-01", "date_to": "2026-03-31"}


def at(month: int, day: int, hour: int = 12) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, tzinfo=UTC)


def _enrol(user, course, enrolled, status="enrolled", completed=None, progress=0, dropped=None):
    return EnrollmentFactory(
        user=user,
        course=course,
        enrolled_at=enrolled,
        status=status,
        completed_at=completed,
        dropped_at=dropped,
        progress_percent=Decimal(progress),
    )


def _certificate(enrollment, issued, status="valid"):
    return IssuedCertificate.objects.create(
        enrollment=enrollment,
        user=enrollment.user,
        course=enrollment.course,
        code=f"code-{enrollment.pk.hex[:10]}",
        holder_name=enrollment.user.get_full_name(),
        course_title=enrollment.course.title,
        issued_at=issued,
        status=status,
        revoked_at=issued if status == "revoked" else None,
        revoked_reason="Plagiarism" if status == "revoked" else "",
    )


def _completion(user, content, *, seconds, completed_at=None, updated):
    row = LessonCompletion.objects.create(
        user=user,
        content=content,
        course=content.course,
        completed=completed_at is not None,
        completed_at=completed_at,
        time_spent_seconds=seconds,
    )
    LessonCompletion.objects.filter(pk=row.pk).update(updated_at=updated)
    return row


def _attempt(user, quiz, number, percent, submitted, status="submitted"):
    return QuizAttempt.objects.create(
        user=user,
        content=quiz,
        course=quiz.course,
        number=number,
        status=status,
        started_at=submitted - dt.timedelta(minutes=10),
        submitted_at=submitted,
        percent=Decimal(percent) if percent is not None else None,
    )


def _event(user, event, when, course=None, content=None):
    return ActivityLog.objects.create(user=user, event=event, course=course, content=content, created_at=when)


@pytest.fixture
def world(db):
    ivan = InstructorFactory(first_name="Ivan", last_name="One")
    irene = InstructorFactory(first_name="Irene", last_name="Two")
    alpha = PublishedCourseFactory(instructor=ivan, title="Alpha")
    beta = PublishedCourseFactory(instructor=ivan, title="Beta")
    gamma = PublishedCourseFactory(instructor=irene, title="Gamma")
    CollaboratorFactory(course=beta, user=irene)
    s1, s2, s3, s4 = (StudentFactory(first_name=f"Stu{i}", last_name="Dent") for i in range(1, 5))
    a1 = ContentFactory(course=alpha, title="A1")
    b1 = ContentFactory(course=beta, title="B1")
    quiz = QuizContentFactory(course=alpha, title="A quiz")

    # Enrolments (cohort = enrolled in March).
    e_s1_a = _enrol(s1, alpha, at(3, 2), "completed", at(3, 12), 100)  # 10 days
    _enrol(s2, alpha, at(3, 5), "dropped", dropped=at(3, 8), progress=20)
    _enrol(s3, alpha, at(3, 10), "enrolled", progress=50)
    _enrol(s4, alpha, at(2, 15), "completed", at(3, 5), 100)  # enrolled in February: not in the cohort
    e_s1_b = _enrol(s1, beta, at(3, 3), "completed", at(3, 23), 100)  # 20 days
    _enrol(s2, beta, at(3, 20), "enrolled", progress=0)
    e_s3_c = _enrol(s3, gamma, at(3, 1), "completed", at(3, 4), 100)  # 3 days
    _certificate(e_s1_a, at(3, 12))
    _certificate(e_s1_b, at(3, 23), status="revoked")
    _certificate(e_s3_c, at(3, 4))

    # Lesson records.
    _completion(s1, a1, seconds=600, completed_at=at(3, 3), updated=at(3, 3))
    _completion(s3, a1, seconds=1200, completed_at=at(3, 11), updated=at(3, 11))
    _completion(s4, a1, seconds=1800, completed_at=at(2, 20), updated=at(2, 20))
    _completion(s1, b1, seconds=3600, completed_at=at(3, 10), updated=at(3, 10))

    # Quiz attempts.
    _attempt(s1, quiz, 1, 80, at(3, 4))
    _attempt(s1, quiz, 2, 90, at(3, 6))
    _attempt(s2, quiz, 1, 40, at(3, 6))
    _attempt(s3, quiz, 1, None, at(3, 12), status="pending_review")

    LearningStreak.objects.create(user=s1, current_days=5, longest_days=9)

    # Activity.
    E = ActivityLog.Event
    _event(s1, E.LOGIN, at(3, 2, 9))
    _event(s1, E.LESSON_VIEW, at(3, 2), alpha, a1)
    _event(s1, E.LESSON_VIEW, at(3, 3, 10), alpha, a1)
    _event(s1, E.LESSON_VIEW, at(3, 3, 11), alpha, a1)
    _event(s2, E.LOGIN, at(3, 3, 8))
    _event(s2, E.QUIZ_SUBMIT, at(3, 6), alpha, quiz)
    _event(s3, E.LESSON_VIEW, at(3, 10), alpha, a1)
    _event(s2, E.LESSON_COMPLETE, at(3, 21), beta, b1)
    _event(s3, E.PURCHASE, at(3, 21, 15), gamma)
    _event(s4, E.LESSON_VIEW, at(2, 20), alpha, a1)

    # Attendance.
    P, L, A, X = (
        Attendance.Status.PRESENT,
        Attendance.Status.LATE,
        Attendance.Status.ABSENT,
        Attendance.Status.EXCUSED,
    )
    for user, day, status in [
        (s1, 2, P), (s2, 2, L), (s3, 2, A), (s1, 9, P), (s2, 9, X), (s3, 9, P),
    ]:  # fmt: skip
        Attendance.objects.create(course=alpha, user=user, date=dt.date(2026, 3, day), status=status)
    Attendance.objects.create(course=alpha, user=s1, date=dt.date(2026, 2, 28), status=A)
    Attendance.objects.create(course=gamma, user=s3, date=dt.date(2026, 3, 5), status=A)

    return SimpleNamespace(
        ivan=ivan, irene=irene, alpha=alpha, beta=beta, gamma=gamma, s1=s1, s2=s2, s3=s3, s4=s4, a1=a1, b1=b1,
        quiz=quiz,
    )  # fmt: skip


def _ticket(n, requester, category, status, created, first=None, resolved=None, satisfaction=None, course=None):
    ticket = SupportTicket.objects.create(
        number=9000 + n,
        requester=requester,
        subject=f"Ticket {n}",
        category=category,
        status=status,
        course=course,
        first_response_at=first,
        resolved_at=resolved,
        closed_at=resolved if status == "closed" else None,
        last_activity_at=created,
        satisfaction=satisfaction,
    )
    SupportTicket.objects.filter(pk=ticket.pk).update(created_at=created)
    return ticket


def _payment(n, user, course, amount, currency="USD", status="succeeded", rate="1"):
    """`rate`: base-currency (USD) units per unit of `currency` on the payment's day."""
    return Payment.objects.create(
        exchange_rate=Decimal(rate),
        amount_base=(Decimal(amount) * Decimal(rate)).quantize(Decimal("0.01")),
        user=user,
        kind="course",
        course=course,
        description=f"Payment {n}",
        status=status,
        currency=currency,
        subtotal=Decimal(amount),
        amount=Decimal(amount),
        idempotency_key=f"reports-test-{n}",
    )


def _earning(payment, course, kind, gross, share, when, refund=None):
    entry = EarningEntry.objects.create(
        instructor=course.instructor,
        course=course,
        payment=payment,
        refund_request=refund,
        kind=kind,
        gross=Decimal(gross),
        share_percent=Decimal(share),
        amount=Decimal(gross) * Decimal(share) / 100,
        amount_base=(Decimal(gross) * Decimal(share) / 100 * payment.exchange_rate).quantize(Decimal("0.01")),
        currency=payment.currency,
    )
    EarningEntry.objects.filter(pk=entry.pk).update(created_at=when)
    return entry


@pytest.fixture
def money_world(world):
    """Support tickets and billing rows on top of `world` (see test_money_reports.py for the sums)."""

    w = world
    _ticket(1, w.s1, "technical", "resolved", at(3, 2, 10), at(3, 2, 12), at(3, 3, 10), 5, course=w.alpha)
    _ticket(2, w.s2, "technical", "open", at(3, 5, 10), at(3, 5, 14))
    _ticket(3, w.s3, "billing", "closed", at(3, 10, 8), at(3, 10, 9), at(3, 11, 8), 3)
    _ticket(4, w.s4, "billing", "pending", at(2, 25, 8))

    p0 = _payment(0, w.s4, w.alpha, "80.00")
    p1 = _payment(1, w.s1, w.alpha, "100.00", status="refunded")
    p2 = _payment(2, w.s1, w.beta, "50.00")
    p3 = _payment(3, w.s3, w.gamma, "200.00")
    p4 = _payment(4, w.s2, w.gamma, "90.00", currency="EUR", rate="1.10")
    _earning(p0, w.alpha, "sale", "80.00", 70, at(2, 20))
    _earning(p1, w.alpha, "sale", "100.00", 70, at(3, 3))
    _earning(p2, w.beta, "sale", "50.00", 70, at(3, 4))
    refund = RefundRequest.objects.create(
        payment=p1, user=w.s1, reason="Not for me", status="refunded", amount_refunded=Decimal("100.00")
    )
    _earning(p1, w.alpha, "refund", "-100.00", 70, at(3, 10), refund=refund)
    _earning(p3, w.gamma, "sale", "200.00", 70, at(3, 15))
    _earning(p4, w.gamma, "sale", "90.00", 70, at(3, 16))
    partner = EmployerPartner.objects.create(name="Acme")
    ContentLicensing.objects.create(
        course=w.alpha, kind="employer", partner=partner, seats=10, starts_on=dt.date(2026, 3, 1),
        ends_on=dt.date(2026, 6, 30), fee=Decimal("1000.00"),
    )  # fmt: skip
    ContentLicensing.objects.create(
        course=w.gamma, kind="employer", partner=partner, seats=5, starts_on=dt.date(2025, 1, 1),
        ends_on=dt.date(2025, 12, 31), fee=Decimal("500.00"),
    )  # fmt: skip
    return w
