"""Issue 15 (§4) in Chromium, at a laptop's 1280×900 and a phone's 390×844:

- every report page starts with a switcher listing the reports the user may open; it moves between them and
  a small report's "Export PDF" downloads the PDF at once;
- an employer's licence manager reaches their organisation from the user menu, sees the licences (seats
  used / total), gives a seat by e-mail, is told clearly when no seat is left, and sees the usage.

Screenshots go to test-results/ (the e2e screenshot dir), named after the page and the viewport.
"""

import datetime as dt

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone
from playwright.sync_api import expect

from billing import services
from billing.models import ContentLicensing, EmployerPartner
from learning.models import Enrollment
from tests.courses.factories import PublishedCourseFactory
from tests.factories import InstructorFactory, ReviewerFactory, StudentFactory
from tests.learning.factories import EnrollmentFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1280, "height": 900}


def log_in(page, live_server, user) -> None:
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}])


def test_report_switcher_and_direct_pdf(page, live_server, screenshot_dir, browser_problems):
    teacher = InstructorFactory(first_name="Ivan", last_name="One")
    for title in ("Django basics", "Python testing"):
        course = PublishedCourseFactory(instructor=teacher, title=title)
        for _ in range(3):
            EnrollmentFactory(user=StudentFactory(), course=course)
    reviewer = ReviewerFactory(first_name="Rita")
    log_in(page, live_server, reviewer)
    page.set_viewport_size(LAPTOP)
    page.goto(f"{live_server.url}/reports/completion/")
    switcher = page.get_by_test_id("report-switcher")
    expect(switcher.get_by_role("link", name="Course completion & certification")).to_have_attribute(
        "aria-current", "page"
    )
    # Overview, 6 course reports (attendance per trainee too), accessibility
    expect(switcher.get_by_role("link")).to_have_count(8)
    expect(switcher.get_by_role("link", name="Revenue")).to_have_count(0)  # Finance's, not a reviewer's
    page.screenshot(path=screenshot_dir / "reports-switcher-laptop.png", full_page=False)

    with page.expect_download() as download:
        page.get_by_role("link", name="Export PDF").click()
    assert download.value.suggested_filename.startswith("completion_")
    assert download.value.path().read_bytes()[:4] == b"%PDF"

    switcher.get_by_role("link", name="Active student engagement").click()
    expect(page).to_have_url(f"{live_server.url}/reports/engagement/")
    expect(page.get_by_test_id("report-switcher").locator('[data-report="engagement"]')).to_have_attribute(
        "aria-current", "page"
    )
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/reports/attendance/")
    expect(page.get_by_test_id("report-switcher")).to_be_visible()
    page.screenshot(path=screenshot_dir / "reports-switcher-phone.png", full_page=False)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]  # the bar scrolls, not the page
    assert browser_problems == []


def test_licence_manager_pages(page, live_server, screenshot_dir, browser_problems):
    partner = EmployerPartner.objects.create(name="Acme Learning Ltd")
    manager = StudentFactory(first_name="Hannah", last_name="Reed", email="hannah@acme.example")
    partner.managers.add(manager)
    today = timezone.localdate()
    course = PublishedCourseFactory(title="Secure coding in Python")
    licence = ContentLicensing.objects.create(
        course=course, kind="employer", partner=partner, seats=3,
        starts_on=today - dt.timedelta(days=30), ends_on=today + dt.timedelta(days=335),
    )  # fmt: skip
    ContentLicensing.objects.create(
        course=PublishedCourseFactory(title="Git for teams"), kind="employer", partner=partner, seats=5,
        starts_on=dt.date(2025, 1, 1), ends_on=dt.date(2025, 12, 31),
    )  # fmt: skip
    amir = StudentFactory(first_name="Amir", last_name="Khan", email="amir@acme.example")
    services.seat_assign(licence=licence, email=amir.email, actor=manager)
    Enrollment.objects.filter(user=amir).update(progress_percent=60, last_accessed_at=timezone.now())

    log_in(page, live_server, manager)
    page.set_viewport_size(LAPTOP)
    page.goto(f"{live_server.url}/")
    page.locator("#userMenu").click()
    page.get_by_test_id("nav-employer").click()
    expect(page.get_by_role("heading", name="Acme Learning Ltd")).to_be_visible()
    cards = page.get_by_test_id("licence-card")
    expect(cards).to_have_count(2)
    expect(cards.first).to_contain_text("1 of 3")
    page.screenshot(path=screenshot_dir / "employer-licences-laptop.png", full_page=True)

    cards.first.get_by_role("link", name="Assign and manage seats").click()
    page.get_by_label("Employee's e-mail").fill("new.hire@acme.example")
    page.get_by_role("button", name="Give a seat").click()
    expect(page.get_by_text("new.hire@acme.example has a seat: we sent them an invitation")).to_be_visible()
    page.get_by_label("Employee's e-mail").fill("third@acme.example")
    page.get_by_role("button", name="Give a seat").click()
    expect(page.get_by_text("third@acme.example has a seat")).to_be_visible()
    expect(page.get_by_text("All 3 seats are assigned. Revoke a seat to free it")).to_be_visible()
    expect(page.get_by_label("Employee's e-mail")).to_have_count(0)
    page.screenshot(path=screenshot_dir / "employer-seats-full-laptop.png", full_page=True)
    page.once("dialog", lambda dialog: dialog.accept())  # "Revoke the seat of ...?" (data-confirm)
    page.get_by_role("row", name="third@acme.example").get_by_role("button", name="Revoke").click()
    expect(page.get_by_text("The seat of third@acme.example is free again.")).to_be_visible()
    expect(page.get_by_label("Employee's e-mail")).to_be_visible()
    page.screenshot(path=screenshot_dir / "employer-seats-laptop.png", full_page=True)

    page.set_viewport_size(PHONE)
    page.get_by_role("link", name="Usage").click()
    expect(page.get_by_text("Amir Khan")).to_be_visible()
    expect(page.get_by_role("table").get_by_text("60%")).to_be_visible()
    page.screenshot(path=screenshot_dir / "employer-usage-phone.png", full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert browser_problems == []
