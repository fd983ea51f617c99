"""Helpers shared by the course admin modules."""

from django.http import HttpRequest

from .. import permissions, previews
from ..models import (
    Course,
)


def _is_reviewer(request: HttpRequest) -> bool:
    return permissions.can_review_courses(request.user)


def _authored_courses(request: HttpRequest):
    """Courses the admin shows to this user: everything for reviewers/superusers, else their own."""
    if _is_reviewer(request):
        return Course.objects.all()
    return Course.objects.editable_by(request.user)


def preview_url(course: Course) -> str:
    """The link "Preview as a student": the player in preview mode (`courses.previews`)."""
    return previews.course_preview_url(course)
