"""Odd time zones, the calendar's ends and huge page numbers are a 400/404, never a 500 (issue 12, defect 6).

`?created_after=…-23:59` reached PostgreSQL (which refuses UTC offsets past ±15:59) and answered 500;
report dates at 0001-01-01 or 9999-12-31 overflowed when a report added a day; `?page=` with twenty
digits overflowed PostgreSQL's bigint OFFSET.  The shared filters live in courseworx/core/filters.py.
"""

import datetime as dt
import uuid

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from billing.models import Payment
from courseworx.core.filters import DATE_RANGE_MESSAGE, OFFSET_MESSAGE, DateFilter, IsoDateTimeField
from tests.billing.conftest import make_course, start_checkout
from tests.factories import AdminFactory, FinanceFactory, StudentFactory

pytestmark = pytest.mark.django_db

UTC = dt.UTC


def api_for(user) -> APIClient:
    api = APIClient()
    api.force_authenticate(user)
    api.raise_request_exception = False
    return api


@pytest.fixture
def buyer_payments(db):
    """Two payments of one buyer, created a minute either side of 2026-01-01 00:00 UTC."""
    buyer = StudentFactory()
    course = make_course()
    before = start_checkout(buyer, course)
    after = start_checkout(buyer, make_course())
    Payment.objects.filter(pk=before.pk).update(created_at=dt.datetime(2025, 12, 31, 23, 59, tzinfo=UTC))
    Payment.objects.filter(pk=after.pk).update(created_at=dt.datetime(2026, 1, 1, 0, 1, tzinfo=UTC))
    return buyer, before, after


# --- Date-times with UTC offsets (billing payments API, buyer's and finance's) ---------------------


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("2026-01-01T00:00:00+99:00", OFFSET_MESSAGE),
        ("2026-01-01T00:00:00-23:59", OFFSET_MESSAGE),
        ("2026-01-01T00:00:00+15:00", OFFSET_MESSAGE),
        ("2026-01-01T00:00:00-1401", OFFSET_MESSAGE),
        ("0001-01-01T00:00:00+01:00", DATE_RANGE_MESSAGE),
        ("9999-12-31T23:59:59-01:00", DATE_RANGE_MESSAGE),
    ],
)
@pytest.mark.parametrize("param", ["created_after", "created_before"])
def test_payments_api_refuses_odd_offsets_and_dates_with_a_field_message(buyer_payments, param, value, message):
    buyer, _, _ = buyer_payments
    for user, url in ((buyer, "api:billing-payment-list"), (FinanceFactory(), "api:billing-finance-payment-list")):
        response = api_for(user).get(reverse(url), {param: value})
        assert response.status_code == 400, (url, response.content)
        assert response.json()["error"]["fields"] == {param: [message]}


@pytest.mark.parametrize(
    "value",
    [
        "2026-01-01T00:00:00Z",
        "2026-01-01T00:00:00+00:00",
        "2026-01-01T14:00:00+14:00",
        "2025-12-31T12:00:00-12:00",
        "2026-01-01T05:30:00+05:30",
        "2026-01-01T00:00:00",
    ],
)
def test_payments_api_reads_real_offsets_as_the_same_instant(buyer_payments, value):
    buyer, before, after = buyer_payments
    response = api_for(buyer).get(reverse("api:billing-payment-list"), {"created_after": value})
    assert response.status_code == 200, response.content
    assert [row["id"] for row in response.json()["results"]] == [str(after.pk)]
    response = api_for(buyer).get(reverse("api:billing-payment-list"), {"created_before": value})
    assert [row["id"] for row in response.json()["results"]] == [str(before.pk)]


def test_the_iso_field_converts_to_utc():
    value = IsoDateTimeField().clean("2026-01-01T05:30:00+05:30")
    assert value == dt.datetime(2026, 1, 1, tzinfo=UTC)
    assert value.utcoffset() == dt.timedelta(0)


# --- Report dates at the calendar's ends ----------------------------------------------------------


EXTREME_RANGES = [
    {"date_to": "0001-01-01"},
    {"date_from": "9999-12-31"},
    {"date_from": "0001-01-01", "date_to": "9999-12-31"},
    {"date_from": "9999-12-31", "date_to": "9999-12-31"},
    {"date_to": "0001-01-02"},
]


@pytest.mark.parametrize("params", EXTREME_RANGES)
@pytest.mark.parametrize("slug", ["activity", "engagement", "completion", "attendance", "support"])
def test_report_api_refuses_dates_at_the_calendar_ends(params, slug):
    response = api_for(AdminFactory()).get(reverse("api:report-detail", args=[slug]), params)
    assert response.status_code == 400, response.content
    fields = response.json()["error"]["fields"]
    assert set(fields) == set(params)
    assert all(messages == [DATE_RANGE_MESSAGE] for messages in fields.values())


@pytest.mark.parametrize("params", EXTREME_RANGES)
def test_report_pages_ignore_and_show_dates_at_the_calendar_ends(client, params):
    client.force_login(AdminFactory())
    client.raise_request_exception = False
    for url in (reverse("reports:report", args=["activity"]), reverse("reports:report_csv", args=["activity"])):
        response = client.get(url, params)
        assert response.status_code == 200, url
    response = client.get(reverse("reports:report", args=["activity"]), params)
    assert DATE_RANGE_MESSAGE in response.content.decode()


def test_report_dates_within_the_range_are_accepted():
    field = DateFilter().field
    assert field.clean("1900-01-01") == dt.date(1900, 1, 1)
    assert field.clean("2999-12-31") == dt.date(2999, 12, 31)
    response = api_for(AdminFactory()).get(
        reverse("api:report-detail", args=["activity"]), {"date_from": "1900-01-01", "date_to": "2999-12-31"}
    )
    assert response.status_code == 200, response.content


# --- Huge page numbers --------------------------------------------------------------------------


HUGE = "99999999999999999999"


@pytest.mark.parametrize("slug", ["activity", "completion", "top-students"])
def test_report_api_huge_page_is_a_json_404(slug):
    response = api_for(AdminFactory()).get(reverse("api:report-detail", args=[slug]), {"page": HUGE})
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_report_page_huge_page_shows_the_last_page(client):
    client.force_login(AdminFactory())
    response = client.get(reverse("reports:report", args=["activity"]), {"page": HUGE})
    assert response.status_code == 200


# (not named `page`: pytest-playwright's fixture of that name would make this a browser test)
@pytest.mark.parametrize("page_number", [HUGE, "1e400", "-1", "0", "NaN"])
@pytest.mark.parametrize("url", ["api:course-list", "api:billing-payment-list", "api:learning-certificates"])
def test_api_lists_answer_a_bad_page_with_a_json_404(url, page_number):
    response = api_for(StudentFactory()).get(reverse(url), {"page": page_number, "page_size": HUGE})
    assert response.status_code == 404, response.content
    assert response.json()["error"]["code"] == "not_found"


@pytest.mark.parametrize("url", ["courses:catalog", "community:tickets", "billing:purchases", "learning:dashboard"])
def test_pages_answer_a_huge_page_number(client, url):
    client.force_login(StudentFactory())
    assert client.get(reverse(url), {"page": HUGE}).status_code == 200


def test_a_huge_id_in_an_integer_path_is_a_404(client):
    client.force_login(StudentFactory())
    assert client.get(reverse("community:ticket", args=[int(HUGE)])).status_code == 404
    api = api_for(StudentFactory())
    assert api.get(reverse("api:community-ticket", args=[int(HUGE)])).status_code == 404
    assert api.get(reverse("api:learning-certificate", args=[uuid.uuid4()])).status_code == 404
