"""Request ids on responses and log lines, JSON logs, the error log and the 500 page's reference."""

import json
import logging
import sys
from types import SimpleNamespace
from unittest import mock

import pytest
from django.db import OperationalError
from django.urls import reverse

from courseworx.core import requestid
from courseworx.core.logging import JsonFormatter, RequestIdFilter
from courseworx.core.models import ErrorLog
from courseworx.core.services import error_log_record, traceback_hash
from tests.factories import AdminFactory, StudentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def request_id_logs(caplog):
    caplog.handler.addFilter(RequestIdFilter())
    caplog.set_level(logging.INFO)
    return caplog


# --- X-Request-ID -------------------------------------------------------------------------------


def test_every_response_has_a_generated_request_id(client):
    first = client.get("/healthz")
    second = client.get("/no-such-page/")
    assert len(first["X-Request-ID"]) == 32 and len(second["X-Request-ID"]) == 32
    assert first["X-Request-ID"] != second["X-Request-ID"]


def test_a_sane_incoming_request_id_is_kept(client):
    response = client.get("/healthz", headers={"X-Request-ID": "edge-01:abc.DEF_42"})
    assert response["X-Request-ID"] == "edge-01:abc.DEF_42"


@pytest.mark.parametrize("value", ["has space", "<script>", "x" * 65, "-leading-dash", "id\u00e9", "a,b", "../../etc"])
def test_an_odd_incoming_request_id_is_replaced(client, value):
    response = client.get("/healthz", headers={"X-Request-ID": value})
    assert response["X-Request-ID"] != value and len(response["X-Request-ID"]) == 32


@pytest.mark.urls("tests.core.urls_errors")
def test_log_lines_of_a_request_carry_its_id(client, request_id_logs):
    response = client.get("/log-something/", headers={"X-Request-ID": "trace-123"})
    assert response["X-Request-ID"] == "trace-123"
    record = next(r for r in request_id_logs.records if r.getMessage() == "something happened")
    assert record.request_id == "trace-123"
    assert requestid.get_request_id() is None, "the id does not outlive its request"


def test_log_lines_outside_a_request_say_dash():
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "hello", (), None)
    RequestIdFilter().filter(record)
    assert record.request_id == "-"


def test_the_json_formatter_writes_one_parsable_object_per_line():
    tokens = requestid.set_request_context("req-7", "198.51.100.1")
    try:
        try:
            raise ValueError('bad "value"\nsecond line')
        except ValueError:
            record = logging.LogRecord("courseworx.x", logging.ERROR, __file__, 10, "failed %s", ("é",), sys.exc_info())
        record.course = "intro"
        RequestIdFilter().filter(record)
        line = JsonFormatter().format(record)
    finally:
        requestid.reset_request_context(tokens)
    assert "\n" not in line
    data = json.loads(line)
    assert data["message"] == "failed é" and data["level"] == "ERROR" and data["logger"] == "courseworx.x"
    assert data["request_id"] == "req-7" and data["course"] == "intro"
    assert "ValueError" in data["exc_info"] and data["time"].endswith("+00:00")


def test_log_format_json_is_selected_by_the_setting(settings):
    assert settings.LOGGING["handlers"]["console"]["filters"] == ["request_id"]
    assert settings.LOGGING["formatters"]["json"]["()"] == "courseworx.core.logging.JsonFormatter"
    assert settings.LOGGING["handlers"]["console"]["formatter"] == settings.LOG_FORMAT


# --- Celery carries the id -----------------------------------------------------------------------


def test_a_task_enqueued_in_a_request_carries_its_id():
    headers: dict = {}
    tokens = requestid.set_request_context("req-celery", None)
    try:
        requestid.celery_before_publish(headers=headers)
    finally:
        requestid.reset_request_context(tokens)
    assert headers[requestid.CELERY_HEADER] == "req-celery"

    # In the worker (not eager, no request around): the header becomes the context's id.
    task = SimpleNamespace(request=SimpleNamespace(id="task-1", is_eager=False, cw_request_id="req-celery"))
    requestid.celery_task_prerun(task_id="task-1", task=task)
    assert requestid.get_request_id() == "req-celery"
    requestid.celery_task_postrun(task_id="task-1")
    assert requestid.get_request_id() is None


def test_a_task_without_a_request_uses_its_task_id():
    task = SimpleNamespace(request=SimpleNamespace(id="task-2", is_eager=False, headers={}))
    requestid.celery_task_prerun(task_id="task-2", task=task)
    assert requestid.get_request_id() == "task-2"
    requestid.celery_task_postrun(task_id="task-2")


# --- the error log --------------------------------------------------------------------------------


@pytest.mark.urls("tests.core.urls_errors")
def test_an_exception_in_a_view_is_recorded_and_counted(client, settings):
    settings.DEBUG = False
    client.raise_request_exception = False
    user = StudentFactory()
    client.force_login(user)
    first = client.get("/boom/")
    assert first.status_code == 500
    error = ErrorLog.objects.get()
    assert error.exception_class == "builtins.RuntimeError" and error.message == "boom (test)"
    assert error.path == "/boom/" and error.method == "GET" and error.user == user
    assert error.request_id == first["X-Request-ID"] and error.count == 1
    assert "urls_errors.py" in error.traceback and 'raise RuntimeError("boom (test)")' in error.traceback
    error.resolved = True
    error.save()

    second = client.get("/boom/")
    error.refresh_from_db()
    assert ErrorLog.objects.count() == 1, "grouped by traceback hash"
    assert error.count == 2 and error.request_id == second["X-Request-ID"] and error.resolved is False
    assert error.last_seen >= error.created_at


@pytest.mark.urls("tests.core.urls_errors")
def test_the_500_page_shows_the_request_id(client, settings):
    settings.DEBUG = False
    client.raise_request_exception = False
    response = client.get("/boom/", headers={"X-Request-ID": "support-ref-42"})
    assert response.status_code == 500
    html = response.content.decode()
    assert "support-ref-42" in html and "Something went wrong on our side" in html
    assert "boom (test)" not in html and "Traceback" not in html


@pytest.mark.urls("tests.core.urls_errors")
def test_an_exception_in_an_api_view_is_recorded_and_the_json_has_the_request_id(api_client, settings):
    settings.DEBUG = False
    api_client.raise_request_exception = False
    response = api_client.get("/api/v1/drf-boom/")
    assert response.status_code == 500
    assert response.json()["error"]["request_id"] == response["X-Request-ID"]
    error = ErrorLog.objects.get()
    assert error.path == "/api/v1/drf-boom/" and error.request_id == response["X-Request-ID"]


def test_different_places_hash_differently():
    def one():
        raise KeyError("a")

    def two():
        raise KeyError("a")

    hashes = set()
    for func in (one, two, one):
        try:
            func()
        except KeyError as exc:
            hashes.add(traceback_hash(exc))
    assert len(hashes) == 2


def test_recording_an_error_never_raises(caplog):
    try:
        raise RuntimeError("original")
    except RuntimeError as exc:
        with mock.patch.object(ErrorLog.objects, "filter", side_effect=OperationalError("database is down")):
            assert error_log_record(exc) is None
    assert "Could not record the error" in caplog.text
    assert not ErrorLog.objects.exists()


def test_the_error_log_admin_is_read_only_except_resolved(client):
    error = ErrorLog.objects.create(
        traceback_hash="abc", exception_class="builtins.RuntimeError", message="x", last_seen="2026-01-01T00:00Z"
    )
    client.force_login(AdminFactory())
    url = reverse("admin:core_errorlog_change", args=[error.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"resolved": "on", "message": "rewritten", "count": "99"})
    assert response.status_code == 302
    error.refresh_from_db()
    assert error.resolved is True and error.message == "x" and error.count == 1
    assert client.get(reverse("admin:core_errorlog_add")).status_code == 403
