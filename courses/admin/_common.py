"""Helpers shared by the course admin modules."""

from django.http import HttpRequest
from django.urls import reverse

from .. import permissions, previews
from ..models import (
    Course,
    CourseContent,
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


def outline_url(course: Course) -> str:
    """The course's outline: its authors' first page in the admin."""
    return reverse("admin:courses_course_outline", args=[course.pk])


def lesson_preview_url(content: CourseContent) -> str:
    """The lesson in the student's player, in preview mode (`courses.previews`: records nothing)."""
    return previews.lesson_preview_url(content)


def player_preview_url(course: Course) -> str:
    """The course in the student's player, in preview mode (its first lesson)."""
    return previews.course_preview_url(course)
