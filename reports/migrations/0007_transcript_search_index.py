"""A GIN index for the transcripts' full-text search (reports.transcripts.transcripts_matching), on
PostgreSQL only: the expression is the one Django writes for SearchVector("text", config="english")."""

from django.db import migrations

INDEX = "voice_transcript_search_idx"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {INDEX} ON reports_voicetranscript "
            "USING gin (to_tsvector('english'::regconfig, COALESCE(text, '')))"
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("reports", "0006_student_year_totals")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
