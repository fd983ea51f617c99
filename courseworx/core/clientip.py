"""The client's address, one rule for the login lock-out (django-axes) and the API/sign-up throttles (DRF).

Behind a reverse proxy every connection comes from the proxy, so the real client is in
`X-Forwarded-For` — but only the entries our own proxies appended can be trusted (a client may send
any header it likes).  `TRUSTED_PROXY_COUNT` says how many proxies stand in front of the app (the
nginx site in deploy/ is one, and overwrites the header with the address it saw): the client is the
entry that many places from the end.  With 0 (the default: no proxy, `make run`) the header is ignored
and the connection's address is used.  DRF reads the same setting as `NUM_PROXIES`.
"""

from __future__ import annotations

from django.conf import settings


def client_ip(request) -> str | None:
    remote = request.META.get("REMOTE_ADDR")
    count = settings.TRUSTED_PROXY_COUNT  # default (0) in settings.py
    if count <= 0:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if not forwarded:
        return remote
    return forwarded[-min(count, len(forwarded))]
