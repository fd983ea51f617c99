"""Sign-up: validation errors create nobody; a valid sign-up creates a logged-in student."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from accounts.models import User
from tests.factories import DEFAULT_PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

SIGNUP_URL = reverse("accounts:signup")


def signup_data(**overrides) -> dict:
    data = {
        "first_name": "Jane",
        "last_name": "Doe",
        "email": "jane.doe@example.com",
        "password1": DEFAULT_PASSWORD,
        "password2": DEFAULT_PASSWORD,
    }
    data.update(overrides)
    return data


def post_invalid(client, data) -> dict:
    """POST the form, check nothing was created and the page re-rendered; return the field errors."""
    before = User.objects.count()
    response = client.post(SIGNUP_URL, data)
    assert response.status_code == 200, "an invalid sign-up re-renders the form"
    assert User.objects.count() == before
    assert "_auth_user_id" not in client.session
    errors = response.context["form"].errors
    # Every error message is shown on the page next to its field.
    html = response.content.decode()
    for messages in errors.values():
        for message in messages:
            assert message.replace("'", "&#x27;") in html or message in html
    return errors


def test_signup_page_renders(client):
    response = client.get(SIGNUP_URL)
    assert response.status_code == 200
    for field in ("first_name", "last_name", "email", "password1", "password2"):
        assert f'name="{field}"' in response.content.decode()
    assert 'name="role"' not in response.content.decode()


def test_duplicate_email_differing_only_in_case_is_refused(client):
    UserFactory(email="taken@example.com")
    errors = post_invalid(client, signup_data(email="TAKEN@Example.COM"))
    assert errors["email"] == ["An account with this email address already exists. Try logging in."]
    assert User.objects.filter(email__iexact="taken@example.com").count() == 1


@pytest.mark.parametrize("field", ["first_name", "last_name"])
def test_names_shorter_than_two_characters_are_refused(client, field):
    errors = post_invalid(client, signup_data(**{field: "J"}))
    assert errors[field] == ["Must be at least 2 characters."]


@pytest.mark.parametrize(
    ("password", "expected"),
    [
        ("password", ["This password is too common."]),
        ("48213957", ["This password is entirely numeric."]),
        ("Ab1!x", ["This password is too short. It must contain at least 8 characters."]),
        ("bartholomew1", ["The password is too similar to the first name."]),
    ],
    ids=["common", "numeric", "short", "similar-to-name"],
)
def test_weak_passwords_are_refused(client, password, expected):
    errors = post_invalid(client, signup_data(first_name="Bartholomew", password1=password, password2=password))
    for message in expected:
        assert message in errors["password2"]


def test_mismatched_passwords_are_refused(client):
    errors = post_invalid(client, signup_data(password2=DEFAULT_PASSWORD + "x"))
    assert errors["password2"] == ["The two password fields didn’t match."]


def test_missing_fields_are_refused(client):
    errors = post_invalid(client, {})
    for field in ("first_name", "last_name", "email", "password1", "password2"):
        assert errors[field] == ["This field is required."]


def test_invalid_email_is_refused(client):
    errors = post_invalid(client, signup_data(email="not-an-email"))
    assert errors["email"] == ["Enter a valid email address."]


@pytest.mark.parametrize(
    "email",
    [" taken@example.com ", "\tTAKEN@example.com\n", "\u00a0Taken@Example.com", "ta\u212aen@example.com"],
    ids=["spaces", "tab-newline", "no-break-space", "kelvin-sign"],
)
def test_duplicate_email_with_white_space_is_refused(client, email):
    UserFactory(email="taken@example.com")
    errors = post_invalid(client, signup_data(email=email))
    assert errors["email"] == ["An account with this email address already exists. Try logging in."]


@pytest.mark.parametrize("local", ["\u017ftella", "st\u0131lla", "\u0130da"], ids=["long-s", "dotless-i", "dotted-I"])
def test_look_alike_letters_before_the_at_are_refused(client, local):
    """Django's validator accepts these few non-ASCII letters; they would imitate another address."""
    errors = post_invalid(client, signup_data(email=f"{local}@example.com"))
    assert errors["email"] == ["The part before the @ may only use unaccented Latin letters, digits and punctuation."]


def test_successful_signup_creates_a_student_and_logs_in(client):
    response = client.post(SIGNUP_URL, signup_data(email="  Jane.DOE@Example.com ", role="admin", is_staff="on"))

    assert response.status_code == 302
    assert response.url == reverse("home")
    user = get_user_model().objects.get()
    assert user.email == "jane.doe@example.com", "emails are stored lower-cased and stripped"
    assert user.role == User.Role.STUDENT, "posting role=admin must not escalate"
    assert not user.is_staff
    assert not user.is_superuser
    assert user.check_password(DEFAULT_PASSWORD)
    assert client.session["_auth_user_id"] == str(user.pk)

    home = client.get(response.url)
    html = home.content.decode()
    assert "Welcome to CourseWorx, Jane! Your account is ready." in html
    assert "<span>Jane</span>" in html, "the navbar shows the first name"
    assert home.context["user"] == user


def test_logged_in_user_is_redirected_away_from_signup(client):
    client.force_login(UserFactory())
    response = client.get(SIGNUP_URL)
    assert response.status_code == 302
    assert response.url == reverse("home")


# --- Throttle (each attempt tells whether an address is registered) -----------------------------


def test_signup_attempts_are_throttled_per_address_with_a_clear_message(client, settings):
    settings.ACCOUNTS_SIGNUP_RATE = "3/hour"
    UserFactory(email="taken@example.com")
    for attempt in range(3):
        response = client.post(SIGNUP_URL, signup_data(email="taken@example.com", first_name=f"Jane{attempt}"))
        assert response.status_code == 200, f"attempt {attempt + 1} is not throttled yet"
        assert "already exists" in response.content.decode()

    response = client.post(SIGNUP_URL, signup_data(email="taken@example.com"))
    assert response.status_code == 429
    html = response.content.decode()
    assert "Too many sign-up attempts from your network. Please try again in 60 minutes" in html
    # A throttled attempt is not validated: it learns nothing about the address.
    assert "already exists" not in html
    assert 'value="taken@example.com"' in html, "what was typed is kept"

    # A new address is refused too, and nothing is created.
    response = client.post(SIGNUP_URL, signup_data(email="fresh@example.com"))
    assert response.status_code == 429
    assert not User.objects.filter(email="fresh@example.com").exists()

    # Another client address has its own allowance; showing the form is never throttled.
    assert client.get(SIGNUP_URL).status_code == 200
    response = client.post(SIGNUP_URL, signup_data(email="fresh@example.com"), REMOTE_ADDR="203.0.113.9")
    assert response.status_code == 302
    assert User.objects.filter(email="fresh@example.com").exists()
