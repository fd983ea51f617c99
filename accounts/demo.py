"""Demo people for `manage.py seed_demo` (idempotent)."""

from django.conf import settings
from django.contrib.auth.models import Group

from . import roles
from .models import User

# (email, first, last, role, superuser, groups)
DEMO_USERS = [
    ("admin@courseworx.local", "Ada", "Admin", User.Role.ADMIN, True, []),
    ("reviewer@courseworx.local", "Rita", "Reviewer", User.Role.ADMIN, False, [roles.REVIEWERS]),
    ("moderator@courseworx.local", "Mo", "Moderator", User.Role.ADMIN, False, [roles.MODERATORS]),
    ("support@courseworx.local", "Sam", "Support", User.Role.ADMIN, False, [roles.SUPPORT]),
    ("finance@courseworx.local", "Fiona", "Finance", User.Role.ADMIN, False, [roles.FINANCE]),
    ("instructor@courseworx.local", "Ivan", "Instructor", User.Role.INSTRUCTOR, False, []),
    ("instructor2@courseworx.local", "Ines", "Teacher", User.Role.INSTRUCTOR, False, []),
    ("student@courseworx.local", "Stella", "Student", User.Role.STUDENT, False, []),
    ("student2@courseworx.local", "Sid", "Learner", User.Role.STUDENT, False, []),
    ("manager@courseworx.local", "Hannah", "Reed", User.Role.STUDENT, False, []),
]


def demo_logins() -> list[tuple[str, str, str]]:
    """(email, password, what the account is for) for the README and `make run`."""
    purpose = {
        "admin@courseworx.local": "administrator (superuser)",
        "reviewer@courseworx.local": "staff: Reviewers (course approval)",
        "moderator@courseworx.local": "staff: Moderators (flagged content)",
        "support@courseworx.local": "staff: Support (tickets)",
        "finance@courseworx.local": "staff: Finance (refunds, payouts)",
        "instructor@courseworx.local": "instructor",
        "instructor2@courseworx.local": "a second instructor",
        "student@courseworx.local": "student",
        "student2@courseworx.local": "a second student",
        "manager@courseworx.local": "employer licence manager (Acme Learning Ltd: seats, usage, Find candidates)",
    }
    return [(email, settings.DEMO_PASSWORD, purpose[email]) for email, *_ in DEMO_USERS]


def seed(ctx: dict, log) -> None:
    users = {}
    for email, first, last, role, superuser, groups in DEMO_USERS:
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User(email=email, first_name=first, last_name=last, role=role, is_superuser=superuser)
            user.set_password(settings.DEMO_PASSWORD)
            user.save()
            log(f"  created {email}")
        for name in groups:
            user.groups.add(Group.objects.get(name=name))
        users[email.split("@")[0]] = user
    ctx["users"] = users
