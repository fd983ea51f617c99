"""Explicit prices are edited with the course: Instructors add/change/view them (which courses is decided by
courses.permissions, as for sections and lessons), Reviewers view them."""

from django.db import migrations

from accounts import roles

GRANTS = {
    roles.INSTRUCTORS: ["courses.add_courseprice", "courses.change_courseprice", "courses.view_courseprice"],
    roles.REVIEWERS: ["courses.view_courseprice"],
}


def grant(apps, schema_editor):
    for group, perms in GRANTS.items():
        roles.grant_permissions(apps, group, perms)


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group_name, perms in GRANTS.items():
        group = Group.objects.filter(name=group_name).first()
        if group is not None:
            codenames = [p.split(".", 1)[1] for p in perms]
            group.permissions.remove(
                *Permission.objects.filter(content_type__app_label="courses", codename__in=codenames)
            )


class Migration(migrations.Migration):
    dependencies = [
        ("courses", "0012_course_price_three_decimals_and_explicit_prices"),
        ("accounts", "0002_staff_groups"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
