"""API keys: hashed storage, Api-Key authentication, scopes (areas, read-only), expiry/revocation, per-key
rate limits with their headers, and the API that manages them."""

import hashlib
import time
import uuid
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import get_resolver
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient
from rest_framework.views import APIView

from accounts import services
from accounts.api_keys import AREAS, hash_key, view_area
from accounts.models import ApiKey
from accounts.services_api_keys import api_key_create, api_key_revoke
from courseworx.core.models import AuditLog
from reports.privacy import collect_accounts
from tests.courses.factories import PublishedCourseFactory
from tests.factories import InstructorFactory, StudentFactory
from tests.querycount import assert_same_queries_at_two_sizes, count_queries

pytestmark = pytest.mark.django_db

ME = "/api/v1/me/"
KEYS = "/api/v1/api-keys/"


def make_key(user, areas=("admin",), **kwargs):
    return api_key_create(user=user, name=kwargs.pop("name", "Integration"), areas=list(areas), **kwargs)


def key_client(raw: str) -> APIClient:
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Api-Key {raw}")
    return api


def error_code(response) -> str:
    return response.json()["error"]["code"]


# --- storage ------------------------------------------------------------------------------------------------


def test_only_the_hash_is_stored_and_the_prefix_names_the_key(student):
    key, raw = make_key(student, areas=["courses", "learning"])
    assert raw.startswith(key.prefix + "_")
    assert key.prefix.startswith("cwk_") and len(key.prefix) == 12
    assert key.key_hash == hashlib.sha256(raw.encode()).hexdigest()
    # The secret is nowhere in the database: not in the key's row, not in the audit row.
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM accounts_apikey")
        rows = cursor.fetchall()
        cursor.execute("SELECT * FROM core_auditlog")
        audit_rows = cursor.fetchall()
    secret = raw.split("_", 2)[2]
    for row in [*rows, *audit_rows]:
        assert all(secret not in str(value) for value in row)
    assert str(key) == f"{key.prefix}… (Integration)"


def test_creation_and_revocation_are_audited(student):
    key, raw = make_key(student, areas=["billing"], read_only=True)
    created = AuditLog.objects.get(action="accounts.api_key_create")
    assert created.actor == student and created.target_id == str(key.pk)
    assert created.changes["prefix"] == key.prefix and created.changes["areas"] == ["billing"]
    api_key_revoke(key=key, actor=student)
    revoked = AuditLog.objects.get(action="accounts.api_key_revoke")
    assert revoked.actor == student and revoked.target_id == str(key.pk)


def test_only_the_owner_creates_and_only_the_owner_or_staff_revoke(student, admin_user):
    other = StudentFactory()
    with pytest.raises(PermissionDenied):
        make_key(other, actor=student)
    key, _ = make_key(other)
    with pytest.raises(PermissionDenied):
        api_key_revoke(key=key, actor=student)
    api_key_revoke(key=key, actor=admin_user)
    key.refresh_from_db()
    assert key.revoked_by == admin_user


def test_a_key_needs_a_known_area_and_a_future_expiry(student):
    with pytest.raises(ValidationError):
        make_key(student, areas=[])
    with pytest.raises(ValidationError):
        make_key(student, areas=["everything"])
    with pytest.raises(ValidationError):
        make_key(student, expires_at=timezone.now() - timedelta(minutes=1))
    assert not ApiKey.objects.exists()


def test_the_number_of_active_keys_is_capped(student, settings):
    settings.API_KEYS_MAX_PER_USER = 2
    make_key(student)
    key, _ = make_key(student)
    with pytest.raises(ValidationError):
        make_key(student)
    api_key_revoke(key=key, actor=student)
    make_key(student)  # a revoked key no longer counts


# --- authentication -----------------------------------------------------------------------------------------


def test_a_key_acts_as_its_user(student):
    _, raw = make_key(student)
    response = key_client(raw).get(ME)
    assert response.status_code == 200
    assert response.json()["email"] == student.email


def test_token_authentication_still_works(token_client, student):
    response = token_client.get(ME)
    assert response.status_code == 200 and response.json()["email"] == student.email


def test_a_revoked_key_gets_401(student):
    key, raw = make_key(student)
    api_key_revoke(key=key, actor=student)
    response = key_client(raw).get(ME)
    assert response.status_code == 401
    assert error_code(response) == "key_revoked"


def test_an_expired_key_gets_401(student):
    key, raw = make_key(student, expires_at=timezone.now() + timedelta(hours=1))
    assert key_client(raw).get(ME).status_code == 200
    ApiKey.objects.filter(pk=key.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    response = key_client(raw).get(ME)
    assert response.status_code == 401
    assert error_code(response) == "key_expired"


def test_a_deactivated_users_keys_stop_working(student):
    _, raw = make_key(student)
    student.is_active = False
    student.save()
    response = key_client(raw).get(ME)
    assert response.status_code == 401 and error_code(response) == "authentication_failed"


@pytest.mark.parametrize(
    "header",
    ["Api-Key", "Api-Key cwk_00000000_nope", "Api-Key a b", "api-key cwk_x", "Api-Key caf\u00e9".encode("latin-1")],
)
def test_bad_keys_get_a_json_401(header, student):
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=header if isinstance(header, str) else header.decode("latin-1"))
    response = api.get(ME)
    assert response.status_code == 401
    assert error_code(response) == "authentication_failed"


def test_a_user_who_must_change_password_cannot_use_a_key(student):
    _, raw = make_key(student)
    student.requires_password_change = True
    student.save()
    response = key_client(raw).get(ME)
    assert response.status_code == 403 and error_code(response) == "password_change_required"


def test_last_use_is_recorded_at_most_once_a_minute(student):
    key, raw = make_key(student)
    api = key_client(raw)
    api.get(ME, REMOTE_ADDR="203.0.113.7")
    key.refresh_from_db()
    first = key.last_used_at
    assert first is not None and key.last_used_ip == "203.0.113.7"
    api.get(ME, REMOTE_ADDR="203.0.113.8")  # within the minute: no write
    key.refresh_from_db()
    assert key.last_used_at == first and key.last_used_ip == "203.0.113.7"
    ApiKey.objects.filter(pk=key.pk).update(last_used_at=timezone.now() - timedelta(minutes=2))
    api.get(ME, REMOTE_ADDR="203.0.113.8")
    key.refresh_from_db()
    assert key.last_used_at > first and key.last_used_ip == "203.0.113.8"


# --- scopes -------------------------------------------------------------------------------------------------


def test_a_read_only_key_cannot_write(student):
    _, raw = make_key(student, areas=["learning", "admin"], read_only=True)
    api = key_client(raw)
    assert api.get("/api/v1/enrollments/").status_code == 200
    response = api.post("/api/v1/enrollments/", {"course": str(PublishedCourseFactory().pk)})
    assert response.status_code == 403 and error_code(response) == "key_read_only"
    assert not student.enrollments.exists()
    response = api.patch(ME, {"first_name": "Changed"})
    assert response.status_code == 403 and error_code(response) == "key_read_only"
    student.refresh_from_db()
    assert student.first_name == "Stella"


def test_a_write_key_can_write_in_its_area(student):
    _, raw = make_key(student, areas=["admin"])
    response = key_client(raw).patch(ME, {"first_name": "Changed"})
    assert response.status_code == 200
    student.refresh_from_db()
    assert student.first_name == "Changed"


def test_a_key_for_one_area_cannot_call_another(student):
    course = PublishedCourseFactory()
    _, raw = make_key(student, areas=["courses"])
    api = key_client(raw)
    assert api.get("/api/v1/courses/").status_code == 200
    for url in ("/api/v1/enrollments/", "/api/v1/billing/payments/", "/api/v1/reports/", ME, KEYS):
        response = api.get(url)
        assert response.status_code == 403, url
        assert error_code(response) == "key_scope"
    # The view's module decides, not the URL: a course's reviews are community's.
    response = api.get(f"/api/v1/courses/{course.slug}/reviews/")
    assert response.status_code == 403 and error_code(response) == "key_scope"


def test_the_users_own_permissions_still_apply(student):
    _, raw = make_key(student, areas=["courses"])
    response = key_client(raw).get("/api/v1/review/courses/")  # reviewers only
    assert response.status_code == 403 and error_code(response) == "permission_denied"


def test_every_api_view_belongs_to_an_area():
    def walk(patterns, prefix=""):
        for p in patterns:
            if hasattr(p, "url_patterns"):
                yield from walk(p.url_patterns, prefix + str(p.pattern))
            else:
                yield prefix + str(p.pattern), p.callback

    api_views = {
        route: callback.view_class
        for route, callback in walk(get_resolver().url_patterns)
        if route.startswith("api/v1/") and issubclass(getattr(callback, "view_class", object), APIView)
    }
    assert len(api_views) > 50
    assert {route: view_area(view()) for route, view in api_views.items() if view_area(view()) not in AREAS} == {}


# --- rate limits --------------------------------------------------------------------------------------------


def test_the_request_past_the_per_minute_limit_gets_429_with_the_headers(student):
    key, raw = make_key(student)
    key.rate_limit_per_minute = 3
    key.save()
    api = key_client(raw)
    for remaining in (2, 1, 0):
        response = api.get(ME)
        assert response.status_code == 200
        assert response["X-RateLimit-Limit"] == "3"
        assert response["X-RateLimit-Remaining"] == str(remaining)
    response = api.get(ME)
    assert response.status_code == 429
    assert response.json()["error"]["code"] == "throttled"
    assert response["X-RateLimit-Limit"] == "3" and response["X-RateLimit-Remaining"] == "0"
    reset = int(response["X-RateLimit-Reset"])
    assert time.time() < reset <= time.time() + 61
    assert 1 <= int(response["Retry-After"]) <= 60


def test_the_hour_limit_applies_too_and_limits_are_per_key(student):
    key, raw = make_key(student)
    key.rate_limit_per_hour = 2
    key.save()
    _, other_raw = make_key(student)
    api = key_client(raw)
    assert [api.get(ME).status_code for _ in range(3)] == [200, 200, 429]
    response = api.get(ME)
    assert response["X-RateLimit-Limit"] == "2"
    assert int(response["X-RateLimit-Reset"]) % 3600 == 0
    assert key_client(other_raw).get(ME).status_code == 200  # another key has its own counters


def test_default_limits_come_from_the_owners_role(settings):
    settings.API_KEY_RATE_LIMITS = {
        "student": {"minute": 5, "hour": 100},
        "instructor": {"minute": 2, "hour": 100},
        "admin": {"minute": 9, "hour": 100},
    }
    _, raw = make_key(InstructorFactory())
    api = key_client(raw)
    assert api.get(ME)["X-RateLimit-Limit"] == "2"
    api.get(ME)
    assert api.get(ME).status_code == 429
    _, student_raw = make_key(StudentFactory())
    assert key_client(student_raw).get(ME)["X-RateLimit-Limit"] == "5"


def test_requests_without_a_key_have_no_key_headers(token_client):
    assert "X-RateLimit-Limit" not in token_client.get(ME)


def test_rate_limits_are_shared_through_redis(student, settings, redis_url):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": redis_url,
            "KEY_PREFIX": f"test-apikeys-{uuid.uuid4().hex}",
        }
    }
    key, raw = make_key(student)
    key.rate_limit_per_minute = 2
    key.save()
    assert [key_client(raw).get(ME).status_code for _ in range(3)] == [200, 200, 429]


# --- the API ------------------------------------------------------------------------------------------------


def test_create_shows_the_key_once_then_lists_without_it(student):
    api = APIClient()
    api.force_authenticate(student)
    response = api.post(KEYS, {"name": "CRM", "areas": ["reports", "courses"], "read_only": True}, format="json")
    assert response.status_code == 201
    body = response.json()
    raw = body["key"]
    assert raw.startswith(body["prefix"]) and body["areas"] == ["courses", "reports"] and body["status"] == "active"
    assert ApiKey.objects.get().key_hash == hash_key(raw)
    listed = api.get(KEYS).json()["results"]
    assert [k["prefix"] for k in listed] == [body["prefix"]]
    assert "key" not in listed[0] and raw not in str(listed)
    assert raw not in api.get(f"{KEYS}{body['id']}/").content.decode()
    assert key_client(raw).get("/api/v1/courses/").status_code == 200


@pytest.mark.parametrize(
    "payload",
    [
        {"name": "x", "areas": []},
        {"name": "x", "areas": ["root"]},
        {"name": "", "areas": ["courses"]},
        {"name": "x", "areas": ["courses"], "expires_at": "2001-01-01T00:00:00Z"},
        {"name": "x", "areas": ["courses"], "expires_at": "99999-01-01"},
    ],
)
def test_create_refuses_bad_input_with_400(student, payload):
    api = APIClient()
    api.force_authenticate(student)
    response = api.post(KEYS, payload, format="json")
    assert response.status_code == 400, response.content
    assert response.json()["error"]["fields"]
    assert not ApiKey.objects.exists()


def test_a_user_cannot_see_or_revoke_another_users_keys(student):
    other_key, other_raw = make_key(StudentFactory())
    api = APIClient()
    api.force_authenticate(student)
    assert api.get(KEYS).json()["results"] == []
    assert api.get(f"{KEYS}{other_key.pk}/").status_code == 404
    response = api.post(f"{KEYS}{other_key.pk}/revoke/")
    assert response.status_code == 404 and error_code(response) == "not_found"
    other_key.refresh_from_db()
    assert other_key.revoked_at is None
    assert key_client(other_raw).get(ME).status_code == 200


def test_revoke_through_the_api(student):
    key, raw = make_key(student)
    api = APIClient()
    api.force_authenticate(student)
    response = api.post(f"{KEYS}{key.pk}/revoke/")
    assert response.status_code == 200 and response.json()["status"] == "revoked"
    assert key_client(raw).get(ME).status_code == 401
    response = api.post(f"{KEYS}{key.pk}/revoke/")
    assert response.status_code == 409 and error_code(response) == "already_revoked"


def test_a_key_cannot_create_a_key_reaching_further_than_itself(student):
    _, raw = make_key(student, areas=["admin", "courses"])
    api = key_client(raw)
    response = api.post(KEYS, {"name": "wider", "areas": ["billing"]}, format="json")
    assert response.status_code == 403 and error_code(response) == "key_scope"
    response = api.post(KEYS, {"name": "narrower", "areas": ["courses"]}, format="json")
    assert response.status_code == 201


def test_a_key_cannot_create_a_key_outliving_itself(student):
    soon = timezone.now() + timedelta(days=1)
    _, raw = make_key(student, areas=["admin"], expires_at=soon)
    api = key_client(raw)
    for expires_at in (None, (soon + timedelta(days=1)).isoformat()):
        response = api.post(KEYS, {"name": "longer", "areas": ["admin"], "expires_at": expires_at}, format="json")
        assert response.status_code == 403 and error_code(response) == "key_scope"
    earlier = (soon - timedelta(hours=1)).isoformat()
    response = api.post(KEYS, {"name": "shorter", "areas": ["admin"], "expires_at": earlier}, format="json")
    assert response.status_code == 201


def test_the_key_list_runs_the_same_queries_at_two_sizes(student):
    api = APIClient()
    api.force_authenticate(student)

    def load(n):
        while ApiKey.objects.filter(user=student).count() < n:
            make_key(student)
        response, queries = count_queries(lambda: api.get(KEYS))
        assert len(response.json()["results"]) == n
        return queries

    assert_same_queries_at_two_sizes(load)


def test_the_schema_documents_the_api_key_scheme(api_client):
    schema = api_client.get("/api/schema/", {"format": "json"}).json()
    scheme = schema["components"]["securitySchemes"]["apiKeyAuth"]
    assert scheme["type"] == "apiKey" and scheme["name"] == "Authorization"
    assert {"apiKeyAuth": []} in schema["paths"]["/api/v1/api-keys/"]["get"]["security"]
    # A public operation answers a key of another area with 403: documented too.
    assert "key_scope" in schema["paths"]["/api/v1/courses/"]["get"]["responses"]["403"]["description"]
    assert "X-RateLimit-Limit" in scheme["description"]


def test_deleting_personal_data_deletes_the_keys(student):
    _, raw = make_key(student)
    Token.objects.create(user=student)
    services.user_anonymise(user=student)
    assert not ApiKey.objects.exists()
    assert key_client(raw).get(ME).status_code == 401


def test_the_personal_data_export_lists_the_keys_without_the_hash(student):
    key, raw = make_key(student, name="Sync")
    exported = collect_accounts(student)["api_keys"]
    assert [(k["name"], k["prefix"]) for k in exported] == [("Sync", key.prefix)]
    assert key.key_hash not in str(exported) and raw not in str(exported)


def test_the_query_cost_of_a_key_request_is_small(student):
    _, raw = make_key(student)
    api = key_client(raw)
    api.get(ME)  # records the last use
    with CaptureQueriesContext(connection) as ctx:
        assert api.get(ME).status_code == 200
    key_queries = [q for q in ctx.captured_queries if "accounts_apikey" in q["sql"]]
    assert len(key_queries) == 1  # the look-up; no write within the minute
