"""Browser tests: Debian's chromium driven by Playwright against pytest-django's live_server.

`playwright install` cannot download browsers here, so the system chromium is used.  Playwright's sync
API runs an event loop in the test thread; Django refuses ORM calls from a thread with a running loop
unless DJANGO_ALLOW_ASYNC_UNSAFE is set (the ORM calls here are plain synchronous test code).
"""

import asyncio
import os
from pathlib import Path

import pytest
from django.db import connections

from tests.utils import skip_or_fail

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-results"


@pytest.fixture(scope="session", autouse=True)
def _require_chromium():
    if not CHROMIUM.is_file():
        skip_or_fail(f"{CHROMIUM} is missing: install it with `apt-get install -y chromium` (or set CHROMIUM_PATH)")


def _loop_is_running() -> bool:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


@pytest.fixture(scope="session", autouse=True)
def _serialized_rollback_under_playwright(request, django_db_setup):
    """Make `django_db(serialized_rollback=True)` work once Playwright runs.

    Django keeps database connections in an asgiref Local(thread_critical=True): while an event loop runs
    in the thread (Playwright's sync API keeps one running for the whole session) it hands out a second,
    separate set of connection objects.  The test database's serialized contents, which Django uses to
    restore data created by migrations (the staff groups) after a transactional test's flush, were
    stored on the first set; without this, the restore is silently skipped and later tests find no groups.
    """
    if _loop_is_running():  # Playwright already started: read the loop-free connections directly
        sync_side = connections._connections._storage
        sync_conns = [getattr(sync_side, alias, None) for alias in connections]
    else:
        sync_conns = list(connections.all())
    saved = {c.alias: c._test_serialized_contents for c in sync_conns if hasattr(c, "_test_serialized_contents")}
    request.getfixturevalue("playwright")  # start Playwright (and its loop) now, then copy across
    for alias, contents in saved.items():
        connections[alias]._test_serialized_contents = contents


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": str(CHROMIUM), "headless": True, "args": CHROMIUM_ARGS}


@pytest.fixture
def screenshot_dir() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS


@pytest.fixture
def browser_problems(page):
    """Console errors, uncaught page errors and failed or 4xx/5xx requests seen while the test ran."""
    problems: list[str] = []
    page.on("console", lambda msg: problems.append(f"console {msg.type}: {msg.text}") if msg.type == "error" else None)
    page.on("pageerror", lambda exc: problems.append(f"page error: {exc}"))

    def request_failed(request) -> None:
        # net::ERR_ABORTED is the browser cancelling an in-flight request because the page moved on
        # (an htmx poll such as the notification bell when a form submits); it is not a failure.
        if request.failure != "net::ERR_ABORTED":
            problems.append(f"request failed: {request.url} {request.failure}")

    page.on("requestfailed", request_failed)
    page.on("response", lambda resp: problems.append(f"HTTP {resp.status}: {resp.url}") if resp.status >= 400 else None)
    return problems
