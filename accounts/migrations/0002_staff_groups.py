"""Staff duties are Groups: Moderators, Reviewers, Support, Finance; plus the Instructors role group."""

from django.db import migrations

from accounts import roles

PERMISSIONS = {
    roles.MODERATORS: ["accounts.view_user"],
    roles.REVIEWERS: ["accounts.view_user"],
    roles.SUPPORT: ["accounts.view_user", "accounts.view_adminnote", "accounts.add_adminnote"],
    roles.FINANCE: ["accounts.view_user"],
    roles.INSTRUCTORS: [],
}


def create_groups(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for name, perms in PERMISSIONS.items():
        Group.objects.get_or_create(name=name)
        if perms:
            roles.grant_permissions(apps, name, perms)


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=PERMISSIONS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
