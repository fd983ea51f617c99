from urllib.parse import urlencode

from django.contrib.auth.models import AnonymousUser
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from rest_framework.authtoken.models import Token

from . import otp, ratelimit

ALLOWED_PREFIXES = ("/static/", "/media/", "/healthz")
# The second-factor pages themselves, and what a half-logged-in person may still do (log out, switch language).
SECOND_FACTOR_PREFIXES = (*ALLOWED_PREFIXES, "/accounts/2fa/", "/accounts/logout/", "/i18n/", "/favicon.ico")


def _password_change_required_response() -> JsonResponse:
    return JsonResponse(
        {
            "error": {
                "code": "password_change_required",
                "message": "You must change your password before using the API.",
                "fields": {},
            }
        },
        status=403,
    )


def _token_user_must_change_password(request) -> bool:
    """True when the request carries `Authorization: Token <key>` of a user flagged for a password change.
    (API keys check the same flag when they authenticate: accounts.api.authentication.)

    Token authentication happens inside DRF, after this middleware, so without this check a flagged user
    could keep using (or fetch) an API token and bypass the forced change.  One indexed query, and only
    for API requests that send a token.
    """
    keyword, _, key = request.headers.get("Authorization", "").partition(" ")
    if keyword != "Token" or not key.strip():
        return False

    return Token.objects.filter(key=key.strip(), user__requires_password_change=True).exists()


def _second_factor_required_response() -> JsonResponse:
    return JsonResponse(
        {
            "error": {
                "code": "second_factor_required",
                "message": "Staff accounts must pass two-factor authentication in the browser session before "
                "using the API with it (or use an API key or token).",
                "fields": {},
            }
        },
        status=403,
    )


class RequireSecondFactorMiddleware:
    """After the password, a user who must pass a second factor (accounts/otp.py) reaches nothing else first.

    Pages redirect to the code page (or to the set-up page when the user has no device yet), with `next`;
    session calls to the API answer a JSON 403 `second_factor_required`.  API requests that carry their own
    credentials (`Authorization:` header: tokens, API keys) go on with the session's user removed, so only
    those credentials can authenticate them.  Installed after django-otp's OTPMiddleware (which provides
    `user.is_verified()`).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        path = request.path
        if not path.startswith(SECOND_FACTOR_PREFIXES) and otp.second_factor_pending(request):
            if path.startswith("/api/"):
                if not request.headers.get("Authorization"):
                    return _second_factor_required_response()
                # The header's own credentials (token, API key) decide; the unverified session never counts
                # (DRF's SessionAuthentication reads this user).
                request.user = AnonymousUser()
            else:
                target = "accounts:otp_verify" if otp.has_device(request.user) else "accounts:otp_setup"
                return redirect(f"{reverse(target)}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)


class RequirePasswordChangeMiddleware:
    """A user flagged `requires_password_change` can only change their password or log out."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        path = request.path
        if user is not None and user.is_authenticated and getattr(user, "requires_password_change", False):
            allowed = (reverse("accounts:password_change"), reverse("accounts:logout"))
            if not (path in allowed or path.startswith(ALLOWED_PREFIXES) or path.startswith("/accounts/2fa/")):
                if path.startswith("/api/"):
                    return _password_change_required_response()
                return redirect(f"{allowed[0]}?next={path}")
        elif (
            path.startswith("/api/")
            and path != reverse("api:auth-token")  # revoking a token stays possible
            and _token_user_must_change_password(request)
        ):
            return _password_change_required_response()
        return self.get_response(request)


class ApiKeyRateLimitHeadersMiddleware:
    """`X-RateLimit-Limit/Remaining/Reset` on every response to a request made with an API key.

    accounts.api.authentication counts the request and leaves the window's state on the request; this adds
    the headers to whatever response the view (or the 429/403 error) produced.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        state = getattr(request, ratelimit.REQUEST_ATTR, None)
        if state is not None:
            for name, value in ratelimit.headers(state).items():
                response[name] = value
        return response
