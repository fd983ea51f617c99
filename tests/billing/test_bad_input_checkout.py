"""Issue 19 §5: hostile input to checkout (POST /api/v1/billing/checkout/ and its quote): a 4xx naming the
field (or 404 for a product that does not exist), no payment, coupon use or enrolment left behind, never a
500.  Strategies and checks: tests/bad_input.py."""

from decimal import Decimal

import pytest
from django.core.cache import cache
from hypothesis import assume, given
from hypothesis import strategies as st
from rest_framework.test import APIClient

from billing.models import Payment
from learning.models import Enrollment
from tests.bad_input import (
    assert_api_clean,
    assert_api_refused,
    counts,
    huge_or_negative,
    lone_surrogate,
    nul_text,
    over_long,
    post_json,
    unicode_text,
    wrong_type_for_text,
)
from tests.courses.factories import PublishedCourseFactory
from tests.factories import StudentFactory

pytestmark = pytest.mark.django_db

MODELS = (Payment, Enrollment)
CHECKOUT = "/api/v1/billing/checkout/"
QUOTE = "/api/v1/billing/checkout/quote/"


@pytest.fixture
def buyer():
    return StudentFactory()


@pytest.fixture
def api(buyer) -> APIClient:
    client = APIClient()
    client.force_authenticate(buyer)
    return client


@pytest.fixture
def valid():
    course = PublishedCourseFactory(price=Decimal("49.00"))
    return {"kind": "course", "product": course.slug, "idempotency_key": "k-1"}


@given(
    field=st.sampled_from(
        ["kind", "product", "coupon_code", "currency", "use_credit", "idempotency_key", "subscription"]
    ),
    value=st.one_of(nul_text, lone_surrogate, wrong_type_for_text, over_long(64), huge_or_negative),
)
def test_checkout_refuses_bad_fields_and_creates_no_payment(api, valid, field, value):
    cache.clear()
    # DRF's CharField takes a number as its text ("-1"): only the typed fields must refuse one.
    assume(not (type(value) is int and field in ("idempotency_key", "coupon_code", "product")))
    before = counts(MODELS)
    response = post_json(api, CHECKOUT, {**valid, field: value})
    after = counts(MODELS)
    if field == "use_credit" and isinstance(value, bool):
        assert response.status_code in (201, 409), response.content  # a boolean is the right type
        return
    if field == "product" and response.status_code == 404:  # a well-formed slug of no product
        assert before == after
        return
    assert_api_refused(response, field, before, after)


@given(field=st.sampled_from(["product", "coupon_code", "currency"]), value=unicode_text)
def test_quote_and_checkout_with_any_unicode_never_500(api, valid, field, value):
    cache.clear()
    for url in (QUOTE, CHECKOUT):
        before = counts(MODELS)
        response = post_json(api, url, {**valid, field: value, "idempotency_key": "k-unicode"})
        assert response.status_code < 500, response.content
        if response.status_code >= 400:
            assert_api_clean(response, before, counts(MODELS))


@given(body=st.one_of(st.none(), st.text(max_size=10), st.lists(st.integers(), max_size=3), st.integers()))
def test_checkout_body_that_is_not_an_object_is_refused(api, body):
    before = counts(MODELS)
    response = post_json(api, CHECKOUT, body)
    assert response.status_code == 400, response.content
    assert before == counts(MODELS)


# --- regression tests of the defects found (issue 19 §5) --------------------------------------------
@pytest.mark.parametrize("subscription", [False, True, 0, 12345])
def test_regression_a_subscription_that_is_not_a_uuid_text_is_a_400_on_the_field(api, valid, subscription):
    """Was: 404 — DRF's UUIDField turned a number or a boolean into UUID(int=...), then no such subscription."""
    before = counts(MODELS)
    response = post_json(api, CHECKOUT, {**valid, "subscription": subscription})
    assert_api_refused(response, "subscription", before, counts(MODELS))


def test_a_null_subscription_is_still_accepted(api, valid):
    response = post_json(api, CHECKOUT, {**valid, "subscription": None})
    assert response.status_code == 201, response.content
