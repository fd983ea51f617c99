"""Two-factor authentication, the write paths (django-otp devices): enrol, confirm, verify, recovery codes,
disable.  Who must use it and the lock-out reads are in `otp.py`; the pages in `views_otp.py`."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from courseworx.core.services import audit_log_create

from . import otp
from .models import User

TOTP_NAME = "Authenticator app"
RECOVERY_NAME = "Recovery codes"
_TOTP_RE = re.compile(r"^\d{6}$")


class SecondFactorLocked(PermissionDenied):
    """Too many wrong codes in a row: every code is refused until `until`."""

    def __init__(self, until: datetime):
        self.until = until
        super().__init__("Too many wrong codes. Your second factor is locked for a while.")


def normalize_code(code: Any) -> str:
    """Codes as people type them: spaces and dashes dropped, lower case (recovery codes are base32)."""
    return re.sub(r"[\s-]", "", str(code or "")).lower()


def _device_locked_until(device: Device) -> datetime | None:
    count = getattr(device, "throttling_failure_count", 0)
    last = getattr(device, "throttling_failure_timestamp", None)
    if count >= settings.OTP_FAILURE_LIMIT and last is not None:
        until = last + timedelta(minutes=settings.OTP_LOCKOUT_MINUTES)
        if until > timezone.now():
            return until
    return None


def _verify(device: Device, code: str) -> bool:
    """One attempt on `device`; refused (and counted by django-otp) when wrong; raises when locked."""
    until = _device_locked_until(device)
    if until is not None:
        raise SecondFactorLocked(until)
    allowed, info = device.verify_is_allowed()
    if not allowed:
        # django-otp's growing delay between attempts (OTP_*_THROTTLE_FACTOR): not counted as a failure.
        raise ValidationError(
            _("Please wait a few seconds before trying another code."), code="throttled", params=info or {}
        )
    ok = device.verify_token(code)
    if not ok:
        device.refresh_from_db()
        until = _device_locked_until(device)
        if until is not None:
            raise SecondFactorLocked(until)
    return ok


def totp_device_start(*, user: User) -> TOTPDevice:
    """The unconfirmed authenticator app being enrolled (a new secret, or the one already shown)."""
    if otp.has_device(user):
        raise ValidationError(_("Two-factor authentication is already set up."), code="already_enrolled")
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-created_at").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=TOTP_NAME, confirmed=False)
    return device


def _recovery_codes_replace(user: User) -> list[str]:
    device, _created = StaticDevice.objects.get_or_create(user=user, name=RECOVERY_NAME, defaults={"confirmed": True})
    device.token_set.all().delete()
    device.throttle_reset(commit=False)
    device.confirmed = True
    device.save()
    codes = [StaticToken.random_token() for _ in range(settings.OTP_RECOVERY_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return codes


def totp_device_confirm(*, user: User, device: TOTPDevice, code: str) -> list[str]:
    """Confirm the app with its first code; returns the new recovery codes (shown once)."""
    if device.user_id != user.pk or device.confirmed:
        raise ValidationError(_("Start the set-up again."), code="invalid_device")
    code = normalize_code(code)
    # Outside the transaction: a wrong code's failure count must stay when the refusal is raised.
    if not _TOTP_RE.match(code) or not _verify(device, code):
        raise ValidationError({"code": _("That code is not right. Check the time on your phone and try again.")})
    with transaction.atomic():
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        TOTPDevice.objects.filter(user=user, confirmed=False).delete()
        codes = _recovery_codes_replace(user)
        audit_log_create(actor=user, action="accounts.otp_enable", target=user)
    return codes


def second_factor_verify(*, user: User, code: str) -> Device:
    """The device that accepts `code` (a 6-digit app code or a one-time recovery code, then used up).

    Wrong: ValidationError on `code`; locked (OTP_FAILURE_LIMIT wrong codes in a row): SecondFactorLocked.
    """
    code = normalize_code(code)
    until = otp.locked_until(user)
    if until is not None:
        raise SecondFactorLocked(until)
    if _TOTP_RE.match(code):
        devices: list[Device] = list(TOTPDevice.objects.filter(user=user, confirmed=True))
    else:
        devices = list(StaticDevice.objects.filter(user=user, confirmed=True))
    if not devices:
        raise ValidationError({"code": _("That code is not right.")})
    for device in devices:
        if _verify(device, code):
            return device
    raise ValidationError({"code": _("That code is not right.")})


@transaction.atomic
def recovery_codes_regenerate(*, user: User) -> list[str]:
    """New recovery codes (the old ones stop working); needs an enrolled app."""
    if not otp.has_device(user):
        raise ValidationError(_("Set up an authenticator app first."), code="not_enrolled")
    codes = _recovery_codes_replace(user)
    audit_log_create(actor=user, action="accounts.otp_recovery_codes", target=user)
    return codes


def second_factor_disable(*, user: User, password: str, code: str) -> None:
    """Remove every device, after the password and a current code (or a recovery code)."""
    if not user.check_password(password or ""):
        raise ValidationError({"password": _("Your password is not right.")})
    # Outside the transaction: a wrong code's failure count must stay when the refusal is raised.
    second_factor_verify(user=user, code=code)
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()
        audit_log_create(actor=user, action="accounts.otp_disable", target=user)
