"""Factories shared by every app's tests: `from tests.factories import UserFactory`.

Roles are traits (`UserFactory(instructor=True)`) and also subclasses (`InstructorFactory()`); staff
duties are the Groups created by accounts' migration 0002 (`UserFactory(moderator=True)` or
`StaffFactory(groups=[roles.SUPPORT])`).  Every user's password is `DEFAULT_PASSWORD`, which passes
the password validators, so it also works through the sign-up and password-change forms.
"""

import factory
from django.contrib.auth.models import Group

from accounts import roles
from accounts.models import User

DEFAULT_PASSWORD = "Corr3ct-Horse-Battery"  # passes every AUTH_PASSWORD_VALIDATOR


def _existing_groups(names) -> list[Group]:
    names = list(names)
    found = list(Group.objects.filter(name__in=names))
    missing = set(names) - {g.name for g in found}
    if missing:
        raise LookupError(f"Groups {sorted(missing)} do not exist (accounts migration 0002 creates them).")
    return found


def _join(*names: str) -> factory.PostGeneration:
    """A post-generation step adding the user to the named groups (used by the staff traits)."""

    def add(obj, create, extracted, **kwargs):
        if create:
            obj.groups.add(*_existing_groups(names))

    return factory.PostGeneration(add)


class UserFactory(factory.django.DjangoModelFactory):
    """A student by default.  Traits: student, instructor, admin (a superuser), moderator, reviewer,
    support, finance (staff members: role admin, not superuser, in that group)."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.com")
    # Fixed-shape names: Faker may produce names that are shorter than the 2-character minimum.
    first_name = factory.Sequence(lambda n: f"First{n}")
    last_name = factory.Sequence(lambda n: f"Last{n}")
    role = User.Role.STUDENT
    password = factory.django.Password(DEFAULT_PASSWORD)

    class Params:
        student = factory.Trait(role=User.Role.STUDENT)
        instructor = factory.Trait(role=User.Role.INSTRUCTOR)
        admin = factory.Trait(role=User.Role.ADMIN, is_superuser=True)
        moderator = factory.Trait(role=User.Role.ADMIN, staff_group=_join(roles.MODERATORS))
        reviewer = factory.Trait(role=User.Role.ADMIN, staff_group=_join(roles.REVIEWERS))
        support = factory.Trait(role=User.Role.ADMIN, staff_group=_join(roles.SUPPORT))
        finance = factory.Trait(role=User.Role.ADMIN, staff_group=_join(roles.FINANCE))

    @factory.post_generation
    def groups(self, create, extracted, **kwargs):
        """`groups=[name, ...]`: add the user to existing groups (they come from migrations)."""
        if create and extracted:
            self.groups.add(*_existing_groups(extracted))


class StudentFactory(UserFactory):
    role = User.Role.STUDENT


class InstructorFactory(UserFactory):
    role = User.Role.INSTRUCTOR


class AdminFactory(UserFactory):
    """An administrator: role admin and superuser."""

    role = User.Role.ADMIN
    is_superuser = True


class StaffFactory(UserFactory):
    """A staff member (role admin, not a superuser).  Pass `groups=[roles.SUPPORT]` etc."""

    role = User.Role.ADMIN
    is_superuser = False


class ModeratorFactory(StaffFactory):
    moderator = True


class ReviewerFactory(StaffFactory):
    reviewer = True


class SupportFactory(StaffFactory):
    support = True


class FinanceFactory(StaffFactory):
    finance = True


STAFF_FACTORIES = {
    roles.MODERATORS: ModeratorFactory,
    roles.REVIEWERS: ReviewerFactory,
    roles.SUPPORT: SupportFactory,
    roles.FINANCE: FinanceFactory,
}
