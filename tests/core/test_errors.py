"""Friendly error pages (HTML for people, JSON for the API) for 400, 403, 404 and 500."""

import pytest
from django.urls import reverse

from tests.factories import InstructorFactory

pytestmark = pytest.mark.django_db

HOME = reverse("home")


def assert_friendly_page(response, status: int, heading: str):
    assert response.status_code == status
    assert response["Content-Type"].startswith("text/html")
    html = response.content.decode()
    assert heading in html
    assert f'href="{HOME}"' in html, "an error page links back home"
    assert "Traceback" not in html


def test_404_page_is_friendly_html(client):
    response = client.get("/no-such-page/")
    assert_friendly_page(response, 404, "We couldn't find that page")
    assert "404.html" in [t.name for t in response.templates]
    assert "Skip to content" in response.content.decode(), "the 404 page uses the site layout"


def test_404_for_the_api_is_json(client):
    response = client.get("/api/v1/nope/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"error": {"code": "not_found", "message": "Not found.", "fields": {}}}


def test_404_is_json_when_json_is_accepted(client):
    response = client.get("/no-such-page/", headers={"accept": "application/json"})
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_403_page_is_friendly_html(client):
    client.force_login(InstructorFactory())
    response = client.get(reverse("admin:accounts_user_changelist"))
    assert_friendly_page(response, 403, "You don't have access to this page")


def test_400_page_for_a_disallowed_host(client):
    response = client.get(HOME, headers={"host": "evil.example.com"})
    assert_friendly_page(response, 400, "That request couldn't be understood")


@pytest.mark.urls("tests.core.urls_errors")
def test_500_page_renders(client):
    client.raise_request_exception = False
    response = client.get("/boom/")
    assert response.status_code == 500
    html = response.content.decode()
    assert "Something went wrong on our side" in html
    assert 'href="/"' in html
    assert "/static/vendor/bootstrap/bootstrap.min.css" in html
    assert "RuntimeError" not in html


@pytest.mark.urls("tests.core.urls_errors")
def test_500_for_a_plain_api_path_is_json(client):
    client.raise_request_exception = False
    response = client.get("/api/v1/boom/")
    assert response.status_code == 500
    assert response.json() == {
        "error": {
            "code": "server_error",
            "message": "An unexpected error occurred.",
            "fields": {},
            "request_id": response["X-Request-ID"],
        }
    }


@pytest.mark.urls("tests.core.urls_errors")
def test_500_in_a_drf_view_is_json(api_client, caplog):
    api_client.raise_request_exception = False
    response = api_client.get("/api/v1/drf-boom/")
    assert response.status_code == 500
    assert response.json()["error"]["code"] == "server_error"
    assert "Unhandled API error" in caplog.text, "the unexpected error is logged"


@pytest.mark.urls("tests.core.urls_errors")
def test_django_validation_error_in_a_drf_view_becomes_a_400(api_client):
    response = api_client.get("/api/v1/drf-invalid/")
    assert response.status_code == 400
    assert response.json() == {
        "error": {
            "code": "invalid",
            "message": "The submitted data is not valid.",
            "fields": {"title": ["Too short."], "non_field_errors": ["Dates overlap."]},
            "codes": {"title": ["invalid"], "non_field_errors": ["invalid"]},
        }
    }


@pytest.mark.urls("tests.core.urls_errors")
def test_django_permission_denied_in_a_drf_view_becomes_a_403(api_client):
    response = api_client.get("/api/v1/drf-denied/")
    assert response.status_code == 403
    assert response.json() == {
        "error": {"code": "permission_denied", "message": "Only the course owner may do that.", "fields": {}}
    }
