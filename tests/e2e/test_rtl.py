"""Issue 16 §9 in Chromium: the home page and the catalog in Arabic are right-to-left, at a laptop's 1280×900
and a phone's 390×844 — `<html dir="rtl">`, Bootstrap's RTL stylesheet, the navbar mirrored (the brand on
the right, the menu button on the left), Arabic text throughout; and the same page in French.

Screenshots: test-results/rtl-*.png and test-results/french-home-laptop.png.
"""

from decimal import Decimal

import pytest
from django.conf import settings
from playwright.sync_api import expect

from tests.courses.factories import CategoryFactory, PublishedCourseFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1280, "height": 900}


@pytest.fixture
def courses():
    design = CategoryFactory(name="التصميم", slug="design", icon="palette")
    code = CategoryFactory(name="البرمجة", slug="code", icon="code-slash")
    PublishedCourseFactory(
        title="أساسيات بايثون", slug="python-basics", category=code, is_featured=True, price=Decimal("49.00")
    )
    PublishedCourseFactory(title="تصميم الشعارات", slug="logos", category=design, is_featured=True, price=Decimal(0))
    PublishedCourseFactory(title="Intro to SQL", slug="sql", category=code, enrollment_count=120)


def in_language(page, live_server, language: str) -> None:
    page.context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url}])


@pytest.mark.parametrize(("name", "viewport"), [("laptop", LAPTOP), ("phone", PHONE)])
def test_arabic_home_and_catalog_are_right_to_left(page, live_server, courses, screenshot_dir, browser_problems, name,
                                                   viewport):  # fmt: skip
    page.set_viewport_size(viewport)
    in_language(page, live_server, "ar")
    page.goto(f"{live_server.url}/")
    html = page.locator("html")
    expect(html).to_have_attribute("dir", "rtl")
    expect(html).to_have_attribute("lang", "ar")
    assert page.locator('link[href*="bootstrap.rtl.min.css"]').count() == 1
    assert page.evaluate("getComputedStyle(document.body).direction") == "rtl"
    expect(page.locator("h1")).to_have_text("تعلّم مهارات جديدة. علّم ما تعرفه.")
    expect(page.locator("#hero-q")).to_have_attribute("placeholder", "ماذا تريد أن تتعلّم؟")

    brand = page.locator(".navbar-brand").bounding_box()
    width = viewport["width"]
    assert brand["x"] > width / 2, "the brand starts the navbar on the right"
    if name == "phone":
        toggler = page.locator(".navbar-toggler").bounding_box()
        assert toggler["x"] + toggler["width"] < width / 2, "the menu button is on the left"
    else:
        courses_link = page.locator("#mainNav .nav-link", has_text="الدورات").bounding_box()
        assert courses_link["x"] < brand["x"], "the first menu item follows the brand, to its left"
    page.screenshot(path=str(screenshot_dir / f"rtl-home-{name}.png"), full_page=True)

    if name == "phone":  # the opened menu: items aligned to the right
        page.locator(".navbar-toggler").click()
        expect(page.locator("#cw-language")).to_be_visible()
        expect(page.locator("#cw-language")).to_have_value("ar")
        page.screenshot(path=str(screenshot_dir / "rtl-home-phone-menu.png"))
        page.locator(".navbar-toggler").click()

    page.goto(f"{live_server.url}/courses/")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.locator("main")).to_contain_text("أساسيات بايثون")
    expect(page.locator("main")).to_contain_text("مجاني")  # the free course's price
    page.screenshot(path=str(screenshot_dir / f"rtl-catalog-{name}.png"), full_page=True)
    assert browser_problems == []


def test_french_home(page, live_server, courses, screenshot_dir, browser_problems):
    page.set_viewport_size(LAPTOP)
    in_language(page, live_server, "fr")
    page.goto(f"{live_server.url}/")
    expect(page.locator("html")).to_have_attribute("dir", "ltr")
    expect(page.locator("h1")).to_have_text("Apprenez de nouvelles compétences. Enseignez ce que vous savez.")
    expect(page.locator("nav.navbar")).to_contain_text("Se connecter")
    expect(page.locator("main")).to_contain_text("49,00")  # the price, French style
    page.screenshot(path=str(screenshot_dir / "french-home-laptop.png"), full_page=True)
    assert browser_problems == []
