"""Logging in and out, the django-axes lockout, forced password changes and password reset."""

import re

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.core import mail
from django.urls import reverse
from rest_framework.authtoken.models import Token

from tests.factories import DEFAULT_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

LOGIN_URL = reverse("accounts:login")
WRONG_PASSWORD_MESSAGE = "Incorrect email or password. Note that the password is case-sensitive."


def login(client, email, password, **extra):
    return client.post(LOGIN_URL, {"username": email, "password": password, **extra})


def logged_in_user_id(client):
    return client.session.get("_auth_user_id")


# --- Logging in --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed", ["stella@example.com", "STELLA@EXAMPLE.COM", "Stella@Example.Com", " stella@example.com "]
)
def test_login_with_email_in_any_case(client, typed):
    user = UserFactory(email="stella@example.com", first_name="Stella")
    response = login(client, typed, DEFAULT_PASSWORD)
    assert response.status_code == 302
    assert response.url == reverse("home")
    assert logged_in_user_id(client) == str(user.pk)
    follow = client.get(response.url)
    assert "Welcome back, Stella." in follow.content.decode()


def test_login_redirects_to_next(client):
    UserFactory(email="stella@example.com")
    response = login(client, "stella@example.com", DEFAULT_PASSWORD, next=reverse("accounts:profile"))
    assert response.status_code == 302
    assert response.url == reverse("accounts:profile")


def test_login_refuses_an_external_next(client):
    UserFactory(email="stella@example.com")
    response = login(client, "stella@example.com", DEFAULT_PASSWORD, next="https://evil.example.com/")
    assert response.status_code == 302
    assert response.url == reverse("home")


@pytest.mark.parametrize("email", ["stella@example.com", "nobody@example.com"], ids=["known", "unknown"])
def test_wrong_password_shows_one_message_for_known_and_unknown_accounts(client, email):
    UserFactory(email="stella@example.com")
    response = login(client, email, "Not-the-password-1")
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [WRONG_PASSWORD_MESSAGE]
    assert WRONG_PASSWORD_MESSAGE in response.content.decode()
    assert logged_in_user_id(client) is None


def test_password_is_case_sensitive(client):
    UserFactory(email="stella@example.com")
    response = login(client, "stella@example.com", DEFAULT_PASSWORD.swapcase())
    assert response.status_code == 200
    assert logged_in_user_id(client) is None


def test_inactive_user_cannot_log_in(client):
    UserFactory(email="gone@example.com", is_active=False)
    response = login(client, "gone@example.com", DEFAULT_PASSWORD)
    assert response.status_code == 200
    assert logged_in_user_id(client) is None


def test_logout_requires_post_and_logs_out(client):
    user = UserFactory()
    client.force_login(user)
    assert client.get(reverse("accounts:logout")).status_code == 405
    assert logged_in_user_id(client) == str(user.pk)

    response = client.post(reverse("accounts:logout"), follow=True)
    assert response.redirect_chain[-1] == (reverse("home"), 302)
    assert logged_in_user_id(client) is None
    assert "You have been logged out." in response.content.decode()


# --- Lockout (django-axes) ---------------------------------------------------------------------


def test_lockout_after_failure_limit_then_even_the_right_password_is_refused(client):
    limit = settings.AXES_FAILURE_LIMIT
    assert limit >= 2
    UserFactory(email="target@example.com")

    for attempt in range(1, limit):
        response = login(client, "target@example.com", f"wrong-{attempt}")
        assert response.status_code == 200, f"attempt {attempt} of {limit} is not locked yet"
        assert WRONG_PASSWORD_MESSAGE in response.content.decode()

    response = login(client, "target@example.com", f"wrong-{limit}")
    assert response.status_code == 429
    assert "registration/locked_out.html" in [t.name for t in response.templates]
    html = response.content.decode()
    assert "Too many failed log-in attempts" in html
    assert reverse("accounts:password_reset") in html

    response = login(client, "target@example.com", DEFAULT_PASSWORD)
    assert response.status_code == 429
    assert "Too many failed log-in attempts" in response.content.decode()
    assert logged_in_user_id(client) is None
    assert AccessAttempt.objects.get(username="target@example.com").failures_since_start >= limit


def test_lockout_is_per_account_not_for_the_whole_ip(client):
    UserFactory(email="target@example.com")
    other = UserFactory(email="other@example.com")
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        login(client, "target@example.com", f"wrong-{attempt}")
    assert login(client, "target@example.com", DEFAULT_PASSWORD).status_code == 429

    response = login(client, "other@example.com", DEFAULT_PASSWORD)
    assert response.status_code == 302
    assert logged_in_user_id(client) == str(other.pk)


def test_successful_login_resets_the_failure_count(client):
    UserFactory(email="target@example.com")
    for attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        login(client, "target@example.com", f"wrong-{attempt}")
    assert login(client, "target@example.com", DEFAULT_PASSWORD).status_code == 302
    client.post(reverse("accounts:logout"))
    # A fresh series of failures is needed to lock the account again.
    response = login(client, "target@example.com", "wrong-again")
    assert response.status_code == 200


def test_api_token_is_refused_after_lockout(api_client):
    UserFactory(email="target@example.com")
    url = reverse("api:auth-token")
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        api_client.post(url, {"username": "target@example.com", "password": f"wrong-{attempt}"})
    response = api_client.post(url, {"username": "target@example.com", "password": DEFAULT_PASSWORD})
    assert response.status_code in (400, 403, 429)
    assert "token" not in response.json()


# --- Forced password change --------------------------------------------------------------------


def test_requires_password_change_redirects_every_page_to_the_change_form(client):
    user = UserFactory(requires_password_change=True)
    client.force_login(user)
    change_url = reverse("accounts:password_change")

    for path in (reverse("home"), reverse("accounts:profile")):
        response = client.get(path)
        assert response.status_code == 302
        assert response.url == f"{change_url}?next={path}"

    response = client.get(change_url)
    assert response.status_code == 200
    assert "You need to choose a new password before you continue." in response.content.decode()


def test_requires_password_change_api_session_call_gets_json_403(client):
    client.force_login(UserFactory(requires_password_change=True))
    response = client.get(reverse("api:me"))
    assert response.status_code == 403
    assert response["Content-Type"] == "application/json"
    assert response.json() == {
        "error": {
            "code": "password_change_required",
            "message": "You must change your password before using the API.",
            "fields": {},
        }
    }


def test_requires_password_change_also_blocks_api_token_access(api_client):
    user = UserFactory(requires_password_change=True)
    token = Token.objects.create(user=user)
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    response = api_client.get(reverse("api:me"))
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "password_change_required"

    # The token may still be revoked, and works again once the password has been changed.
    user.requires_password_change = False
    user.save(update_fields=["requires_password_change"])
    assert api_client.get(reverse("api:me")).status_code == 200
    assert api_client.delete(reverse("api:auth-token")).status_code == 204


def test_revoking_a_token_is_allowed_while_a_password_change_is_required(api_client):
    token = Token.objects.create(user=UserFactory(requires_password_change=True))
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert api_client.delete(reverse("api:auth-token")).status_code == 204
    assert not Token.objects.filter(pk=token.pk).exists()


def test_token_api_of_other_users_is_unaffected(token_client, django_assert_max_num_queries):
    # Not a list (the user's own record): an upper bound on what token authentication and the
    # password-change check cost a request.
    with django_assert_max_num_queries(4):
        assert token_client.get(reverse("api:me")).status_code == 200


def test_requires_password_change_still_allows_logout_and_healthz(client):
    client.force_login(UserFactory(requires_password_change=True))
    assert client.get(reverse("healthz")).status_code == 200
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert logged_in_user_id(client) is None


def test_changing_the_password_clears_the_flag_and_keeps_the_session(client):
    user = UserFactory(requires_password_change=True)
    client.force_login(user)
    new_password = "Brand-new-Passw0rd"
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": DEFAULT_PASSWORD, "new_password1": new_password, "new_password2": new_password},
    )
    assert response.status_code == 302
    assert response.url == reverse("accounts:profile")

    user.refresh_from_db()
    assert user.requires_password_change is False
    assert user.check_password(new_password)
    assert logged_in_user_id(client) == str(user.pk), "the session survives the password change"
    assert client.get(reverse("home")).status_code == 200
    assert client.get(reverse("api:me")).status_code == 200


def test_password_change_with_wrong_old_password_keeps_the_flag(client):
    user = UserFactory(requires_password_change=True)
    client.force_login(user)
    response = client.post(
        reverse("accounts:password_change"),
        {
            "old_password": "wrong-old-pass",
            "new_password1": "Brand-new-Passw0rd",
            "new_password2": "Brand-new-Passw0rd",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["old_password"] == [
        "Your old password was entered incorrectly. Please enter it again."
    ]
    user.refresh_from_db()
    assert user.requires_password_change is True
    assert client.get(reverse("home")).status_code == 302


# --- Password reset ----------------------------------------------------------------------------


def test_password_reset_sends_a_working_link(client):
    user = UserFactory(email="stella@example.com", first_name="Stella")
    response = client.post(reverse("accounts:password_reset"), {"email": "Stella@Example.com"})
    assert response.status_code == 302
    assert response.url == reverse("accounts:password_reset_done")

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["stella@example.com"]
    assert "Hello Stella," in message.body
    match = re.search(r"http://testserver(/accounts/password/reset/[^/\s]+/[^/\s]+/)", message.body)
    assert match, message.body

    # The link redirects to the set-password form (Django hides the token from the address bar).
    response = client.get(match.group(1), follow=True)
    assert response.status_code == 200
    assert response.context["validlink"] is True
    set_password_url = response.redirect_chain[-1][0]

    new_password = "Reset-Passw0rd-123"
    response = client.post(set_password_url, {"new_password1": new_password, "new_password2": new_password})
    assert response.status_code == 302
    assert response.url == reverse("accounts:password_reset_complete")
    user.refresh_from_db()
    assert user.check_password(new_password)

    assert login(client, "stella@example.com", new_password).status_code == 302

    # The link is single-use.
    client.post(reverse("accounts:logout"))
    response = client.get(match.group(1), follow=True)
    assert response.context["validlink"] is False


def test_password_reset_for_unknown_email_sends_nothing_but_looks_the_same(client):
    response = client.post(reverse("accounts:password_reset"), {"email": "nobody@example.com"})
    assert response.status_code == 302
    assert response.url == reverse("accounts:password_reset_done")
    assert mail.outbox == []
