"""`Authorization: Api-Key <key>`: DRF authentication with the key's scopes and rate limits.

Everything a key is allowed is decided here, when DRF authenticates the request (before the view's own
permission and throttle classes, which views often replace, so nothing can forget it):

1. the key must exist (by the SHA-256 of what was sent), not be revoked or expired, and its user must be
   active -> else 401 (`authentication_failed`, `key_revoked`, `key_expired`);
2. its last use (time and client address) is recorded, at most once a minute per key;
3. it is counted against its per-minute and per-hour limits (accounts.ratelimit) -> 429 `throttled` with
   `Retry-After`; the `X-RateLimit-*` headers go on every response to a key (see
   `accounts.middleware.ApiKeyRateLimitHeadersMiddleware`);
4. the view's area (accounts.api_keys.view_area) must be one of the key's areas -> else 403 `key_scope`,
   and a read-only key may only GET/HEAD/OPTIONS -> else 403 `key_read_only`.

The request then acts as the key's user: the view's own permission checks still apply on top.
"""

from __future__ import annotations

import math
import time
from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header

from accounts import ratelimit
from accounts.api_keys import AREAS, AUTH_KEYWORD, READ_ONLY_METHODS, hash_key, view_area
from accounts.models import ApiKey
from courseworx.core.clientip import client_ip

LAST_USED_EVERY = timedelta(minutes=1)


class KeyScopeDenied(exceptions.PermissionDenied):
    default_code = "key_scope"


class ApiKeyAuthentication(BaseAuthentication):
    keyword = AUTH_KEYWORD
    refuses_by_scope = True  # courseworx.core.api.schema documents a 403 wherever it is accepted

    def authenticate(self, request):
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != self.keyword.lower().encode():
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed(_("Invalid API key header: send 'Api-Key <key>'."))
        try:
            raw = parts[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed(_("Invalid API key.")) from None
        key = ApiKey.objects.select_related("user").filter(key_hash=hash_key(raw)).first()
        if key is None or not key.user.is_active:
            raise exceptions.AuthenticationFailed(_("Invalid API key."))
        now = timezone.now()
        if key.revoked_at is not None:
            raise exceptions.AuthenticationFailed(_("This API key has been revoked."), code="key_revoked")
        if key.is_expired(now):
            raise exceptions.AuthenticationFailed(_("This API key has expired."), code="key_expired")
        if key.user.requires_password_change:  # as for sessions and tokens (accounts.middleware)
            raise exceptions.PermissionDenied(
                _("You must change your password before using the API."), code="password_change_required"
            )

        self._touch(key, request, now)
        self._count(key, request)
        self._check_scope(key, request)
        return key.user, key

    def authenticate_header(self, request) -> str:
        return self.keyword

    @staticmethod
    def _touch(key: ApiKey, request, now) -> None:
        """Last use (time, client address): one UPDATE per key and minute at most."""
        if key.last_used_at is not None and now - key.last_used_at < LAST_USED_EVERY:
            return
        ip = client_ip(request._request)
        ApiKey.objects.filter(pk=key.pk).update(last_used_at=now, last_used_ip=ip)
        key.last_used_at, key.last_used_ip = now, ip

    @staticmethod
    def _count(key: ApiKey, request) -> None:
        state = ratelimit.hit(key)
        setattr(request._request, ratelimit.REQUEST_ATTR, state)
        if state.exceeded:
            wait = max(1, math.ceil(state.reset - time.time()))
            raise exceptions.Throttled(
                wait, detail=_("This API key's rate limit is reached. Try again in %(s)d seconds.") % {"s": wait}
            )

    @staticmethod
    def _check_scope(key: ApiKey, request) -> None:
        view = (request.parser_context or {}).get("view")
        area = view_area(view) if view is not None else None
        if area is None or area not in key.areas:
            label = AREAS[area][0] if area in AREAS else _("this part of the API")
            raise KeyScopeDenied(_("This API key may not use %(area)s.") % {"area": label})
        if key.read_only and request.method not in READ_ONLY_METHODS:
            raise exceptions.PermissionDenied(_("This API key is read-only."), code="key_read_only")


class ApiKeyAuthenticationScheme(OpenApiAuthenticationExtension):
    """The `apiKeyAuth` security scheme in the OpenAPI schema."""

    target_class = "accounts.api.authentication.ApiKeyAuthentication"
    name = "apiKeyAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": (
                "An API key created on the profile page or at `/api/v1/api-keys/`, sent as "
                "`Authorization: Api-Key <key>`. A key is limited to its areas (courses, learning, community, "
                "billing, reports, admin), optionally read-only, and rate-limited per minute and per hour "
                "(`X-RateLimit-Limit`, `X-RateLimit-Remaining`, `X-RateLimit-Reset` on every response)."
            ),
        }
