"""Voice transcripts move to courses (courses 0007 takes them over): state only, the table and its
rows stay where they are."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0007_transcript_search_index"),
        ("courses", "0007_voicetranscript_from_reports"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="VoiceTranscript")],
            database_operations=[],
        ),
    ]
