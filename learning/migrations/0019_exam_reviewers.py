"""The Reviewers staff group reviews certification exam attempts (their proctoring log and notes)."""

from django.db import migrations

from accounts import roles

GRANTS = {roles.REVIEWERS: ["learning.review_examattempt", "learning.view_examattempt"]}


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
                *Permission.objects.filter(content_type__app_label="learning", codename__in=codenames)
            )


class Migration(migrations.Migration):
    dependencies = [("learning", "0018_exams"), ("accounts", "0002_staff_groups")]

    operations = [migrations.RunPython(grant, revoke)]
