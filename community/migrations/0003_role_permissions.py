"""Community permissions for the staff groups and the Instructors role group (data only).

Moderators work the moderation queue; Support works tickets; every staff group reads the internal
docs; instructors build surveys (for their own courses: community.permissions decides which rows).
"""

from django.db import migrations

from accounts import roles

INTERNAL_DOCS_READ = ["community.view_internaldoc"]
INTERNAL_DOCS_WRITE = ["community.add_internaldoc", "community.change_internaldoc"]

GRANTS = {
    roles.MODERATORS: [
        "community.moderate_content",
        "community.view_flaggeditem",
        "community.change_flaggeditem",
        "community.view_contentflag",
        "community.view_moderationaction",
        "community.view_usermute",
        "community.add_usermute",
        "community.view_discussionthread",
        "community.view_threadreply",
        "community.view_review",
        *INTERNAL_DOCS_READ,
        *INTERNAL_DOCS_WRITE,
    ],
    roles.SUPPORT: [
        "community.handle_ticket",
        "community.view_supportticket",
        "community.change_supportticket",
        "community.view_ticketmessage",
        "community.add_ticketmessage",
        "community.view_ticketattachment",
        *INTERNAL_DOCS_READ,
        *INTERNAL_DOCS_WRITE,
    ],
    roles.REVIEWERS: INTERNAL_DOCS_READ,
    roles.FINANCE: INTERNAL_DOCS_READ,
    roles.INSTRUCTORS: [
        "community.add_survey",
        "community.change_survey",
        "community.view_survey",
        "community.add_surveyquestion",
        "community.change_surveyquestion",
        "community.delete_surveyquestion",
        "community.view_surveyquestion",
    ],
}


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
        group.permissions.remove(
            *Permission.objects.filter(content_type__app_label="community", codename__in=codenames)
        )


class Migration(migrations.Migration):
    dependencies = [
        ("community", "0002_community_models"),
        ("accounts", "0002_staff_groups"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
