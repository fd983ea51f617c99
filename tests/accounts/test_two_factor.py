"""Two-factor authentication (django-otp): required for staff (admin site included), optional for others."""

import base64
import re
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.contrib import admin
from django.contrib.sessions.backends.db import SessionStore
from django.urls import reverse
from django.utils import timezone
from django_otp.middleware import OTPMiddleware
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import roles
from courseworx.core.models import AuditLog
from tests.factories import DEFAULT_PASSWORD, StaffFactory, StudentFactory
from tests.utils import otp_verify_session, totp_code

pytestmark = pytest.mark.django_db

VERIFY = reverse("accounts:otp_verify")
SETUP = reverse("accounts:otp_setup")
OVERVIEW = reverse("accounts:otp_overview")


@pytest.fixture(autouse=True)
def _no_throttle_delay(settings):
    # django-otp's growing delay between attempts (1 s, 2 s...) would make back-to-back test attempts wait;
    # the failure count and our lock after OTP_FAILURE_LIMIT still apply.
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    settings.OTP_STATIC_THROTTLE_FACTOR = 0
    settings.OTP_FAILURE_LIMIT = 3


def _login_form(client, user):
    return client.post(reverse("accounts:login"), {"username": user.email, "password": DEFAULT_PASSWORD})


def _device(user, **kwargs):
    return TOTPDevice.objects.create(user=user, name="Phone", confirmed=True, **kwargs)


# --- Who must pass it ---------------------------------------------------------------------------------


def test_staff_without_a_device_cannot_reach_the_admin_and_is_sent_to_set_up(client, otp_required):
    staff = StaffFactory()
    response = _login_form(client, staff)
    assert response.status_code == 302
    response = client.get("/admin/")
    assert response.status_code == 302
    target = urlsplit(response["Location"])
    assert target.path == SETUP
    assert "next=%2Fadmin%2F" in target.query
    # Nothing else either (a staff page, the home page), and the session API answers a JSON 403.
    assert urlsplit(client.get("/accounts/profile/")["Location"]).path == SETUP
    api = client.get("/api/v1/me/")
    assert api.status_code == 403
    assert api.json()["error"]["code"] == "second_factor_required"


def test_staff_with_a_device_is_sent_to_verify_then_reaches_the_admin(client, otp_required):
    staff = StaffFactory(is_superuser=True)
    device = _device(staff)
    _login_form(client, staff)
    response = client.get("/admin/")
    assert urlsplit(response["Location"]).path == VERIFY
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert b"wrong codes in a row" in page.content  # the lock-out rule is on the page

    response = client.post(VERIFY, {"code": totp_code(device), "next": "/admin/"})
    assert response.status_code == 302
    assert response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200
    assert client.get("/api/v1/me/").status_code == 200


@pytest.mark.parametrize("group", roles.STAFF_GROUPS)
def test_every_staff_duty_group_is_required(client, otp_required, make_staff, group):
    member = make_staff(group)
    client.force_login(member)
    assert urlsplit(client.get("/admin/")["Location"]).path == SETUP


def test_instructors_use_the_admin_so_they_need_it_too(client, otp_required, instructor):
    client.force_login(instructor)
    assert urlsplit(client.get("/admin/")["Location"]).path == SETUP


def test_admin_site_refuses_an_unverified_session_even_without_the_middleware(rf, otp_required):
    staff = StaffFactory(is_superuser=True)
    request = rf.get("/admin/")
    request.user = staff
    request.session = SessionStore()
    OTPMiddleware(lambda r: None)(request)
    assert admin.site.has_permission(request) is False
    device = _device(staff)
    request.session["otp_device_id"] = device.persistent_id
    request.user = staff
    OTPMiddleware(lambda r: None)(request)
    assert admin.site.has_permission(request) is True


def test_a_student_is_not_forced(client, otp_required):
    student = StudentFactory()
    _login_form(client, student)
    assert client.get("/accounts/profile/").status_code == 200
    assert client.get("/api/v1/me/").status_code == 200


def test_not_required_for_staff_when_the_setting_is_off(client, settings):
    settings.OTP_REQUIRED_FOR_STAFF = False
    staff = StaffFactory(is_superuser=True)
    _login_form(client, staff)
    assert client.get("/admin/").status_code == 200


def test_helper_marks_a_forced_login_verified(client, otp_required):
    staff = StaffFactory(is_superuser=True)
    client.force_login(staff)
    otp_verify_session(client, staff)
    assert client.get("/admin/").status_code == 200


def test_api_requests_with_their_own_credentials_are_not_redirected(client, otp_required):
    staff = StaffFactory()
    client.force_login(staff)
    # A token (or API key) is checked by DRF, not by the session: a bad one is a plain 401.
    response = client.get("/api/v1/me/", HTTP_AUTHORIZATION="Token nope")
    assert response.status_code == 401
    # Any other header does not let the unverified session through either.
    response = client.get("/api/v1/me/", HTTP_AUTHORIZATION="Bearer whatever")
    assert response.status_code in (401, 403)
    assert response.json()["error"]["code"] in ("not_authenticated", "authentication_failed")


# --- Enrolment ---------------------------------------------------------------------------------------


def test_enrolment_shows_a_qr_code_and_the_secret_and_confirms_with_a_first_code(client, otp_required):
    staff = StaffFactory()
    client.force_login(staff)
    page = client.get(f"{SETUP}?next=/admin/")
    assert page.status_code == 200
    body = page.content.decode()
    assert 'src="data:image/svg+xml' in body  # an <img>: no inline SVG/style, the CSP holds
    assert "<svg" not in body
    device = TOTPDevice.objects.get(user=staff, confirmed=False)
    secret = re.search(r'id="otp-secret">([A-Z2-7 ]+)<', body).group(1).replace(" ", "")
    assert base64.b32decode(secret) == device.bin_key

    wrong = client.post(SETUP, {"code": "000000" if totp_code(device) != "000000" else "111111"})
    assert wrong.status_code == 200
    assert b"not right" in wrong.content

    done = client.post(SETUP, {"code": totp_code(device), "next": "/admin/"})
    assert done.status_code == 200
    codes = re.findall(r'<li class="col py-1">([a-z2-7]+)</li>', done.content.decode())
    assert len(codes) == 10
    device.refresh_from_db()
    assert device.confirmed
    assert set(StaticToken.objects.filter(device__user=staff).values_list("token", flat=True)) == set(codes)
    assert AuditLog.objects.filter(action="accounts.otp_enable", actor=staff).exists()
    # The session is verified: the admin opens.
    assert client.get("/admin/").status_code == 200
    # Set-up again: already done.
    assert client.get(SETUP)["Location"] == OVERVIEW


def test_a_student_may_enrol_and_then_needs_the_code_at_the_next_login(client, otp_required):
    student = StudentFactory()
    device = _device(student)
    _login_form(client, student)
    response = client.get("/accounts/profile/")
    assert urlsplit(response["Location"]).path == VERIFY
    client.post(VERIFY, {"code": totp_code(device)})
    assert client.get("/accounts/profile/").status_code == 200


def test_profile_links_to_the_two_factor_page(client):
    student = StudentFactory()
    client.force_login(student)
    assert OVERVIEW.encode() in client.get("/accounts/profile/").content
    page = client.get(OVERVIEW)
    assert page.status_code == 200
    assert b"Set up an authenticator app" in page.content


# --- Wrong codes, lock-out, recovery codes ------------------------------------------------------------


def test_wrong_codes_are_refused_and_lock_after_the_limit(client, otp_required):
    staff = StaffFactory(is_superuser=True)
    device = _device(staff)
    client.force_login(staff)
    good = totp_code(device)
    bad = "123456" if good != "123456" else "654321"
    for _ in range(2):
        response = client.post(VERIFY, {"code": bad})
        assert response.status_code == 200
        assert b"not right" in response.content
    response = client.post(VERIFY, {"code": bad})  # the third: locked
    assert response.status_code == 429
    assert b"locked" in response.content
    # Now even the right code is refused, and the admin stays closed.
    response = client.post(VERIFY, {"code": good})
    assert response.status_code == 429
    assert urlsplit(client.get("/admin/")["Location"]).path == VERIFY


def test_the_lock_ends_after_the_cooloff(client, otp_required):
    staff = StaffFactory(is_superuser=True)
    device = _device(staff)
    TOTPDevice.objects.filter(pk=device.pk).update(
        throttling_failure_count=3, throttling_failure_timestamp=timezone.now() - timedelta(minutes=16)
    )
    client.force_login(staff)
    response = client.post(VERIFY, {"code": totp_code(device)})
    assert response.status_code == 302
    device.refresh_from_db()
    assert device.throttling_failure_count == 0


def test_a_recovery_code_works_once(client, otp_required):
    staff = StaffFactory(is_superuser=True)
    _device(staff)
    static = StaticDevice.objects.create(user=staff, name="Recovery codes", confirmed=True)
    StaticToken.objects.create(device=static, token="abcd2345ef")
    StaticToken.objects.create(device=static, token="zzzz2345ef")
    client.force_login(staff)
    response = client.post(VERIFY, {"code": "ABCD 2345 EF"})  # as typed: spaces, capitals
    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200

    client.post(reverse("accounts:logout"))
    client.force_login(staff)
    response = client.post(VERIFY, {"code": "abcd2345ef"})
    assert response.status_code == 200
    assert b"not right" in response.content
    assert StaticToken.objects.filter(device=static).count() == 1


def test_recovery_codes_can_be_regenerated_by_a_verified_session(client, otp_required):
    staff = StaffFactory(is_superuser=True)
    _device(staff)
    static = StaticDevice.objects.create(user=staff, name="Recovery codes", confirmed=True)
    StaticToken.objects.create(device=static, token="oldcode234")
    client.force_login(staff)
    # Not verified yet: to the code page first.
    response = client.post(reverse("accounts:otp_recovery_codes"))
    assert urlsplit(response["Location"]).path == VERIFY
    otp_verify_session(client, staff)
    response = client.post(reverse("accounts:otp_recovery_codes"))
    assert response.status_code == 200
    tokens = set(StaticToken.objects.filter(device__user=staff).values_list("token", flat=True))
    assert len(tokens) == 10
    assert "oldcode234" not in tokens


def test_disable_needs_the_password_and_a_code(client, otp_required):
    student = StudentFactory()
    device = _device(student)
    client.force_login(student)
    otp_verify_session(client, student)
    url = reverse("accounts:otp_disable")
    response = client.post(url, {"password": "wrong-password", "code": totp_code(device)})
    assert response.status_code == 400
    assert TOTPDevice.objects.filter(user=student).exists()
    response = client.post(url, {"password": DEFAULT_PASSWORD, "code": totp_code(device)})
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=student).exists()
    assert AuditLog.objects.filter(action="accounts.otp_disable").exists()
    assert client.get("/accounts/profile/").status_code == 200


# --- API token ------------------------------------------------------------------------------------------


def test_token_endpoint_asks_staff_for_the_second_factor(client, otp_required):
    staff = StaffFactory()
    device = _device(staff)
    url = reverse("api:auth-token")
    body = {"username": staff.email, "password": DEFAULT_PASSWORD}
    response = client.post(url, body, content_type="application/json")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "second_factor_required"
    response = client.post(url, {**body, "otp": "000000" if totp_code(device) != "000000" else "111111"},
                           content_type="application/json")  # fmt: skip
    assert response.status_code == 400
    response = client.post(url, {**body, "otp": totp_code(device)}, content_type="application/json")
    assert response.status_code == 200
    assert response.json()["token"]


def test_token_endpoint_unchanged_for_students(client, otp_required):
    student = StudentFactory()
    response = client.post(
        reverse("api:auth-token"),
        {"username": student.email, "password": DEFAULT_PASSWORD},
        content_type="application/json",
    )
    assert response.status_code == 200
