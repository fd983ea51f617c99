from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse

ALLOWED_PREFIXES = ("/static/", "/media/", "/healthz")


class RequirePasswordChangeMiddleware:
    """A user flagged `requires_password_change` can only change their password or log out."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and getattr(user, "requires_password_change", False):
            allowed = (reverse("accounts:password_change"), reverse("accounts:logout"))
            path = request.path
            if not (path in allowed or path.startswith(ALLOWED_PREFIXES)):
                if path.startswith("/api/"):
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
                return redirect(f"{allowed[0]}?next={path}")
        return self.get_response(request)
