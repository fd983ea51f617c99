"""A real worker: a task's log lines carry the request id of the request that enqueued it."""

import os
import subprocess
import sys
import uuid

import pytest
from celery import Celery

from courseworx.core import requestid
from tests.core.test_celery_worker import BASE_DIR, _stop


@pytest.mark.redis
def test_a_worker_logs_with_the_enqueuing_requests_id(redis_url, tmp_path):
    queue = f"cw-test-{uuid.uuid4().hex[:12]}"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CELERY_", "REDIS_URL", "LOG_"))}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "courseworx.settings",
            "CELERY_BROKER_URL": redis_url,
            "CELERY_RESULT_BACKEND": redis_url,
            "DEBUG": "true",
            "SECRET_KEY": "celery-worker-test-secret-key",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'worker.sqlite3'}",
            "PYTHONUNBUFFERED": "1",
            "LOG_FORMAT": "plain",
        }
    )
    log_path = tmp_path / "worker.log"
    client = Celery("courseworx-test-client", broker=redis_url, backend=redis_url, set_as_current=False)
    client.conf.update(task_always_eager=False, broker_connection_retry_on_startup=True, result_expires=300)
    request_id = f"req-{uuid.uuid4().hex[:10]}"
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
            ],  # fmt: skip
            cwd=BASE_DIR,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            tokens = requestid.set_request_context(request_id, None)
            try:  # published "inside a request": before_task_publish adds the header
                result = client.send_task("core.ping", args=("traced",), queue=queue)
            finally:
                requestid.reset_request_context(tokens)
            assert result.get(timeout=30) == "traced"
            untraced = client.send_task("core.ping", args=("plain",), queue=queue)
            assert untraced.get(timeout=30) == "plain"
        finally:
            _stop(worker)
            client.close()
            print(f"--- worker log ({log_path}) ---\n{log_path.read_text()}")
    lines = log_path.read_text().splitlines()
    traced = [line for line in lines if "core.ping" in line and "succeeded" in line and result.id in line]
    assert traced and f"[{request_id}]" in traced[0], "the request's id, not the task's"
    plain = [line for line in lines if "succeeded" in line and untraced.id in line]
    assert plain and f"[{untraced.id}]" in plain[0], "a task no request enqueued logs with its task id"
