"""accounts.services: creation, profile edits, audited role/group changes, notes, anonymisation."""

import io

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image
from rest_framework.authtoken.models import Token

from accounts import roles, services
from accounts.models import AdminNote, User
from courseworx.core.models import AuditLog
from tests.factories import DEFAULT_PASSWORD, AdminFactory, InstructorFactory, StudentFactory, UserFactory

from .test_admin_access import user_change_post_data, user_change_url

pytestmark = pytest.mark.django_db


def png(name="me.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (10, 200, 10)).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


@pytest.fixture
def superuser():
    return AdminFactory()


# --- user_create ---------------------------------------------------------------------------------


def test_sign_up_creates_a_student_without_an_audit_row():
    user = services.user_create(email=" New@Example.COM ", first_name="Nia", last_name="New", password=DEFAULT_PASSWORD)
    user.refresh_from_db()
    assert (user.email, user.role, user.is_staff) == ("new@example.com", User.Role.STUDENT, False)
    assert user.check_password(DEFAULT_PASSWORD)
    assert not AuditLog.objects.exists()


@pytest.mark.parametrize("role", [User.Role.INSTRUCTOR, User.Role.ADMIN])
def test_sign_up_cannot_choose_a_role(role):
    with pytest.raises(PermissionDenied):
        services.user_create(
            email="x@example.com", first_name="Xa", last_name="Xb", password=DEFAULT_PASSWORD, role=role
        )
    assert not User.objects.filter(email="x@example.com").exists()


def test_duplicate_email_in_another_case_is_a_field_error():
    UserFactory(email="taken@example.com")
    with pytest.raises(ValidationError) as excinfo:
        services.user_create(email="TAKEN@example.com", first_name="Ta", last_name="Ken", password=DEFAULT_PASSWORD)
    assert "email" in excinfo.value.message_dict
    assert User.objects.filter(email="taken@example.com").count() == 1


def test_weak_password_is_refused():
    with pytest.raises(ValidationError) as excinfo:
        services.user_create(email="weak@example.com", first_name="We", last_name="Ak", password="123")
    assert "password" in excinfo.value.message_dict
    assert not User.objects.filter(email="weak@example.com").exists()


def test_staff_create_an_instructor_audited(superuser):
    user = services.user_create(
        email="t@example.com", first_name="Te", last_name="Acher", password=None, role="instructor", actor=superuser
    )
    assert user.is_staff and not user.has_usable_password()
    audit = AuditLog.objects.get(action="accounts.user_create")
    assert (audit.actor, audit.target_id, audit.changes) == (superuser, str(user.pk), {"role": "instructor"})


def test_only_superusers_create_administrators():
    manager = UserFactory(role=User.Role.ADMIN)
    manager.user_permissions.add(Permission.objects.get(codename="add_user", content_type__app_label="accounts"))
    manager = User.objects.get(pk=manager.pk)  # fresh permission cache
    services.user_create(email="i@example.com", first_name="In", last_name="St", password=None, role="instructor",
                         actor=manager)  # fmt: skip
    with pytest.raises(PermissionDenied):
        services.user_create(email="a@example.com", first_name="Ad", last_name="Min", password=None, role="admin",
                             actor=manager)  # fmt: skip
    with pytest.raises(PermissionDenied):
        services.user_create(email="s@example.com", first_name="St", last_name="Ud", password=None,
                             actor=InstructorFactory())  # fmt: skip
    assert not User.objects.filter(email__in=["a@example.com", "s@example.com"]).exists()


# --- user_profile_update -------------------------------------------------------------------------


def test_profile_update_saves_the_allowed_fields(student, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    services.user_profile_update(user=student, data={"first_name": "Estelle", "phone": "+33 6 12", "avatar": png()})
    student.refresh_from_db()
    assert (student.first_name, student.phone) == ("Estelle", "+33 6 12")
    assert (tmp_path / student.avatar.name).is_file()


@pytest.mark.parametrize(
    "data", [{"email": "me@example.com"}, {"role": "admin"}, {"is_staff": True}, {"first_name": "X"}, {"phone": "no"}]
)
def test_profile_update_refuses_other_fields_and_bad_values(student, data):
    before = (student.email, student.role, student.first_name, student.phone, student.is_staff)
    with pytest.raises(ValidationError):
        services.user_profile_update(user=student, data=data)
    assert (student.email, student.role, student.first_name, student.phone, student.is_staff) == before
    student.refresh_from_db()
    assert (student.email, student.role, student.first_name, student.phone, student.is_staff) == before


def test_me_api_updates_through_the_service(token_client, student):
    response = token_client.patch("/api/v1/me/", {"first_name": "Stel", "phone": "+44 20 1234"}, format="json")
    assert response.status_code == 200 and response.json()["first_name"] == "Stel"
    student.refresh_from_db()
    assert (student.first_name, student.phone) == ("Stel", "+44 20 1234")
    response = token_client.patch("/api/v1/me/", {"phone": "call me"}, format="json")
    assert response.status_code == 400 and "phone" in response.json()["error"]["fields"]
    student.refresh_from_db()
    assert student.phone == "+44 20 1234"


# --- user_role_set / user_groups_set --------------------------------------------------------------


def test_role_change_is_audited(superuser, student):
    services.user_role_set(user=student, role="instructor", actor=superuser, reason="Hired")
    student.refresh_from_db()
    assert student.role == "instructor" and student.is_staff
    audit = AuditLog.objects.get(action="accounts.user_role_set")
    assert audit.actor == superuser and audit.reason == "Hired"
    assert audit.changes == {"role": ["student", "instructor"], "is_staff": [False, True]}
    services.user_role_set(user=student, role="instructor", actor=superuser)  # no change: no row
    assert AuditLog.objects.filter(action="accounts.user_role_set").count() == 1


def test_role_change_denials(superuser, student, moderator):
    with pytest.raises(PermissionDenied):  # view_user only
        services.user_role_set(user=student, role="instructor", actor=moderator)
    with pytest.raises(PermissionDenied):
        services.user_role_set(user=superuser, role="student", actor=student)
    with pytest.raises(ValidationError):
        services.user_role_set(user=student, role="wizard", actor=superuser)
    manager = UserFactory(role=User.Role.ADMIN)
    manager.user_permissions.add(Permission.objects.get(codename="change_user", content_type__app_label="accounts"))
    manager = User.objects.get(pk=manager.pk)
    with pytest.raises(PermissionDenied):
        services.user_role_set(user=student, role="admin", actor=manager)
    with pytest.raises(PermissionDenied):
        services.user_role_set(user=student, role="student", is_superuser=True, actor=manager)
    student.refresh_from_db()
    assert (student.role, student.is_superuser) == ("student", False)
    assert not AuditLog.objects.exists()


def test_groups_change_is_audited(superuser, student, moderator):
    support, finance = Group.objects.get(name=roles.SUPPORT), Group.objects.get(name=roles.FINANCE)
    perm = Permission.objects.get(codename="view_user", content_type__app_label="accounts")
    services.user_groups_set(user=student, groups=[support, finance], permissions=[perm], actor=superuser)
    assert set(student.groups.values_list("name", flat=True)) == {roles.SUPPORT, roles.FINANCE}
    audit = AuditLog.objects.get(action="accounts.user_groups_set")
    assert audit.changes == {
        "groups": [[], sorted([roles.SUPPORT, roles.FINANCE])],
        "permissions": [[], ["accounts.view_user"]],
    }
    with pytest.raises(PermissionDenied):
        services.user_groups_set(user=student, groups=[], actor=moderator)
    assert student.groups.count() == 2


def test_admin_saves_role_and_groups_through_the_audited_services(admin_client, admin_user):
    target = StudentFactory()
    old_name = target.first_name
    support = Group.objects.get(name=roles.SUPPORT)
    response = admin_client.post(
        user_change_url(target),
        user_change_post_data(target, role="instructor", first_name="Renamed", groups=[str(support.pk)]),
    )
    assert response.status_code == 302, response.context and response.context["adminform"].form.errors
    target.refresh_from_db()
    assert (target.role, target.first_name, target.is_staff) == ("instructor", "Renamed", True)
    assert list(target.groups.all()) == [support]
    actions = dict(AuditLog.objects.filter(actor=admin_user).values_list("action", "changes"))
    assert actions["accounts.user_role_set"]["role"] == ["student", "instructor"]
    assert actions["accounts.user_groups_set"] == {"groups": [[], [roles.SUPPORT]]}
    assert actions["accounts.user_update"] == {"first_name": [old_name, "Renamed"]}


def test_admin_add_is_audited(admin_client, admin_user):
    response = admin_client.post(
        reverse("admin:accounts_user_add"),
        {
            "email": "Added@Example.com", "first_name": "Ad", "last_name": "Ded", "role": "instructor",
            "usable_password": "false", "admin_notes-TOTAL_FORMS": "1", "admin_notes-INITIAL_FORMS": "0",
            "admin_notes-0-body": "Hired for the spring term.", "_save": "Save",
        },
    )  # fmt: skip
    assert response.status_code == 302, response.context and response.context["adminform"].form.errors
    user = User.objects.get(email="added@example.com")
    assert user.role == "instructor" and not user.has_usable_password()
    assert AuditLog.objects.filter(action="accounts.user_create", actor=admin_user, target_id=str(user.pk)).exists()
    assert AdminNote.objects.get(user=user).author == admin_user


# --- notes and anonymisation ---------------------------------------------------------------------


def test_admin_note_needs_the_permission(student, make_staff):
    support = make_staff(roles.SUPPORT)
    note = services.admin_note_create(user=student, author=support, body="  Called about a refund.  ")
    assert (note.author, note.body) == (support, "Called about a refund.")
    with pytest.raises(PermissionDenied):
        services.admin_note_create(user=student, author=InstructorFactory(), body="Nope")
    with pytest.raises(ValidationError):
        services.admin_note_create(user=student, author=support, body="  ")


def test_user_anonymise_deletes_the_avatar_on_commit(student, settings, tmp_path, django_capture_on_commit_callbacks):
    settings.MEDIA_ROOT = tmp_path
    services.user_profile_update(user=student, data={"avatar": png()})
    path = tmp_path / student.avatar.name
    Token.objects.create(user=student)
    AdminNote.objects.create(user=student, body="Private remark")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.user_anonymise(user=student)
    assert path.is_file(), "nothing is deleted before the transaction commits"
    for callback in callbacks:
        callback()
    assert not path.exists()
    student.refresh_from_db()
    assert (student.first_name, student.avatar.name, student.is_active) == ("Deleted", "", False)
    assert not student.has_usable_password()
    assert not Token.objects.filter(user=student).exists() and not AdminNote.objects.filter(user=student).exists()
