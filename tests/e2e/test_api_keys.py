"""Issue 16 §1 in Chromium: the profile's API keys page under the strict CSP.  A person creates a read-only
key for two areas, sees it once with a working Copy button (static accounts/api_keys.js), and revokes it
after the confirmation; the key then gets a 401.  Phone and laptop; no console errors.  Screenshots in
test-results/."""

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import expect
from rest_framework.test import APIClient

from accounts.models import ApiKey
from tests.factories import StudentFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1280, "height": 900}


def log_in(page, live_server, user) -> None:
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}])


@pytest.mark.parametrize("viewport", [PHONE, LAPTOP], ids=["phone", "laptop"])
def test_create_copy_and_revoke_a_key(page, live_server, browser_problems, screenshot_dir, viewport):
    student = StudentFactory()
    page.set_viewport_size(viewport)
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    log_in(page, live_server, student)
    page.goto(live_server.url + "/accounts/profile/")
    page.get_by_role("link", name="Manage API keys").click()
    expect(page.get_by_text("You have no API keys yet.")).to_be_visible()

    page.get_by_label("Name").fill("Grades sync")
    page.get_by_label("Learning").check()
    page.get_by_label("Reports").check()
    page.get_by_label("Expires").select_option("30")
    page.get_by_role("button", name="Create key").click()

    key_input = page.get_by_label("Your new API key")
    expect(key_input).to_be_visible()
    raw = key_input.input_value()
    assert raw.startswith("cwk_")
    page.get_by_role("button", name="Copy").click()
    expect(page.get_by_role("button", name="Copied")).to_be_visible()
    assert page.evaluate("navigator.clipboard.readText()") == raw
    page.screenshot(path=str(screenshot_dir / f"api-keys-created-{viewport['width']}.png"), full_page=True)

    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Api-Key {raw}")
    assert api.get("/api/v1/enrollments/").status_code == 200

    page.goto(live_server.url + "/accounts/profile/api-keys/")
    assert raw not in page.content()
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Revoke Grades sync").click()
    expect(page.get_by_text("has been revoked")).to_be_visible()
    expect(page.get_by_text("Revoked", exact=True)).to_be_visible()
    page.screenshot(path=str(screenshot_dir / f"api-keys-revoked-{viewport['width']}.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]  # nothing sticks out
    assert ApiKey.objects.get(user=student).revoked_at is not None
    assert api.get("/api/v1/enrollments/").status_code == 401
    assert browser_problems == []
