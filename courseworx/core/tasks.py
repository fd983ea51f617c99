import logging

from celery import shared_task

logger = logging.getLogger(__name__)


@shared_task(name="core.ping")
def ping(value: str = "pong") -> str:
    """A trivial task: used by the health check and by the worker round-trip test."""
    return value


@shared_task(name="core.add")
def add(x: int, y: int) -> int:
    return x + y
