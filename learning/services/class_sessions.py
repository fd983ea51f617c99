"""Classroom sessions: scheduling, QR/self sign-in and sign-out, manual marks, absences, reminders.

A trainee's attendance at a session is one `Attendance` row (`session` set; `date`, `sign_in_at` and
`sign_out_at` are the session's local date and times so the day sheet and the report read it too).
Statuses: present, late (signed in after start + grace), left early (signed out before end - grace),
absent (no sign-in when the session is closed by the task), excused (trainer).  Comparisons are between
aware datetimes; dates and times shown and stored are in the session's own time zone.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import secrets
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from courses.models import Course
from courseworx.core.exceptions import ConflictError
from courseworx.core.notifications import notification_create
from courseworx.core.services import audit_log_create
from courseworx.core.services_webhooks import webhook_event_emit
from learning import permissions
from learning.models import Attendance, AttendanceTokenUse, ClassSession, Enrollment, parse_ip_ranges

TOKEN_SALT = "learning.class_session.attendance"  # noqa: S105 - a signing salt, not a secret
TOKEN_MAX_AGE = 45  # seconds; the live page shows a new code every 30 s
TOKEN_ACTIONS = ("in", "out")
SESSION_FIELDS = (
    "title",
    "starts_at",
    "ends_at",
    "timezone",
    "room",
    "online_url",
    "capacity",
    "self_sign_in_allowed",
    "allowed_ip_ranges",
    "grace_minutes",
    "status",
)
MANUAL_ACTIONS = ("sign_in", "sign_out", "excuse", "absent")
S = Attendance.Status


def _check_staff(actor: User, course: Course) -> None:
    if not permissions.can_record_attendance(actor, course):
        raise PermissionDenied(_("You do not teach this course."))


# --- Scheduling --------------------------------------------------------------------------------


def class_session_create(*, actor: User, course: Course, **fields: Any) -> ClassSession:
    _check_staff(actor, course)
    session = ClassSession(course=course, **{k: v for k, v in fields.items() if k in SESSION_FIELDS})
    session.full_clean()
    with transaction.atomic():
        session.save()
        audit_log_create(actor=actor, action="class_session.create", target=session, changes={"course": str(course.pk)})
    return session


TIME_FIELDS = ("starts_at", "ends_at", "timezone", "grace_minutes")
NOTIFIED_FIELDS = ("starts_at", "ends_at", "timezone", "room", "online_url")


def class_session_update_check(
    *, session: ClassSession, changes: dict[str, Any], now: dt.datetime | None = None
) -> None:
    """Whether these changes may be made now (no writes; the admin form calls it in `clean()`).

    A cancelled session is not edited (409 `cancelled`); nothing changes once a session is over (409
    `session_over`); once it has started its times are fixed, since the statuses already given depend on them
    (409 `started`; the room, link and options may still change); a session is cancelled with a reason
    (`class_session_cancel`), not by setting its status."""
    now = now or timezone.now()
    if not changes:
        return
    if session.is_cancelled:
        raise ConflictError("This session has been cancelled: it can no longer be changed.", code="cancelled")
    if session.is_over(now):
        raise ConflictError(
            "This session is over: its time, place and options can no longer be changed "
            "(correct a trainee's attendance by hand instead).",
            code="session_over",
        )
    if "status" in changes:
        raise ValidationError({"status": "Cancel a session with its Cancel button and a reason."}, code="invalid")
    if session.has_started(now) and set(changes) & set(TIME_FIELDS):
        raise ConflictError(
            "This session has started: its times can no longer be changed (the room, link and options can).",
            code="started",
        )
    starts = changes.get("starts_at")
    if starts is not None and starts < now:
        raise ValidationError({"starts_at": "Choose a start in the future."}, code="in_past")


def class_session_update(
    *, actor: User, session: ClassSession, now: dt.datetime | None = None, **fields: Any
) -> ClassSession:
    """Change a session's time, place or options (course staff; audited).  The stored row is the reference
    (the admin's form has already copied the new values onto `session`).  Changing the time or place of an
    upcoming session tells its trainees (after commit) and sends the day-before reminder again."""
    _check_staff(actor, session.course)
    with transaction.atomic():
        stored = ClassSession.objects.select_for_update().get(pk=session.pk)
        changes = {
            name: value for name, value in fields.items() if name in SESSION_FIELDS and getattr(stored, name) != value
        }
        class_session_update_check(session=stored, changes=changes, now=now)
        for name, value in changes.items():
            setattr(stored, name, value)
        stored.full_clean()
        if {"starts_at", "timezone"} & set(changes):
            stored.reminded_at = None  # remind again for the new time
        stored.save()
        audit_log_create(
            actor=actor,
            action="class_session.update",
            target=stored,
            changes={name: str(value) for name, value in changes.items()},
        )
        if set(changes) & set(NOTIFIED_FIELDS):
            session_id = stored.pk
            transaction.on_commit(lambda: _notify_trainees(session_id, kind="changed"))
    for name in SESSION_FIELDS + ("reminded_at", "updated_at"):
        setattr(session, name, getattr(stored, name))
    return session


def class_session_cancel(
    *, actor: User, session: ClassSession, reason: str, now: dt.datetime | None = None
) -> ClassSession:
    """Cancel a session with a reason (course staff; audited): it no longer opens for sign-in, is shown as
    cancelled, and its enrolled trainees are notified after commit.  409 `cancelled` when it already is,
    `session_over` once it has ended."""
    _check_staff(actor, session.course)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Give a reason: it is sent to the trainees."}, code="reason_required")
    now = now or timezone.now()
    with transaction.atomic():
        stored = ClassSession.objects.select_for_update().get(pk=session.pk)
        if stored.is_cancelled:
            raise ConflictError("This session has already been cancelled.", code="cancelled")
        if stored.is_over(now):
            raise ConflictError("This session is over: it can no longer be cancelled.", code="session_over")
        stored.status = ClassSession.Status.CANCELLED
        stored.cancelled_at = now
        stored.cancel_reason = reason[:300]
        stored.save(update_fields=["status", "cancelled_at", "cancel_reason", "updated_at"])
        audit_log_create(
            actor=actor, action="class_session.cancel", target=stored, reason=reason,
            changes={"course": str(stored.course_id), "starts_at": stored.starts_at.isoformat()},
        )  # fmt: skip
        session_id = stored.pk
        transaction.on_commit(lambda: _notify_trainees(session_id, kind="cancelled"))
    session.status, session.cancelled_at, session.cancel_reason = (
        stored.status,
        stored.cancelled_at,
        stored.cancel_reason,
    )
    return session


def _session_trainees(session: ClassSession):
    return User.objects.filter(
        enrollments__course_id=session.course_id, enrollments__status__in=Enrollment.ACCESS_STATUSES
    ).distinct()


def _notify_trainees(session_id, *, kind: str) -> int:
    """After commit: tell the session's trainees it was cancelled (with the reason) or moved."""
    session = ClassSession.objects.select_related("course").filter(pk=session_id).first()
    if session is None:
        return 0
    start = _local(session, session.starts_at)
    where = f" · {session.where}" if session.where else ""
    when = f"{start:%a %d %b %H:%M}"
    if kind == "cancelled":
        title = f"Cancelled: {session.course.title} — {when}"
        body = f"{session} ({start:%A %d %B at %H:%M}, {session.timezone}) has been cancelled: {session.cancel_reason}"
    else:
        title = f"Changed: {session.course.title} — now {when}{where}"
        body = f"{session} is now on {start:%A %d %B at %H:%M} ({session.timezone}){where}."
    url = reverse("learning:session_detail", kwargs={"session_id": session.pk})
    sent = 0
    with transaction.atomic():
        for user in _session_trainees(session):
            notification_create(user=user, category="enrollment", title=title, body=body, url=url)
            sent += 1
    return sent


def class_session_delete(*, actor: User, session: ClassSession) -> None:
    _check_staff(actor, session.course)
    with transaction.atomic():
        if session.attendance.exclude(status=S.ABSENT).exists():
            raise ConflictError(_("Trainees have signed in to this session: cancel it instead."), code="has_attendance")
        audit_log_create(actor=actor, action="class_session.delete", target=session)
        session.delete()


# --- Tokens ------------------------------------------------------------------------------------


def attendance_token_make(*, session: ClassSession, action: str) -> str:
    """A signed, short-lived code for the live page's QR (sign-in or sign-out of this session)."""
    if action not in TOKEN_ACTIONS:
        raise ValueError(action)
    payload = {"s": str(session.pk), "a": action, "n": secrets.token_urlsafe(12)}
    return signing.dumps(payload, salt=TOKEN_SALT, compress=False)


def attendance_token_url(*, session: ClassSession, token: str) -> str:
    return f"{settings.SITE_URL}{reverse('learning:session_scan', kwargs={'session_id': session.pk})}?t={token}"


def attendance_token_read(*, session: ClassSession, token: str) -> dict[str, str]:
    """The token's payload, or a ValidationError saying why it is refused (expired, forged, other session)."""
    try:
        payload = signing.loads(token or "", salt=TOKEN_SALT, max_age=TOKEN_MAX_AGE)
    except signing.SignatureExpired:
        raise ValidationError(
            _("This code has expired: scan the code on the screen again (it changes every 30 seconds)."), code="expired"
        ) from None
    except signing.BadSignature:
        raise ValidationError(_("This code is not valid: scan the code on the screen again."), code="forged") from None
    if not isinstance(payload, dict) or payload.get("a") not in TOKEN_ACTIONS or not payload.get("n"):
        raise ValidationError(_("This code is not valid: scan the code on the screen again."), code="forged")
    if payload.get("s") != str(session.pk):
        raise ValidationError(_("This code belongs to another session."), code="wrong_session")
    return payload


# --- Sign in / out -----------------------------------------------------------------------------


def _local(session: ClassSession, moment: dt.datetime) -> dt.datetime:
    return moment.astimezone(session.tz)


def attendance_status_for(session: ClassSession, signed_in_at, signed_out_at) -> str:
    grace = dt.timedelta(minutes=session.grace_minutes)
    if signed_in_at is None:
        return S.ABSENT
    if signed_in_at > session.starts_at + grace:
        return S.LATE
    if signed_out_at is not None and signed_out_at < session.ends_at - grace:
        return S.LEFT_EARLY
    return S.PRESENT


def class_session_check_window(*, session: ClassSession, now: dt.datetime) -> None:
    if session.status == ClassSession.Status.CANCELLED:
        raise ConflictError(_("This session has been cancelled."), code="cancelled")
    if now < session.window_opens_at:
        opens = _local(session, session.window_opens_at)
        raise ConflictError(f"Sign-in opens at {opens:%H:%M} ({session.timezone}).", code="not_open")
    if now > session.ends_at or session.closed_at:
        raise ConflictError(_("This session is over: ask your trainer to correct your attendance."), code="closed")


def _enrolled(session: ClassSession, user: User) -> bool:
    return Enrollment.objects.filter(course_id=session.course_id, user=user).active().exists()


def _record_for_update(session: ClassSession, user: User) -> Attendance | None:
    return Attendance.objects.select_for_update().filter(session=session, user=user).first()


def _apply(record: Attendance, session: ClassSession) -> None:
    record.status = attendance_status_for(session, record.signed_in_at, record.signed_out_at)
    record.date = _local(session, session.starts_at).date()
    record.sign_in_at = (
        _local(session, record.signed_in_at).time().replace(microsecond=0) if record.signed_in_at else None
    )
    out = record.signed_out_at
    record.sign_out_at = _local(session, out).time().replace(microsecond=0) if out else None
    if record.sign_in_at and record.sign_out_at and record.sign_out_at < record.sign_in_at:
        record.sign_out_at = None  # crossed midnight: the exact time stays in signed_out_at
    if record.signed_in_at and out:
        record.duration_minutes = int((out - record.signed_in_at).total_seconds() // 60)
    else:
        record.duration_minutes = None


def class_session_sign(
    *,
    user: User,
    session: ClassSession,
    action: str,
    token: str | None = None,
    ip: str | None = None,
    now: dt.datetime | None = None,
) -> Attendance:
    """A trainee signs in or out of a session: with a QR token (single use per trainee), or without one
    when the trainer allows self sign-in (optionally only from allowed IP ranges).  Signing out needs no
    code (the session page's button), only the window."""
    now = now or timezone.now()
    if action not in TOKEN_ACTIONS:
        raise ValidationError(_("Unknown action."), code="invalid")
    payload = None
    if token:
        payload = attendance_token_read(session=session, token=token)
        if payload["a"] != action:
            word = "sign-in" if payload["a"] == "in" else "sign-out"
            raise ValidationError(f"This is the {word} code.", code="wrong_action")
    if not _enrolled(session, user):
        raise PermissionDenied(_("You are not enrolled in this course."))
    class_session_check_window(session=session, now=now)
    if payload is None and action == "in":  # signing out by the page's button needs no code
        if not session.self_sign_in_allowed:
            raise ValidationError(_("Scan the code your trainer shows to sign in or out."), code="code_required")
        ranges = parse_ip_ranges(session.allowed_ip_ranges)
        if ranges:
            try:
                address = ipaddress.ip_address(ip or "")
            except ValueError:
                address = None
            if address is None or not any(address in r for r in ranges):
                raise ValidationError(_("Signing in is allowed only from the classroom's network."), code="ip_refused")
    with transaction.atomic():
        locked = ClassSession.objects.select_for_update().get(pk=session.pk)
        class_session_check_window(session=locked, now=now)  # as it is now (closed or cancelled meanwhile?)
        if payload is not None:
            try:
                with transaction.atomic():
                    AttendanceTokenUse.objects.create(session=locked, user=user, nonce=payload["n"], used_at=now)
            except IntegrityError:
                raise ConflictError(_("You have already used this code."), code="replayed") from None
        record = _record_for_update(locked, user)
        if action == "in":
            if record is not None and record.signed_in_at:
                return record  # already signed in: nothing changes
            if locked.capacity:
                taken = locked.attendance.filter(signed_in_at__isnull=False).count()
                if taken >= locked.capacity:
                    raise ConflictError(_("The session is full."), code="session_full")
            record = record or Attendance(session=locked, course_id=locked.course_id, user=user)
            record.signed_in_at = now
            record.signed_out_at = None
        else:
            if record is None or not record.signed_in_at:
                raise ConflictError(_("You have not signed in to this session."), code="not_signed_in")
            if record.signed_out_at:
                return record
            record.signed_out_at = now
        record.method = "qr" if payload else "self"
        _apply(record, locked)
        record.save()
        _attendance_event(record, locked, action)
    return record


def _attendance_event(record: Attendance, session: ClassSession, action: str) -> None:
    """attendance.signed_in / attendance.signed_out, in the sign-in's transaction."""
    webhook_event_emit(
        "attendance.signed_in" if action == "in" else "attendance.signed_out",
        {
            "session_id": session.pk,
            "course_id": session.course_id,
            "user_id": record.user_id,
            "status": record.status,
            "signed_in_at": record.signed_in_at,
            "signed_out_at": record.signed_out_at,
            "method": record.method,
        },
        course=session.course_id,
    )


def attendance_session_mark(
    *, session: ClassSession, user: User, actor: User, action: str, reason: str, at: dt.datetime | None = None
) -> Attendance:
    """The trainer signs a trainee in or out, or marks them excused/absent, with a reason (audited)."""
    _check_staff(actor, session.course)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Give a reason."}, code="reason_required")
    if action not in MANUAL_ACTIONS:
        raise ValidationError({"action": "Unknown action."}, code="invalid")
    if not _enrolled(session, user):
        raise ValidationError({"user": "This person is not enrolled in the course."}, code="not_enrolled")
    if action in ("sign_in", "sign_out"):
        if session.is_cancelled:
            raise ConflictError("This session has been cancelled.", code="cancelled")
        moment = at or timezone.now()
        if not session.window_opens_at <= moment <= session.ends_at:
            opens, ends = _local(session, session.window_opens_at), _local(session, session.ends_at)
            message = (
                f"Give a time during the session: from {opens:%d %b %H:%M} to {ends:%d %b %H:%M} ({session.timezone})."
            )
            raise ValidationError({"at": message}, code="outside_session")
    at = at or timezone.now()
    with transaction.atomic():
        record = _record_for_update(session, user) or Attendance(
            session=session, course_id=session.course_id, user=user
        )
        before = {"status": record.status if record.pk else "", "in": str(record.signed_in_at or "")}
        if action == "sign_in":
            record.signed_in_at = at
            record.signed_out_at = None
            _apply(record, session)
        elif action == "sign_out":
            if not record.signed_in_at:
                raise ConflictError(_("This trainee has not signed in."), code="not_signed_in")
            record.signed_out_at = max(at, record.signed_in_at)
            _apply(record, session)
        else:
            record.signed_in_at = record.signed_out_at = None
            _apply(record, session)
            record.status = S.EXCUSED if action == "excuse" else S.ABSENT
        record.method = "manual"
        record.note = reason[:300]
        record.recorded_by = actor
        record.save()
        audit_log_create(
            actor=actor,
            action="attendance.session_mark",
            target=record,
            reason=reason,
            changes={
                "session": str(session.pk),
                "user": str(user.pk),
                "action": action,
                "before": before,
                "status": record.status,
            },  # fmt: skip
        )
    return record


# --- Closing and reminders (Celery beat) -------------------------------------------------------


def class_session_close(*, session_id, now: dt.datetime | None = None) -> int:
    """Mark enrolled trainees without a record absent once the session is over (idempotent)."""
    now = now or timezone.now()
    with transaction.atomic():
        session = ClassSession.objects.select_for_update().filter(pk=session_id).first()
        if session is None or session.closed_at or session.ends_at > now:
            return 0
        session.closed_at = now
        session.save(update_fields=["closed_at", "updated_at"])
        if session.status == ClassSession.Status.CANCELLED:
            return 0
        seen = Attendance.objects.filter(session=session).values("user_id")
        missing = Enrollment.objects.filter(course_id=session.course_id).active().exclude(user_id__in=seen)
        date = _local(session, session.starts_at).date()
        rows = [
            Attendance(
                session=session,
                course_id=session.course_id,
                user_id=user_id,
                date=date,
                status=S.ABSENT,
                method="system",
            )  # fmt: skip
            for user_id in missing.values_list("user_id", flat=True)
        ]
        Attendance.objects.bulk_create(rows)
    return len(rows)


def class_sessions_close_due(*, now: dt.datetime | None = None) -> int:
    now = now or timezone.now()
    ids = list(ClassSession.objects.filter(ends_at__lte=now, closed_at__isnull=True).values_list("pk", flat=True))
    return sum(class_session_close(session_id=pk, now=now) for pk in ids)


def class_session_reminders_send(*, now: dt.datetime | None = None) -> int:
    """Notify enrolled trainees of sessions starting within the next 24 hours; each session once."""
    now = now or timezone.now()
    due = ClassSession.objects.filter(
        status=ClassSession.Status.SCHEDULED, reminded_at__isnull=True, starts_at__gt=now,
        starts_at__lte=now + dt.timedelta(hours=24),
    ).select_related("course")  # fmt: skip
    sent = 0
    for session in due:
        with transaction.atomic():
            # The conditional UPDATE claims the session: a second run (or worker) finds nothing to do.
            if not ClassSession.objects.filter(pk=session.pk, reminded_at__isnull=True).update(reminded_at=now):
                continue
            start = _local(session, session.starts_at)
            when = "Today" if start.date() == _local(session, now).date() else "Tomorrow"
            where = f" · {session.where}" if session.where else ""
            for user in _session_trainees(session):
                notification_create(
                    user=user,
                    category="enrollment",
                    title=f"{when}: {session.course.title} — {start:%a %d %b %H:%M}{where}",
                    body=f"{session} starts {start:%A %d %B at %H:%M} ({session.timezone}){where}.",
                    url=reverse("learning:session_detail", kwargs={"session_id": session.pk}),
                )
                sent += 1
    return sent
