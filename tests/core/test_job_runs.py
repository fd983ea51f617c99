"""Scheduled jobs (courseworx/core/jobs.py): every periodic job of settings.CELERY_BEAT_SCHEDULE is
registered with django-celery-beat, each run is recorded (success, failure, duration, error) in eager
mode and by a real worker, the history is read-only in the admin with each job's last outcome, and
old runs are purged."""

import datetime as dt
import os
import sqlite3
import subprocess
import sys
import uuid
from io import StringIO

import pytest
from celery import Celery, shared_task
from django.conf import settings as django_settings
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from courseworx.core import jobs
from courseworx.core.models import JobRun
from courseworx.core.tasks import job_runs_purge, ping
from tests.core.test_celery_worker import BASE_DIR, _stop
from tests.factories import AdminFactory, InstructorFactory

pytestmark = pytest.mark.django_db


@shared_task(name="tests.failing_job")
def failing_job():
    raise RuntimeError("disk full on /var/backups")


@pytest.fixture
def failing_job_scheduled(settings):
    settings.CELERY_BEAT_SCHEDULE = {
        **settings.CELERY_BEAT_SCHEDULE,
        "tests-failing-job": {"task": "tests.failing_job", "schedule": 60.0},
    }


def test_a_successful_periodic_run_is_recorded():
    job_runs_purge.delay()
    run = JobRun.objects.get()
    assert run.task_name == "core.job_runs_purge"
    assert run.periodic_task_name == "core-job-runs-purge"
    assert run.outcome == JobRun.Outcome.SUCCESS
    assert run.finished_at >= run.started_at and run.duration_ms is not None and run.error == ""
    assert run.task_id


def test_a_failed_periodic_run_is_recorded_with_its_error(failing_job_scheduled):
    with pytest.raises(RuntimeError):
        failing_job.delay()
    run = JobRun.objects.get()
    assert run.periodic_task_name == "tests-failing-job"
    assert run.outcome == JobRun.Outcome.FAILURE
    assert run.error == "RuntimeError: disk full on /var/backups"
    assert run.duration_ms is not None and run.finished_at is not None


def test_tasks_that_are_not_periodic_jobs_are_not_recorded():
    ping.delay()
    assert not JobRun.objects.exists()


def test_old_runs_are_purged_after_the_retention(settings):
    settings.JOB_RUNS_RETENTION_DAYS = 30
    now = timezone.now()
    old = JobRun.objects.create(task_name="x", periodic_task_name="x", started_at=now - dt.timedelta(days=31))
    recent = JobRun.objects.create(task_name="x", periodic_task_name="x", started_at=now - dt.timedelta(days=29))
    assert jobs.job_runs_purge(now=now) == 1
    assert list(JobRun.objects.filter(pk__in=[old.pk, recent.pk])) == [recent]


def test_every_declared_job_is_registered_with_celery_beat():
    assert jobs.jobs_sync() == len(django_settings.CELERY_BEAT_SCHEDULE)
    stored = dict(PeriodicTask.objects.values_list("name", "task"))
    assert {name: job["task"] for name, job in django_settings.CELERY_BEAT_SCHEDULE.items()}.items() <= stored.items()
    assert jobs.jobs_sync() == len(django_settings.CELERY_BEAT_SCHEDULE)  # idempotent
    assert PeriodicTask.objects.filter(name="core-job-runs-purge").count() == 1


def test_the_jobs_sync_command():
    out = StringIO()
    call_command("jobs_sync", stdout=out)
    assert f"{len(django_settings.CELERY_BEAT_SCHEDULE)} periodic jobs registered." in out.getvalue()
    assert PeriodicTask.objects.filter(name="core-job-runs-purge", task="core.job_runs_purge").exists()


def test_the_admin_shows_runs_read_only_and_each_jobs_last_outcome(client, failing_job_scheduled):
    jobs.jobs_sync()
    job_runs_purge.delay()
    with pytest.raises(RuntimeError):
        failing_job.delay()
    client.force_login(AdminFactory())
    runs = client.get(reverse("admin:core_jobrun_changelist"))
    assert runs.status_code == 200 and "disk full" in runs.content.decode()
    run = JobRun.objects.filter(outcome="failure").get()
    assert client.post(reverse("admin:core_jobrun_change", args=[run.pk]), {"outcome": "success"}).status_code == 403
    assert client.get(reverse("admin:core_jobrun_add")).status_code == 403
    assert client.post(reverse("admin:core_jobrun_delete", args=[run.pk]), {"post": "yes"}).status_code == 403
    jobs_page = client.get(reverse("admin:django_celery_beat_periodictask_changelist") + "?q=core-job-runs")
    assert jobs_page.status_code == 200
    row = next(r for r in jobs_page.context["cl"].result_list if r.name == "core-job-runs-purge")
    assert row.cw_last_outcome == "success" and row.cw_last_started is not None
    assert "Last outcome" in jobs_page.content.decode()


def test_staff_without_the_permission_do_not_see_the_runs(client):
    client.force_login(InstructorFactory())
    assert client.get(reverse("admin:core_jobrun_changelist")).status_code == 403


@pytest.mark.redis
def test_a_real_worker_records_the_run_of_a_job_sent_by_beat(redis_url, tmp_path):
    """Beat's message carries the `periodic_task_name` header; the worker records the run in its database."""
    database = tmp_path / "worker.sqlite3"
    queue = f"cw-test-{uuid.uuid4().hex[:12]}"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CELERY_", "REDIS_URL", "DATABASE_URL"))}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "courseworx.settings",
            "DEBUG": "true",
            "SECRET_KEY": "celery-worker-test-secret-key",
            "DATABASE_URL": f"sqlite:///{database}",
            "PYTHONUNBUFFERED": "1",
        }
    )
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=BASE_DIR, env=env, check=True, timeout=300)
    env.update({"CELERY_BROKER_URL": redis_url, "CELERY_RESULT_BACKEND": redis_url})
    client = Celery("courseworx-test-client", broker=redis_url, backend=redis_url, set_as_current=False)
    client.conf.update(task_always_eager=False, broker_connection_retry_on_startup=True, result_expires=300)
    log_path = tmp_path / "worker.log"
    with open(log_path, "w") as log:
        worker = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "courseworx", "worker", "--pool=solo", "--loglevel=info"]
            + ["--without-heartbeat", "--without-mingle", "--without-gossip", "-Q", queue, "-n", f"{queue}@%h"],
            cwd=BASE_DIR,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            result = client.send_task(
                "core.job_runs_purge", queue=queue, headers={"periodic_task_name": "core-job-runs-purge"}
            )
            assert result.get(timeout=60) == 0
        finally:
            _stop(worker)
            client.close()
            print(f"--- worker log ({log_path}) ---\n{log_path.read_text()}")
    with sqlite3.connect(database) as db:
        rows = db.execute("SELECT task_name, periodic_task_name, outcome, duration_ms FROM core_jobrun").fetchall()
    assert len(rows) == 1
    task_name, job, outcome, duration = rows[0]
    assert (task_name, job, outcome) == ("core.job_runs_purge", "core-job-runs-purge", "success")
    assert duration is not None
