"""Authoring assignments: they are part of their course's content, so they follow its review lock.

Keyword-only and atomic, like `learning.services`.  An assignment is created, changed or deleted only by
someone who may edit its course right now (`courses.permissions.can_edit_course`: the course's authors
while it is a draft or has changes requested; superusers always), checked on the locked course row so a
change never slips in while the course is being submitted.  Acting without the right raises
`PermissionDenied` (with the reason); bad values raise `ValidationError` (the model's validation); an
assignment that students have already handed work in for is not deleted (`ConflictError`
`has_submissions`).  Students' submissions and grading are in `learning.services`.
"""

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from courses import permissions as course_permissions
from courses.models import Course
from courseworx.core.exceptions import ConflictError

from ..models import Assignment, AssignmentSubmission

# What authors set; the course is chosen once (an assignment does not move to another course).
ASSIGNMENT_FIELDS = ("title", "description", "due_at", "points", "is_published", "allow_late")


def assignment_lock_reason(*, user, course: Course) -> str | None:
    """Why `user` may not add or change the assignments of `course` now (None when they may)."""
    if course_permissions.can_edit_course(user, course):
        return None
    if not course_permissions.is_course_staff(user, course):
        return "You may not edit the assignments of this course."
    if course.status == Course.Status.IN_REVIEW:
        return "This course is in review: its assignments cannot be changed until the reviewer decides."
    return f"This course is {course.get_status_display().lower()}: its assignments cannot be changed."


def assignment_check(*, user, course: Course) -> None:
    """Raise PermissionDenied (with the reason) unless `user` may author `course`'s assignments now."""
    reason = assignment_lock_reason(user=user, course=course)
    if reason:
        raise PermissionDenied(reason)


def _lock_course(user, course_id) -> Course:
    course = Course.objects.select_for_update().get(pk=course_id)
    assignment_check(user=user, course=course)
    return course


def _apply(assignment: Assignment, data: dict[str, Any]) -> list[str]:
    unknown = sorted(set(data) - set(ASSIGNMENT_FIELDS))
    if unknown:
        raise ValidationError(dict.fromkeys(unknown, "This field cannot be set here."))
    for name, value in data.items():
        setattr(assignment, name, value)
    return list(data)


def assignment_create(*, course: Course, user, **fields) -> Assignment:
    assignment = Assignment(course=course, instructor=user)
    _apply(assignment, fields)
    with transaction.atomic():
        _lock_course(user, course.pk)
        assignment.full_clean()
        assignment.save()
    return assignment


def assignment_update(*, assignment: Assignment, user, data: dict[str, Any]) -> Assignment:
    changed = _apply(assignment, data)
    with transaction.atomic():
        _lock_course(user, assignment.course_id)
        assignment.full_clean()
        if changed:
            assignment.save(update_fields=[*changed, "updated_at"])
    return assignment


def assignment_delete(*, assignment: Assignment, user) -> None:
    with transaction.atomic():
        _lock_course(user, assignment.course_id)
        if AssignmentSubmission.objects.filter(assignment_id=assignment.pk).exists():
            raise ConflictError(
                _("Students have handed in work for this assignment: unpublish it instead of deleting it."),
                code="has_submissions",
            )
        Assignment.objects.filter(pk=assignment.pk).delete()
