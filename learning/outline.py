"""Assignments in the course outline (courses.outline): registered by LearningConfig.ready().

Courses never imports learning, so learning adds its items to the outline through the registry that
courses offers.  Assignments belong to the whole course (not to a section) and are listed as students
see them: by due date, then title.
"""

from django.db.models import F
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from courses import permissions as course_permissions
from courses.outline import OutlineExtension, OutlineExtraItem, outline_extension_register

from .models import Assignment


def _details(assignment: Assignment) -> tuple[str, ...]:
    due = (
        f"due {formats.date_format(timezone.localtime(assignment.due_at), 'j M Y, H:i')}"
        if assignment.due_at
        else "no deadline"
    )
    late = ("late work accepted",) if assignment.allow_late else ()
    return (due, f"{assignment.points} points", *late)


def assignment_outline_items(course, user) -> list[OutlineExtraItem]:
    assignments = Assignment.objects.filter(course=course).order_by(F("due_at").asc(nulls_last=True), "title")
    staff = user is not None and course_permissions.is_course_staff(user, course)  # who may open the page
    return [
        OutlineExtraItem(
            id=a.pk,
            title=a.title,
            kind="assignment",
            kind_label="Assignment",
            edit_url=reverse("admin:learning_assignment_change", args=[a.pk]),
            delete_url=reverse("admin:learning_assignment_delete", args=[a.pk]),
            view_url=a.get_absolute_url() if staff else "",
            details=_details(a),
            is_published=a.is_published,
        )
        for a in assignments
    ]


def assignment_outline_add_url(course, user) -> str:
    if user is None or not user.has_perm("learning.add_assignment"):
        return ""
    if not course_permissions.can_edit_course(user, course):
        return ""
    return f"{reverse('admin:learning_assignment_add')}?{urlencode({'course': course.pk})}"


def register() -> None:
    outline_extension_register(
        OutlineExtension(
            key="assignments",
            label=_("Assignments"),
            kind_label="Assignment",
            description="Work students hand in for the whole course (a text or a file), graded by you.",
            icon="clipboard-check",
            items=assignment_outline_items,
            add_url=assignment_outline_add_url,
        )
    )
