"""Notifications move from community to core (every app uses them).

State only: the tables keep their names (`community_notification`, `community_notificationpreference`)
and their rows; community's 0005 removes the models from its state.  The content types (and so the
model permissions) move along, so nothing granted on them is lost.
"""

import uuid

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

MODELS = ("notification", "notificationpreference")


def _move_content_types(apps, schema_editor, source: str, target: str) -> None:
    ContentType = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    for model in MODELS:
        if not ContentType.objects.using(db).filter(app_label=target, model=model).exists():
            ContentType.objects.using(db).filter(app_label=source, model=model).update(app_label=target)


def forwards(apps, schema_editor):
    _move_content_types(apps, schema_editor, "community", "core")


def backwards(apps, schema_editor):
    _move_content_types(apps, schema_editor, "core", "community")


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0001_initial"),
        ("community", "0004_private_media"),  # the tables exist (community created them)
        ("contenttypes", "0002_remove_content_type_name"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Notification",
                    fields=[
                        ("created_at", models.DateTimeField(auto_now_add=True, db_index=True)),
                        ("updated_at", models.DateTimeField(auto_now=True)),
                        ("id", models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                        (
                            "category",
                            models.CharField(
                                choices=[
                                    ("enrollment", "Enrolments"),
                                    ("course_review", "Course review decisions"),
                                    ("discussion", "Discussion replies"),
                                    ("grading", "Grades and feedback"),
                                    ("certificate", "Certificates"),
                                    ("support", "Support tickets"),
                                    ("moderation", "Moderation outcomes"),
                                    ("billing", "Payments and receipts"),
                                    ("message", "Messages"),
                                    ("system", "Announcements"),
                                ],
                                default="system",
                                max_length=20,
                            ),
                        ),
                        ("title", models.CharField(max_length=200)),
                        ("body", models.TextField(blank=True)),
                        (
                            "url",
                            models.CharField(
                                blank=True, help_text="Where clicking the notification leads.", max_length=500
                            ),
                        ),
                        ("read_at", models.DateTimeField(blank=True, null=True)),
                        ("emailed_at", models.DateTimeField(blank=True, null=True)),
                        (
                            "email_channel",
                            models.CharField(
                                blank=True,
                                choices=[("", "No e-mail"), ("immediate", "Immediately"), ("daily", "Daily digest")],
                                default="",
                                max_length=10,
                            ),
                        ),
                        (
                            "user",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="notifications",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "db_table": "community_notification",
                        "ordering": ["-created_at"],
                        "indexes": [
                            models.Index(
                                fields=["user", "read_at", "-created_at"], name="notification_user_unread_idx"
                            ),
                            models.Index(
                                condition=models.Q(
                                    ("emailed_at__isnull", True), models.Q(("email_channel", ""), _negated=True)
                                ),
                                fields=["email_channel", "user"],
                                name="notification_digest_idx",
                            ),
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="NotificationPreference",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("created_at", models.DateTimeField(auto_now_add=True, db_index=True)),
                        ("updated_at", models.DateTimeField(auto_now=True)),
                        (
                            "category",
                            models.CharField(
                                choices=[
                                    ("enrollment", "Enrolments"),
                                    ("course_review", "Course review decisions"),
                                    ("discussion", "Discussion replies"),
                                    ("grading", "Grades and feedback"),
                                    ("certificate", "Certificates"),
                                    ("support", "Support tickets"),
                                    ("moderation", "Moderation outcomes"),
                                    ("billing", "Payments and receipts"),
                                    ("message", "Messages"),
                                    ("system", "Announcements"),
                                ],
                                max_length=20,
                            ),
                        ),
                        (
                            "channel",
                            models.CharField(
                                choices=[
                                    ("immediate", "Immediately"),
                                    ("daily", "Daily digest"),
                                    ("off", "Off (in-app only)"),
                                ],
                                default="immediate",
                                max_length=10,
                            ),
                        ),
                        (
                            "user",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="notification_preferences",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "db_table": "community_notificationpreference",
                        "ordering": ["category"],
                        "constraints": [
                            models.UniqueConstraint(fields=("user", "category"), name="notification_pref_unique")
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(forwards, backwards),
    ]
