"""Issue 19 §5: hostile input to the sign-up page (accounts.forms.SignUpForm through POST /accounts/signup/)
and the profile form's avatar upload: a form error on the field and no user created (or changed), never a
500.  Strategies and checks: tests/bad_input.py."""

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from hypothesis import assume, given
from hypothesis import strategies as st

from accounts.forms import SignUpForm
from tests.bad_input import SCRIPT_PAYLOADS, blank_text, nul_text, over_long, unicode_text

pytestmark = pytest.mark.django_db

User = get_user_model()
PASSWORD = "Correct-Horse-9-Battery"
VALID = {"first_name": "Ada", "last_name": "Lovelace", "email": "ada@example.com", "password1": PASSWORD,
         "password2": PASSWORD}  # fmt: skip


def _post(data: dict):
    cache.clear()  # the sign-up rate limit counts in the cache
    before = User.objects.count()
    response = Client().post("/accounts/signup/", data)
    return response, before, User.objects.count()


def _form_errors(response, data: dict) -> dict:
    if response.status_code == 400:  # RejectNulMiddleware's page names the field; only for a NUL
        assert any("\x00" in str(v) for v in data.values())
        return {name for name, v in data.items() if "\x00" in str(v)}
    assert response.status_code == 200, response.status_code  # the page again, with its errors
    return response.context["form"].errors


@given(
    field=st.sampled_from(["first_name", "last_name", "email", "password1"]),
    value=st.one_of(nul_text, over_long(254), blank_text),
)
def test_signup_refuses_bad_fields_with_a_form_error(field, value):
    # A long password is a fine password (Django sets no maximum): only NUL and blank ones must be refused.
    assume(not (field == "password1" and len(value) > 254 and "\x00" not in value))
    data = {**VALID, field: value}
    if field == "password1":
        data["password2"] = value
    response, before, after = _post(data)
    errors = _form_errors(response, data)
    assert set(errors) & {field, "password2"}, errors
    assert before == after


ODD_EMAILS = [
    *SCRIPT_PAYLOADS,
    "a@b",
    "@example.com",
    "a@@b.com",
    "ſ@example.com",
    "a@example.com\n",
    "a" * 65 + "@x.com",
]


@given(email=st.one_of(unicode_text, st.sampled_from(ODD_EMAILS)))
def test_signup_odd_emails_are_refused_or_create_exactly_one_user(email):
    data = {**VALID, "email": email}
    response, before, after = _post(data)
    assert response.status_code in (200, 302, 400), response.status_code
    if response.status_code in (200, 400):
        assert "email" in _form_errors(response, data)
        assert before == after
    else:
        assert after == before + 1


@given(first=unicode_text, last=unicode_text)
def test_signup_any_unicode_name_is_stored_as_sent_or_refused(first, last):
    email = f"u{User.objects.count()}@example.com"
    data = {**VALID, "first_name": first, "last_name": last, "email": email}
    response, before, after = _post(data)
    assert response.status_code in (200, 302, 400)
    if response.status_code == 302:
        user = User.objects.get(email=email)
        assert (user.first_name, user.last_name) == (first.strip(), last.strip())
    else:
        assert before == after and set(_form_errors(response, data)) & {"first_name", "last_name"}


@given(
    field=st.sampled_from(["first_name", "email"]),
    value=st.one_of(st.lists(st.text(max_size=5), min_size=2, max_size=3)),
)
def test_signup_form_with_repeated_values_is_not_a_500(field, value):
    form = SignUpForm(data={**VALID, field: value})
    form.is_valid()  # a QueryDict keeps the last value; a plain dict with a list must not crash either


avatars = st.one_of(
    st.tuples(st.sampled_from(["me.exe", "me.svg", "me.html", "me"]), st.binary(max_size=64)),
    st.tuples(st.sampled_from(["me.png", "me.jpg", "me.gif", "me.webp"]), st.binary(max_size=64)),
    st.just(("me.png", b"<script>alert(1)</script>")),
    st.just(("big.png", b"\x89PNG\r\n\x1a\n" + b"\0" * (2 * 1024 * 1024 + 1))),
)


@given(avatar=avatars)
def test_profile_refuses_wrong_type_or_oversized_avatars(student, avatar):
    name, content = avatar
    client = Client()
    client.force_login(student)
    response = client.post("/accounts/profile/", {"first_name": "Ada", "last_name": "L", "phone": "",
                                                  "avatar": SimpleUploadedFile(name, content)})  # fmt: skip
    assert response.status_code == 200, response.status_code
    assert "avatar" in response.context["form"].errors
    student.refresh_from_db()
    assert not student.avatar
