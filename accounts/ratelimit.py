"""Per-API-key rate limits: a request count per minute and per hour, kept in the shared cache.

The limits of a key are its own overrides (`ApiKey.rate_limit_per_minute` / `_per_hour`, set by staff in the
admin) or else the defaults for its user's role (`settings.API_KEY_RATE_LIMITS`).  Counting uses fixed windows
(the current UTC minute and hour): one `add` + `incr` per window in Django's cache, atomic in Redis (the
production cache), so every web process shares the counters.  A request over either limit is refused with
429; refused requests count too, so a client that keeps hammering stays refused until the window ends.

`X-RateLimit-Limit`, `X-RateLimit-Remaining` and `X-RateLimit-Reset` (UNIX time, seconds, when the window
resets) describe the window that is the tighter one for this request: the exceeded one when refused, else the
one with fewer requests left.  A 429 also says `Retry-After` (seconds).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache

WINDOWS = (("minute", 60), ("hour", 3600))
CACHE_PREFIX = "cw:apikey-rate"
REQUEST_ATTR = "cw_rate_limit"  # set on the Django request, read by ApiKeyRateLimitHeadersMiddleware


@dataclass(frozen=True)
class WindowState:
    limit: int
    count: int
    reset: int  # UNIX time the window ends

    @property
    def remaining(self) -> int:
        return max(0, self.limit - self.count)

    @property
    def exceeded(self) -> bool:
        return self.count > self.limit


def key_limits(key) -> dict[str, int]:
    """{"minute": n, "hour": n} for this key: its overrides, else its user's role's defaults."""
    defaults = settings.API_KEY_RATE_LIMITS.get(key.user.role) or settings.API_KEY_RATE_LIMITS["student"]
    return {
        "minute": key.rate_limit_per_minute or defaults["minute"],
        "hour": key.rate_limit_per_hour or defaults["hour"],
    }


def _incr(cache_key: str, timeout: int) -> int:
    cache.add(cache_key, 0, timeout=timeout)
    try:
        return cache.incr(cache_key)
    except ValueError:  # expired between add and incr
        cache.set(cache_key, 1, timeout=timeout)
        return 1


def hit(key, *, now: float | None = None) -> WindowState:
    """Count one request of `key`; returns the window to report (exceeded when the request is refused)."""
    now = time.time() if now is None else now
    limits = key_limits(key)
    states = []
    for name, seconds in WINDOWS:
        start = int(now // seconds) * seconds
        count = _incr(f"{CACHE_PREFIX}:{key.pk}:{name}:{start}", seconds + 5)
        states.append(WindowState(limit=limits[name], count=count, reset=start + seconds))
    exceeded = [s for s in states if s.exceeded]
    if exceeded:
        return max(exceeded, key=lambda s: s.reset)
    return min(states, key=lambda s: (s.remaining, s.reset))


def headers(state: WindowState) -> dict[str, str]:
    return {
        "X-RateLimit-Limit": str(state.limit),
        "X-RateLimit-Remaining": str(state.remaining),
        "X-RateLimit-Reset": str(state.reset),
    }
