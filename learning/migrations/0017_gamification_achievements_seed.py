"""The standard achievements (staff may edit or deactivate them in the admin; this only adds missing ones)."""

import uuid

from django.db import migrations

STANDARD = [
    # slug, name, description, kind, threshold, points, order
    ("first-steps", "First steps", "Complete your first lesson.", "lessons_completed", 1, 5, 10),
    ("fifty-lessons", "Steady learner", "Complete 50 lessons.", "lessons_completed", 50, 50, 20),
    ("first-course", "Course finisher", "Complete your first course.", "courses_completed", 1, 25, 30),
    ("five-courses", "Dedicated learner", "Complete 5 courses.", "courses_completed", 5, 100, 40),
    ("streak-7", "On a roll", "Learn 7 days in a row.", "streak_days", 7, 20, 50),
    ("streak-30", "Unstoppable", "Learn 30 days in a row.", "streak_days", 30, 100, 60),
    ("perfect-quiz", "Perfect score", "Score 100 % on a quiz.", "perfect_quiz", 1, 15, 70),
    ("first-answer", "Helping hand", "Have an answer accepted in a discussion.", "first_accepted_answer", 1, 15, 80),
    ("first-review", "Critic", "Review a course you took.", "first_review", 1, 5, 90),
    ("points-500", "Rising star", "Earn 500 points.", "points_total", 500, 0, 100),
    ("points-2000", "Top learner", "Earn 2,000 points.", "points_total", 2000, 0, 110),
]


def seed(apps, schema_editor):
    Achievement = apps.get_model("learning", "Achievement")
    for slug, name, description, kind, threshold, points, order in STANDARD:
        Achievement.objects.get_or_create(
            slug=slug,
            defaults={
                "id": uuid.uuid4(),
                "name": name,
                "description": description,
                "criterion_kind": kind,
                "threshold": threshold,
                "points_reward": points,
                "order": order,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("learning", "0016_gamification")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
