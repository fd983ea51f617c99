"""Reports permissions for the staff groups and the Instructors role group (data only).

Reviewers look after content quality (accessibility issues, transcripts, content analytics); Support
sees personal-data requests and mobile logs; instructors edit transcripts and accessibility issues of
their own courses (reports.admin limits the rows).
"""

from django.db import migrations

from accounts import roles

GRANTS = {
    roles.REVIEWERS: [
        "reports.view_accessibilityreport",
        "reports.change_accessibilityreport",
        "reports.view_voicetranscript",
        "reports.add_voicetranscript",
        "reports.change_voicetranscript",
        "reports.view_contentanalytics",
        "reports.view_datapipelinerun",
    ],
    roles.SUPPORT: [
        "reports.view_dataexportrequest",
        "reports.view_mobileapplog",
        "reports.view_accessibilityreport",
    ],
    roles.INSTRUCTORS: [
        "reports.view_accessibilityreport",
        "reports.change_accessibilityreport",
        "reports.view_voicetranscript",
        "reports.add_voicetranscript",
        "reports.change_voicetranscript",
        "reports.delete_voicetranscript",
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
        group.permissions.remove(*Permission.objects.filter(content_type__app_label="reports", codename__in=codenames))


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0001_initial"),
        ("accounts", "0002_staff_groups"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
