"""Names of the staff-duty groups (created by migration 0002) and the role groups."""

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions

MODERATORS = "Moderators"
REVIEWERS = "Reviewers"
SUPPORT = "Support"
FINANCE = "Finance"
INSTRUCTORS = "Instructors"

STAFF_GROUPS = (MODERATORS, REVIEWERS, SUPPORT, FINANCE)

# Every user of a role holds the permissions of that role's group without being a member of it.
ROLE_GROUPS = {"instructor": INSTRUCTORS}


def grant_permissions(apps, group_name: str, perms: list[str]) -> None:
    """For data migrations: give `group_name` the permissions "app_label.codename".

    Permissions are normally created after migrate; create them now for the apps involved so a
    fresh database gets its groups right in one `migrate`.
    """

    for label in {p.split(".", 1)[0] for p in perms}:
        create_permissions(global_apps.get_app_config(label), apps=apps, verbosity=0)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=group_name)
    for perm in perms:
        app_label, codename = perm.split(".", 1)
        group.permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))
