"""Helpers shared by the course admin modules."""

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse

from .. import permissions
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
    try:
        base = course.get_absolute_url()
    except NoReverseMatch:  # the catalog's URLs are not mounted
        base = f"/courses/{course.slug}/"
    return f"{base}?preview=1"


def outline_url(course: Course) -> str:
    """The course's outline: its authors' first page in the admin."""
    return reverse("admin:courses_course_outline", args=[course.pk])


def lesson_preview_url(content: CourseContent) -> str:
    """The lesson in the student's player (`/learn/<slug>/<id>/`; course staff may open every lesson).

    The player belongs to `learning` (above courses): only its URL name is used, never its code.
    """
    try:
        return reverse("learning:lesson", kwargs={"slug": content.course.slug, "content_id": content.pk})
    except NoReverseMatch:  # the learning pages are not mounted
        return ""


def player_preview_url(course: Course) -> str:
    """The course in the student's player (its first lesson)."""
    try:
        return reverse("learning:course_home", kwargs={"slug": course.slug})
    except NoReverseMatch:
        return ""
