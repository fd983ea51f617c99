"""Sign-up is throttled per client address: each attempt tells whether an address is registered.

DRF's throttle machinery (cache counters, the same client address rules as the API throttles), used by
the web sign-up view; any future sign-up API uses the same class.  The rate is `ACCOUNTS_SIGNUP_RATE`
("10/hour" by default).  Counters live in the cache: Redis in production, so every process shares them.
"""

from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle


class SignUpRateThrottle(SimpleRateThrottle):
    scope = "signup"

    def get_rate(self) -> str:
        return settings.ACCOUNTS_SIGNUP_RATE

    def get_cache_key(self, request, view) -> str:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


def signup_wait_message(wait_seconds: float | None) -> str:
    minutes = max(1, round((wait_seconds or 60) / 60))
    unit = "minute" if minutes == 1 else "minutes"
    return (
        f"Too many sign-up attempts from your network. Please try again in {minutes} {unit}, "
        "or log in if you already have an account."
    )
