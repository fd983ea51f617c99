"""Scheduled jobs: the run history of every periodic job.

The jobs are declared once, in `settings.CELERY_BEAT_SCHEDULE` (entry name → task name, schedule);
django-celery-beat's DatabaseScheduler stores them as PeriodicTask rows when beat starts, and
`manage.py jobs_sync` does the same at once (so the admin lists them before beat ever ran).

Every run of a task named there is recorded as a `JobRun` from Celery's signals: `task_prerun`
(a "running" row), `task_failure` (the error's excerpt) and `task_postrun` (outcome, duration), in
the process that runs the task: the worker, or the caller in eager mode (tests, development).  The
job's name is the `periodic_task_name` header beat sends, else the schedule entry of that task.
Recording never breaks a task: a database error here is logged and swallowed.
Old rows are purged by the job `core-job-runs-purge` (`JOB_RUNS_RETENTION_DAYS`).
"""

from __future__ import annotations

import logging
import sys
import time
from datetime import timedelta
from typing import Any

from celery import current_app, signals
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_celery_beat.schedulers import ModelEntry

from .models import JobRun

logger = logging.getLogger("courseworx.jobs")

ERROR_EXCERPT_CHARS = 2000

# task id -> (JobRun pk, monotonic start); the signals of one run fire in the same process.
_running: dict[str, tuple[int, float]] = {}


def periodic_jobs() -> dict[str, str]:
    """Schedule entry name → task name, from settings.CELERY_BEAT_SCHEDULE."""
    return {entry: job["task"] for entry, job in settings.CELERY_BEAT_SCHEDULE.items()}


def _job_name(task) -> str | None:
    """The schedule entry this run belongs to, or None when the task is not a periodic job."""
    entries = periodic_jobs()
    header = getattr(getattr(task, "request", None), "periodic_task_name", None)
    if header is None:
        headers = getattr(getattr(task, "request", None), "headers", None) or {}
        header = headers.get("periodic_task_name") if isinstance(headers, dict) else None
    if header and entries.get(header) == task.name:
        return header
    for entry, name in entries.items():
        if name == task.name:
            return entry
    return None


def _write(fn, *args) -> Any:
    """Run a recording write in its own transaction (outside any the caller holds open in eager mode:
    savepoint there), never raising into the task."""
    try:
        with transaction.atomic():
            return fn(*args)
    except Exception:
        logger.exception("could not record a job run")
        return None


def _on_prerun(sender=None, task_id=None, task=None, **kwargs) -> None:
    task = task or sender
    if task is None:
        return
    job = _job_name(task)
    if job is None:
        return

    def create():
        return JobRun.objects.create(
            task_name=task.name, periodic_task_name=job, task_id=task_id or "", started_at=timezone.now()
        ).pk

    pk = _write(create)
    if pk is not None:
        _running[task_id or ""] = (pk, time.monotonic())


def _error_text(exception: BaseException) -> str:
    return f"{type(exception).__name__}: {exception}"[:ERROR_EXCERPT_CHARS]


def _on_failure(sender=None, task_id=None, exception=None, **kwargs) -> None:
    started = _running.get(task_id or "")
    if started is None or exception is None:
        return
    text = _error_text(exception)
    _write(lambda: JobRun.objects.filter(pk=started[0]).update(error=text, outcome=JobRun.Outcome.FAILURE))


def _on_postrun(sender=None, task_id=None, state=None, retval=None, **kwargs) -> None:
    started = _running.pop(task_id or "", None)
    if started is None:
        return
    pk, t0 = started
    outcome = {
        "SUCCESS": JobRun.Outcome.SUCCESS,
        "FAILURE": JobRun.Outcome.FAILURE,
        "RETRY": JobRun.Outcome.RETRY,
    }.get(state or "", JobRun.Outcome.FAILURE)
    duration = int((time.monotonic() - t0) * 1000)
    fields = {"outcome": outcome, "finished_at": timezone.now(), "duration_ms": duration, "updated_at": timezone.now()}
    if outcome == JobRun.Outcome.FAILURE:
        # Eager mode with propagation (tests) sends no task_failure and no state: the exception is the
        # one on its way out of the task (postrun is sent from a `finally`).
        exception = retval if isinstance(retval, BaseException) else sys.exc_info()[1]
        if exception is not None:
            fields["error"] = _error_text(exception)
    _write(lambda: JobRun.objects.filter(pk=pk).update(**fields))


def connect() -> None:
    """Connect the recorders (CoreConfig.ready(): every web and worker process)."""
    signals.task_prerun.connect(_on_prerun, dispatch_uid="courseworx.jobs.prerun", weak=False)
    signals.task_failure.connect(_on_failure, dispatch_uid="courseworx.jobs.failure", weak=False)
    signals.task_postrun.connect(_on_postrun, dispatch_uid="courseworx.jobs.postrun", weak=False)


def job_runs_purge(*, now=None) -> int:
    """Delete job runs older than JOB_RUNS_RETENTION_DAYS; returns how many."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.JOB_RUNS_RETENTION_DAYS)
    deleted, _ = JobRun.objects.filter(started_at__lt=cutoff).delete()
    return deleted


def jobs_sync() -> int:
    """Store every entry of CELERY_BEAT_SCHEDULE as a django-celery-beat PeriodicTask now (what beat's
    DatabaseScheduler does when it starts); returns the number of entries."""
    schedule = current_app.conf.beat_schedule
    for name, fields in schedule.items():
        ModelEntry.from_entry(name, app=current_app, **fields)  # creates or updates the PeriodicTask row
    return len(schedule)
