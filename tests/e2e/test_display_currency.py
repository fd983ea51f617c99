"""Issue 15 (multi-currency) in Chromium: a visitor picks a display currency in the navbar (phone and laptop);
the catalog and the course page show the converted price marked approximate next to the real one.
Screenshots go to test-results/ (display-currency-<page>-<viewport>.png)."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from billing.models import ExchangeRate
from tests.courses.factories import ContentFactory, PublishedCourseFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

VIEWPORTS = {"phone": {"width": 390, "height": 844}, "laptop": {"width": 1280, "height": 900}}


@pytest.mark.parametrize("viewport", ["phone", "laptop"])
def test_a_visitor_switches_the_display_currency(live_server, page, browser_problems, screenshot_dir, viewport):
    ExchangeRate.objects.create(currency_id="JPY", rate=Decimal("150"), valid_from=timezone.now())
    ExchangeRate.objects.create(currency_id="EUR", rate=Decimal("0.5"), valid_from=timezone.now())
    course = PublishedCourseFactory(title="Wheel Throwing", price=Decimal("10.00"), currency="USD")
    ContentFactory(course=course)
    ContentFactory(course=PublishedCourseFactory(title="Glazes", price=Decimal("20.00"), currency="EUR"))
    page.set_viewport_size(VIEWPORTS[viewport])
    page.goto(live_server.url + reverse("courses:catalog"))
    if viewport == "phone":
        page.locator(".navbar-toggler").click()
    select = page.locator("#display-currency")
    expect(select.locator("option[value=JPY]")).to_have_count(1)  # options loaded by htmx
    select.select_option("JPY")
    page.wait_for_url("**/courses/**")
    cards = page.locator(".approx-price")
    expect(cards.first).to_be_visible()
    expect(page.get_by_text("≈ ¥1,500")).to_be_visible()
    expect(page.get_by_text("≈ ¥6,000")).to_be_visible()  # 20 EUR -> 40 USD -> 6,000 JPY
    page.screenshot(path=str(screenshot_dir / f"display-currency-catalog-{viewport}.png"), full_page=True)
    page.goto(live_server.url + course.get_absolute_url())
    expect(page.locator(".price .approx-price")).to_contain_text("¥1,500")
    page.screenshot(path=str(screenshot_dir / f"display-currency-course-{viewport}.png"))
    assert browser_problems == []
