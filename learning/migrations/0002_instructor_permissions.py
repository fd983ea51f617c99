"""Instructors author assignments, record attendance and grade, for the courses they teach.

Which rows they see is limited in the admin by learning.permissions (only their courses).
"""

from django.db import migrations

from accounts import roles

INSTRUCTOR_PERMISSIONS = [
    "learning.add_assignment",
    "learning.change_assignment",
    "learning.view_assignment",
    "learning.delete_assignment",
    "learning.view_assignmentsubmission",
    "learning.change_assignmentsubmission",
    "learning.grade_assignmentsubmission",
    "learning.add_attendance",
    "learning.change_attendance",
    "learning.view_attendance",
    "learning.view_enrollment",
    "learning.view_quizattempt",
    "learning.grade_quizattempt",
    "learning.view_coursestats",
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
        ("learning", "0001_initial"),
        ("accounts", "0002_staff_groups"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
