"""Sign-up, log-in and log-out in a real browser (chromium) against the live server."""

import re

import pytest
from django.conf import settings
from playwright.sync_api import expect

from accounts import demo
from accounts.models import User

# transaction: the live server thread must see the rows.  serialized_rollback (the default for
# transactional tests, see tests/conftest.py) restores the migrated data such as the staff groups.
pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_sign_up_lands_on_home_logged_in_then_log_out(live_server, page, browser_problems, screenshot_dir):
    page.goto(f"{live_server.url}/accounts/signup/")
    expect(page.get_by_role("heading", name="Create your account")).to_be_visible()

    page.fill("#id_first_name", "Grace")
    page.fill("#id_last_name", "Hopper")
    page.fill("#id_email", "Grace.Hopper@Example.com")
    page.fill("#id_password1", "Cobol-Compiler-1959")
    page.fill("#id_password2", "Cobol-Compiler-1959")
    page.get_by_role("button", name="Sign up").click()

    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.get_by_role("alert").filter(has_text="Welcome to CourseWorx, Grace!")).to_be_visible()
    user_menu = page.locator("#userMenu")
    expect(user_menu).to_contain_text("Grace")
    expect(page.get_by_role("link", name="Log in")).to_have_count(0)
    page.screenshot(path=str(screenshot_dir / "e2e-signup-home.png"), full_page=True)

    user = User.objects.get(email="grace.hopper@example.com")
    assert user.role == User.Role.STUDENT
    assert not user.is_staff

    user_menu.click()  # Bootstrap's dropdown: needs the vendored JavaScript to work
    logout = page.get_by_role("button", name="Log out")
    expect(logout).to_be_visible()
    logout.click()

    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.get_by_text("You have been logged out.")).to_be_visible()
    expect(page.get_by_role("link", name="Log in")).to_be_visible()
    expect(page.locator("#userMenu")).to_have_count(0)
    assert browser_problems == []


def test_sign_up_errors_are_shown_next_to_the_fields(live_server, page, browser_problems):
    page.goto(f"{live_server.url}/accounts/signup/")
    page.fill("#id_first_name", "G")
    page.fill("#id_last_name", "Hopper")
    page.fill("#id_email", "grace@example.com")
    page.fill("#id_password1", "password")
    page.fill("#id_password2", "password")
    page.get_by_role("button", name="Sign up").click()

    expect(page.locator("#id_first_name_error")).to_have_text("Must be at least 2 characters.")
    expect(page.locator("#id_password2_error")).to_contain_text("This password is too common.")
    expect(page.locator("#id_first_name")).to_have_attribute("aria-invalid", "true")
    assert not User.objects.filter(email="grace@example.com").exists()
    assert browser_problems == []


def test_demo_student_logs_in_and_sees_the_navbar(live_server, page, browser_problems, screenshot_dir):
    demo.seed({}, lambda *args: None)
    email, password, _purpose = next(login for login in demo.demo_logins() if login[0] == "student@courseworx.local")
    assert password == settings.DEMO_PASSWORD

    page.goto(f"{live_server.url}/accounts/login/")
    navbar = page.get_by_role("navigation", name="Main navigation")
    expect(navbar).to_be_visible()
    expect(navbar.get_by_role("link", name=re.compile("CourseWorx"))).to_be_visible()
    expect(navbar.get_by_role("link", name="Sign up")).to_be_visible()

    page.fill("#id_username", email.upper())
    page.fill("#id_password", password)
    page.get_by_role("button", name="Log in").click()

    expect(page).to_have_url(f"{live_server.url}/")
    expect(navbar.locator("#userMenu")).to_contain_text("Stella")
    expect(page.get_by_text("Welcome back, Stella.")).to_be_visible()
    # A student has no admin link.
    expect(navbar.get_by_role("link", name="Admin")).to_have_count(0)
    page.screenshot(path=str(screenshot_dir / "e2e-demo-student-home.png"), full_page=True)

    # The vendored assets really loaded: Bootstrap's CSS applies and htmx is defined.
    assert page.evaluate("() => typeof window.htmx") == "object"
    assert page.evaluate("() => typeof window.bootstrap") == "object"
    assert page.evaluate("() => getComputedStyle(document.querySelector('.navbar')).display") == "flex"
    assert browser_problems == []
