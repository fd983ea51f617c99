"""Two-factor authentication pages under the profile: overview, set-up (QR code), verify, recovery codes,
disable.  The rules are in `otp.py` (who, lock-out) and `services_otp.py` (writes)."""

from base64 import b32encode
from urllib.parse import urlencode

import django_otp
import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from courseworx.core.views import safe_next_url

from . import otp, services_otp
from .forms import OTPCodeForm, OTPDisableForm
from .views import _add_service_errors


def _next(request) -> str:
    return safe_next_url(request, request.POST.get("next") or request.GET.get("next")) or ""


def _lock_context() -> dict:
    return {"failure_limit": settings.OTP_FAILURE_LIMIT, "lockout_minutes": settings.OTP_LOCKOUT_MINUTES}


def _must_verify_first(request):
    """A page that needs a verified session: the code page when the second factor is still pending."""
    if otp.second_factor_pending(request) and otp.has_device(request.user):
        return redirect(f"{reverse('accounts:otp_verify')}?{urlencode({'next': request.path})}")
    return None


@login_required
@require_http_methods(["GET"])
def otp_overview(request):
    if (response := _must_verify_first(request)) is not None:
        return response
    user = request.user
    return render(request, "accounts/otp_overview.html", {
        "enrolled": otp.has_device(user), "codes_left": otp.recovery_codes_left(user),
        "required": settings.OTP_REQUIRED_FOR_STAFF and otp.is_staff_member(user),
        "disable_form": OTPDisableForm(), **_lock_context(),
    })  # fmt: skip


def _secret_groups(device) -> str:
    secret = b32encode(device.bin_key).decode()
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


@login_required
@require_http_methods(["GET", "POST"])
def otp_setup(request):
    user = request.user
    if otp.has_device(user):
        messages.info(request, _("Two-factor authentication is already set up."))
        return redirect("accounts:otp_overview")
    device = services_otp.totp_device_start(user=user)
    form = OTPCodeForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            codes = services_otp.totp_device_confirm(user=user, device=device, code=form.cleaned_data["code"])
        except services_otp.SecondFactorLocked as exc:
            form.add_error(None, _lock_message(exc))
            status = 429
        except ValidationError as exc:
            _add_service_errors(form, exc)
        else:
            django_otp.login(request, device)
            request.session[otp.SESSION_REQUIRED_KEY] = True
            messages.success(request, _("Two-factor authentication is on."))
            return render(request, "accounts/otp_codes.html", {"codes": codes, "next": _next(request), "new": True})
    qr = segno.make(device.config_url, error="m")
    return render(request, "accounts/otp_setup.html", {
        "form": form, "qr_src": qr.svg_data_uri(scale=5, border=2), "secret": _secret_groups(device),
        "next": _next(request), "required": otp.second_factor_pending(request), **_lock_context(),
    }, status=status)  # fmt: skip


def _lock_message(exc: services_otp.SecondFactorLocked) -> str:
    minutes = max(1, int((exc.until - timezone.now()).total_seconds() + 59) // 60)
    return _("Too many wrong codes in a row: your second factor is locked. Try again in %(minutes)d minutes.") % {
        "minutes": minutes
    }


@login_required
@require_http_methods(["GET", "POST"])
def otp_verify(request):
    user = request.user
    if not otp.has_device(user):
        if otp.second_factor_pending(request):
            return redirect(f"{reverse('accounts:otp_setup')}?{urlencode({'next': _next(request)})}")
        return redirect("accounts:otp_overview")
    if otp.is_verified(user):
        return redirect(_next(request) or "home")
    form = OTPCodeForm(request.POST or None)
    status = 200
    locked = ""
    until = otp.locked_until(user)
    if until is not None:
        form = OTPCodeForm()
        locked = _lock_message(services_otp.SecondFactorLocked(until))
        status = 429
    elif request.method == "POST" and form.is_valid():
        try:
            device = services_otp.second_factor_verify(user=user, code=form.cleaned_data["code"])
        except services_otp.SecondFactorLocked as exc:
            form.add_error(None, _lock_message(exc))
            status = 429
        except ValidationError as exc:
            _add_service_errors(form, exc)
        else:
            django_otp.login(request, device)
            if device.__class__.__name__ == "StaticDevice":
                left = otp.recovery_codes_left(user)
                messages.warning(
                    request,
                    _("You used a recovery code; %(left)d left. Make new ones on the two-factor page.")
                    % {"left": left},
                )
            return redirect(_next(request) or "home")
    context = {"form": form, "next": _next(request), "locked": locked, **_lock_context()}
    return render(request, "accounts/otp_verify.html", context, status=status)


@login_required
@require_POST
def otp_recovery_codes(request):
    if (response := _must_verify_first(request)) is not None:
        return response
    try:
        codes = services_otp.recovery_codes_regenerate(user=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("accounts:otp_overview")
    return render(request, "accounts/otp_codes.html", {"codes": codes, "next": "", "new": False})


@login_required
@require_POST
def otp_disable(request):
    if (response := _must_verify_first(request)) is not None:
        return response
    form = OTPDisableForm(request.POST)
    status = 400
    if form.is_valid():
        try:
            services_otp.second_factor_disable(
                user=request.user, password=form.cleaned_data["password"], code=form.cleaned_data["code"]
            )
        except services_otp.SecondFactorLocked as exc:
            form.add_error(None, _lock_message(exc))
            status = 429
        except ValidationError as exc:
            _add_service_errors(form, exc)
        else:
            request.session.pop(django_otp.DEVICE_ID_SESSION_KEY, None)
            if not otp.second_factor_required_for(request.user):
                request.session.pop(otp.SESSION_REQUIRED_KEY, None)
            messages.success(request, _("Two-factor authentication is off."))
            return redirect("accounts:otp_overview")
    user = request.user
    return render(request, "accounts/otp_overview.html", {
        "enrolled": otp.has_device(user), "codes_left": otp.recovery_codes_left(user),
        "required": settings.OTP_REQUIRED_FOR_STAFF and otp.is_staff_member(user),
        "disable_form": form, **_lock_context(),
    }, status=status)  # fmt: skip
