"""The lock-out counts one account whatever case or surrounding white space its e-mail is typed with.

One function (accounts.identity.normalize_email) turns what is typed into the stored form; the auth
backend, the login form, the token serializer, sign-up and django-axes (AXES_USERNAME_CALLABLE) all use
it, so an attacker cannot get a fresh failure counter by typing `SEAT3@…` or ` seat3@…`.
"""

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.urls import reverse

from tests.factories import DEFAULT_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

LOGIN_URL = reverse("accounts:login")
TOKEN_URL = reverse("api:auth-token")
STORED = "kim.seat3@example.com"

# Every way of typing the stored address that logs in to the same account.
VARIANTS = [
    "KIM.SEAT3@EXAMPLE.COM",
    "Kim.Seat3@Example.Com",
    " kim.seat3@example.com",
    "kim.seat3@example.com ",
    "\tkim.seat3@example.com\t",
    "\nKIM.seat3@example.com\r\n",
    "\u00a0kim.seat3@example.com\u3000",  # no-break space, ideographic space
    "\u212aim.seat3@example.com",  # KELVIN SIGN: Django's validator accepts it, lower() makes it "k"
]


def web_login(client, username, password):
    return client.post(LOGIN_URL, {"username": username, "password": password})


def token_login(api_client, username, password, fmt="json"):
    return api_client.post(TOKEN_URL, {"username": username, "password": password}, format=fmt)


def lock_with(post, usernames):
    for attempt, username in enumerate(usernames):
        post(username, f"wrong-{attempt}")


@pytest.fixture
def user(db):
    return UserFactory(email=STORED, first_name="Kim")


@pytest.mark.parametrize("typed", VARIANTS)
def test_every_variant_logs_in_when_not_locked(client, api_client, user, typed):
    # The variants below are only meaningful if each of them really reaches the account.
    response = web_login(client, typed, DEFAULT_PASSWORD)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)
    response = token_login(api_client, typed, DEFAULT_PASSWORD)
    assert response.status_code == 200, response.content
    assert "token" in response.json()


@pytest.mark.parametrize("typed", VARIANTS)
def test_web_locked_account_stays_locked_in_any_variant(client, user, typed):
    lock_with(lambda u, p: web_login(client, u, p), [STORED] * settings.AXES_FAILURE_LIMIT)
    response = web_login(client, typed, DEFAULT_PASSWORD)
    assert response.status_code == 429
    assert "Too many failed log-in attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize("typed", VARIANTS)
def test_web_failures_in_a_variant_count_against_the_account(client, user, typed):
    lock_with(lambda u, p: web_login(client, u, p), [typed] * settings.AXES_FAILURE_LIMIT)
    response = web_login(client, STORED, DEFAULT_PASSWORD)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    # One counter, under the stored form of the address.
    assert list(AccessAttempt.objects.values_list("username", flat=True)) == [STORED]


def test_web_failures_spread_over_variants_add_up(client, user):
    limit = settings.AXES_FAILURE_LIMIT
    usernames = (VARIANTS * limit)[:limit]
    lock_with(lambda u, p: web_login(client, u, p), usernames)
    assert AccessAttempt.objects.get().failures_since_start == limit
    assert web_login(client, VARIANTS[0], DEFAULT_PASSWORD).status_code == 429


@pytest.mark.parametrize("fmt", ["json", "multipart"])
@pytest.mark.parametrize("typed", VARIANTS)
def test_token_api_locked_account_stays_locked_in_any_variant(api_client, user, typed, fmt):
    lock_with(lambda u, p: token_login(api_client, u, p, fmt), [STORED] * settings.AXES_FAILURE_LIMIT)
    response = token_login(api_client, typed, DEFAULT_PASSWORD, fmt)
    assert response.status_code == 429, response.content
    body = response.json()
    assert "token" not in body
    assert body["error"]["code"] == "locked_out"


@pytest.mark.parametrize("typed", VARIANTS)
def test_token_api_failures_in_a_variant_count_against_the_account(api_client, client, user, typed):
    lock_with(lambda u, p: token_login(api_client, u, p), [typed] * settings.AXES_FAILURE_LIMIT)
    response = token_login(api_client, STORED, DEFAULT_PASSWORD)
    assert response.status_code == 429
    # The lock-out is per account (and address), not per entry point: the web login is locked too.
    assert web_login(client, STORED, DEFAULT_PASSWORD).status_code == 429
    assert list(AccessAttempt.objects.values_list("username", flat=True)) == [STORED]


def test_unknown_lookalike_addresses_do_not_reach_the_account(client, user):
    """Characters that look alike but are other letters (long s, dotless i) are other addresses.

    They get their own counter, and cannot log in to the account whatever the password: no bypass.
    """
    lock_with(lambda u, p: web_login(client, u, p), [STORED] * settings.AXES_FAILURE_LIMIT)
    for typed in ("kim.\u017feat3@example.com", "k\u0131m.seat3@example.com"):
        response = web_login(client, typed, DEFAULT_PASSWORD)
        assert response.status_code == 200
        assert "_auth_user_id" not in client.session
