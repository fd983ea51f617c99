"""django-waffle's own flag tables are unused: `WAFFLE_FLAG_MODEL = "core.FeatureFlag"` swaps its Flag model
out, but waffle's migrations create the tables anyway.  Django no longer knows them, so `flush` (test
teardown of transactional tests, `manage.py flush`) leaves them out and PostgreSQL refuses to TRUNCATE
auth_group and the users table while `waffle_flag_groups` / `waffle_flag_users` point at them.  Drop them."""

from django.db import migrations

TABLES = ("waffle_flag_groups", "waffle_flag_users", "waffle_flag")


def drop_tables(apps, schema_editor):
    cascade = " CASCADE" if schema_editor.connection.vendor == "postgresql" else ""
    for table in TABLES:
        schema_editor.execute(f"DROP TABLE IF EXISTS {schema_editor.quote_name(table)}{cascade}")


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0007_outbound_webhooks"),
        # waffle's last migration touching its flag table: they must all have run (and never run again).
        ("waffle", "0004_update_everyone_nullbooleanfield"),
    ]

    operations = [migrations.RunPython(drop_tables, migrations.RunPython.noop)]
