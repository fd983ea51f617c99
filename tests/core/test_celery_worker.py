"""Celery: eager tasks in-process, and a real worker round trip through Redis."""

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from celery import Celery, current_app
from celery.result import EagerResult
from django.conf import settings

from courseworx.celery import app as project_app
from courseworx.core.tasks import add, ping

BASE_DIR = Path(settings.BASE_DIR)


def test_ping_runs_eagerly_without_a_broker():
    assert project_app.conf.task_always_eager is True, "tests run without CELERY_BROKER_URL"
    assert current_app.main == "courseworx"
    result = ping.delay("hello")
    assert isinstance(result, EagerResult)
    assert result.get(timeout=1) == "hello"
    assert ping.delay().get(timeout=1) == "pong"
    assert add.delay(2, 3).get(timeout=1) == 5


def test_tasks_are_registered_under_stable_names():
    project_app.loader.import_default_modules()
    assert {"core.ping", "core.add"} <= set(project_app.tasks)


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.terminate()  # SIGTERM: warm shutdown
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)


@pytest.mark.redis
def test_real_worker_runs_core_add(redis_url, tmp_path):
    queue = f"cw-test-{uuid.uuid4().hex[:12]}"  # a private queue: no other worker can take the task
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CELERY_", "REDIS_URL"))}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "courseworx.settings",
            "CELERY_BROKER_URL": redis_url,
            "CELERY_RESULT_BACKEND": redis_url,
            "DEBUG": "true",
            "SECRET_KEY": "celery-worker-test-secret-key",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'worker.sqlite3'}",
            "PYTHONUNBUFFERED": "1",
        }
    )
    log_path = tmp_path / "worker.log"
    client = Celery("courseworx-test-client", broker=redis_url, backend=redis_url, set_as_current=False)
    client.conf.update(task_always_eager=False, broker_connection_retry_on_startup=True, result_expires=300)
    with open(log_path, "w") as log:
        worker = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "courseworx",
                "worker",
                "--pool=solo",
                "--loglevel=info",
                "--without-heartbeat",
                "--without-mingle",
                "--without-gossip",
                "-Q",
                queue,
                "-n",
                f"{queue}@%h",
            ],
            cwd=BASE_DIR,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            result = client.send_task("core.add", args=(2, 3), queue=queue)
            assert result.get(timeout=30) == 5
            assert result.status == "SUCCESS"
            assert client.send_task("core.ping", args=("round trip",), queue=queue).get(timeout=30) == "round trip"
        finally:
            _stop(worker)
            client.close()
            print(f"--- worker log ({log_path}) ---\n{log_path.read_text()}")  # shown when the test fails
    output = log_path.read_text()
    assert "celery@" in output or queue in output
    assert "Task core.add" in output and "succeeded" in output
    # The project's app is untouched: later tests still run tasks eagerly in-process.
    assert project_app.conf.task_always_eager is True
    assert current_app.main == "courseworx"
    assert isinstance(ping.delay(), EagerResult)
