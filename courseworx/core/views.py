"""Site-wide pages: health check, favicon and the friendly error pages (the home page is courses')."""

import logging

import redis
from django.conf import settings
from django.db import connection
from django.http import HttpResponseServerError, JsonResponse
from django.shortcuts import redirect, render
from django.template import loader
from django.templatetags.static import static
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from .requestid import get_request_id

logger = logging.getLogger(__name__)


def favicon(request):
    """Browsers ask for /favicon.ico whatever the page says: point them at the real icon."""
    return redirect(static("img/favicon.svg"), permanent=True)


def _check_database() -> dict:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        return {"status": "ok", "vendor": connection.vendor}
    except Exception as exc:  # noqa: BLE001 - a health check reports any failure
        logger.warning("healthz: database check failed: %s", exc)
        return {"status": "error", "error": exc.__class__.__name__}


def _check_redis(url: str) -> dict:
    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1)
        client.ping()
        return {"status": "ok"}
    except Exception as exc:  # noqa: BLE001
        logger.warning("healthz: redis check failed: %s", exc)
        return {"status": "error", "error": exc.__class__.__name__}


@never_cache
@require_GET
def healthz(request):
    """Liveness/readiness: 200 when every configured dependency answers, 503 otherwise."""
    checks = {"database": _check_database()}
    redis_urls = {
        u for u in (settings.REDIS_URL, settings.CELERY_BROKER_URL) if u.startswith(("redis://", "rediss://"))
    }
    for i, url in enumerate(sorted(redis_urls)):
        checks["redis" if i == 0 else f"redis_{i}"] = _check_redis(url)
    healthy = all(c["status"] == "ok" for c in checks.values())
    return JsonResponse({"status": "ok" if healthy else "error", "checks": checks}, status=200 if healthy else 503)


def _wants_json(request) -> bool:
    return request.path.startswith("/api/") or "application/json" in request.headers.get("Accept", "")


NUL_REASON = "The request contains a null character, which is never valid in a web address or a form."


def error_400(request, exception=None, *, reason: str = "", fields: dict | None = None):
    """Also answers requests refused before any view runs (courseworx.core.middleware), with a reason."""
    if _wants_json(request):
        if fields:
            error = {"code": "invalid", "message": reason or "The submitted data is not valid.", "fields": fields}
        else:
            error = {"code": "bad_request", "message": reason or "Bad request.", "fields": {}}
        return JsonResponse({"error": error}, status=400)
    return render(request, "400.html", {"reason": reason}, status=400)


def error_403(request, exception=None):
    if _wants_json(request):
        return JsonResponse(
            {"error": {"code": "permission_denied", "message": "You do not have permission.", "fields": {}}},
            status=403,
        )
    return render(request, "403.html", {"reason": str(exception) if exception else ""}, status=403)


def error_404(request, exception=None):
    if _wants_json(request):
        return JsonResponse({"error": {"code": "not_found", "message": "Not found.", "fields": {}}}, status=404)
    return render(request, "404.html", status=404)


def server_error_body(request=None) -> dict:
    """The `error` object of a JSON 500: no detail, but the request id to quote to support."""
    request_id = getattr(request, "request_id", None) or get_request_id() or ""
    return {
        "code": "server_error",
        "message": "An unexpected error occurred.",
        "fields": {},
        "request_id": request_id,
    }


def error_500(request):
    """The exception itself was recorded (ErrorLog) by the got_request_exception receiver (apps.py)."""
    if _wants_json(request):
        return JsonResponse({"error": server_error_body(request)}, status=500)
    # Rendered without a request context: nothing here may touch the database.
    request_id = getattr(request, "request_id", None) or get_request_id() or ""
    return HttpResponseServerError(loader.get_template("500.html").render({"request_id": request_id}))


def safe_next_url(request, value: str | None) -> str:
    """`value` when it is a local URL safe to redirect to (no other host, no `/\\evil`), else ""."""
    if value and url_has_allowed_host_and_scheme(
        value, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return value
    return ""
