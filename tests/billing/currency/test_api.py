"""The currency API: currencies, exchange rates (read for all, write for Finance), `display_price` on
course serializers, and 400 JSON for bad codes and numbers (never 500)."""

from decimal import Decimal

import pytest
from django.urls import reverse

from billing.models import CreditAccount, ExchangeRate
from courseworx.core.models import AuditLog
from tests.billing.conftest import make_course
from tests.billing.currency.helpers import rate
from tests.courses.factories import CourseFactory
from tests.factories import FinanceFactory, InstructorFactory, StudentFactory

pytestmark = pytest.mark.django_db
CURRENCIES = reverse("api:billing-currency-list")
RATES = reverse("api:billing-exchange-rate-list")
COURSES = reverse("api:course-list")


def test_currencies_list_with_decimals_and_current_rate(api_client):
    rate("JPY", "150", days_ago=1)
    data = {c["code"]: c for c in api_client.get(CURRENCIES).json()}
    assert data["JPY"]["decimals"] == 0 and Decimal(data["JPY"]["rate"]) == 150
    assert data["KWD"]["decimals"] == 3 and data["KWD"]["rate"] is None
    assert data["USD"]["is_base"] is True and Decimal(data["USD"]["rate"]) == 1


def test_rate_history_is_readable_and_filterable(api_client):
    rate("EUR", "0.8", days_ago=10)
    rate("EUR", "0.9", days_ago=1)
    rate("JPY", "150", days_ago=1)
    body = api_client.get(RATES, {"currency": "eur"}).json()
    assert [Decimal(r["rate"]) for r in body["results"]] == [Decimal("0.9"), Decimal("0.8")]
    assert api_client.get(RATES, {"currency": "E\u00e9R"}).status_code == 400


def test_finance_adds_a_rate_and_it_is_audited(api_client):
    finance = FinanceFactory()
    api_client.force_authenticate(finance)
    response = api_client.post(RATES, {"currency": "eur", "rate": "0.93"}, format="json")
    assert response.status_code == 201, response.json()
    row = ExchangeRate.objects.get()
    assert (row.currency_id, row.rate, row.created_by, row.source) == ("EUR", Decimal("0.93"), finance, "manual")
    assert AuditLog.objects.filter(action="billing.exchange_rate_set").exists()


@pytest.mark.parametrize("user_factory", [StudentFactory, InstructorFactory, None])
def test_students_instructors_and_anonymous_cannot_write_rates(api_client, user_factory):
    if user_factory:
        api_client.force_authenticate(user_factory())
    response = api_client.post(RATES, {"currency": "EUR", "rate": "0.93"}, format="json")
    assert response.status_code in (401, 403) and "error" in response.json()
    assert not ExchangeRate.objects.exists()


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"currency": "XYZ", "rate": "1"}, "currency"),
        ({"currency": "EUR", "rate": "0"}, "rate"),
        ({"currency": "EUR", "rate": "-2"}, "rate"),
        ({"currency": "EUR", "rate": "1" * 400}, "rate"),
        ({"currency": "EUR", "rate": "1e999999"}, "rate"),
        ({"currency": "EUR", "rate": "NaN"}, "rate"),
        ({"currency": "USD", "rate": "1.1"}, "currency"),
        ({"currency": "EUR", "rate": "1", "valid_from": "99999-01-01T00:00:00Z"}, "valid_from"),
    ],
)
def test_bad_rates_are_400_json(api_client, payload, field):
    api_client.force_authenticate(FinanceFactory())
    response = api_client.post(RATES, payload, format="json")
    assert response.status_code == 400 and field in response.json()["error"]["fields"]
    assert not ExchangeRate.objects.exists()


def test_nul_bytes_are_400(api_client):
    api_client.force_authenticate(FinanceFactory())
    assert api_client.post(RATES, {"currency": "EU\u0000", "rate": "1"}, format="json").status_code == 400
    assert api_client.get(COURSES, {"display_currency": "EU\x00"}).status_code == 400


def test_courses_gain_display_price_when_a_display_currency_is_asked(api_client):
    rate("JPY", "150", days_ago=1)
    make_course(price="10.00")
    plain = api_client.get(COURSES).json()["results"][0]
    assert plain["display_price"] is None
    shown = api_client.get(COURSES, {"display_currency": "JPY"}).json()["results"][0]
    assert shown["display_price"] == {"amount": "1500", "currency": "JPY", "formatted": "¥1,500", "approximate": True}
    by_header = api_client.get(COURSES, headers={"X-Display-Currency": "JPY"}).json()["results"][0]
    assert by_header["display_price"]["amount"] == "1500"
    slug = plain["slug"]
    detail = api_client.get(reverse("api:course-detail", args=[slug]), {"display_currency": "JPY"}).json()
    assert detail["display_price"]["currency"] == "JPY"


@pytest.mark.parametrize("code", ["XYZ", "EURO", "1" * 10000, "€€€"])
def test_unknown_display_currency_is_400_json(api_client, code):
    make_course(price="10.00")
    response = api_client.get(COURSES, {"display_currency": code})
    assert response.status_code == 400
    assert response.json()["error"]["fields"]["display_currency"] == ["Unknown or inactive currency code."]


def test_an_instructor_prices_a_course_only_in_an_active_currency(api_client):
    course = CourseFactory(price=Decimal("10.00"))  # a draft
    api_client.force_authenticate(course.instructor)
    url = reverse("api:instructor-course", args=[course.pk])
    assert api_client.patch(url, {"currency": "XYZ"}, format="json").status_code == 400
    response = api_client.patch(url, {"currency": "jpy", "price": "9800"}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["currency"] == "JPY"


def test_the_credit_api_lists_a_balance_per_currency(api_client):
    user = StudentFactory()
    CreditAccount.objects.create(user=user, currency="USD", balance=Decimal("5.00"))
    CreditAccount.objects.create(user=user, currency="EUR", balance=Decimal("2.50"))
    api_client.force_authenticate(user)
    body = api_client.get(reverse("api:billing-credit")).json()
    assert body["balance"] == "5.00" and body["currency"] == "USD"
    assert body["balances"] == [{"currency": "USD", "balance": "5.00"}, {"currency": "EUR", "balance": "2.50"}]
