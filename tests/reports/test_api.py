"""Reports API: same figures, filters and scoping as the pages; exports; data requests; mobile logs."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from accounts import roles
from reports import conf
from reports.models import DataExportRequest, MobileAppLog, ReportExport

from .conftest import MARCH

pytestmark = pytest.mark.django_db


def _client(user):
    api = APIClient()
    api.force_authenticate(user)
    return api


def test_report_json_matches_the_selector(world, admin_user):
    response = _client(admin_user).get(reverse("api:report-detail", args=["completion"]), {**MARCH, "sort": "title"})
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 3 and [r["title"] for r in body["results"]] == ["Alpha", "Beta", "Gamma"]
    alpha = body["results"][0]
    assert (alpha["enrolments"], alpha["dropped"], alpha["completed"], alpha["certificates"]) == (3, 1, 1, 1)
    assert {k["label"] for k in body["summary"]} >= {"Enrolments", "Completion rate"}
    assert body["charts"][0]["type"] == "bar"


@pytest.mark.parametrize("slug", ["completion", "engagement", "top-students", "activity", "attendance",
                                  "attendance-trainees", "support", "revenue"])  # fmt: skip
def test_every_report_answers(world, admin_user, slug):
    assert _client(admin_user).get(reverse("api:report-detail", args=[slug]), MARCH).status_code == 200


def test_a_report_without_parameters_covers_the_default_range(world, admin_user):
    url = reverse("api:report-detail", args=["completion"])
    response = _client(admin_user).get(url)
    assert response.status_code == 200, response.content
    body, today = response.json(), timezone.localdate()
    assert body["date_to"] == today.isoformat()
    assert body["date_from"] == (today - dt.timedelta(days=conf.default_range_days() - 1)).isoformat()
    export = _client(admin_user).post(reverse("api:report-export-create", args=["completion"]), {"format": "csv"})
    assert export.status_code in (201, 202), export.content
    bad = _client(admin_user).get(url, {"date_from": "someday"})
    assert bad.status_code == 400 and "date_from" in bad.json()["error"]["fields"]


def test_scoping_and_denials(world, student, make_staff):
    body = _client(world.ivan).get(reverse("api:report-detail", args=["completion"]), MARCH).json()
    assert {r["title"] for r in body["results"]} == {"Alpha", "Beta"}
    response = _client(world.ivan).get(reverse("api:report-detail", args=["completion"]), {"course": world.gamma.pk})
    assert response.status_code == 400 and "course" in response.json()["error"]["fields"]
    assert _client(world.ivan).get(reverse("api:report-detail", args=["support"])).status_code == 403
    assert _client(student).get(reverse("api:report-list")).status_code == 403
    assert APIClient().get(reverse("api:report-list")).status_code in (401, 403)
    finance = _client(make_staff(roles.FINANCE)).get(reverse("api:report-list")).json()
    assert [r["slug"] for r in finance] == ["revenue"]


def test_export_job_through_the_api(world, admin_user, django_capture_on_commit_callbacks):
    api = _client(admin_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(
            reverse("api:report-export-create", args=["attendance"]) + "?date_from=2026-03-01&date_to=2026-03-31",
            {"format": "csv"},
        )
    assert response.status_code == 202
    export = ReportExport.objects.get()
    detail = api.get(reverse("api:report-export", args=[export.pk])).json()
    assert detail["status"] == "done" and detail["progress"] == 100 and detail["download_url"]
    assert _client(world.ivan).get(reverse("api:report-export", args=[export.pk])).status_code == 404


def test_data_requests(world, django_capture_on_commit_callbacks):
    api = _client(world.s1)
    with django_capture_on_commit_callbacks(execute=True):
        assert api.post(reverse("api:data-request-list"), {"kind": "export"}).status_code == 202
    rows = api.get(reverse("api:data-request-list")).json()
    assert rows[0]["status"] == "done" and rows[0]["download_url"]
    response = api.post(reverse("api:data-request-list"), {"kind": "deletion", "password": "wrong"})
    assert response.status_code == 400
    assert not DataExportRequest.objects.filter(kind="deletion").exists()


def _event(**over):
    event = {"device_id": "dev-1", "platform": "android", "app_version": "2.3.1", "event": "screen.open",
             "occurred_at": "2026-03-02T10:00:00Z", "data": {"screen": "home"}}  # fmt: skip
    event.update(over)
    return event


def test_mobile_logs_ingest(student, settings):
    url = reverse("api:mobile-log-ingest")
    token, _ = Token.objects.get_or_create(user=student)
    api = APIClient()
    assert api.post(url, {"events": [_event()]}, format="json").status_code == 401
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    response = api.post(url, {"events": [_event(), _event(level="error", message="boom")]}, format="json")
    assert response.status_code == 201 and response.json() == {"accepted": 2}
    assert MobileAppLog.objects.filter(user=student).count() == 2
    # Validation: bad platform, unknown level, too many events, too large a body.
    response = api.post(url, {"events": [_event(platform="windows")]}, format="json")
    assert response.status_code == 400 and "events" in response.json()["error"]["fields"]
    settings.REPORTS_MOBILE_LOG_MAX_EVENTS = 3
    assert api.post(url, {"events": [_event()] * 4}, format="json").status_code == 400
    settings.REPORTS_MOBILE_LOG_MAX_BYTES = 500
    response = api.post(url, {"events": [_event(message="x" * 600)]}, format="json")
    assert response.status_code == 413 and response.json()["error"]["code"] == "payload_too_large"
    assert MobileAppLog.objects.count() == 2


def test_mobile_logs_are_throttled(student, settings):
    settings.REPORTS_MOBILE_LOG_RATE = "2/minute"
    token, _ = Token.objects.get_or_create(user=student)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    url = reverse("api:mobile-log-ingest")
    codes = [api.post(url, {"events": [_event()]}, format="json").status_code for _ in range(3)]
    assert codes == [201, 201, 429]
