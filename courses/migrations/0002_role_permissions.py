"""Course permissions for the Instructors role group and the Reviewers staff group.

Data only (no schema change).  Instructors hold the Instructors group's permissions without being
members (accounts.backends); which courses they may touch is decided by courses.permissions.
"""

from django.db import migrations

from accounts import roles

STRUCTURE = ["course", "coursesection", "coursecontent", "quizquestion"]

INSTRUCTOR_PERMISSIONS = [
    f"courses.{action}_{model}"
    for model in [*STRUCTURE, "instructorcollaborator", "certificatetemplate", "courselanguage", "translation"]
    for action in ("add", "change", "view")
] + [
    "courses.view_courseversion",
    "courses.view_courseapprovalrequest",
    "courses.submit_course",
    # to pick them in the course form
    "courses.view_category",
    "courses.view_tag",
]

REVIEWER_PERMISSIONS = [
    *(f"courses.view_{model}" for model in [*STRUCTURE, "instructorcollaborator", "courselanguage", "translation"]),
    "courses.view_category",
    "courses.view_tag",
    "courses.review_course",
    "courses.view_courseapprovalrequest",
    "courses.change_courseapprovalrequest",
    "courses.view_courseversion",
]

GRANTS = {roles.INSTRUCTORS: INSTRUCTOR_PERMISSIONS, roles.REVIEWERS: REVIEWER_PERMISSIONS}


def grant(apps, schema_editor):
    for group, perms in GRANTS.items():
        roles.grant_permissions(apps, group, perms)


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group_name, perms in GRANTS.items():
        group = Group.objects.filter(name=group_name).first()
        if group is None:
            continue
        codenames = [p.split(".", 1)[1] for p in perms]
        group.permissions.remove(*Permission.objects.filter(content_type__app_label="courses", codename__in=codenames))


class Migration(migrations.Migration):
    dependencies = [
        ("courses", "0001_initial"),
        ("accounts", "0002_staff_groups"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
