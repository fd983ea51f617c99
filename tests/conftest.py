"""Fixtures shared by every test.

Log users in with `client.force_login(user)`: django-axes' backend needs the request, so
`client.login()` raises AxesBackendRequestParameterRequired.  Going through the login page (POST to
/accounts/login/) exercises axes for real.
"""

import os
import shutil
from pathlib import Path

import pytest
import redis
from celery.result import _set_task_join_will_block
from django.conf import settings
from django.core.cache import cache
from django.utils import translation
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from accounts import roles
from courseworx.core import live_settings
from tests.factories import (
    DEFAULT_PASSWORD,
    AdminFactory,
    InstructorFactory,
    StaffFactory,
    StudentFactory,
)
from tests.utils import skip_or_fail

PLAYWRIGHT_OUTPUT = "test-results"

# Property-based tests (hypothesis; tests/bad_input.py): `ci` by default, `HYPOTHESIS_PROFILE=nightly` (make
# test-nightly) for ten times the examples.  Function-scoped fixtures (db, clients) are shared by the examples
# of a test on purpose: the tests compare row counts around each request.
_HYPOTHESIS_COMMON = {
    "deadline": None,
    "suppress_health_check": [HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
    "print_blob": True,
}
hypothesis_settings.register_profile("ci", max_examples=30, **_HYPOTHESIS_COMMON)
hypothesis_settings.register_profile("nightly", max_examples=300, **_HYPOTHESIS_COMMON)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
# Every list route measured at two sizes (tests/querycount.py): checked after a run of the whole suite.
pytest_plugins = ["tests.querycount_coverage"]

REDIS_TEST_URL = os.environ.get("REDIS_TEST_URL", "redis://127.0.0.1:6379/15")


def pytest_configure(config):
    # pytest-playwright empties its --output folder from a session fixture, which under pytest-xdist
    # runs once per worker and can delete another worker's screenshots.  Empty it once, here, in the
    # controller (or the only process) instead; `delete_output_dir` below replaces the fixture.
    if not hasattr(config, "workerinput"):
        output = Path(config.getoption("--output", default=PLAYWRIGHT_OUTPUT) or PLAYWRIGHT_OUTPUT)
        shutil.rmtree(output, ignore_errors=True)


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    """Every transactional test restores the migrated baseline data (serialized rollback).

    A transactional test (transaction=True, transactional_db, live_server) ends by emptying every table.
    Django then re-creates content types and permissions, but not the rows data migrations made (the staff
    groups and their permissions).  Worse, those re-created rows get new ids, so a later test that *does*
    ask for serialized_rollback fails with an IntegrityError when it restores the snapshot.  Turning
    serialized rollback on for all of them keeps every transactional test independent of the order.
    An explicit django_db(..., serialized_rollback=False) is respected, but then every later transactional
    test in that process fails to restore the snapshot: don't opt out.
    """
    for item in items:
        marker = item.get_closest_marker("django_db")
        if marker is not None and marker.args:
            continue  # positional django_db arguments: leave as written
        kwargs = dict(marker.kwargs) if marker is not None else {}
        fixtures = getattr(item, "fixturenames", ())
        transactional = kwargs.get("transaction") or "transactional_db" in fixtures or "live_server" in fixtures
        if transactional and "serialized_rollback" not in kwargs:
            kwargs.update(transaction=True, serialized_rollback=True)
            item.add_marker(pytest.mark.django_db(**kwargs), append=False)
    # A transactional test empties the tables when it ends, so it must run after every test that relies on
    # the migrated data (pytest-django sorts them so, but another plugin's reordering can undo it: a test
    # parameter named like pytest-playwright's `page` fixture once did). Last hook, stable sort.
    items.sort(key=_runs_after_transactional)


def _runs_after_transactional(item) -> int:
    marker = item.get_closest_marker("django_db")
    fixtures = getattr(item, "fixturenames", ())
    if (marker is not None and marker.kwargs.get("transaction")) or {"live_server", "transactional_db"} & set(fixtures):
        return 1
    return 0 if marker is not None or "db" in fixtures else 2


@pytest.fixture(scope="session", autouse=True)
def delete_output_dir():
    """Overrides pytest-playwright's per-worker clean-up (see pytest_configure)."""


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings):
    # Argon2 is deliberately slow; tests hash many passwords.  Production keeps Argon2.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _clear_cache():
    # DRF throttles count requests in the cache: start every test from zero.
    cache.clear()
    # Every test starts with no stored live setting (its database is empty): say so in the cache, so a
    # page's first request does not run the one query that fills it and query counts compare equal.
    live_settings.prime_empty()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _default_language():
    # LocaleMiddleware activates the request's language in the thread and nothing deactivates it: a test
    # whose request asked for French left later tests of the same worker with French messages.
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _reset_celery_join_guard():
    # Celery's "never call result.get() within a task" guard is one process-wide flag that every eager
    # task sets and then restores.  Eager tasks in parallel threads (the PostgreSQL concurrency tests)
    # can restore it in the wrong order and leave it set, breaking any later EagerResult.get().
    _set_task_join_will_block(False)


@pytest.fixture
def password() -> str:
    return DEFAULT_PASSWORD


@pytest.fixture
def student(db):
    return StudentFactory(first_name="Stella", last_name="Student")


@pytest.fixture
def instructor(db):
    return InstructorFactory(first_name="Ivan", last_name="Instructor")


@pytest.fixture
def admin_user(db):
    """Replaces pytest-django's admin_user (and so admin_client) with a real CourseWorx admin."""
    return AdminFactory(email="admin@example.com", first_name="Ada", last_name="Admin")


@pytest.fixture
def make_staff(db):
    """make_staff(roles.SUPPORT) -> a staff member (role admin, not superuser) in that group."""

    def make(*group_names: str, **kwargs):
        return StaffFactory(groups=list(group_names), **kwargs)

    return make


@pytest.fixture
def moderator(make_staff):
    return make_staff(roles.MODERATORS)


@pytest.fixture
def api_client() -> APIClient:
    return APIClient()


@pytest.fixture
def student_client(client, student):
    client.force_login(student)
    return client


@pytest.fixture
def token_client(student) -> APIClient:
    """An APIClient authenticated as `student` with `Authorization: Token ...`."""
    api = APIClient()
    token, _ = Token.objects.get_or_create(user=student)
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return api


@pytest.fixture(scope="session")
def redis_url() -> str:
    """The Redis URL for tests (REDIS_TEST_URL, default database 15); skips (fails in CI) without Redis."""

    try:
        redis.Redis.from_url(REDIS_TEST_URL, socket_connect_timeout=2, socket_timeout=2).ping()
    except redis.RedisError as exc:
        skip_or_fail(
            f"Redis not reachable at {REDIS_TEST_URL} ({exc.__class__.__name__}): start it with "
            '`redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no` '
            "or set REDIS_TEST_URL"
        )
    return REDIS_TEST_URL


@pytest.fixture
def otp_required(settings):
    """Two-factor authentication required for staff, as in production (the suite runs with DEBUG=true, where
    `OTP_REQUIRED_FOR_STAFF` defaults to off).  Log staff in with `client.force_login(user)` and then
    `tests.utils.otp_verify_session(client, user)` for a verified session."""
    settings.OTP_REQUIRED_FOR_STAFF = True
    return settings
