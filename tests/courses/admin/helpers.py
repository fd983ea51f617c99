"""Form data and URLs shared by the course admin tests."""

from django.urls import reverse


def change_url(course):
    return reverse("admin:courses_course_change", args=[course.pk])


def course_form_data(course, **overrides):
    """A complete POST for the course change form (inline management forms included)."""
    data = {
        "title": course.title,
        "slug": course.slug,
        "short_description": course.short_description,
        "description": course.description,
        "price": str(course.price),
        "currency": course.currency,
        "level": course.level,
        "language": course.language,
        "category": str(course.category_id or ""),
        "categories": [str(pk) for pk in course.categories.values_list("pk", flat=True)],
        "requirements": "",
        "learning_outcomes": "",
        "curriculum_summary": "",
    }
    for prefix in ("sections", "contents", "collaborators", "prices"):
        data |= {f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0", f"{prefix}-MAX_NUM_FORMS": "1000"}
    return data | overrides


def lesson_data(course, section, **overrides):
    data = {
        "course": str(course.pk),
        "section": str(section.pk),
        "title": "Lesson",
        "kind": "article",
        "order": "7",
        "description": "",
        "is_published": "on",
        "is_required": "on",
        "points": "0",
        "alt_text": "",
        "video_url": "",
        "article_body": "",
        "pass_mark": "70",
        "questions-TOTAL_FORMS": "0",
        "questions-INITIAL_FORMS": "0",
    }
    return data | overrides
