"""Template helpers of the course admin pages: `{% load course_admin %}`.

`{% course_review_banner course %}` shows the latest reviewer's note while a course has changes
requested (and where a course in review, or a revision, stands).  The course page shows it; other
admin pages of a course (the outline) include it the same way.
"""

from django import template

from courses import selectors

register = template.Library()


@register.inclusion_tag("courses/admin/includes/review_note.html")
def course_review_banner(course) -> dict:
    """The review banner of `course` (one query for its latest decision)."""
    if course is None or not getattr(course, "pk", None):
        return {"course": None}
    return {"course": course, "review": selectors.course_latest_decision(course)}
