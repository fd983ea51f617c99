"""SQLite cannot create DEFERRABLE unique constraints, so Django skips the ordering constraints there
(models.W038).  Create plain unique indexes instead on SQLite, checked at once, so development and
test databases refuse duplicate orders like PostgreSQL does (at commit).  No-op on PostgreSQL.
"""

from django.db import migrations

INDEXES = [
    ("courses_section_order_uniq_sqlite", "courses_coursesection", "course_id"),
    ("courses_content_order_uniq_sqlite", "courses_coursecontent", "section_id"),
    ("courses_question_order_uniq_sqlite", "courses_quizquestion", "content_id"),
]


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    for name, table, parent in INDEXES:
        schema_editor.execute(f'CREATE UNIQUE INDEX IF NOT EXISTS "{name}" ON "{table}" ("{parent}", "order")')


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    for name, _table, _parent in INDEXES:
        schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')


class Migration(migrations.Migration):
    dependencies = [("courses", "0004_coursereviewqueue")]

    operations = [migrations.RunPython(create, drop)]
