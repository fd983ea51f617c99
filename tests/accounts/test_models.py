"""The User model's invariants: lower-cased unique email (also in the database), role-derived staff flag,
the staff groups from the data migration and role-group permissions."""

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from accounts import roles
from accounts.models import User
from tests.factories import (
    STAFF_FACTORIES,
    AdminFactory,
    InstructorFactory,
    StaffFactory,
    StudentFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def test_email_is_stored_lower_cased():
    user = User.objects.create_user("  Mixed.Case@Example.COM ", "x-Passw0rd-1", first_name="Mi", last_name="Xed")
    assert user.email == "mixed.case@example.com"
    assert User.objects.get_by_natural_key("MIXED.CASE@example.com") == user


def test_db_constraint_refuses_an_upper_case_duplicate_written_by_update():
    UserFactory(email="dup@example.com")
    other = UserFactory(email="other@example.com")
    with pytest.raises(IntegrityError), transaction.atomic():
        # queryset.update() bypasses save(), so only the database constraint can stop this.
        User.objects.filter(pk=other.pk).update(email="DUP@Example.com")
    assert User.objects.get(pk=other.pk).email == "other@example.com"


def test_db_constraint_refuses_an_upper_case_duplicate_written_by_bulk_create():
    UserFactory(email="dup@example.com")
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.bulk_create([User(email="DUP@EXAMPLE.COM", first_name="Du", last_name="Plicate", password="!")])
    assert User.objects.filter(email__iexact="dup@example.com").count() == 1


def test_full_clean_reports_a_case_insensitive_duplicate():
    UserFactory(email="dup@example.com")
    user = User(email="Dup@Example.com", first_name="Du", last_name="Plicate", password="!")
    with pytest.raises(ValidationError) as excinfo:
        user.full_clean()
    assert "email" in excinfo.value.message_dict or "__all__" in excinfo.value.message_dict


@pytest.mark.parametrize(
    ("role", "superuser", "expected_staff"),
    [
        (User.Role.STUDENT, False, False),
        (User.Role.INSTRUCTOR, False, True),
        (User.Role.ADMIN, False, True),
    ],
)
def test_is_staff_follows_the_role(role, superuser, expected_staff):
    user = UserFactory(role=role, is_superuser=superuser, is_staff=not expected_staff)
    user.refresh_from_db()
    assert user.is_staff is expected_staff


def test_superuser_keeps_admin_access_whatever_the_role():
    user = UserFactory(role=User.Role.STUDENT, is_superuser=True, is_staff=True)
    user.refresh_from_db()
    assert user.is_staff is True


def test_demoting_an_instructor_removes_admin_access_even_with_update_fields():
    user = InstructorFactory()
    user.role = User.Role.STUDENT
    user.save(update_fields=["role"])
    user.refresh_from_db()
    assert user.is_staff is False


def test_staff_groups_exist_with_their_permissions():
    for name in (*roles.STAFF_GROUPS, roles.INSTRUCTORS):
        assert Group.objects.filter(name=name).exists(), name
    support = Group.objects.get(name=roles.SUPPORT)
    codenames = set(support.permissions.values_list("codename", flat=True))
    assert {"view_user", "view_adminnote", "add_adminnote"} <= codenames


def test_factories_build_each_role():
    assert StudentFactory().role == User.Role.STUDENT
    assert InstructorFactory().role == User.Role.INSTRUCTOR
    admin = AdminFactory()
    assert (admin.role, admin.is_superuser, admin.is_staff) == (User.Role.ADMIN, True, True)
    for group_name, factory in STAFF_FACTORIES.items():
        member = factory()
        assert (member.role, member.is_superuser, member.is_staff) == (User.Role.ADMIN, False, True)
        assert list(member.groups.values_list("name", flat=True)) == [group_name]
        assert member.in_group(group_name)
    trait = UserFactory(support=True)
    assert list(trait.groups.values_list("name", flat=True)) == [roles.SUPPORT]
    explicit = StaffFactory(groups=[roles.FINANCE, roles.REVIEWERS])
    assert set(explicit.groups.values_list("name", flat=True)) == {roles.FINANCE, roles.REVIEWERS}
    with pytest.raises(LookupError):
        StaffFactory(groups=["No such group"])


def test_staff_group_member_gets_the_group_permissions():
    support = UserFactory(support=True)
    assert support.has_perm("accounts.add_adminnote")
    assert not support.has_perm("accounts.change_user")
    assert not StudentFactory().has_perm("accounts.view_user")


def test_instructors_hold_the_instructors_group_permissions_without_membership():
    group = Group.objects.get(name=roles.INSTRUCTORS)
    perm = Group.objects.get(name=roles.SUPPORT).permissions.get(codename="view_adminnote")
    group.permissions.add(perm)
    instructor = InstructorFactory()
    assert not instructor.groups.exists()
    assert instructor.has_perm("accounts.view_adminnote")
    assert not StudentFactory().has_perm("accounts.view_adminnote")


def test_string_and_helpers():
    user = UserFactory(first_name="Ada", last_name="Lovelace", email="ada@example.com")
    assert str(user) == "Ada Lovelace <ada@example.com>"
    assert user.initials == "AL"
    assert user.get_short_name() == "Ada"
