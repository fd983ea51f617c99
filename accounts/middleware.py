from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from rest_framework.authtoken.models import Token

from . import ratelimit

ALLOWED_PREFIXES = ("/static/", "/media/", "/healthz")


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


class RequirePasswordChangeMiddleware:
    """A user flagged `requires_password_change` can only change their password or log out."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        path = request.path
        if user is not None and user.is_authenticated and getattr(user, "requires_password_change", False):
            allowed = (reverse("accounts:password_change"), reverse("accounts:logout"))
            if not (path in allowed or path.startswith(ALLOWED_PREFIXES)):
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
