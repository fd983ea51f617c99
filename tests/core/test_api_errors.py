"""API error bodies keep their codes (400 per field, 409 from ConflictError) and the OpenAPI schema
documents the error responses of every operation with the one `Error` component."""

import json

import pytest
from django import forms
from django.core.exceptions import ValidationError
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.validation import validate_schema

from courseworx.core.exceptions import ConflictError

pytestmark = pytest.mark.django_db

ERROR_REF = "#/components/schemas/Error"


# --- bodies --------------------------------------------------------------------------------------


@pytest.mark.urls("tests.core.urls_errors")
def test_a_service_refusal_keeps_its_code(api_client):
    response = api_client.get("/api/v1/drf-refused/")
    assert response.status_code == 400
    assert response.json() == {
        "error": {
            "code": "already_enrolled",
            "message": "The submitted data is not valid.",
            "fields": {"non_field_errors": ["You already have access to this course."]},
            "codes": {"non_field_errors": ["already_enrolled"]},
        }
    }


@pytest.mark.urls("tests.core.urls_errors")
def test_field_errors_keep_their_codes_and_params(api_client):
    response = api_client.get("/api/v1/drf-field-codes/")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["fields"] == {"coupon": ["This coupon has expired."], "seats": ["Only 2 seats are left."]}
    assert error["codes"] == {"coupon": ["coupon_expired"], "seats": ["too_many"]}
    assert error["code"] == "invalid", "two different codes: the top-level code is the generic one"


@pytest.mark.urls("tests.core.urls_errors")
def test_serializer_errors_keep_drf_codes(api_client):
    response = api_client.post("/api/v1/drf-serializer/", {"title": "abc", "seats": 99}, format="json")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["codes"] == {"title": ["min_length"], "seats": ["max_value"]}
    assert error["code"] == "invalid"
    missing = api_client.post("/api/v1/drf-serializer/", {}, format="json").json()["error"]
    assert missing["code"] == "required"
    assert missing["codes"] == {"title": ["required"], "seats": ["required"]}


@pytest.mark.urls("tests.core.urls_errors")
def test_a_conflict_is_a_409_with_its_code(api_client):
    response = api_client.post("/api/v1/drf-conflict/")
    assert response.status_code == 409
    assert response.json() == {
        "error": {
            "code": "invalid_transition",
            "message": "A ticket that is closed cannot become open.",
            "fields": {},
        }
    }


def test_conflict_error_is_a_validation_error_for_pages_and_forms():
    exc = ConflictError("This attempt has already been submitted.", code="already_submitted")
    assert isinstance(exc, ValidationError)
    assert exc.code == "already_submitted"
    assert exc.messages == ["This attempt has already been submitted."]
    assert str(exc) == "This attempt has already been submitted."
    form = forms.Form(data={})
    form.is_valid()
    form.add_error(None, exc)
    assert form.non_field_errors() == ["This attempt has already been submitted."]


# --- schema --------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def schema(django_db_blocker):
    with django_db_blocker.unblock():
        generated = SchemaGenerator().get_schema(request=None, public=True)
    return json.loads(json.dumps(generated, default=str))


def _op(schema, path, method):
    return schema["paths"][path][method]


def _ref(response) -> str:
    return response["content"]["application/json"]["schema"]["$ref"]


def test_the_error_component_documents_the_body(schema):
    error = schema["components"]["schemas"]["Error"]
    assert error["properties"]["error"]["$ref"] == "#/components/schemas/ErrorDetail"
    detail = schema["components"]["schemas"]["ErrorDetail"]
    assert set(detail["properties"]) == {"code", "message", "fields", "codes", "request_id"}
    assert set(detail["required"]) == {"code", "message", "fields"}
    assert "invalid_transition" in detail["properties"]["code"]["description"]
    validate_schema(schema)


@pytest.mark.parametrize(
    ("path", "method", "codes"),
    [
        ("/api/v1/instructor/courses/{course_id}/submit/", "post", ["invalid_transition"]),
        ("/api/v1/instructor/courses/{course_id}/", "delete", ["not_deletable"]),
        ("/api/v1/billing/checkout/", "post", ["already_enrolled", "course_full", "already_subscribed"]),
        ("/api/v1/enrollments/", "post", ["course_full", "prerequisites", "course_ended", "suspended"]),
    ],
)
def test_operations_that_can_conflict_document_409_and_its_codes(schema, path, method, codes):
    conflict = _op(schema, path, method)["responses"]["409"]
    assert _ref(conflict) == ERROR_REF
    for code in codes:
        assert f"`{code}`" in conflict["description"]
    examples = conflict["content"]["application/json"]["examples"]
    assert [e["value"]["error"]["code"] for e in examples.values()] == codes[:1]


def test_operations_that_cannot_conflict_do_not_document_409(schema):
    me = _op(schema, "/api/v1/me/", "get")["responses"]
    assert "409" not in me
    assert {"401", "403", "429"} <= set(me)
    assert "400" not in me and "404" not in me  # no input, no path parameter, not a list
    assert "400" in _op(schema, "/api/v1/me/", "patch")["responses"]
    detail = _op(schema, "/api/v1/notes/{note_id}/", "patch")["responses"]
    assert {"400", "401", "403", "404", "429"} <= set(detail) and "409" not in detail
    # (an instructor's course PATCH does conflict: 409 `course_locked` / `revision_required`)
    assert "409" in _op(schema, "/api/v1/instructor/courses/{course_id}/", "patch")["responses"]


def test_every_operation_documents_its_errors_with_the_error_component(schema):
    seen = 0
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            if method not in ("get", "post", "put", "patch", "delete"):
                continue
            errors = {code: r for code, r in operation["responses"].items() if code.startswith("4")}
            assert errors, f"{method} {path} documents no error response"
            for code, response in errors.items():
                assert _ref(response) == ERROR_REF, f"{method} {path} {code}"
            if "{" in path:
                assert "404" in errors, f"{method} {path}"
            seen += 1
    assert seen > 50
