"""Outbound webhooks: the ONE catalogue of event types, the signature scheme and the receivers' check.

Apps emit events through `services_webhooks.webhook_event_emit(event_type, payload, course=...)` inside
the transaction of the change; this module has no database writes and may be copied by receivers
(`verify_signature` only needs the standard library).

Signature (Stripe-like): every POST carries

    X-CourseWorx-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>." + raw body)>[,v1=<...>]
    X-CourseWorx-Event: enrollment.created
    X-CourseWorx-Delivery: <delivery id>   (the same id on every retry/redelivery of one event to one endpoint)

During a secret rotation's overlap period there are two `v1=` values (new and previous secret); a receiver
accepts the request if any of them matches its secret and `t` is within the tolerance (replays).
"""

from __future__ import annotations

import hashlib
import hmac
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from uuid import UUID

from django.conf import settings
from django.utils.text import format_lazy
from django.utils.translation import gettext, gettext_lazy, gettext_noop

SIGNATURE_HEADER = "X-CourseWorx-Signature"
EVENT_HEADER = "X-CourseWorx-Event"
DELIVERY_HEADER = "X-CourseWorx-Delivery"


@dataclass(frozen=True)
class EventType:
    name: str
    description: str
    course_scoped: bool = True  # carries a course: instructors of that course may subscribe

    @property
    def label(self) -> str:
        """The description in the active language (pages, admin); `description` stays English (API, OpenAPI)."""
        return gettext(self.description)


# The catalogue: README.md (section "Outbound webhooks") and the OpenAPI enum `WebhookEventTypeEnum` list
# the same names (tests/core/test_webhooks_api.py checks both).
EVENT_TYPES: tuple[EventType, ...] = (
    EventType(
        "enrollment.created",
        gettext_noop("A learner was enrolled in a course (free, purchase, subscription, bundle, seat)."),
    ),
    EventType("enrollment.completed", gettext_noop("A learner completed every required lesson of a course.")),
    EventType(
        "course.published", gettext_noop("A course was approved and published (or an approved revision went live).")
    ),
    EventType("payment.succeeded", gettext_noop("A payment succeeded (course, bundle, plan or renewal).")),
    EventType(
        "refund.approved", gettext_noop("Finance approved a refund (full or partial) and the provider refunded it.")
    ),
    EventType("certificate.issued", gettext_noop("A certificate was issued for a completed enrolment.")),
    EventType("attendance.signed_in", gettext_noop("A trainee signed in to a classroom session.")),
    EventType("attendance.signed_out", gettext_noop("A trainee signed out of a classroom session.")),
)
EVENT_TYPE_NAMES: tuple[str, ...] = tuple(e.name for e in EVENT_TYPES)
EVENT_TYPE_CHOICES = [(e.name, format_lazy("{}: {}", e.name, gettext_lazy(e.description))) for e in EVENT_TYPES]


def conf(name: str):
    """The WEBHOOKS_* settings with their defaults (settings.py sets them from the environment)."""
    defaults = {
        "WEBHOOKS_ALLOW_PRIVATE_URLS": settings.DEBUG,
        "WEBHOOKS_ALLOW_HTTP": settings.DEBUG,
        "WEBHOOKS_TIMEOUT_SECONDS": 10,
        "WEBHOOKS_MAX_ATTEMPTS": 8,
        "WEBHOOKS_RETRY_BASE_SECONDS": 60,
        "WEBHOOKS_RETRY_MAX_SECONDS": 6 * 3600,
        "WEBHOOKS_DISABLE_AFTER_FAILURES": 10,
        "WEBHOOKS_SECRET_OVERLAP_HOURS": 24,
        "WEBHOOKS_ALL_EVENTS_GROUPS": ["Finance"],
        "WEBHOOKS_MAX_ENDPOINTS_PER_USER": 10,
    }
    return getattr(settings, name, defaults[name])


def retry_delay(attempts: int) -> int:
    """Seconds to wait after the `attempts`-th failed attempt: base * 2^(attempts-1), capped."""
    base = int(conf("WEBHOOKS_RETRY_BASE_SECONDS"))
    return int(min(base * 2 ** max(attempts - 1, 0), int(conf("WEBHOOKS_RETRY_MAX_SECONDS"))))


# --- Signatures --------------------------------------------------------------------------------------
def sign(secret: str, timestamp: int, body: bytes) -> str:
    """Hex HMAC-SHA256 of "<timestamp>." + body with `secret`."""
    return hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()


def signature_header(secrets: Iterable[str], timestamp: int, body: bytes) -> str:
    return ",".join([f"t={timestamp}", *(f"v1={sign(s, timestamp, body)}" for s in secrets if s)])


def verify_signature(secret: str, header: str, body: bytes, tolerance: int = 300, now: float | None = None) -> bool:
    """For receivers: True when `header` (the X-CourseWorx-Signature value) holds a `v1` signature of
    the raw request `body` made with `secret`, at a time `t` at most `tolerance` seconds from now.

        from courseworx.core.webhooks import verify_signature   # or copy this function
        ok = verify_signature(MY_SECRET, request.headers["X-CourseWorx-Signature"], request.body)

    Always compare the raw bytes received (not re-serialised JSON)."""
    if not secret or not header:
        return False
    timestamp: int | None = None
    candidates: list[str] = []
    for part in header.split(","):
        key, _, value = part.strip().partition("=")
        if key == "t":
            try:
                timestamp = int(value)
            except ValueError:
                return False
        elif key == "v1":
            candidates.append(value)
    if timestamp is None or not candidates:
        return False
    current = time.time() if now is None else now
    if abs(current - timestamp) > tolerance:
        return False
    expected = sign(secret, timestamp, body)
    return any(hmac.compare_digest(expected, c) for c in candidates)


# --- Who teaches a course (registered by the courses app, which core may not import) -------------------
_course_teachers: Callable[[UUID], set] | None = None


def course_teachers_register(fn: Callable[[UUID], set]) -> None:
    """courses registers `fn(course_id) -> set of user ids` (owner and co-authors) in its ready()."""
    global _course_teachers
    _course_teachers = fn


def course_teachers(course_id: UUID | None) -> set:
    if course_id is None or _course_teachers is None:
        return set()
    return {str(pk) for pk in _course_teachers(course_id)}
