"""Data pipelines: each run is recorded in DataPipelineRun (started, finished, rows, status, error).

content_analytics_refresh: per lesson, from three sources aggregated separately in SQL (grouped
queries), merged by lesson id, and written with one bulk upsert per batch:
- views / unique viewers: ActivityLog lesson_view events;
- learners / completions / average time: LessonCompletion rows (a learner = a progress record);
- drop-offs: enrolments not completed whose last lesson is this one and that have been inactive for
  REPORTS_DROP_OFF_INACTIVE_DAYS; drop-off rate = drop-offs / learners.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from decimal import Decimal

from django.db.models import Avg, Count, Q
from django.utils import timezone

from courses.models import CourseContent
from learning.models import Enrollment, LessonCompletion

from . import conf, rollups
from .models import ActivityLog, ContentAnalytics, DataExportRequest, DataPipelineRun, MobileAppLog, ReportExport

logger = logging.getLogger(__name__)
BATCH = 1000


def run_pipeline(name: str, func: Callable[[], int]) -> DataPipelineRun:
    """Run `func` (returns the rows written) and record the run; a failure is recorded, then re-raised."""
    run = DataPipelineRun.objects.create(name=name, started_at=timezone.now())
    try:
        rows = func()
    except Exception as exc:
        DataPipelineRun.objects.filter(pk=run.pk).update(
            status=DataPipelineRun.Status.FAILED,
            finished_at=timezone.now(),
            error=f"{type(exc).__name__}: {exc}"[:4000],
        )
        logger.exception("Pipeline %s failed", name)
        raise
    DataPipelineRun.objects.filter(pk=run.pk).update(
        status=DataPipelineRun.Status.SUCCEEDED, finished_at=timezone.now(), rows=rows
    )
    run.refresh_from_db()
    return run


def _rate(part: int, whole: int) -> Decimal:
    if not whole:
        return Decimal("0.00")
    return (Decimal(100) * part / whole).quantize(Decimal("0.01"))


def _content_analytics(course_ids=None) -> int:
    now = timezone.now()
    contents = CourseContent.objects.all()
    views = ActivityLog.objects.filter(event=ActivityLog.Event.LESSON_VIEW, content__isnull=False)
    lessons = LessonCompletion.objects.all()
    inactive_since = now - dt.timedelta(days=conf.drop_off_inactive_days())
    drops = Enrollment.objects.filter(last_content__isnull=False, last_accessed_at__lt=inactive_since).exclude(
        status=Enrollment.Status.COMPLETED
    )
    if course_ids is not None:
        contents = contents.filter(course_id__in=course_ids)
        views, lessons, drops = (
            views.filter(course_id__in=course_ids),
            lessons.filter(course_id__in=course_ids),
            drops.filter(course_id__in=course_ids),
        )
    view_rows = {
        r["content_id"]: r
        for r in views.values("content_id").annotate(views=Count("id"), viewers=Count("user", distinct=True))
    }
    lesson_rows = {
        r["content_id"]: r
        for r in lessons.values("content_id").annotate(
            learners=Count("id"), completions=Count("id", filter=Q(completed=True)), avg=Avg("time_spent_seconds")
        )
    }
    drop_rows = dict(drops.values("last_content_id").annotate(n=Count("id")).values_list("last_content_id", "n"))
    written = 0
    batch: list[ContentAnalytics] = []
    for content_id, course_id in contents.values_list("id", "course_id").iterator(chunk_size=BATCH):
        v, lr = view_rows.get(content_id, {}), lesson_rows.get(content_id, {})
        learners = lr.get("learners", 0)
        batch.append(
            ContentAnalytics(
                content_id=content_id,
                course_id=course_id,
                views=v.get("views", 0),
                unique_viewers=v.get("viewers", 0),
                learners=learners,
                completions=lr.get("completions", 0),
                average_time_seconds=int(lr.get("avg") or 0),
                completion_rate=_rate(lr.get("completions", 0), learners),
                drop_offs=drop_rows.get(content_id, 0),
                drop_off_rate=_rate(drop_rows.get(content_id, 0), learners),
                refreshed_at=now,
                updated_at=now,
            )
        )
        if len(batch) >= BATCH:
            written += _upsert(batch)
            batch = []
    if batch:
        written += _upsert(batch)
    return written


def _upsert(batch: list[ContentAnalytics]) -> int:
    fields = ["course", "views", "unique_viewers", "learners", "completions", "average_time_seconds",
              "completion_rate", "drop_offs", "drop_off_rate", "refreshed_at", "updated_at"]  # fmt: skip
    ContentAnalytics.objects.bulk_create(
        batch, update_conflicts=True, unique_fields=["content"], update_fields=fields, batch_size=BATCH
    )
    return len(batch)


def content_analytics_refresh(*, course_ids=None) -> DataPipelineRun:
    return run_pipeline("content_analytics", lambda: _content_analytics(course_ids))


def _cleanup() -> int:
    """Delete expired export files, personal-data ZIPs past their link and old mobile logs."""

    now = timezone.now()
    removed = 0
    old_exports = ReportExport.objects.filter(created_at__lt=now - dt.timedelta(days=conf.export_retention_days()))
    for export in old_exports.only("id", "file").iterator():
        if export.file:
            export.file.delete(save=False)
    removed += old_exports.delete()[0]
    expired = DataExportRequest.objects.filter(
        kind=DataExportRequest.Kind.EXPORT, status=DataExportRequest.Status.DONE, expires_at__lt=now
    )
    for request in expired.only("id", "file").iterator():
        if request.file:
            request.file.delete(save=False)
    removed += expired.update(status=DataExportRequest.Status.EXPIRED, file="")
    cutoff = now - dt.timedelta(days=conf.mobile_log_retention_days())
    removed += MobileAppLog.objects.filter(created_at__lt=cutoff).delete()[0]
    return removed


def cleanup() -> DataPipelineRun:
    return run_pipeline("cleanup", _cleanup)


def report_rollups_refresh() -> DataPipelineRun | None:
    """Rebuild the report rollups (reports/rollups.py); nothing to do on a database other than PostgreSQL."""

    if not rollups.supported():
        return None
    return run_pipeline(rollups.PIPELINE, rollups.refresh)
