"""The API foundation: token auth, /me, the JSON error shape, throttling and the OpenAPI schema/docs."""

import json
import re

import pytest
import yaml
from django.conf import settings
from django.urls import reverse
from drf_spectacular.validation import validate_schema
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.factories import DEFAULT_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

TOKEN_URL = reverse("api:auth-token")
ME_URL = reverse("api:me")


def assert_error_shape(body: dict, code: str) -> dict:
    """The one error shape; validation errors (400) also carry each field's codes."""
    assert set(body) == {"error"}, body
    error = body["error"]
    assert set(error) - {"codes"} == {"code", "message", "fields"}, error
    if "codes" in error:
        assert set(error["codes"]) == set(error["fields"]), error
    assert error["code"] == code, error
    assert isinstance(error["message"], str)
    assert error["message"]
    assert isinstance(error["fields"], dict)
    return error


# --- Token ---------------------------------------------------------------------------------------


def test_token_for_good_credentials(api_client):
    user = UserFactory(email="stella@example.com")
    response = api_client.post(TOKEN_URL, {"username": "Stella@Example.com", "password": DEFAULT_PASSWORD})
    assert response.status_code == 200
    assert response.json() == {"token": Token.objects.get(user=user).key}
    # Asking again returns the same token.
    again = api_client.post(TOKEN_URL, {"username": "stella@example.com", "password": DEFAULT_PASSWORD})
    assert again.json()["token"] == response.json()["token"]


def test_token_for_bad_credentials_is_a_400_json_error(api_client):
    UserFactory(email="stella@example.com")
    response = api_client.post(TOKEN_URL, {"username": "stella@example.com", "password": "wrong-password"})
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    error = assert_error_shape(response.json(), "authorization")
    assert error["fields"] == {"non_field_errors": ["Unable to log in with provided credentials."]}
    assert error["codes"] == {"non_field_errors": ["authorization"]}
    assert not Token.objects.exists()


def test_token_with_missing_fields_names_them(api_client):
    response = api_client.post(TOKEN_URL, {})
    assert response.status_code == 400
    error = assert_error_shape(response.json(), "required")
    assert error["fields"] == {"username": ["This field is required."], "password": ["This field is required."]}
    assert error["codes"] == {"username": ["required"], "password": ["required"]}


def test_token_endpoint_is_throttled(api_client):
    UserFactory(email="stella@example.com")
    rate = settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["auth_token"]
    allowed = int(rate.split("/")[0])
    for _ in range(allowed):
        api_client.post(TOKEN_URL, {"username": "nobody@example.com", "password": "x"})
    response = api_client.post(TOKEN_URL, {"username": "stella@example.com", "password": DEFAULT_PASSWORD})
    assert response.status_code == 429
    assert_error_shape(response.json(), "throttled")
    assert "Retry-After" in response


def test_token_can_be_revoked(api_client):
    user = UserFactory()
    token = Token.objects.create(user=user)
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert api_client.delete(TOKEN_URL).status_code == 204
    assert not Token.objects.filter(user=user).exists()
    response = api_client.get(ME_URL)
    assert response.status_code == 401
    assert_error_shape(response.json(), "authentication_failed")


def test_token_revoke_without_a_token_is_401(api_client):
    response = api_client.delete(TOKEN_URL)
    assert response.status_code == 401
    assert_error_shape(response.json(), "not_authenticated")


# --- /me -----------------------------------------------------------------------------------------


def test_me_with_token_returns_the_user(token_client, student):
    response = token_client.get(ME_URL)
    assert response.status_code == 200
    body = response.json()
    assert body["id"] == str(student.pk)
    assert body["email"] == student.email
    assert body["full_name"] == "Stella Student"
    assert body["role"] == "student"
    assert body["is_staff"] is False
    assert body["groups"] == []
    assert "password" not in body


def test_me_lists_staff_groups(api_client):
    user = UserFactory(finance=True)
    api_client.force_authenticate(user)
    assert api_client.get(ME_URL).json()["groups"] == ["Finance"]


def test_me_with_session_works(client, student):
    client.force_login(student)
    response = client.get(ME_URL)
    assert response.status_code == 200
    assert response.json()["email"] == student.email


def test_me_without_credentials_is_401_json(api_client):
    response = api_client.get(ME_URL)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    error = assert_error_shape(response.json(), "not_authenticated")
    assert error["message"] == "Authentication credentials were not provided."


def test_me_with_a_bad_token_is_401_json(api_client):
    api_client.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    response = api_client.get(ME_URL)
    assert response.status_code == 401
    assert_error_shape(response.json(), "authentication_failed")


def test_patch_me_updates_allowed_fields_only(token_client, student):
    response = token_client.patch(
        ME_URL, {"first_name": "Estelle", "phone": "+1 555 0100", "role": "admin", "email": "x@example.com"}
    )
    assert response.status_code == 200
    assert response.json()["first_name"] == "Estelle"
    student.refresh_from_db()
    assert (student.first_name, student.phone) == ("Estelle", "+1 555 0100")
    assert student.role == "student"
    assert student.email != "x@example.com"


def test_patch_me_with_a_one_character_first_name_is_400(token_client, student):
    response = token_client.patch(ME_URL, {"first_name": "E"})
    assert response.status_code == 400
    error = assert_error_shape(response.json(), "min_length")
    assert list(error["fields"]) == ["first_name"]
    assert error["fields"]["first_name"] == ["Ensure this field has at least 2 characters."]
    student.refresh_from_db()
    assert student.first_name == "Stella"


def test_patch_me_with_a_bad_phone_is_400(token_client):
    response = token_client.patch(ME_URL, {"phone": "call me maybe"})
    assert response.status_code == 400
    error = assert_error_shape(response.json(), "invalid")
    assert error["fields"]["phone"] == ["Enter a phone number of 6 to 20 digits, optionally starting with +."]


def test_session_write_without_csrf_is_a_403_json_error(student):
    api = APIClient(enforce_csrf_checks=True)
    api.force_login(student)
    response = api.patch(ME_URL, {"first_name": "Estelle"})
    assert response.status_code == 403
    error = assert_error_shape(response.json(), "permission_denied")
    assert error["message"].startswith("CSRF Failed")
    student.refresh_from_db()
    assert student.first_name == "Stella"


def test_password_change_required_is_a_403_json_error(client):
    client.force_login(UserFactory(requires_password_change=True))
    response = client.get(ME_URL)
    assert response.status_code == 403
    assert_error_shape(response.json(), "password_change_required")


def test_unknown_api_path_is_a_json_404(api_client):
    response = api_client.get("/api/v1/nope/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert_error_shape(response.json(), "not_found")


def test_method_not_allowed_is_json(token_client):
    response = token_client.put(ME_URL, {})
    assert response.status_code == 405
    assert_error_shape(response.json(), "method_not_allowed")


# --- Schema and docs -----------------------------------------------------------------------------


def test_schema_is_a_valid_openapi_3_document(api_client):
    response = api_client.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    schema = json.loads(response.content)
    assert str(schema["openapi"]).startswith("3")
    assert "/api/v1/me/" in schema["paths"]
    assert "/api/v1/auth/token/" in schema["paths"]
    assert {"get", "patch"} <= set(schema["paths"]["/api/v1/me/"])
    validate_schema(schema)  # raises on an invalid OpenAPI 3 document


def test_schema_default_format_is_yaml(api_client):
    response = api_client.get("/api/schema/")
    assert response.status_code == 200
    schema = yaml.safe_load(response.content)
    assert str(schema["openapi"]).startswith("3")
    assert "/api/v1/me/" in schema["paths"]


def asset_urls(html: str) -> list[str]:
    return re.findall(r"""(?:src|href)\s*=\s*["']([^"']+)["']""", html)


@pytest.mark.parametrize("url", ["/api/docs/", "/api/redoc/"])
def test_api_docs_use_only_local_assets(client, url):
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assets = asset_urls(html)
    assert any(a.startswith("/static/drf_spectacular_sidecar/") for a in assets), assets
    external = [a for a in assets if re.match(r"(https?:)?//", a) and not re.match(r"(https?:)?//testserver/", a)]
    assert external == []
    assert "cdn." not in html.lower()
    for asset in assets:
        if asset.startswith("/static/"):
            assert client.get(asset).status_code == 200, asset
