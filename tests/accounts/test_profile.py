"""Editing one's own profile, and the avatar upload checks (type and size)."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

pytestmark = pytest.mark.django_db

PROFILE_URL = reverse("accounts:profile")


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def png_bytes(size=(8, 8), color=(200, 30, 30)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, format="PNG")
    return buffer.getvalue()


def profile_data(user, **overrides) -> dict:
    data = {"first_name": user.first_name, "last_name": user.last_name, "phone": user.phone}
    data.update(overrides)
    return data


def test_profile_requires_login(client):
    response = client.get(PROFILE_URL)
    assert response.status_code == 302
    assert response.url == f"{reverse('accounts:login')}?next={PROFILE_URL}"


def test_profile_page_shows_the_user(student_client, student):
    response = student_client.get(PROFILE_URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert student.email in html
    assert 'value="Stella"' in html
    assert 'enctype="multipart/form-data"' in html


def test_profile_edit_saves(student_client, student):
    response = student_client.post(
        PROFILE_URL, profile_data(student, first_name="Estelle", last_name="Starr", phone="+33 6 12 34 56 78")
    )
    assert response.status_code == 302
    assert response.url == PROFILE_URL
    student.refresh_from_db()
    assert (student.first_name, student.last_name, student.phone) == ("Estelle", "Starr", "+33 6 12 34 56 78")
    page = student_client.get(PROFILE_URL)
    assert "Your profile has been saved." in page.content.decode()


def test_profile_cannot_change_email_or_role(student_client, student):
    student_client.post(PROFILE_URL, profile_data(student, email="new@example.com", role="admin", is_staff="on"))
    student.refresh_from_db()
    assert student.email != "new@example.com"
    assert student.role == "student"
    assert not student.is_staff


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("first_name", "S", "Must be at least 2 characters."),
        ("last_name", "", "This field is required."),
        ("phone", "call me", "Enter a phone number of 6 to 20 digits, optionally starting with +."),
    ],
)
def test_profile_invalid_fields(student_client, student, field, value, message):
    response = student_client.post(PROFILE_URL, profile_data(student, **{field: value}))
    assert response.status_code == 200
    assert response.context["form"].errors[field] == [message]
    assert "Please correct the errors below." in response.content.decode()
    student.refresh_from_db()
    assert (student.first_name, student.last_name, student.phone) == ("Stella", "Student", "")


def test_avatar_real_png_is_accepted(student_client, student, settings):
    upload = SimpleUploadedFile("me.png", png_bytes(), content_type="image/png")
    response = student_client.post(PROFILE_URL, profile_data(student, avatar=upload))
    assert response.status_code == 302
    student.refresh_from_db()
    assert student.avatar.name.startswith("avatars/")
    assert student.avatar.name.endswith(".png")
    stored = settings.MEDIA_ROOT / student.avatar.name
    assert stored.is_file()
    with Image.open(stored) as img:
        assert img.format == "PNG"
    assert student.avatar.url in student_client.get(PROFILE_URL).content.decode()


def test_avatar_text_file_named_png_is_refused(student_client, student):
    upload = SimpleUploadedFile("evil.png", b"<?php echo 'not an image'; ?>\n" * 10, content_type="image/png")
    response = student_client.post(PROFILE_URL, profile_data(student, avatar=upload))
    assert response.status_code == 200
    [message] = response.context["form"].errors["avatar"]
    assert message.startswith("Upload a valid image.")
    student.refresh_from_db()
    assert not student.avatar


def test_avatar_in_an_unsupported_format_is_refused(student_client, student):
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8)).save(buffer, format="BMP")
    upload = SimpleUploadedFile("me.bmp", buffer.getvalue(), content_type="image/bmp")
    response = student_client.post(PROFILE_URL, profile_data(student, avatar=upload))
    assert response.status_code == 200
    assert response.context["form"].errors["avatar"] == ["Images must be JPEG, PNG, GIF or WebP (this one is BMP)."]
    student.refresh_from_db()
    assert not student.avatar


def test_avatar_over_the_size_limit_is_refused(student_client, student, settings):
    data = png_bytes(size=(64, 64))
    settings.AVATAR_MAX_BYTES = len(data) - 1
    upload = SimpleUploadedFile("big.png", data, content_type="image/png")
    response = student_client.post(PROFILE_URL, profile_data(student, avatar=upload))
    assert response.status_code == 200
    [message] = response.context["form"].errors["avatar"]
    # filesizeformat separates number and unit with a no-break space.
    assert (
        message.replace("\xa0", " ")
        == f"The image is too large ({len(data)} bytes); the limit is {len(data) - 1} bytes."
    )
    student.refresh_from_db()
    assert not student.avatar
    assert not any(settings.MEDIA_ROOT.rglob("*.png")), "a refused upload is not stored"


def test_refused_changes_are_not_shown_as_if_saved(student_client, student):
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8)).save(buffer, format="BMP")
    upload = SimpleUploadedFile("refused.bmp", buffer.getvalue(), content_type="image/bmp")
    response = student_client.post(PROFILE_URL, profile_data(student, first_name="Renamed", avatar=upload))
    assert response.status_code == 200
    html = response.content.decode()
    assert "refused.bmp" not in html, "a refused avatar must not be rendered as the user's picture"
    assert "<span>Stella</span>" in html, "the navbar keeps the saved name"
    assert 'value="Renamed"' in html, "the form keeps what was typed"
