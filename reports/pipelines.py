"""Data pipelines: each run is recorded in DataPipelineRun (started, finished, rows, status, error).

content_analytics_refresh: per lesson, the figures of `reports.lesson_analytics.lesson_figures` (three
sources aggregated separately in SQL, merged by lesson id; the instructors' lesson-analytics page uses
the same function), written with one bulk upsert per batch; drop-off rate = drop-offs / learners.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable

from django.utils import timezone

from courses.models import CourseContent

from . import conf, rollups
from .lesson_analytics import LessonFigures, lesson_figures
from .models import ContentAnalytics, DataExportRequest, DataPipelineRun, MobileAppLog, ReportExport

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


def _content_analytics(course_ids=None) -> int:
    """Store `lesson_analytics.lesson_figures` (the one computation, also behind the instructors' page)."""
    now = timezone.now()
    contents = CourseContent.objects.all()
    if course_ids is not None:
        contents = contents.filter(course_id__in=course_ids)
    figures = lesson_figures(course_ids=course_ids, now=now)
    written = 0
    batch: list[ContentAnalytics] = []
    for content_id, course_id in contents.values_list("id", "course_id").iterator(chunk_size=BATCH):
        f = figures.get(content_id, LessonFigures())
        batch.append(
            ContentAnalytics(
                content_id=content_id,
                course_id=course_id,
                views=f.views,
                unique_viewers=f.unique_viewers,
                learners=f.learners,
                completions=f.completions,
                average_time_seconds=f.average_time_seconds,
                completion_rate=f.completion_rate,
                drop_offs=f.drop_offs,
                drop_off_rate=f.drop_off_rate,
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
