"""Services enqueue tasks by name (courseworx.core.enqueue), never by importing their tasks module."""

import re
from pathlib import Path

import pytest

from courseworx.core.enqueue import enqueue_on_commit, task_get

ROOT = Path(__file__).resolve().parents[2]
APPS = ["accounts", "courses", "learning", "community", "billing", "reports", "courseworx"]


def _enqueued_names() -> set[str]:
    """Task names written in the lines that enqueue (`..._on_commit("app.task", ...)` or `task = "..."`)."""
    names = set()
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            for line in path.read_text().splitlines():
                if "_on_commit(" in line or line.strip().startswith("task = "):
                    names |= set(
                        re.findall(r"[\"']((?:core|courses|learning|community|billing|reports)\.\w+)[\"']", line)
                    )
    return names


def test_every_enqueued_name_is_a_registered_task():
    names = _enqueued_names()
    assert len(names) >= 8  # the scan found the services' calls
    for name in names:
        assert task_get(name).name == name


def test_an_unknown_name_fails_at_once_not_on_commit(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks, pytest.raises(KeyError):
        enqueue_on_commit("core.no_such_task")
    assert callbacks == []


@pytest.mark.django_db
def test_runs_after_commit_in_eager_mode(django_capture_on_commit_callbacks, monkeypatch):
    seen = []
    monkeypatch.setattr(task_get("core.ping"), "run", lambda value="pong": seen.append(value))
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        enqueue_on_commit("core.ping", "hello")
    assert seen == []
    for callback in callbacks:
        callback()
    assert seen == ["hello"]
