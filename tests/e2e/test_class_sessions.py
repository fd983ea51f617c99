"""Classroom sessions in Chromium: the trainer's live page (large QR, who signed in), and a trainee on a
phone (390x844) who opens the QR's URL, logs in and lands on "You're signed in".  Screenshots in
test-results/ (e2e-session-*.png)."""

import datetime as dt
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone
from playwright.sync_api import expect

from learning.models import Attendance
from tests.courses.factories import PublishedCourseFactory
from tests.factories import DEFAULT_PASSWORD, InstructorFactory, StudentFactory
from tests.learning.factories import ClassSessionFactory, EnrollmentFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PHONE = {"width": 390, "height": 844}


def log_in(page, live_server, user) -> None:
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}])


def watch(page, problems: list[str]) -> None:
    """Console errors (CSP violations among them), page errors and 4xx/5xx responses of a page."""
    page.on("console", lambda msg: problems.append(f"console: {msg.text}") if msg.type == "error" else None)
    page.on("pageerror", lambda exc: problems.append(f"page error: {exc}"))
    page.on("response", lambda resp: problems.append(f"HTTP {resp.status}: {resp.url}") if resp.status >= 400 else None)


def test_trainee_signs_in_by_opening_the_qr_url_on_a_phone(
    live_server, page, browser, browser_problems, screenshot_dir
):
    trainer = InstructorFactory(first_name="Tara", last_name="Trainer")
    course = PublishedCourseFactory(instructor=trainer, title="Forklift Safety")
    trainee = StudentFactory(first_name="Pia", last_name="Phone", email="pia@example.com")
    EnrollmentFactory(course=course, user=trainee)
    starts = timezone.now() - dt.timedelta(minutes=2)
    session = ClassSessionFactory(
        course=course, title="Practical day", starts_at=starts, ends_at=starts + dt.timedelta(hours=2), room="Room 2"
    )

    # The trainer's live page on a projector-sized screen.
    trainer_page = page
    trainer_page.set_viewport_size({"width": 1600, "height": 900})
    log_in(trainer_page, live_server, trainer)
    trainer_page.goto(f"{live_server.url}/teach/sessions/{session.pk}/live/")
    qr = trainer_page.locator("#session-qr img")
    expect(qr).to_be_visible()
    assert qr.bounding_box()["width"] >= 400  # large enough to scan from the back of the room
    expect(trainer_page.locator(".session-count")).to_have_text("0")
    trainer_page.screenshot(path=str(screenshot_dir / "e2e-session-live-trainer.png"))
    qr_url = qr.get_attribute("data-url")
    parts = urlsplit(qr_url)
    assert parts.path == f"/learn/sessions/{session.pk}/scan/" and parts.query.startswith("t=")

    # The trainee's phone: not logged in yet -> the login page, then back to the code's URL.
    phone = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True).new_page()
    phone_problems: list[str] = []
    watch(phone, phone_problems)
    phone.goto(f"{live_server.url}{parts.path}?{parts.query}")
    expect(phone.locator("#id_username")).to_be_visible()
    phone.fill("#id_username", trainee.email)
    phone.fill("#id_password", DEFAULT_PASSWORD)
    phone.get_by_role("button", name="Log in").click()
    expect(phone.get_by_text("You're signed in")).to_be_visible()
    expect(phone.get_by_role("button", name="Sign out")).to_be_visible()
    assert phone.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]
    phone.screenshot(path=str(screenshot_dir / "e2e-session-trainee-phone-signed-in.png"), full_page=True)
    assert Attendance.objects.get(session=session, user=trainee).status == "present"

    # The live page's list updates itself (htmx polling every 5 s).
    expect(trainer_page.locator(".session-count")).to_have_text("1", timeout=12_000)
    expect(trainer_page.locator("#session-signed-in")).to_contain_text("Pia Phone")
    trainer_page.screenshot(path=str(screenshot_dir / "e2e-session-live-trainer-after.png"))

    # The trainee's dashboard: "Today: 01:36 Room 2" and the course page lists the session.
    phone.goto(f"{live_server.url}/my/learning/")
    local = session.local_start.strftime("%H:%M")
    expect(phone.locator(".sessions-today")).to_contain_text(f"Today: {local} Room 2")
    phone.screenshot(path=str(screenshot_dir / "e2e-session-trainee-dashboard.png"), full_page=True)
    phone.goto(f"{live_server.url}{course.get_absolute_url()}")
    expect(phone.locator(".class-sessions")).to_contain_text("Room 2")
    trainer_page.set_viewport_size({"width": 1280, "height": 900})
    trainer_page.goto(f"{live_server.url}/teach/{course.slug}/sessions/")
    expect(trainer_page.locator(".course-rate")).to_have_text("100%")
    trainer_page.screenshot(path=str(screenshot_dir / "e2e-session-course-sessions.png"), full_page=True)
    assert phone_problems == [] and browser_problems == []

    # Opening the same code again is refused with a clear message.
    phone.goto(f"{live_server.url}{parts.path}?{parts.query}")
    expect(phone.locator(".session-error")).to_contain_text("already used this code")
    phone.screenshot(path=str(screenshot_dir / "e2e-session-trainee-phone-replayed.png"))
