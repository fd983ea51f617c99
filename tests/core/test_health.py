"""/healthz: JSON readiness of the database and of Redis when one is configured."""

import pytest
from django.db import connection
from django.urls import reverse

pytestmark = pytest.mark.django_db

HEALTHZ = reverse("healthz")
CLOSED_REDIS = "redis://127.0.0.1:1/0"  # nothing listens on port 1


def test_healthz_ok_with_database_check(client, settings):
    settings.REDIS_URL = ""
    settings.CELERY_BROKER_URL = ""
    response = client.get(HEALTHZ)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"status": "ok", "checks": {"database": {"status": "ok", "vendor": connection.vendor}}}
    assert "no-cache" in response["Cache-Control"]


def test_healthz_needs_no_login_and_is_get_only(client):
    assert client.get(HEALTHZ).status_code == 200
    assert client.post(HEALTHZ).status_code == 405


def test_healthz_reports_unreachable_redis_as_503(client, settings):
    settings.REDIS_URL = CLOSED_REDIS
    settings.CELERY_BROKER_URL = ""
    response = client.get(HEALTHZ)
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "error"
    assert body["checks"]["database"]["status"] == "ok"
    assert body["checks"]["redis"]["status"] == "error"
    assert body["checks"]["redis"]["error"]


def test_healthz_checks_the_celery_broker_too(client, settings):
    settings.REDIS_URL = ""
    settings.CELERY_BROKER_URL = CLOSED_REDIS
    response = client.get(HEALTHZ)
    assert response.status_code == 503
    assert response.json()["checks"]["redis"]["status"] == "error"


def test_healthz_reports_a_database_failure_as_503(client, settings, monkeypatch):
    settings.REDIS_URL = ""
    settings.CELERY_BROKER_URL = ""

    class BrokenConnection:
        vendor = "broken"

        def cursor(self):
            raise ConnectionError("database is down")

    monkeypatch.setattr("courseworx.core.views.connection", BrokenConnection())
    response = client.get(HEALTHZ)
    assert response.status_code == 503
    assert response.json()["checks"]["database"] == {"status": "error", "error": "ConnectionError"}


@pytest.mark.redis
def test_healthz_ok_with_a_live_redis(client, settings, redis_url):
    settings.REDIS_URL = redis_url
    settings.CELERY_BROKER_URL = ""
    response = client.get(HEALTHZ)
    assert response.status_code == 200
    assert response.json()["checks"]["redis"] == {"status": "ok"}
