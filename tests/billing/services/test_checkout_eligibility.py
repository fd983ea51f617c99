"""Issue 12, defect 5: checkout refuses, before any payment, a buyer who could not enrol (prerequisites
missing, course full, course ended, already enrolled) with learning's own rules and codes; the course page
shows the reason on a disabled button."""

import datetime as dt
import uuid
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from billing.models import Payment, RefundRequest
from billing.providers.sandbox import SandboxProvider
from courses.models import Course
from learning.models import Enrollment
from tests.billing.conftest import make_course, pay, start_checkout
from tests.billing.factories import BundleFactory
from tests.factories import StudentFactory
from tests.learning.factories import EnrollmentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def provider_calls(monkeypatch):
    """Every create_checkout call the payment provider receives (still answering as the sandbox does)."""
    calls = []
    original = SandboxProvider.create_checkout

    def record(self, payment):
        calls.append(payment.pk)
        return original(self, payment)

    monkeypatch.setattr(SandboxProvider, "create_checkout", record)
    return calls


def _prerequisites_missing(buyer):
    basics = make_course(title="Python Basics")
    return make_course(title="Advanced Python", prerequisites=[basics]), "prerequisites", "Python Basics"


def _full(buyer):
    course = make_course(title="Tiny Seminar")
    Course.objects.filter(pk=course.pk).update(max_students=1)
    EnrollmentFactory(user=StudentFactory(), course=course)
    course.refresh_from_db()
    return course, "course_full", "This course is full"


def _ended(buyer):
    today = timezone.localdate()
    course = make_course(
        title="Last Spring", start_date=today - dt.timedelta(days=60), end_date=today - dt.timedelta(days=1)
    )
    return course, "course_ended", "This course has ended"


def _already_enrolled(buyer):
    course = make_course(title="Owned")
    EnrollmentFactory(user=buyer, course=course)
    return course, "already_enrolled", "You already have access"


CASES = {
    "prerequisites": _prerequisites_missing,
    "full": _full,
    "ended": _ended,
    "already_enrolled": _already_enrolled,
}


@pytest.mark.parametrize("case", CASES)
def test_service_refuses_before_any_payment(buyer, provider_calls, case):
    course, code, text = CASES[case](buyer)
    with pytest.raises(ValidationError) as exc:
        start_checkout(buyer, course)
    assert exc.value.code == code and text in exc.value.messages[0]
    assert not Payment.objects.exists() and provider_calls == []
    assert not RefundRequest.objects.exists()


@pytest.mark.parametrize("case", CASES)
def test_api_answers_409_with_the_code(client, buyer, provider_calls, case):
    course, code, text = CASES[case](buyer)
    client.force_login(buyer)
    response = client.post(
        reverse("api:billing-checkout"),
        {"kind": "course", "product": course.slug, "idempotency_key": uuid.uuid4().hex},
        content_type="application/json",
    )
    assert response.status_code == 409, response.content
    error = response.json()["error"]
    assert error["code"] == code and text in error["message"]
    assert not Payment.objects.exists() and provider_calls == []


@pytest.mark.parametrize("case", CASES)
def test_checkout_page_shows_the_reason_and_refuses_to_pay(client, buyer, provider_calls, case):
    course, _code, text = CASES[case](buyer)
    client.force_login(buyer)
    url = reverse("billing:checkout", args=["course", course.slug])
    page = client.get(url)
    html = page.content.decode()
    assert page.status_code == 200 and text in html
    assert 'disabled aria-disabled="true"><i class="bi bi-lock-fill' in html  # "Continue to payment" is off
    posted = client.post(url, {"idempotency_key": uuid.uuid4().hex})
    assert posted.status_code == 200 and text in posted.content.decode()
    assert not Payment.objects.exists() and provider_calls == []


@pytest.mark.parametrize("case", ["prerequisites", "full", "ended"])
def test_course_page_disables_the_buy_button_with_the_reason(client, buyer, case):
    course, code, text = CASES[case](buyer)
    client.force_login(buyer)
    html = client.get(reverse("courses:detail", args=[course.slug])).content.decode()
    assert f'data-code="{code}"' in html and text in html
    assert reverse("billing:checkout", args=["course", course.slug]) not in html  # no Buy link


def test_visitors_see_full_and_ended_courses_closed(client):
    course, code, _ = _full(None)
    html = client.get(reverse("courses:detail", args=[course.slug])).content.decode()
    assert f'data-code="{code}"' in html and "Course full" in html
    # Prerequisites depend on who asks: a visitor is asked to log in to buy.
    course, _, _ = _prerequisites_missing(None)
    html = client.get(reverse("courses:detail", args=[course.slug])).content.decode()
    assert "data-code=" not in html and "Buy for" in html


def test_free_course_page_shows_the_reason_too(client, buyer):
    basics = make_course(title="Intro", price="0")
    course = make_course(title="Next step", price="0", prerequisites=[basics])
    client.force_login(buyer)
    html = client.get(reverse("courses:detail", args=[course.slug])).content.decode()
    assert 'data-code="prerequisites"' in html and "Intro" in html and "Enrol for free" not in html


def test_happy_path_still_pays_and_enrols(client, buyer, provider_calls):
    basics = make_course(title="Python Basics")
    course = make_course(title="Advanced Python", prerequisites=[basics])
    EnrollmentFactory(user=buyer, course=basics, status="completed", completed_at=timezone.now())
    Course.objects.filter(pk=course.pk).update(max_students=1)
    client.force_login(buyer)
    html = client.get(reverse("courses:detail", args=[course.slug])).content.decode()
    assert "Buy for" in html and "data-code=" not in html
    payment = start_checkout(buyer, course)
    assert payment.status == "pending" and provider_calls == [payment.pk]
    pay(client, payment)
    assert Enrollment.objects.get(user=buyer, course=course).source == "purchase"
    assert not RefundRequest.objects.exists()


def test_a_bundle_is_refused_when_one_of_its_courses_refuses_the_buyer(client, buyer, provider_calls):
    fine = make_course(title="Open Course")
    full, _, _ = _full(buyer)
    bundle = BundleFactory(price=Decimal("45.00"), courses=[fine, full])
    with pytest.raises(ValidationError) as exc:
        start_checkout(buyer, bundle)
    assert exc.value.code == "course_full" and "Tiny Seminar" in exc.value.messages[0]
    client.force_login(buyer)
    response = client.post(
        reverse("api:billing-checkout"),
        {"kind": "bundle", "product": bundle.slug, "idempotency_key": uuid.uuid4().hex},
        content_type="application/json",
    )
    assert response.status_code == 409 and response.json()["error"]["code"] == "course_full"
    page = client.get(reverse("billing:checkout", args=["bundle", bundle.slug])).content.decode()
    assert "This bundle includes “Tiny Seminar”: This course is full" in page
    assert not Payment.objects.exists() and provider_calls == []


def test_a_bundle_with_a_course_already_owned_is_still_sold(client, buyer):
    owned, other = make_course(title="Owned"), make_course(title="New")
    EnrollmentFactory(user=buyer, course=owned)
    bundle = BundleFactory(price=Decimal("45.00"), courses=[owned, other])
    pay(client, start_checkout(buyer, bundle))
    assert Enrollment.objects.get(user=buyer, course=other).source == "bundle"
    EnrollmentFactory(user=buyer, course=make_course(title="Third"))
    every = BundleFactory(price=Decimal("45.00"), courses=[owned, other])
    with pytest.raises(ValidationError) as exc:
        start_checkout(buyer, every)
    assert exc.value.code == "already_enrolled"


def test_buying_back_a_course_suspended_with_a_lapsed_subscription(client, buyer):
    """The one suspension a purchase lifts (billing.enrolments.enrol restores it), even in a full course:
    the enrolment still holds its seat."""
    course = make_course(title="Was in my plan")
    EnrollmentFactory(user=buyer, course=course, status="suspended", source="subscription")
    Course.objects.filter(pk=course.pk).update(max_students=1)
    course.refresh_from_db()
    payment = start_checkout(buyer, course)
    pay(client, payment)
    enrollment = Enrollment.objects.get(user=buyer, course=course)
    assert enrollment.status == "enrolled"
    # A suspension decided by a person is not for sale.
    other = make_course(title="Suspended by staff")
    EnrollmentFactory(user=buyer, course=other, status="suspended", source="purchase")
    with pytest.raises(ValidationError) as exc:
        start_checkout(buyer, other)
    assert exc.value.code == "suspended"


def test_a_course_that_fills_up_while_the_buyer_pays_is_refunded(client, buyer):
    """Checkout's check is advisory (no seat is held while the buyer is at the provider): if the last seat
    goes in between, the success webhook keeps the money and opens a refund request for Finance."""
    course = make_course(title="Last seat")
    Course.objects.filter(pk=course.pk).update(max_students=1)
    payment = start_checkout(buyer, course)
    EnrollmentFactory(user=StudentFactory(), course=course)
    pay(client, payment)
    payment.refresh_from_db()
    assert payment.status == "succeeded"
    assert not Enrollment.objects.filter(user=buyer, course=course).exists()
    assert "This course is full" in RefundRequest.objects.get(payment=payment).reason


def test_regression_a_course_checkout_leads_back_to_the_course_not_to_pricing(client, buyer, paid_course):
    """Issue 19 §6 (browser journeys): the checkout of a course had "Pricing" (the plans) as its breadcrumb."""
    client.force_login(buyer)
    html = client.get(reverse("billing:checkout", args=["course", paid_course.slug])).content.decode()
    crumbs = html.split('class="breadcrumb small">', 1)[1].split("</ol>", 1)[0]
    assert f'href="{paid_course.get_absolute_url()}">Paid Django</a>' in crumbs
    assert reverse("billing:pricing") not in crumbs
