"""Enqueue a Celery task by its name once the surrounding transaction commits.

Services enqueue their tasks through this module and never import their app's `tasks.py`: tasks
import services, so the opposite import would be a cycle.  This module imports no service and no
task module (tasks are looked up in the Celery registry by name), so any app may use it.
"""

import logging

from celery import current_app
from django.db import transaction

logger = logging.getLogger(__name__)


def task_get(name: str):
    """The registered task called `name`; a typo fails at once (KeyError) rather than on commit.

    Web processes import no `tasks.py` by themselves (a worker does at start-up): the first look-up
    of a name not registered yet runs Celery's autodiscovery (every installed app's `tasks.py`).
    """
    try:
        return current_app.tasks[name]
    except KeyError:
        current_app.loader.import_default_modules()
        return current_app.tasks[name]


def enqueue_on_commit(name: str, *args) -> None:
    """Send the task `name` with `args` once the surrounding transaction commits (at once outside one).

    The data is already committed then, so a broker outage (or, in eager mode, a failing task) is
    logged and never reaches the request that caused it.  In eager mode (no broker: development and
    tests) `.delay` runs the task in-process, as the task object itself would.
    """
    task = task_get(name)
    transaction.on_commit(lambda: _send(task, args))


def _send(task, args) -> None:
    try:
        task.delay(*args)
    except Exception:
        logger.exception("Could not enqueue %s%r", getattr(task, "name", task), args)
