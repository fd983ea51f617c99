"""Visitors choose a display currency: converted prices marked approximate on the catalog, the course page
and the pricing page; checkout still charges the price's own currency."""

from decimal import Decimal

import pytest
from django.urls import reverse

from billing.models import Payment
from courses.models import Course
from courseworx.core import currency
from tests.billing.conftest import make_course, start_checkout
from tests.billing.currency.helpers import rate
from tests.billing.factories import PlanFactory
from tests.courses.factories import ContentFactory, PublishedCourseFactory
from tests.courses.utils import queries_of
from tests.querycount import assert_same_queries_at_two_sizes

pytestmark = pytest.mark.django_db
CATALOG = reverse("courses:catalog")
SET = reverse("billing:set_currency")


@pytest.fixture
def rates(db):
    rate("EUR", "0.50", days_ago=1)
    rate("JPY", "150", days_ago=1)


def test_switching_the_display_currency_on_pages(client, rates):
    course = make_course(price="10.00", title="Pottery")
    page = client.get(CATALOG)
    assert "approx." not in page.text and 'id="display-currency"' in page.text  # the navbar's selector
    options = client.get(SET)  # its options, loaded by htmx
    assert '<option value="EUR">EUR — Euro</option>' in options.text and "JPY" in options.text
    response = client.post(SET, {"currency": "EUR", "next": CATALOG})
    assert response.status_code == 302 and response.url == CATALOG
    assert client.session[currency.SESSION_KEY] == "EUR"
    page = client.get(CATALOG)
    assert "$10.00" in page.text and "≈ €5.00" in page.text and "approx." in page.text
    detail = client.get(course.get_absolute_url())
    assert "$10.00" in detail.text and "≈ €5.00" in detail.text
    client.post(SET, {"currency": "JPY", "next": course.get_absolute_url()})
    assert "≈ ¥1,500" in client.get(course.get_absolute_url()).text  # zero decimals
    client.post(SET, {"currency": "", "next": CATALOG})
    assert currency.SESSION_KEY not in client.session and "approx." not in client.get(CATALOG).text


def test_the_query_parameter_also_works_and_unknown_codes_are_ignored(client, rates):
    make_course(price="10.00")
    assert "≈ ¥1,500" in client.get(CATALOG, {"display_currency": "jpy"}).text
    for bad in ("XYZ", "EURO", "€", "1" * 5000):
        assert "approx." not in client.get(CATALOG, {"display_currency": bad}).text
    response = client.post(SET, {"currency": "XYZ", "next": CATALOG}, follow=True)
    assert "That currency is not available." in response.text and currency.SESSION_KEY not in client.session


def test_an_offsite_next_is_not_followed(client, rates):
    response = client.post(SET, {"currency": "EUR", "next": "https://evil.example/"})
    assert response.url == CATALOG


def test_a_price_in_the_chosen_currency_shows_no_conversion(client, rates):
    make_course(price="20.00", currency="EUR")
    page = client.get(CATALOG, {"display_currency": "EUR"})
    assert "€20.00" in page.text and "approx." not in page.text


def test_pricing_page_shows_converted_plan_prices(client, rates):
    PlanFactory(price=Decimal("30.00"), currency="USD", name="Monthly")
    page = client.get(reverse("billing:pricing"), {"display_currency": "EUR"})
    assert "≈ €15.00" in page.text


def test_checkout_charges_the_price_currency_whatever_is_displayed(client, rates, buyer):
    course = make_course(price="10.00")
    client.force_login(buyer)
    client.post(SET, {"currency": "JPY", "next": CATALOG})
    payment = start_checkout(buyer, course)
    assert (payment.currency, payment.subtotal) == ("USD", Decimal("10.00"))
    assert Payment.objects.get().currency == "USD"


def test_catalog_with_a_display_currency_runs_the_same_queries_at_two_sizes(client, rates):
    client.post(SET, {"currency": "EUR", "next": CATALOG})

    def load(total: int) -> int:
        for i in range(Course.objects.count(), total):
            ContentFactory(course=PublishedCourseFactory(price=Decimal("10.00"), currency=("USD", "JPY")[i % 2]))
        count, response = queries_of(client, CATALOG)
        assert len(response.context["courses"]) == total
        assert response.text.count("approx-price") == total  # every card shows its conversion
        return count

    assert_same_queries_at_two_sizes(load)


def test_switching_goes_back_to_the_page_with_its_filters_but_never_off_site(client, rates):
    back = "http://testserver/courses/?level=beginner"
    assert client.post(SET, {"currency": "EUR", "next": CATALOG}, headers={"referer": back}).url == back
    evil = client.post(
        SET, {"currency": "EUR", "next": "//evil.example/"}, headers={"referer": "https://evil.example/"}
    )
    assert evil.url == CATALOG
