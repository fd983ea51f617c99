"""settings.CELERY_BEAT_SCHEDULE is the one place periodic jobs are declared, and each of them can run."""

import re
from pathlib import Path

import pytest
from celery.schedules import crontab
from django.conf import settings

from courseworx.celery import app
from courseworx.core.enqueue import task_get

ROOT = Path(__file__).resolve().parents[2]
APPS = ["accounts", "courses", "learning", "community", "billing", "reports", "courseworx"]


def worker_queues() -> set[str]:
    """The queues `make worker` consumes (the deploy kit's workers are tied to the same set by test_deploy)."""
    match = re.search(r"^CELERY_QUEUES \?= (\S+)$", (ROOT / "Makefile").read_text(), flags=re.MULTILINE)
    assert match, "Makefile: CELERY_QUEUES ?= ... not found"
    return set(match.group(1).split(","))


@pytest.mark.parametrize("entry", sorted(settings.CELERY_BEAT_SCHEDULE))
def test_every_periodic_job_is_a_registered_task_routed_to_a_consumed_queue(entry):
    job = settings.CELERY_BEAT_SCHEDULE[entry]
    name = job["task"]
    assert task_get(name).name == name  # KeyError: no task registered under that name
    queue = app.amqp.router.route({}, name)["queue"].name
    assert queue in worker_queues(), f"{entry}: {name} goes to queue {queue!r}, which no worker consumes"
    assert isinstance(job["schedule"], crontab | int | float)
    assert set(job) <= {"task", "schedule", "args", "kwargs", "options"}


def test_the_routes_send_periodic_jobs_where_expected():
    """The router really reads CELERY_TASK_ROUTES (a test that could not fail would route everything to default)."""
    route = app.amqp.router.route
    assert route({}, "reports.cleanup")["queue"].name == "reports"
    assert route({}, "core.notification_send_daily_digests")["queue"].name == "notifications"
    assert route({}, "billing.subscriptions_renew_due")["queue"].name == "default"


def test_no_app_declares_its_own_beat_schedule():
    """One source of truth: an app-level BEAT_SCHEDULE dict would be silently ignored by Celery."""
    offenders = [
        str(path.relative_to(ROOT))
        for app_dir in APPS
        for path in (ROOT / app_dir).rglob("*.py")
        if path.name != "settings.py" and re.search(r"^\s*\w*BEAT_SCHEDULE\s*=", path.read_text(), flags=re.M)
    ]
    assert offenders == []
