"""NUL characters are refused in one place (courseworx.core.middleware), never a 500 (issue 12, defect 6).

PostgreSQL refuses U+0000 in text: before the middleware, any view that passed a path segment, query
parameter or form field containing one to a query answered 500.  These tests matter most on PostgreSQL
(`DATABASE_URL=postgres://…`), where the 500s happened; on SQLite they still check the answers' shape.
"""

import io

import pytest
from django.urls import reverse
from PIL import Image

from tests.courses.factories import PublishedCourseFactory
from tests.factories import DEFAULT_PASSWORD, StudentFactory

pytestmark = pytest.mark.django_db

FIELD_MESSAGE = "Null characters are not allowed."
REASON = "The request contains a null character, which is never valid in a web address or a form."
NOT_FOUND_JSON = {"error": {"code": "not_found", "message": "Not found.", "fields": {}}}


def invalid_json(field: str) -> dict:
    return {"error": {"code": "invalid", "message": REASON, "fields": {field: [FIELD_MESSAGE]}}}


def assert_bad_request_page(response):
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    html = response.content.decode()
    assert "That request couldn&#x27;t be understood" in html or "That request couldn't be understood" in html
    assert "null character" in html


def assert_not_found_page(response):
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")
    assert "We couldn't find that page" in response.content.decode()


@pytest.fixture
def course(db):
    return PublishedCourseFactory()


@pytest.fixture
def anon(client):
    client.raise_request_exception = False  # a 500 is an answer to assert on, not a test crash
    return client


@pytest.fixture
def logged_in(anon):
    anon.force_login(StudentFactory())
    return anon


# --- Paths: 404, the same answer as an unknown address -----------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/certificates/verify/%00/",
        "/certificates/verify/abc%00def/",
        "/billing/seats/%00/",
        "/notifications/unsubscribe/%00/",
        "/learn/%00/",
        "/courses/%00/",
    ],
)
def test_nul_in_a_page_path_is_the_404_page(logged_in, path):
    assert_not_found_page(logged_in.get(path))


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/certificates/verify/%00/",
        "/api/v1/courses/%00/",
        "/api/v1/courses/a%00b/reviews/",
        "/api/v1/courses/a%00b/threads/",
    ],
)
def test_nul_in_an_api_path_is_a_json_404(logged_in, path):
    response = logged_in.get(path)
    assert response.status_code == 404
    assert response.json() == NOT_FOUND_JSON


# --- Query strings: 400 naming the parameter ---------------------------------------------------


def test_nul_in_a_page_query_parameter_is_the_400_page(logged_in, course):
    response = logged_in.get(reverse("courses:catalog"), {"category": "\x00"})
    assert_bad_request_page(response)
    # The usual headers and the signed-in layout (the student stays logged in).
    assert response["X-Frame-Options"] == "DENY"
    assert 'action="/accounts/logout/"' in response.content.decode()
    url = reverse("billing:checkout", kwargs={"kind": "course", "key": course.slug})
    assert_bad_request_page(logged_in.get(url, {"coupon": "SAVE\x00"}))


@pytest.mark.parametrize(
    ("url", "params", "field"),
    [
        ("/api/v1/courses/", {"category": "\x00"}, "category"),
        ("/api/v1/courses/", {"search": "py\x00thon"}, "search"),
        ("/api/v1/billing/payments/", {"status": "\x00"}, "status"),
        ("/api/v1/certificates/", {"page": "\x00"}, "page"),
        ("/api/v1/courses/", {"ok": "1", "a\x00": "1"}, "query string"),
    ],
)
def test_nul_in_an_api_query_parameter_is_a_json_400(logged_in, url, params, field):
    response = logged_in.get(url, params)
    assert response.status_code == 400
    assert response.json() == invalid_json(field)


# --- Bodies: forms and JSON --------------------------------------------------------------------


def test_nul_in_a_posted_form_is_the_400_page(anon):
    StudentFactory(email="stella@example.com")
    response = anon.post(reverse("accounts:login"), {"username": "stella@example.com\x00", "password": "x"})
    assert_bad_request_page(response)


def test_nul_in_a_multipart_form_is_refused_but_uploaded_files_are_not_scanned(anon, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    user = StudentFactory()
    anon.force_login(user)
    url = reverse("accounts:profile")
    response = anon.post(url, {"first_name": "Ste\x00lla", "last_name": "Star"}, format="multipart")
    assert_bad_request_page(response)

    # An image is full of NUL bytes: files are not read by the check.
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (10, 20, 30)).save(buffer, format="PNG")
    assert b"\x00" in buffer.getvalue()
    buffer.seek(0)
    buffer.name = "me.png"
    response = anon.post(url, {"first_name": "Stella", "last_name": "Star", "avatar": buffer})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.avatar


@pytest.mark.parametrize(
    "body",
    [
        '{"username": "a\\u0000@example.com", "password": "x"}',
        '{"username": "a@example.com", "password": "x\\\\\\u0000"}',  # an escaped backslash, then \u0000
        '{"username\\u0000": "a@example.com"}',
    ],
)
def test_nul_in_a_json_body_is_a_json_400(api_client, body):
    response = api_client.post(reverse("api:auth-token"), body, content_type="application/json")
    assert response.status_code == 400
    assert response.json() == invalid_json("body")


def test_an_escaped_backslash_before_u0000_is_text_not_a_nul(api_client):
    user = StudentFactory()
    api_client.force_authenticate(user)
    # JSON "Ann\\u0000e" is the text `Ann\u0000e` (a backslash, then "u0000"): no NUL, saved as sent.
    response = api_client.patch(reverse("api:me"), '{"last_name": "Ann\\\\u0000e"}', content_type="application/json")
    assert response.status_code == 200, response.content
    user.refresh_from_db()
    assert user.last_name == "Ann\\u0000e"


def test_nul_in_a_patch_json_body_and_form_body(api_client):
    user = StudentFactory(last_name="Star")
    api_client.force_authenticate(user)
    response = api_client.patch(reverse("api:me"), {"last_name": "St\x00ar"}, format="json")
    assert response.status_code == 400
    assert response.json() == invalid_json("body")
    response = api_client.patch(
        reverse("api:me"), "last_name=St%00ar", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 400
    assert response.json() == invalid_json("last_name")
    user.refresh_from_db()
    assert user.last_name == "Star"


# --- Headers and cookies -----------------------------------------------------------------------


def test_nul_in_the_authorization_header_is_a_json_400(anon):
    response = anon.get(reverse("api:me"), headers={"authorization": "Token abc\x00def"})
    assert response.status_code == 400
    assert response.json() == invalid_json("headers")


def test_a_damaged_session_cookie_is_ignored_not_a_500(anon, course):
    # Cookie values may carry octal escapes ("\000"), which Django decodes to a NUL.
    cookie = {"cookie": 'sessionid="ab\\000cdefghijkl"; theme=dark'}
    for url in (reverse("home"), reverse("courses:catalog"), reverse("courses:detail", args=[course.slug])):
        response = anon.get(url, headers=cookie)
        assert response.status_code == 200, url
        assert response.wsgi_request.COOKIES == {"theme": "dark"}
    response = anon.post(
        reverse("accounts:login"), {"username": "x@example.com", "password": DEFAULT_PASSWORD}, headers=cookie
    )
    assert response.status_code == 200  # the login form, re-rendered with its message
