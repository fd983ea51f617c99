"""Outbound webhooks, the write paths: endpoints (create, update, rotate, delete), the outbox
(`webhook_event_emit`), fan-out to endpoints, delivery attempts with retries, redelivery, the sweep.

Flow: a service calls `webhook_event_emit` inside its transaction -> one `WebhookEvent` row (rolled back
with the change) and, on commit, the task `core.webhook_dispatch` -> `webhook_event_dispatch` creates one
`WebhookDelivery` per matching endpoint (unique (event, endpoint): running it twice creates nothing more)
-> `core.webhook_deliver` per delivery -> `webhook_delivery_attempt` claims the row (select_for_update
skip_locked + a lease in `next_attempt_at`), POSTs the signed JSON, logs the attempt in `WebhookLog`, and
on failure schedules the next try with exponential backoff.  The beat entry `core-webhooks-sweep` runs
`webhook_sweep` every minute: events whose dispatch task never ran (broker down) are dispatched, and due
deliveries (retries, leases of crashed workers) are attempted.
"""

from __future__ import annotations

import json
import logging
import secrets
import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from celery import current_app
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from . import outbound
from .enqueue import enqueue_on_commit, task_get
from .models import Notification, WebhookDelivery, WebhookEndpoint, WebhookEvent, WebhookLog
from .notifications import notification_create
from .services import audit_log_create
from .types import AuthUser
from .webhooks import (
    DELIVERY_HEADER,
    EVENT_HEADER,
    EVENT_TYPE_NAMES,
    SIGNATURE_HEADER,
    conf,
    course_teachers,
    retry_delay,
    signature_header,
)

logger = logging.getLogger(__name__)

SCOPE_ALL = "all"
SCOPE_COURSES = "courses"
RESPONSE_EXCERPT_CHARS = 1000
LEASE_EXTRA_SECONDS = 60


# --- Who may own an endpoint, and what it may receive --------------------------------------------------
def endpoint_scope(user: AuthUser | None) -> str | None:
    """ "all" for platform staff (superusers, administrators, members of WEBHOOKS_ALL_EVENTS_GROUPS such as
    Finance): every event; "courses" for instructors: the events of the courses they teach; None: no
    webhooks (students)."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    role = getattr(user, "role", "")
    if user.is_superuser or role == "admin":
        return SCOPE_ALL
    if user.groups.filter(name__in=conf("WEBHOOKS_ALL_EVENTS_GROUPS")).exists():
        return SCOPE_ALL
    if role == "instructor":
        return SCOPE_COURSES
    return None


def can_manage_endpoint(user: AuthUser | None, endpoint: WebhookEndpoint) -> bool:
    """Owners manage their endpoints; superusers every endpoint (the admin)."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return endpoint.owner_id == user.pk or user.is_superuser


# --- URL checks (save time; send time repeats them after resolving) ------------------------------------
def webhook_url_check(url: str, *, resolve: bool = True) -> str:
    """The URL if acceptable: https (http only with WEBHOOKS_ALLOW_HTTP), no credentials, and a host whose
    every address is public unless WEBHOOKS_ALLOW_PRIVATE_URLS (development, tests).  ValidationError."""
    url = (url or "").strip()
    allow_private = bool(conf("WEBHOOKS_ALLOW_PRIVATE_URLS"))
    try:
        _scheme, host, port, _path = outbound.check_url(
            url, allow_http=bool(conf("WEBHOOKS_ALLOW_HTTP")), allow_private=allow_private
        )
        if resolve:
            outbound.resolve_public(host, port, allow_private=allow_private)
    except outbound.UnsafeURLError as exc:
        raise ValidationError({"url": ValidationError(str(exc), code="unsafe_url")}) from exc
    return url


def _clean_event_types(event_types: Any) -> list[str]:
    if not isinstance(event_types, (list, tuple)) or not event_types:
        raise ValidationError({"event_types": ValidationError("Choose at least one event type.", code="required")})
    unknown = [str(e)[:60] for e in event_types if e not in EVENT_TYPE_NAMES]
    if unknown:
        raise ValidationError(
            {"event_types": ValidationError("Unknown event type: %(e)s.", code="invalid", params={"e": unknown[0]})}
        )
    return sorted(set(event_types))


def _new_secret() -> str:
    return "whsec_" + secrets.token_urlsafe(32)


@transaction.atomic
def webhook_endpoint_create(
    *, owner: AuthUser, url: str, event_types: list[str], description: str = ""
) -> tuple[WebhookEndpoint, str]:
    """A new endpoint and its secret (show it once)."""
    if endpoint_scope(owner) is None:
        raise PermissionDenied("Only instructors and platform staff can receive webhooks.")
    limit = int(conf("WEBHOOKS_MAX_ENDPOINTS_PER_USER"))
    if WebhookEndpoint.objects.filter(owner=owner).count() >= limit:
        raise ValidationError("You already have %(n)s webhook endpoints.", code="limit", params={"n": limit})
    secret = _new_secret()
    endpoint = WebhookEndpoint(
        owner=owner,
        url=webhook_url_check(url),
        event_types=_clean_event_types(event_types),
        description=(description or "").strip()[:200],
        secret=secret,
    )
    endpoint.full_clean()
    endpoint.save()
    audit_log_create(
        actor=owner, action="webhook.endpoint_create", target=endpoint, changes={"event_types": endpoint.event_types}
    )
    return endpoint, secret


@transaction.atomic
def webhook_endpoint_update(*, endpoint: WebhookEndpoint, actor: AuthUser, data: dict[str, Any]) -> WebhookEndpoint:
    """Change url, description, event_types or is_active.  Re-activating clears the failure count."""
    if not can_manage_endpoint(actor, endpoint):
        raise PermissionDenied("You cannot change this endpoint.")
    endpoint = WebhookEndpoint.objects.select_for_update().get(pk=endpoint.pk)
    changes: dict[str, Any] = {}
    if "url" in data and data["url"] != endpoint.url:
        changes["url"] = [endpoint.url, data["url"]]
        endpoint.url = webhook_url_check(data["url"])
    if "description" in data:
        endpoint.description = (data["description"] or "").strip()[:200]
    if "event_types" in data:
        types = _clean_event_types(data["event_types"])
        if types != endpoint.event_types:
            changes["event_types"] = [endpoint.event_types, types]
        endpoint.event_types = types
    if "is_active" in data and bool(data["is_active"]) != endpoint.is_active:
        changes["is_active"] = [endpoint.is_active, bool(data["is_active"])]
        endpoint.is_active = bool(data["is_active"])
        if endpoint.is_active:
            endpoint.consecutive_failures = 0
            endpoint.disabled_at = None
            endpoint.disabled_reason = ""
    endpoint.full_clean()
    endpoint.save()
    if changes:
        audit_log_create(actor=actor, action="webhook.endpoint_update", target=endpoint, changes=changes)
    if changes.get("is_active") == [False, True]:
        _enqueue_sweep()  # deliveries kept while it was disabled go out now
    return endpoint


@transaction.atomic
def webhook_endpoint_rotate_secret(
    *, endpoint: WebhookEndpoint, actor: AuthUser, overlap_hours: int | None = None
) -> tuple[WebhookEndpoint, str]:
    """A new secret; the previous one keeps signing (a second v1= value) for `overlap_hours`
    (WEBHOOKS_SECRET_OVERLAP_HOURS; 0: stops at once) so receivers can switch without losing events."""
    if not can_manage_endpoint(actor, endpoint):
        raise PermissionDenied("You cannot change this endpoint.")
    hours = int(conf("WEBHOOKS_SECRET_OVERLAP_HOURS") if overlap_hours is None else overlap_hours)
    if not 0 <= hours <= 24 * 30:
        raise ValidationError({"overlap_hours": "Between 0 and 720 hours."})
    endpoint = WebhookEndpoint.objects.select_for_update().get(pk=endpoint.pk)
    secret = _new_secret()
    endpoint.previous_secret = endpoint.secret if hours else ""
    endpoint.previous_secret_expires_at = timezone.now() + timedelta(hours=hours) if hours else None
    endpoint.secret = secret
    endpoint.save(update_fields=["secret", "previous_secret", "previous_secret_expires_at", "updated_at"])
    audit_log_create(actor=actor, action="webhook.secret_rotate", target=endpoint, changes={"overlap_hours": hours})
    return endpoint, secret


@transaction.atomic
def webhook_endpoint_delete(*, endpoint: WebhookEndpoint, actor: AuthUser) -> None:
    if not can_manage_endpoint(actor, endpoint):
        raise PermissionDenied("You cannot delete this endpoint.")
    audit_log_create(actor=actor, action="webhook.endpoint_delete", target=endpoint, changes={"url": endpoint.url})
    endpoint.delete()


# --- The outbox ------------------------------------------------------------------------------------------
def webhook_event_emit(event_type: str, payload: dict[str, Any], *, course: Any = None) -> WebhookEvent:
    """Write one event to the outbox in the CURRENT transaction (call it inside the service's atomic block:
    a rollback removes it), and dispatch it once the transaction commits.  `course` (a course or its id)
    lets the instructors of that course receive it.  Cheap when nobody subscribes: one INSERT."""
    if event_type not in EVENT_TYPE_NAMES:
        raise ValueError(f"Unknown webhook event type {event_type!r} (add it to core/webhooks.py EVENT_TYPES)")
    course_id = getattr(course, "pk", course)
    data = json.loads(json.dumps(payload, cls=DjangoJSONEncoder))  # UUIDs, decimals, datetimes as strings
    event = WebhookEvent.objects.create(event_type=event_type, payload=data, course_id=course_id)
    enqueue_on_commit("core.webhook_dispatch", str(event.pk))
    return event


def _endpoint_receives(endpoint: WebhookEndpoint, event: WebhookEvent, teachers: set | None) -> bool:
    if not endpoint.is_active or event.event_type not in (endpoint.event_types or []):
        return False
    scope = endpoint_scope(endpoint.owner)
    if scope == SCOPE_ALL:
        return True
    if scope == SCOPE_COURSES:
        return teachers is not None and str(endpoint.owner_id) in teachers
    return False


def webhook_event_dispatch(*, event_id) -> list[str]:
    """Create the deliveries of one event (idempotent: the unique (event, endpoint) constraint and
    ignore_conflicts); the ids of the deliveries still pending.  Endpoints are matched when the event is
    dispatched (their subscriptions and their owner's role at that moment)."""
    with transaction.atomic():
        event = WebhookEvent.objects.select_for_update().filter(pk=event_id).first()
        if event is None:
            return []
        if event.dispatched_at is None:
            candidates = [
                e
                for e in WebhookEndpoint.objects.filter(is_active=True).select_related("owner")
                if event.event_type in (e.event_types or [])
            ]
            teachers = course_teachers(event.course_id) if candidates else set()
            now = timezone.now()
            WebhookDelivery.objects.bulk_create(
                [
                    WebhookDelivery(event=event, endpoint=e, next_attempt_at=now)
                    for e in candidates
                    if _endpoint_receives(e, event, teachers)
                ],
                ignore_conflicts=True,
            )
            event.dispatched_at = now
            event.save(update_fields=["dispatched_at", "updated_at"])
    return [
        str(pk)
        for pk in WebhookDelivery.objects.filter(event_id=event_id, status=WebhookDelivery.Status.PENDING).values_list(
            "pk", flat=True
        )
    ]


# --- Delivering ------------------------------------------------------------------------------------------
def _due_q(now) -> Q:
    return Q(status=WebhookDelivery.Status.PENDING, endpoint__is_active=True) & (
        Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
    )


def _claim(delivery_id) -> WebhookDelivery | None:
    """Take a due delivery for this worker: row-locked (skip_locked: another worker holding it means it is
    being sent), then leased by moving next_attempt_at past the request's timeout.  None if not due."""
    now = timezone.now()
    with transaction.atomic():
        delivery = (
            WebhookDelivery.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("event", "endpoint")
            .filter(_due_q(now), pk=delivery_id)
            .first()
        )
        if delivery is None:
            return None
        lease = int(conf("WEBHOOKS_TIMEOUT_SECONDS")) + LEASE_EXTRA_SECONDS
        delivery.attempts += 1
        delivery.next_attempt_at = now + timedelta(seconds=lease)
        delivery.last_attempt_at = now
        delivery.save(update_fields=["attempts", "next_attempt_at", "last_attempt_at", "updated_at"])
    return delivery


def webhook_request_body(event: WebhookEvent) -> bytes:
    return json.dumps(
        {
            "id": str(event.pk),
            "type": event.event_type,
            "created_at": event.created_at.isoformat(),
            "data": event.payload,
        },
        separators=(",", ":"),
        sort_keys=True,
    ).encode()


def endpoint_signing_secrets(endpoint: WebhookEndpoint, now=None) -> list[str]:
    now = now or timezone.now()
    keys = [endpoint.secret]
    if endpoint.previous_secret and endpoint.previous_secret_expires_at and endpoint.previous_secret_expires_at > now:
        keys.append(endpoint.previous_secret)
    return keys


def _send(delivery: WebhookDelivery) -> tuple[bool, int | None, str, str, int]:
    """POST the event: (succeeded, status code, response excerpt, error, latency ms)."""
    endpoint, event = delivery.endpoint, delivery.event
    body = webhook_request_body(event)
    timestamp = int(time.time())
    headers = {
        "Content-Type": "application/json",
        SIGNATURE_HEADER: signature_header(endpoint_signing_secrets(endpoint), timestamp, body),
        EVENT_HEADER: event.event_type,
        DELIVERY_HEADER: str(delivery.pk),
    }
    started = time.monotonic()
    status: int | None = None
    excerpt = error = ""
    try:
        result = outbound.post(
            endpoint.url,
            body=body,
            headers=headers,
            timeout=float(conf("WEBHOOKS_TIMEOUT_SECONDS")),
            max_bytes=RESPONSE_EXCERPT_CHARS * 4,
            allow_http=bool(conf("WEBHOOKS_ALLOW_HTTP")),
            allow_private=bool(conf("WEBHOOKS_ALLOW_PRIVATE_URLS")),
        )
        status = result.status
        excerpt = result.body.decode("utf-8", "replace")[:RESPONSE_EXCERPT_CHARS]
        if not 200 <= status < 300:
            error = f"HTTP {status}"
    except outbound.UnsafeURLError as exc:
        error = f"Refused: {exc}"
    except outbound.OutboundError as exc:
        error = str(exc)
    except Exception as exc:
        logger.exception("Webhook delivery %s failed", delivery.pk)
        error = f"{type(exc).__name__}: {exc}"
    latency = int((time.monotonic() - started) * 1000)
    return not error, status, excerpt.replace("\x00", ""), error[:500].replace("\x00", ""), latency


def webhook_delivery_attempt(*, delivery_id) -> str | None:
    """One attempt of a due delivery (nothing when it is not due, already delivered, or its endpoint is
    disabled): the outcome "succeeded", "retry" (next attempt scheduled) or "failed" (gave up)."""
    delivery = _claim(delivery_id)
    if delivery is None:
        return None
    ok, status, excerpt, error, latency = _send(delivery)
    now = timezone.now()
    with transaction.atomic():
        endpoint = WebhookEndpoint.objects.select_for_update().get(pk=delivery.endpoint_id)
        WebhookLog.objects.create(
            delivery=delivery,
            endpoint=endpoint,
            attempt=delivery.attempts,
            url=endpoint.url[:2000],
            succeeded=ok,
            status_code=status,
            latency_ms=latency,
            response_excerpt=excerpt,
            error=error,
        )
        delivery.last_status_code = status
        delivery.last_error = error
        if ok:
            delivery.status = WebhookDelivery.Status.SUCCEEDED
            delivery.delivered_at = now
            delivery.next_attempt_at = None
            outcome = "succeeded"
            if endpoint.consecutive_failures:
                WebhookEndpoint.objects.filter(pk=endpoint.pk).update(consecutive_failures=0)
        else:
            if delivery.attempts >= int(conf("WEBHOOKS_MAX_ATTEMPTS")):
                delivery.status = WebhookDelivery.Status.FAILED
                delivery.next_attempt_at = None
                outcome = "failed"
            else:
                delivery.next_attempt_at = now + timedelta(seconds=retry_delay(delivery.attempts))
                outcome = "retry"
            endpoint.consecutive_failures += 1
            endpoint.save(update_fields=["consecutive_failures", "updated_at"])
            if endpoint.is_active and endpoint.consecutive_failures >= int(conf("WEBHOOKS_DISABLE_AFTER_FAILURES")):
                _endpoint_disable(endpoint, reason=error)
        delivery.save(
            update_fields=[
                "status",
                "delivered_at",
                "next_attempt_at",
                "last_status_code",
                "last_error",
                "updated_at",
            ]
        )
        if outcome == "retry":
            delay = retry_delay(delivery.attempts)
            transaction.on_commit(lambda: _schedule_retry(str(delivery.pk), delay))
    return outcome


def _schedule_retry(delivery_id: str, delay: int) -> None:
    """With a broker, a timely retry (the sweep would also pick it up); eagerly (no broker) only the
    sweep retries, so a failing endpoint never loops inside one process."""
    if current_app.conf.task_always_eager:
        return
    try:
        task_get("core.webhook_deliver").apply_async((delivery_id,), countdown=delay)
    except Exception:
        logger.exception("Could not schedule the retry of webhook delivery %s", delivery_id)


def _endpoint_disable(endpoint: WebhookEndpoint, *, reason: str) -> None:
    n = endpoint.consecutive_failures
    endpoint.is_active = False
    endpoint.disabled_at = timezone.now()
    endpoint.disabled_reason = f"{n} consecutive failed deliveries; last: {reason}"[:300]
    endpoint.save(update_fields=["is_active", "disabled_at", "disabled_reason", "updated_at"])
    audit_log_create(actor=None, action="webhook.endpoint_disable", target=endpoint, reason=endpoint.disabled_reason)
    notification_create(
        user=endpoint.owner,
        category=Notification.Category.SYSTEM,
        title=f"Webhook endpoint disabled: {endpoint}"[:200],
        body=(
            f"CourseWorx stopped sending events to {endpoint.url} after {n} failed deliveries in a row "
            f"(last error: {reason}). Fix the receiver, then enable the endpoint again: the events kept "
            "meanwhile are delivered then."
        ),
        url=reverse("core:webhook_detail", kwargs={"endpoint_id": endpoint.pk}),
    )


def webhook_delivery_redeliver(*, delivery: WebhookDelivery, actor: AuthUser) -> WebhookDelivery:
    """Send a delivery again (whatever its status: a receiver lost it, or it failed): back to pending, due
    now, with a fresh round of attempts.  Same delivery id, so receivers can recognise a repeat."""
    if not can_manage_endpoint(actor, delivery.endpoint) and not getattr(actor, "is_staff", False):
        raise PermissionDenied("You cannot redeliver this event.")
    with transaction.atomic():
        locked = WebhookDelivery.objects.select_for_update().get(pk=delivery.pk)
        locked.status = WebhookDelivery.Status.PENDING
        locked.attempts = 0
        locked.next_attempt_at = timezone.now()
        locked.save(update_fields=["status", "attempts", "next_attempt_at", "updated_at"])
        audit_log_create(
            actor=actor, action="webhook.redeliver", target=locked.endpoint, changes={"delivery": str(locked.pk)}
        )
        enqueue_on_commit("core.webhook_deliver", str(locked.pk))
    return locked


def _enqueue_sweep() -> None:
    enqueue_on_commit("core.webhook_sweep")


def webhook_sweep(*, batch: int = 500, deliver: Callable[[str], Any] | None = None) -> dict[str, int]:
    """Periodic (beat entry core-webhooks-sweep): dispatch outbox events whose dispatch never ran (the
    broker was down when they were written), then attempt every due delivery (retries, expired leases) —
    inline, or through `deliver(delivery_id)` (the task sends one `core.webhook_deliver` per delivery).
    Safe to run concurrently with the tasks: claims are row-locked and leased."""
    dispatched = 0
    for event_id in (
        WebhookEvent.objects.filter(dispatched_at__isnull=True)
        .order_by("created_at")
        .values_list("pk", flat=True)[:batch]
    ):
        webhook_event_dispatch(event_id=event_id)
        dispatched += 1
    attempted = 0
    due = (
        WebhookDelivery.objects.filter(_due_q(timezone.now()))
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:batch]
    )
    for delivery_id in list(due):
        if deliver is not None:
            deliver(str(delivery_id))
            attempted += 1
        elif webhook_delivery_attempt(delivery_id=delivery_id) is not None:
            attempted += 1
    return {"dispatched": dispatched, "attempted": attempted}


def webhook_events_purge(*, days: int = 30) -> int:
    """Delete events older than `days` whose deliveries are all finished (and their logs)."""
    cutoff = timezone.now() - timedelta(days=days)
    unfinished = WebhookDelivery.objects.filter(status=WebhookDelivery.Status.PENDING).values("event_id")
    deleted, _ = (
        WebhookEvent.objects.filter(created_at__lt=cutoff, dispatched_at__isnull=False)
        .exclude(pk__in=unfinished)
        .delete()
    )
    return deleted
