"""Data: every course's existing (primary) category becomes one of its categories."""

from django.db import migrations


def copy_primary(apps, schema_editor):
    Course = apps.get_model("courses", "Course")
    Link = Course.categories.through
    rows = Course.objects.filter(category__isnull=False).values_list("pk", "category_id")
    Link.objects.bulk_create(
        [Link(course_id=pk, category_id=category_id) for pk, category_id in rows.iterator()],
        batch_size=1000,
        ignore_conflicts=True,
    )


class Migration(migrations.Migration):
    dependencies = [("courses", "0010_course_categories")]

    operations = [migrations.RunPython(copy_primary, migrations.RunPython.noop)]
