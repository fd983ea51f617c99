"""Who may do what with a course: plain predicates shared by the admin, the API, pages and services.

Authors are the owner (`Course.instructor`) and co-authors (`InstructorCollaborator`).  Authors edit
a course only while it is a draft or has changes requested: a course in review is frozen for the
reviewer, and a published course changes only through a new review (restore a version into a draft,
see `course_version_restore`).  Superusers may edit any course.

Certificate templates follow their courses: an instructor creates templates and edits their own
while every course using it is a draft or has changes requested; once a course using it is in
review, published or archived the template is locked for them (a change then goes through the
course's review: restore a version into a draft, or pick an editable copy for the draft).
Templates without an owner (site templates) and the default template are for superusers only.
Reviewers see every template, read-only.
"""

from django.contrib.auth.models import AnonymousUser
from rest_framework.permissions import SAFE_METHODS, BasePermission

from .models import CertificateTemplate, Course

EDITABLE_STATUSES = frozenset({Course.Status.DRAFT, Course.Status.CHANGES_REQUESTED})
SUBMITTABLE_STATUSES = EDITABLE_STATUSES


def _active(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def is_course_author(user, course: Course) -> bool:
    """Owner or co-author.  Uses prefetched `collaborators` when present (no query)."""
    if not _active(user):
        return False
    if course.instructor_id == user.pk:
        return True
    cache = getattr(course, "_prefetched_objects_cache", {})
    if "collaborators" in cache:
        return any(c.user_id == user.pk for c in cache["collaborators"])
    return course.collaborators.filter(user=user).exists()


def can_review_courses(user) -> bool:
    return _active(user) and (user.is_superuser or user.has_perm("courses.review_course"))


def can_edit_course(user, course: Course) -> bool:
    if not _active(user):
        return False
    if user.is_superuser:
        return True
    return course.status in EDITABLE_STATUSES and is_course_author(user, course)


def can_submit_course(user, course: Course) -> bool:
    return course.status in SUBMITTABLE_STATUSES and is_course_author(user, course)


def can_decide_course(user, course: Course) -> bool:
    """Approve or request changes: a reviewer (or superuser), never on their own course."""
    return course.status == Course.Status.IN_REVIEW and can_review_courses(user) and not is_course_author(user, course)


def can_view_course(user, course: Course) -> bool:
    """Published courses: everyone.  Otherwise authors, reviewers and superusers."""
    if course.status == Course.Status.PUBLISHED:
        return True
    user = user or AnonymousUser()
    return _active(user) and (user.is_superuser or can_review_courses(user) or is_course_author(user, course))


def can_delete_course(user, course: Course) -> bool:
    """The owner (or a superuser), only while the course is a draft that was never published."""
    if not _active(user) or course.status != Course.Status.DRAFT or course.published_at is not None:
        return False
    return user.is_superuser or course.instructor_id == user.pk


def can_restore_version(user, course: Course) -> bool:
    """Authors (or superusers) restore an approved version while the course is not in review or archived."""
    if course.status in (Course.Status.IN_REVIEW, Course.Status.ARCHIVED) or not _active(user):
        return False
    return user.is_superuser or is_course_author(user, course)


def can_archive_course(user, course: Course) -> bool:
    if course.status != Course.Status.PUBLISHED or not _active(user):
        return False
    return user.is_superuser or course.instructor_id == user.pk


def can_create_certificate_template(user) -> bool:
    return _active(user) and (user.is_superuser or user.has_perm("courses.add_certificatetemplate"))


def can_view_certificate_template(user, template: CertificateTemplate) -> bool:
    """Owners, reviewers and superusers; site templates (no owner) and the default one also to instructors,
    who may pick them for their courses."""
    if not _active(user):
        return False
    if user.is_superuser or template.owner_id == user.pk or can_review_courses(user):
        return True
    return (template.owner_id is None or template.is_default) and user.has_perm("courses.view_certificatetemplate")


def certificate_template_lock_reason(user, template: CertificateTemplate) -> str:
    """Why `user` may not edit `template` ("" when they may)."""
    if not _active(user):
        return "Sign in to edit certificate templates."
    if user.is_superuser:
        return ""
    if template.owner_id != user.pk:
        return "Only the template's owner (or an administrator) may edit it."
    if template.is_default:
        return "The default template is edited by administrators only."
    if template.is_locked():
        return (
            "This template is used by a course that is in review, published or archived, so it changes only "
            "through the course's review, like the course's content. Restore a version of the course into a "
            "draft to edit it, or make an editable copy (action “Make an editable copy”) for a draft course."
        )
    if not user.has_perm("courses.change_certificatetemplate"):
        return "You may not edit certificate templates."
    return ""


def can_edit_certificate_template(user, template: CertificateTemplate) -> bool:
    return not certificate_template_lock_reason(user, template)


# --- DRF ---------------------------------------------------------------------------------------


class IsCourseEditor(BasePermission):
    """Object level: reads need `can_view_course`, writes `can_edit_course` (obj is a Course or has .course)."""

    message = "You may not edit this course."

    def has_object_permission(self, request, view, obj) -> bool:
        course = obj if isinstance(obj, Course) else obj.course
        if request.method in SAFE_METHODS:
            return can_view_course(request.user, course)
        return can_edit_course(request.user, course)


class IsReviewer(BasePermission):
    message = "Only course reviewers may do this."

    def has_permission(self, request, view) -> bool:
        return can_review_courses(request.user)
