"""Links to the student player's preview mode, for the authoring pages (admin change page, course
outline, review page) and anything else that offers "Preview as a student".

The player and its preview pages belong to `learning` (`/learn/<slug>/preview/...`); courses sits below
learning, so it only reverses their URL names here, in one place (the same way the admin links a lesson's
file).  Who may open a preview is `courses.permissions.can_preview_course` (teachers, reviewers,
superusers); everyone else gets the 404 of an unknown course.  A preview shows the course as a student
would see it (published lessons, nothing locked) and records nothing: no progress, attempts, notes or
activity.
"""

from django.urls import reverse

from .models import Course, CourseContent


def course_preview_url(course: Course) -> str:
    """The player in preview mode at the course's first lesson (`learning:course_preview`)."""
    return reverse("learning:course_preview", kwargs={"slug": course.slug})


def lesson_preview_url(content: CourseContent, *, course: Course | None = None) -> str:
    """The player in preview mode at this lesson (`learning:lesson_preview`); unpublished lessons open too,
    marked as hidden from students.  Pass `course` when `content.course` is not loaded (saves a query)."""
    slug = (course or content.course).slug
    return reverse("learning:lesson_preview", kwargs={"slug": slug, "content_id": content.pk})
