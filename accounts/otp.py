"""Two-factor authentication: who must pass a second factor, and the lock-out reads (django-otp).

The writes (enrol, confirm, verify, recovery codes, disable) are in `services_otp.py`.

Who must pass a second factor after the password:
- with `settings.OTP_REQUIRED_FOR_STAFF` (default: on when DEBUG is off): every user who can open the admin
  (`is_staff`: administrators and instructors), every superuser and every member of a staff-duty group
  (`roles.STAFF_GROUPS`: moderators, reviewers, support, finance);
- always: anyone who enrolled a device of their own accord (optional for students), otherwise enrolling
  would protect nothing.

The decision is taken when the password login succeeds (`user_logged_in`, one query for the groups and
one for the devices) and kept in the session (`SESSION_REQUIRED_KEY`), so the middleware adds no query to
ordinary requests; `is_staff`/`is_superuser` are re-read on every request, so a session that predates the
rule (or a user promoted since) is caught too.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from .roles import STAFF_GROUPS

SESSION_REQUIRED_KEY = "cw_otp_required"


def is_staff_member(user) -> bool:
    """Administrators, instructors (is_staff: they use the admin), superusers and staff-duty group members."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_staff or user.is_superuser:
        return True
    return any(user.in_group(name) for name in STAFF_GROUPS)


def has_device(user) -> bool:
    """True when `user` has a confirmed authenticator app."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def second_factor_required_for(user) -> bool:
    """Must `user` pass a second factor after the password?  (Queries: groups, devices.)"""
    if not getattr(user, "is_authenticated", False):
        return False
    if getattr(settings, "OTP_REQUIRED_FOR_STAFF", True) and is_staff_member(user):
        return True
    return has_device(user)


def second_factor_pending(request) -> bool:
    """True when the request's user must still pass the second factor in this session (no query when not)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return False
    required = bool(request.session.get(SESSION_REQUIRED_KEY)) or (
        getattr(settings, "OTP_REQUIRED_FOR_STAFF", True) and (user.is_staff or user.is_superuser)
    )
    if not required:
        return False
    is_verified = getattr(user, "is_verified", None)
    return not (is_verified and is_verified())


def is_verified(user) -> bool:
    check = getattr(user, "is_verified", None)
    return bool(check and check())


def confirmed_totp(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("created_at").first()


def recovery_device(user) -> StaticDevice | None:
    return StaticDevice.objects.filter(user=user, confirmed=True).first()


def recovery_codes_left(user) -> int:
    device = recovery_device(user)
    return device.token_set.count() if device else 0


def locked_until(user) -> datetime | None:
    """When the second factor unlocks after `OTP_FAILURE_LIMIT` wrong codes in a row, or None if it is not locked.

    django-otp counts the failures on each device (`throttling_failure_count`, reset by a right code); past the
    limit, every further attempt is refused until `OTP_LOCKOUT_MINUTES` after the last wrong one.
    """
    limit = settings.OTP_FAILURE_LIMIT
    cooloff = timedelta(minutes=settings.OTP_LOCKOUT_MINUTES)
    now = timezone.now()
    until = None
    for model in (TOTPDevice, StaticDevice):
        for last in model.objects.filter(
            user=user, confirmed=True, throttling_failure_count__gte=limit, throttling_failure_timestamp__isnull=False
        ).values_list("throttling_failure_timestamp", flat=True):
            end = last + cooloff
            if end > now and (until is None or end > until):
                until = end
    return until


def remember_requirement(sender, request, user, **kwargs) -> None:
    """`user_logged_in` receiver (connected in AccountsConfig.ready): note in the session whether this login
    needs a second factor, so later requests need no query to know."""
    if request is None or not hasattr(request, "session"):
        return
    if second_factor_required_for(user):
        request.session[SESSION_REQUIRED_KEY] = True
    else:
        request.session.pop(SESSION_REQUIRED_KEY, None)
