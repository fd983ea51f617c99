import logging

from celery import shared_task
from django.db import transaction

logger = logging.getLogger(__name__)


@shared_task(name="core.ping")
def ping(value: str = "pong") -> str:
    """A trivial task: used by the health check and by the worker round-trip test."""
    return value


@shared_task(name="core.add")
def add(x: int, y: int) -> int:
    return x + y


def enqueue_on_commit(task, *args) -> None:
    """Send `task.delay(*args)` once the surrounding transaction commits (at once outside one).

    The data is already committed then, so a broker outage (or, in eager mode, a failing task) is
    logged and never reaches the request that caused it.  Every app enqueues its tasks this way.
    """
    transaction.on_commit(lambda: _send(task, args))


def _send(task, args) -> None:
    try:
        task.delay(*args)
    except Exception:
        logger.exception("Could not enqueue %s%r", getattr(task, "name", task), args)
