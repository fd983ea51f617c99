"""Small helpers shared by test modules and conftests."""

import os
import time

import django_otp
import pytest
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice


def in_ci() -> bool:
    """CI exports CI=true (see .ci/run); there, a missing service is a failure, not a skip."""
    return os.environ.get("CI", "").lower() == "true"


def skip_or_fail(reason: str) -> None:
    """Skip locally when a service or tool is missing, but fail in CI, which must run every test."""
    if in_ci():
        pytest.fail(f"{reason} (CI=true: this test must run in CI)", pytrace=False)
    pytest.skip(reason)


def totp_code(device, *, offset: int = 0) -> str:
    """The current 6-digit code of a django-otp TOTPDevice (`offset` time steps ahead: -1, 0, +1 are accepted)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + offset * device.step
    return f"{totp.token():0{device.digits}d}"


def otp_verify_session(client, user):
    """Mark `client`'s session as past the second factor (two-factor authentication, accounts/otp.py).

    `client.force_login(staff)` gives a password-only session; when `OTP_REQUIRED_FOR_STAFF` is on (production's
    default; the test suite runs with DEBUG=true, where it is off), staff pages need this too.  Gives `user` a
    confirmed authenticator device when they have none; returns the device.
    """
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Test app", confirmed=True)
    session = client.session
    session[django_otp.DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return device
