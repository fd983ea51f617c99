"""The query-count rule (tests/querycount.py) for the list API routes no feature test measures.

tests/querycount_coverage.py fails a run of the whole suite when a list route is never measured at two
sizes; the lists whose own tests do not measure them are measured here, one parametrized test each: a
`Filler` brings the list to n rows (adding only what is missing, so the same world grows from SMALL to
LARGE), the route is fetched as the user who sees those rows, and the test checks that the n rows are in
the answer and that the query count is the same at both sizes.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models_resumes import Resume, ResumeEntry
from billing.models import (
    ContentLicensing,
    Currency,
    EarningEntry,
    EmployerPartner,
    ExchangeRate,
    Payment,
    RefundRequest,
    Subscription,
)
from community.models import Survey, SurveyQuestion
from courses.models import Course
from courseworx.core.models import AuditLog, WebhookDelivery, WebhookEndpoint, WebhookEvent, WebhookLog
from learning.models import (
    Attendance,
    MentorProfile,
    Mentorship,
    MentorshipSession,
    PointsEntry,
)
from reports.models import AccessibilityReport, DataExportRequest
from tests.billing.factories import BundleFactory, PlanFactory
from tests.courses.factories import (
    CategoryFactory,
    ContentFactory,
    CourseFactory,
    PublishedCourseFactory,
    TagFactory,
)
from tests.factories import AdminFactory, FinanceFactory, InstructorFactory, ReviewerFactory, StudentFactory
from tests.learning.factories import (
    ClassSessionFactory,
    EnrollmentFactory,
)
from tests.querycount import assert_same_queries_at_two_sizes, count_queries
from tests.querycount_coverage import list_api_view_names

_seq = itertools.count()


@dataclass
class World:
    """The users and the course the lists are about, made once per test."""

    student: object = None
    instructor: object = None
    course: object = None
    made: int = 0
    extra: dict = field(default_factory=dict)

    @classmethod
    def build(cls) -> World:
        instructor = InstructorFactory()
        course = PublishedCourseFactory(instructor=instructor)
        return cls(student=StudentFactory(), instructor=instructor, course=course)


@dataclass
class Filler:
    """`user(w)` fetches `url(w)`; `make(w, i)` adds the i-th row of the list; `rows(json)` counts them."""

    make: Callable[[World, int], object]
    user: Callable[[World], object] = lambda w: w.student
    url: Callable[[World], str] | None = None
    setup: Callable[[World], None] | None = None
    rows: Callable[[object], int] | None = None
    page: bool = False  # a site page (signed in with a session; rows = its `page` object's rows)


def _now(i: int = 0) -> dt.datetime:
    return timezone.now() - dt.timedelta(minutes=i)


# --- learning -------------------------------------------------------------------------------------------
def _points(w, i):
    PointsEntry.objects.create(user=w.student, amount=5, reason="adjustment", source_key=f"lqc:{i}",
                               created_at=_now(i))  # fmt: skip


def _session_attendance(w, i):
    if "session" not in w.extra:
        w.extra["session"] = ClassSessionFactory(course=w.course)
    trainee = StudentFactory()
    EnrollmentFactory(user=trainee, course=w.course)
    Attendance.objects.create(course=w.course, user=trainee, date=timezone.now().date(), status="present",
                              session=w.extra["session"], recorded_by=w.instructor)  # fmt: skip


def _mentor(w, i):
    MentorProfile.objects.create(mentor=InstructorFactory(), max_active_mentees=5, topics="Python",
                                 accepting_mentees=True)  # fmt: skip


# --- billing --------------------------------------------------------------------------------------------
def _payment(w, i, user=None):
    course = PublishedCourseFactory(instructor=w.instructor, price=Decimal("49.00"))
    payment = Payment.objects.create(user=user or w.student, kind="course", course=course, description="Course",
                                     status="succeeded", subtotal=Decimal("49.00"), amount=Decimal("49.00"),
                                     amount_base=Decimal("49.00"), idempotency_key=f"lqc-{next(_seq)}",
                                     succeeded_at=_now(i))  # fmt: skip
    EarningEntry.objects.create(instructor=w.instructor, course=course, payment=payment, kind="sale",
                                gross=Decimal("49.00"), share_percent=Decimal("70.00"), amount=Decimal("34.30"),
                                amount_base=Decimal("34.30"))  # fmt: skip
    return payment


def _refund_request(w, i):
    RefundRequest.objects.create(payment=_payment(w, i), user=w.student, reason=f"Reason {i}")


def _subscription(w, i):
    Subscription.objects.create(user=w.student, plan=PlanFactory(), status="active", current_period_start=_now(i),
                                current_period_end=timezone.now() + dt.timedelta(days=30))  # fmt: skip


def _bundle(w, i):
    BundleFactory(courses=[PublishedCourseFactory(instructor=w.instructor), PublishedCourseFactory()])


def _licence(w, i):
    if "partner" not in w.extra:
        w.extra["partner"] = EmployerPartner.objects.create(name="Acme", contact_email="hr@acme.test")
        w.extra["partner"].managers.add(w.student)
    course = PublishedCourseFactory(instructor=w.instructor)
    ContentLicensing.objects.create(course=course, kind="employer", partner=w.extra["partner"], seats=3,
                                    revenue_share_percent=Decimal("0"), starts_on=timezone.now().date(),
                                    ends_on=timezone.now().date() + dt.timedelta(days=365))  # fmt: skip


def _payout_instructor(w, i):
    teacher = InstructorFactory()
    _payment(World(student=StudentFactory(), instructor=teacher), i)


def _currency(w, i):
    code = "".join(chr(ord("A") + (next(_seq) // 26**k) % 26) for k in range(3))
    currency = Currency.objects.create(code=f"{code}", name=f"Currency {code}", decimals=2, active=True)
    ExchangeRate.objects.create(currency=currency, rate=Decimal("1.5"), valid_from=_now(60))


# --- community, core, accounts, reports ------------------------------------------------------------------
def _survey_question(w, i):
    SurveyQuestion.objects.create(survey=w.extra["survey"], text=f"Question {i}", kind="rating", order=i)


def _survey(w):
    w.extra["survey"] = Survey.objects.create(title="Feedback", course=w.course, created_by=w.instructor)


def _endpoint(w):
    w.extra["endpoint"] = WebhookEndpoint.objects.create(owner=w.instructor, url="https://a.example.com/",
                                                         event_types=["course.published"])  # fmt: skip


def _delivery(w, i):
    event = WebhookEvent.objects.create(event_type="course.published", payload={"i": i})
    return WebhookDelivery.objects.create(event=event, endpoint=w.extra["endpoint"], status="failed", attempts=1)


def _webhook_log(w, i):
    endpoint = w.extra["endpoint"]
    WebhookLog.objects.create(delivery=_delivery(w, i), endpoint=endpoint, attempt=1, url=endpoint.url,
                              status_code=500)  # fmt: skip


def _audit(w, i):
    AuditLog.objects.create(action=f"test.list_{i}", target_repr=f"row {i}")


def _data_request(w, i):
    DataExportRequest.objects.create(user=w.student, kind="export", status="done")


def _resume_entry(w, i):
    resume, _ = Resume.objects.get_or_create(user=w.student)
    ResumeEntry.objects.create(resume=resume, kind="skill", title=f"Skill {i}")


def _mentorship(w):
    MentorProfile.objects.create(mentor=w.instructor, max_active_mentees=5, topics="Python", accepting_mentees=True)
    w.extra["mentorship"] = Mentorship.objects.create(student=w.student, mentor=w.instructor, message="Hi",
                                                      status="active", requested_at=_now(60))  # fmt: skip


def _mentorship_session(w, i):
    MentorshipSession.objects.create(mentorship=w.extra["mentorship"], scheduled_at=_now(-60 * (i + 1)),
                                     duration_minutes=30)  # fmt: skip


def _review_queue(w, i):
    CourseFactory(instructor=w.instructor, status=Course.Status.IN_REVIEW)


FILLERS: dict[str, Filler] = {
    "api:learning-class-session-attendance": Filler(
        user=lambda w: w.instructor,
        make=_session_attendance,
        url=lambda w: reverse("api:learning-class-session-attendance", args=[w.extra["session"].pk]),
        setup=lambda w: w.extra.setdefault("session", ClassSessionFactory(course=w.course)),
    ),  # fmt: skip
    "api:learning-mentors": Filler(make=_mentor),
    # --- courses ---
    "api:course-list": Filler(user=lambda w: None, make=lambda w, i: PublishedCourseFactory(instructor=w.instructor)),
    "api:category-list": Filler(
        user=lambda w: None,
        make=lambda w, i: PublishedCourseFactory(instructor=w.instructor, category=CategoryFactory()),
    ),  # fmt: skip
    "api:tag-list": Filler(user=lambda w: None, make=lambda w, i: w.course.tags.add(TagFactory())),
    "api:instructor-course-list": Filler(
        user=lambda w: w.instructor, make=lambda w, i: PublishedCourseFactory(instructor=w.instructor)
    ),  # fmt: skip
    # --- billing ---
    "api:billing-payment-list": Filler(make=_payment),
    "api:billing-refund-request-list": Filler(make=_refund_request),
    "api:billing-subscription-list": Filler(make=_subscription),
    "api:billing-bundle-list": Filler(user=lambda w: None, make=_bundle),
    "api:billing-employer-licence-list": Filler(make=_licence),
    "api:billing-finance-payment-list": Filler(
        user=lambda w: w.extra.setdefault("finance", FinanceFactory()),
        make=lambda w, i: _payment(w, i, user=StudentFactory()),
    ),  # fmt: skip
    "api:billing-finance-refund-request-list": Filler(
        user=lambda w: w.extra.setdefault("finance", FinanceFactory()), make=_refund_request
    ),  # fmt: skip
    "api:billing-finance-payouts": Filler(
        user=lambda w: w.extra.setdefault("finance", FinanceFactory()), make=_payout_instructor
    ),  # fmt: skip
    "api:billing-currency-list": Filler(user=lambda w: None, make=_currency),
    "api:billing-exchange-rate-list": Filler(user=lambda w: None, make=_currency),
    # --- community, core, accounts, reports ---
    "api:community-survey-results": Filler(
        user=lambda w: w.instructor,
        make=_survey_question,
        setup=_survey,
        url=lambda w: reverse("api:community-survey-results", args=[w.extra["survey"].pk]),
    ),  # fmt: skip
    "api:core-webhook-endpoints": Filler(user=lambda w: w.instructor, make=lambda w, i: _endpoint(w)),
    "api:core-webhook-deliveries": Filler(
        user=lambda w: w.instructor,
        make=_delivery,
        setup=_endpoint,
        url=lambda w: reverse("api:core-webhook-deliveries", args=[w.extra["endpoint"].pk]),
    ),  # fmt: skip
    "api:core-webhook-logs": Filler(
        user=lambda w: w.instructor,
        make=_webhook_log,
        setup=_endpoint,
        url=lambda w: reverse("api:core-webhook-logs", args=[w.extra["endpoint"].pk]),
    ),  # fmt: skip
    "api:audit-log": Filler(user=lambda w: w.extra.setdefault("admin", _admin()), make=_audit),
    "api:data-request-list": Filler(make=_data_request),
    "api:me-resume-entries": Filler(make=_resume_entry),
    "api:learning-mentorship-sessions": Filler(
        make=_mentorship_session,
        setup=_mentorship,
        url=lambda w: reverse("api:learning-mentorship-sessions", args=[w.extra["mentorship"].pk]),
    ),  # fmt: skip
    "api:review-course-list": Filler(
        user=lambda w: w.extra.setdefault("reviewer", ReviewerFactory()), make=_review_queue
    ),  # fmt: skip
}


def _a11y_issue(w, i):
    content = ContentFactory(course=w.course)
    AccessibilityReport.objects.create(content=content, course=w.course, source="manual", issue="other")


# Site pages that no feature test measures at two sizes.
FILLERS.update({
    "learning:points": Filler(make=_points, page=True),
    "reports:accessibility": Filler(user=lambda w: w.instructor, make=_a11y_issue, page=True),
})  # fmt: skip


def _admin():
    return AdminFactory()


def _rows(body) -> int:
    if isinstance(body, list):
        return len(body)
    for key in ("results", "entries", "items"):
        if isinstance(body, dict) and isinstance(body.get(key), list):
            return len(body[key])
    raise AssertionError(f"not a list answer: {str(body)[:200]}")


@pytest.mark.parametrize("name", sorted(FILLERS))
def test_list_route_costs_the_same_queries_at_two_sizes(db, name):
    filler = FILLERS[name]
    world = World.build()
    if filler.setup:
        filler.setup(world)
    user = filler.user(world)
    if filler.page:
        client = Client()
        client.force_login(user)
    else:
        client = APIClient()
        if user is not None:
            client.force_authenticate(user)
    url = filler.url(world) if filler.url else reverse(name)
    count = filler.rows or (
        (lambda response: len(response.context["page"].object_list)) if filler.page
        else (lambda response: _rows(response.json()))
    )  # fmt: skip
    first = client.get(url)
    assert first.status_code == 200, first.content[:300]
    base = count(first)

    def load(n):
        while world.made < n:
            filler.make(world, world.made)
            world.made += 1
        response, queries = count_queries(lambda: client.get(url))
        assert response.status_code == 200, response.content[:300]
        assert count(response) == base + n  # the list measured did grow
        return queries

    assert_same_queries_at_two_sizes(load)


def test_every_filler_names_a_list_route():
    unknown = {name for name, filler in FILLERS.items() if not filler.page} - set(list_api_view_names())
    assert not unknown, f"fillers for routes that are not list routes: {sorted(unknown)}"
