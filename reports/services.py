"""Write paths of the reports app: activity capture, report exports, subscriptions, accessibility
reports and personal-data requests.  Keyword-only, atomic where they write several rows, tasks
enqueued on commit."""

from __future__ import annotations

import logging
import tempfile
import uuid
from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile, File
from django.core.signing import BadSignature, TimestampSigner
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from courseworx.core.enqueue import enqueue_on_commit as _on_commit
from courseworx.core.services import audit_log_create

from . import conf
from .accessibility import accessibility_report_description_check
from .exports import csv_lines, export_filename, render_pdf
from .filters import report_params
from .models import AccessibilityReport, ActivityLog, DataExportRequest, MobileAppLog, ReportExport, ReportSubscription
from .permissions import can_view_report, report_courses
from .privacy import build_export_zip, personal_data_delete
from .reports import get_report

logger = logging.getLogger(__name__)

EVENTS = frozenset(ActivityLog.Event.values)


def _pk(value) -> Any:
    """An id from a model instance, an id, or None."""
    if value is None:
        return None
    return getattr(value, "pk", value)


def activity_log(
    *,
    user: User | AnonymousUser | uuid.UUID | str | None,
    event: str,
    course_id: uuid.UUID | str | None = None,
    content_id: uuid.UUID | str | None = None,
    data: dict | None = None,
) -> ActivityLog | None:
    """Record one event: exactly one INSERT, no reads (ids are stored as given).

    Outside a transaction a failed insert is logged and dropped (analytics must not break a lesson page).
    No savepoint is taken inside a caller's transaction (that would be two more statements); the
    foreign keys are deferred on PostgreSQL, so they are checked at the caller's commit, like its own rows.
    """
    if event not in EVENTS:
        raise ValueError(f"Unknown activity event {event!r}.")
    user_id = _pk(user) if getattr(user, "is_authenticated", True) else None
    row = ActivityLog(
        user_id=user_id,
        event=event,
        course_id=_pk(course_id),
        content_id=_pk(content_id),
        data=data or {},
        created_at=timezone.now(),
    )
    if transaction.get_connection().in_atomic_block:
        row.save(force_insert=True)
        return row
    try:
        row.save(force_insert=True)
    except (IntegrityError, ValueError):
        logger.warning("Activity event %s for user %s not recorded", event, user_id, exc_info=True)
        return None
    return row


def activity_log_many(rows: list[dict]) -> int:
    """Batch capture (one multi-row INSERT): each dict has the keyword arguments of activity_log."""
    now = timezone.now()
    objs = [
        ActivityLog(
            user_id=_pk(r.get("user")),
            event=r["event"],
            course_id=_pk(r.get("course_id")),
            content_id=_pk(r.get("content_id")),
            data=r.get("data") or {},
            created_at=r.get("created_at") or now,
        )
        for r in rows
        if r.get("event") in EVENTS
    ]
    ActivityLog.objects.bulk_create(objs, batch_size=1000)
    return len(objs)


# -- report exports ---------------------------------------------------------------------------
def report_export_create(*, user: User, report: str, format: str, params: dict) -> ReportExport:
    """Queue a CSV/PDF export of `report` with `params` (query-string values) for `user`."""

    if not can_view_report(user, report):
        raise PermissionDenied(_("You cannot export this report."))
    if format not in ReportExport.Format.values:
        raise ValidationError({"format": "Choose CSV or PDF."})
    export = ReportExport.objects.create(user=user, report=report, format=format, params=params)
    _on_commit("reports.report_export", str(export.pk))
    return export


def report_export_run(*, export_id: uuid.UUID | str) -> None:
    """Build the file of an export (idempotent: a finished export is left alone)."""

    export = ReportExport.objects.select_related("user").get(pk=export_id)
    if export.is_finished:
        return
    report = get_report(export.report)

    def set_progress(pct: int, **fields) -> None:
        ReportExport.objects.filter(pk=export.pk).update(progress=min(100, pct), updated_at=timezone.now(), **fields)

    if report is None or not can_view_report(export.user, export.report):
        set_progress(0, status=ReportExport.Status.FAILED, error="This report is not available to you.")
        return
    set_progress(1, status=ReportExport.Status.RUNNING)
    params, _ignored = report_params(user=export.user, report=export.report, data=export.params)
    try:
        if export.format == ReportExport.Format.CSV:
            rows = report.rows(params).count()
            with tempfile.TemporaryFile(mode="w+b") as tmp:
                for line in csv_lines(report, params, on_chunk=lambda n: set_progress(int(95 * n / max(rows, 1)))):
                    tmp.write(line.encode("utf-8"))
                tmp.seek(0)
                export.file.save(export_filename(report, params, "csv"), File(tmp), save=False)
        else:
            pdf, rows = render_pdf(report, params, user=export.user, progress=set_progress)
            export.file.save(export_filename(report, params, "pdf"), ContentFile(pdf), save=False)
    except Exception as exc:
        logger.exception("Report export %s failed", export.pk)
        set_progress(0, status=ReportExport.Status.FAILED, error=str(exc)[:500], finished_at=timezone.now())
        return
    ReportExport.objects.filter(pk=export.pk).update(
        file=export.file.name,
        row_count=rows,
        status=ReportExport.Status.DONE,
        progress=100,
        finished_at=timezone.now(),
        updated_at=timezone.now(),
    )


# -- subscriptions ----------------------------------------------------------------------------
def report_subscription_save(
    *, user: User, report: str, frequency: str, format: str, filters: dict
) -> ReportSubscription:
    """Subscribe `user` to `report` (one subscription per report and frequency; saving again updates it)."""

    if not can_view_report(user, report):
        raise PermissionDenied(_("You cannot subscribe to this report."))
    subscription, _created = ReportSubscription.objects.update_or_create(
        user=user,
        report=report,
        frequency=frequency,
        defaults={"format": format, "filters": {k: v for k, v in filters.items() if v}, "is_active": True},
    )
    return subscription


def report_subscription_delete(*, subscription: ReportSubscription, user: User) -> None:
    """Unsubscribe: the subscriber, or staff with `reports.delete_reportsubscription` (audited)."""
    own = subscription.user_id == user.pk
    if not (own or (user.is_active and user.has_perm("reports.delete_reportsubscription"))):
        raise PermissionDenied(_("This is not your subscription."))
    with transaction.atomic():
        if not own:
            audit_log_create(
                actor=user,
                action="reports.subscription_delete",
                target=subscription,
                changes={"user": str(subscription.user_id), "report": subscription.report},
            )
        subscription.delete()


# -- accessibility ----------------------------------------------------------------------------
CLOSED_STATUSES = ("resolved", "dismissed")
ACCESSIBILITY_EDITABLE = ("content", "issue", "description", "status")


def _accessibility_check_course(user: User, course_id: uuid.UUID) -> None:
    """Issues are looked after by whoever sees their course's accessibility report and may change issues
    (reviewers, the course's authors, superusers)."""
    if not (
        user.is_active
        and user.has_perm("reports.change_accessibilityreport")
        and report_courses(user, "accessibility").filter(pk=course_id).exists()
    ):
        raise PermissionDenied(_("You do not look after the accessibility of this course."))


def _accessibility_audit(*, user: User, report: AccessibilityReport, old_status: str) -> None:
    verb = {"resolved": "resolve", "dismissed": "dismiss"}.get(report.status, "reopen")
    audit_log_create(
        actor=user,
        action=f"reports.accessibility_{verb}",
        target=report,
        changes={"status": [old_status, report.status]},
    )


def accessibility_report_resolve(
    *, user: User, reports: Iterable[AccessibilityReport | uuid.UUID | str], status: str = "resolved"
) -> int:
    """Close open accessibility issues as resolved or dismissed (admin actions); one audit row each.

    All or nothing: an issue of a course `user` does not look after is a PermissionDenied.  Issues
    already closed are left as they are.  Returns how many were closed.
    """
    if status not in CLOSED_STATUSES:
        raise ValidationError({"status": "Choose resolved or dismissed."}, code="invalid_choice")
    ids = [getattr(r, "pk", r) for r in reports]
    now = timezone.now()
    with transaction.atomic():
        rows = list(AccessibilityReport.objects.select_for_update().filter(pk__in=ids, status="open").order_by("pk"))
        for course_id in {r.course_id for r in rows}:
            _accessibility_check_course(user, course_id)
        AccessibilityReport.objects.filter(pk__in=[r.pk for r in rows]).update(
            status=status, resolved_at=now, updated_at=now
        )
        for row in rows:
            row.status = status
            _accessibility_audit(user=user, report=row, old_status="open")
    return len(rows)


def accessibility_report_update(
    *, report: AccessibilityReport, user: User, data: dict[str, Any]
) -> AccessibilityReport:
    """Edit an issue (admin): lesson, issue, description, status.  Closing it sets `resolved_at`; a
    status change is audited."""
    unknown = set(data) - set(ACCESSIBILITY_EDITABLE)
    if unknown:
        raise ValidationError(dict.fromkeys(sorted(unknown), "This field cannot be changed here."))
    with transaction.atomic():
        locked = AccessibilityReport.objects.select_for_update().get(pk=report.pk)
        _accessibility_check_course(user, locked.course_id)
        old_status = locked.status
        for name, value in data.items():
            setattr(locked, name, value)
        locked.course_id = locked.content.course_id
        if locked.course_id != report.course_id:
            _accessibility_check_course(user, locked.course_id)
        if locked.source == AccessibilityReport.Source.MANUAL:
            locked.description = accessibility_report_description_check(
                issue=locked.issue, description=locked.description
            )
        if locked.status != AccessibilityReport.Status.OPEN and locked.resolved_at is None:
            locked.resolved_at = timezone.now()
        locked.full_clean(exclude=["content", "course", "reported_by"])
        locked.save()
        if locked.status != old_status:
            _accessibility_audit(user=user, report=locked, old_status=old_status)
    return locked


# -- mobile-app logs ----------------------------------------------------------------------------
def mobile_log_ingest(*, user: User, events: list[dict[str, Any]]) -> int:
    """Store a batch of client events of `user` (one multi-row INSERT, all or nothing); returns the count.

    Each event has the MobileAppLog fields (device_id, platform, app_version, event, level, message,
    data, occurred_at); at most `REPORTS_MOBILE_LOG_MAX_EVENTS` per batch.
    """
    if not events:
        raise ValidationError({"events": "Send at least one event."}, code="empty")
    if len(events) > conf.mobile_log_max_events():
        raise ValidationError(
            {"events": f"Send at most {conf.mobile_log_max_events()} events per request."}, code="too_many"
        )
    rows = [MobileAppLog(user=user, **event) for event in events]
    errors = {}
    for i, row in enumerate(rows):
        try:
            row.full_clean(exclude=["user"])
        except ValidationError as exc:
            errors[f"events[{i}]"] = exc.messages
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        MobileAppLog.objects.bulk_create(rows)
    return len(rows)


# -- personal data ----------------------------------------------------------------------------
def data_request_create(*, user: User, kind: str) -> DataExportRequest:
    """Ask for a copy of one's data or for the deletion of one's account (one of each kind at a time)."""

    if kind not in DataExportRequest.Kind.values:
        raise ValidationError({"kind": "Unknown request."})
    try:
        with transaction.atomic():
            request = DataExportRequest.objects.create(user=user, kind=kind)
    except IntegrityError as exc:
        raise ValidationError(_("A request of this kind is already in progress."), code="in_progress") from exc
    task = "reports.data_export" if kind == DataExportRequest.Kind.EXPORT else "reports.data_deletion"
    _on_commit(task, str(request.pk))
    return request


def data_export_run(*, request_id: uuid.UUID | str) -> None:
    request = DataExportRequest.objects.select_related("user").get(pk=request_id)
    if request.status not in (DataExportRequest.Status.PENDING, DataExportRequest.Status.RUNNING):
        return
    DataExportRequest.objects.filter(pk=request.pk).update(status=DataExportRequest.Status.RUNNING)
    data = build_export_zip(request.user)
    request.file.save(f"courseworx-data-{request.pk.hex[:12]}.zip", ContentFile(data), save=False)
    now = timezone.now()
    DataExportRequest.objects.filter(pk=request.pk).update(
        file=request.file.name,
        status=DataExportRequest.Status.DONE,
        finished_at=now,
        expires_at=now + timedelta(hours=conf.data_export_link_hours()),
        updated_at=now,
    )


def data_deletion_run(*, request_id: uuid.UUID | str) -> None:
    request = DataExportRequest.objects.select_related("user").get(pk=request_id)
    if request.status not in (DataExportRequest.Status.PENDING, DataExportRequest.Status.RUNNING):
        return
    with transaction.atomic():
        personal_data_delete(user=request.user)
        DataExportRequest.objects.filter(pk=request.pk).update(
            status=DataExportRequest.Status.DONE, finished_at=timezone.now(), updated_at=timezone.now()
        )
        audit_log_create(actor=None, action="accounts.user_anonymised", target=request.user, reason="Deletion request")


def data_download_signature(request: DataExportRequest) -> str:
    return TimestampSigner(salt="reports.data-export").sign(str(request.token)).split(":", 1)[1]


def data_download_check(request: DataExportRequest, signature: str) -> bool:
    """The link is valid for its owner until `expires_at` (and the signature's own age limit)."""

    if request.expires_at is None or request.expires_at < timezone.now():
        return False
    try:
        TimestampSigner(salt="reports.data-export").unsign(
            f"{request.token}:{signature}", max_age=conf.data_export_link_hours() * 3600
        )
    except BadSignature:
        return False
    return True
