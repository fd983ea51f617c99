"""Voice transcripts move from reports to courses (they belong with the lessons they describe).

State only: the table keeps its name (`reports_voicetranscript`), its rows and its indexes (including
the full-text GIN index of reports 0007); reports' 0008 removes the model from its state.  The content
type (and so the model permissions granted to the staff groups) moves along.
"""

import django.db.models.deletion
from django.db import migrations, models

MODELS = ("voicetranscript",)


def _move_content_types(apps, schema_editor, source: str, target: str) -> None:
    ContentType = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    for model in MODELS:
        if not ContentType.objects.using(db).filter(app_label=target, model=model).exists():
            ContentType.objects.using(db).filter(app_label=source, model=model).update(app_label=target)


def forwards(apps, schema_editor):
    _move_content_types(apps, schema_editor, "reports", "courses")


def backwards(apps, schema_editor):
    _move_content_types(apps, schema_editor, "courses", "reports")


class Migration(migrations.Migration):
    dependencies = [
        ("courses", "0006_private_media"),
        ("reports", "0007_transcript_search_index"),  # the table exists (reports created it)
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="VoiceTranscript",
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
                            "language",
                            models.CharField(
                                choices=[
                                    ("en", "English"),
                                    ("fr", "Français"),
                                    ("es", "Español"),
                                    ("ar", "العربية"),
                                    ("de", "Deutsch"),
                                ],
                                default="en",
                                max_length=10,
                            ),
                        ),
                        ("text", models.TextField(max_length=200000)),
                        ("is_published", models.BooleanField(default=True)),
                        (
                            "content",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="transcripts",
                                to="courses.coursecontent",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "reports_voicetranscript",
                        "ordering": ["content", "language"],
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("content", "language"), name="transcript_content_lang_unique"
                            )
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(forwards, backwards),
    ]
