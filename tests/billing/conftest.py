import uuid
from decimal import Decimal

import pytest
from django.urls import reverse

from billing import services
from billing.providers.sandbox import SIGNATURE_HEADER, build_event
from tests.courses.factories import ContentFactory, PublishedCourseFactory, SectionFactory
from tests.factories import FinanceFactory, InstructorFactory, StudentFactory


@pytest.fixture(autouse=True)
def _billing_settings(settings, tmp_path):
    settings.BILLING_TAX_RATE_PERCENT = Decimal("20.00")
    settings.BILLING_SANDBOX_WEBHOOK_SECRET = "test-webhook-secret"
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


def make_course(price="49.00", **kwargs):
    course = PublishedCourseFactory(price=Decimal(price), **kwargs)
    section = SectionFactory(course=course, order=1)
    for i in range(4):
        ContentFactory(section=section, order=i + 1)
    return course


@pytest.fixture
def paid_course(db):
    return make_course(instructor=InstructorFactory(first_name="Ina", last_name="Teacher"), title="Paid Django")


@pytest.fixture
def buyer(db):
    return StudentFactory(first_name="Bea", last_name="Buyer")


@pytest.fixture
def finance(db):
    return FinanceFactory(first_name="Fiona", last_name="Finance")


def start_checkout(user, product, **kwargs):
    kwargs.setdefault("idempotency_key", uuid.uuid4().hex)
    payment, _url = services.checkout_start(user=user, product=product, **kwargs)
    payment.refresh_from_db()
    return payment


def post_webhook(client, delivery):
    return client.post(
        reverse("billing:webhook", kwargs={"provider": "sandbox"}),
        data=delivery.body,
        content_type="application/json",
        headers={SIGNATURE_HEADER: delivery.headers[SIGNATURE_HEADER]},
    )


def pay(client, payment, event_type="payment.succeeded", **kwargs):
    return post_webhook(client, build_event(payment, event_type, **kwargs))


def sell(client, course, n=1):
    """`n` paid purchases of `course` by new students."""
    for _ in range(n):
        pay(client, start_checkout(StudentFactory(), course))
