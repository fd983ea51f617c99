"""Instructors schedule classroom sessions for the courses they teach (the admin limits rows to them)."""

from django.db import migrations

from accounts import roles

INSTRUCTOR_PERMISSIONS = [
    "learning.add_classsession",
    "learning.change_classsession",
    "learning.view_classsession",
    "learning.delete_classsession",
]


def grant(apps, schema_editor):
    roles.grant_permissions(apps, roles.INSTRUCTORS, INSTRUCTOR_PERMISSIONS)


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.filter(name=roles.INSTRUCTORS).first()
    if group is None:
        return
    for perm in INSTRUCTOR_PERMISSIONS:
        app_label, codename = perm.split(".", 1)
        group.permissions.remove(*Permission.objects.filter(content_type__app_label=app_label, codename=codename))


class Migration(migrations.Migration):
    dependencies = [
        ("learning", "0006_class_sessions_and_session_attendance"),
        ("accounts", "0002_staff_groups"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
