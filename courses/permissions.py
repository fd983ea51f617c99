"""Who may do what with a course: plain predicates shared by the admin, the API, pages and services.

"Teaches this course" is one rule for every app (learning, community and reports use it from here;
it lives in courses because it is defined by courses' own tables, and every app that needs it sits
above courses):

- `user_teaches_course(user, course)`: the user is the course's owner (`Course.instructor`) or a
  co-author (`InstructorCollaborator`), with an active account.  **Superusers are no exception**:
  a superuser teaches only the courses they own or co-author, so rules such as "a reviewer never
  decides a course they teach" or "teachers do not review their own course" stay true for them.
- `is_course_staff(user, course)`: the course's teachers **and superusers**.  This is the one place
  that lets superusers act for a course's teachers (grading, attendance, hidden posts, previews...).
- Query forms of the same two rules (`courses.models`): `courses_taught_q(user, prefix)` /
  `Course.objects.taught_by(user)`, and `course_staff_q(user, prefix)` / `Course.objects.editable_by(user)`;
  `course_teachers_q(courses)` reads the rule the other way round (who teaches these courses).

Authors (those who teach a course) edit it only while it is a draft or has changes requested: a
course in review is frozen for the reviewer, and a published course changes only through a new
review: a revision (a draft copy, `can_start_revision`, see `courses.services.revisions`) that is
applied to the live course when approved.  Superusers may edit any course.

Certificate templates follow their courses: an instructor creates templates and edits their own
while every course using it is a draft or has changes requested; once a course using it is in
review, published or archived the template is locked for them (a change then goes through the
course's review: restore a version into a draft, or pick an editable copy for the draft).
Templates without an owner (site templates) and the default template are for superusers only.
Reviewers see every template, read-only.
"""

from django.contrib.auth.models import AnonymousUser
from rest_framework.permissions import SAFE_METHODS, BasePermission

from .models import CertificateTemplate, Course, InstructorCollaborator
from .models import course_staff_q as course_staff_q  # the rule's query forms, re-exported
from .models import course_teachers_q as course_teachers_q
from .models import courses_taught_q as courses_taught_q

EDITABLE_STATUSES = frozenset({Course.Status.DRAFT, Course.Status.CHANGES_REQUESTED})
SUBMITTABLE_STATUSES = EDITABLE_STATUSES


def _active(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def user_teaches_course(user, course: Course) -> bool:
    """Owner or co-author (active accounts; superusers are no exception).

    No query for the owner or when the course's `collaborators` are prefetched; otherwise one query
    per course, remembered on the user object for the rest of the request.
    """
    if not _active(user):
        return False
    if course.instructor_id == user.pk:
        return True
    prefetched = getattr(course, "_prefetched_objects_cache", {})
    if "collaborators" in prefetched:
        return any(c.user_id == user.pk for c in prefetched["collaborators"])
    known = user.__dict__.setdefault("_cw_co_authored", {})
    if course.pk not in known:
        known[course.pk] = InstructorCollaborator.objects.filter(course_id=course.pk, user_id=user.pk).exists()
    return known[course.pk]


def is_course_staff(user, course: Course) -> bool:
    """The course's teachers and superusers: who may act for the course (grade, take attendance...)."""
    return _active(user) and (user.is_superuser or user_teaches_course(user, course))


def can_review_courses(user) -> bool:
    return _active(user) and (user.is_superuser or user.has_perm("courses.review_course"))


def can_edit_course(user, course: Course) -> bool:
    if not _active(user):
        return False
    if user.is_superuser:
        return True
    return course.status in EDITABLE_STATUSES and user_teaches_course(user, course)


def course_edit_lock(user, course: Course) -> tuple[str, str] | None:
    """Why someone who teaches `course` may not edit it right now, as (code, message); None when they may
    edit it, or when they do not teach it (that is a refusal, not a state: callers answer 404 or 403).

    The rule is `can_edit_course`; this only names the state that stops it.  A published course changes
    through a revision (`can_start_revision`, `courses.services.course_revision_start`), like in the admin.
    """
    if can_edit_course(user, course) or not is_course_staff(user, course):
        return None
    if course.status == Course.Status.PUBLISHED:
        return (
            "revision_required",
            "This course is published: start a revision of it and edit the revision; students keep the "
            "published course until the revision is approved.",
        )
    if course.status == Course.Status.IN_REVIEW:
        return "course_locked", "This course is in review: it cannot be changed until the reviewer decides."
    return "course_locked", f"This course is {course.get_status_display().lower()}: it cannot be changed."


def can_submit_course(user, course: Course) -> bool:
    return course.status in SUBMITTABLE_STATUSES and user_teaches_course(user, course)


def can_decide_course(user, course: Course) -> bool:
    """Approve or request changes: a reviewer (or superuser), never on their own course."""
    return (
        course.status == Course.Status.IN_REVIEW and can_review_courses(user) and not user_teaches_course(user, course)
    )


def can_view_course(user, course: Course) -> bool:
    """Published courses: everyone.  Otherwise authors, reviewers and superusers."""
    if course.status == Course.Status.PUBLISHED:
        return True
    user = user or AnonymousUser()
    return _active(user) and (user.is_superuser or can_review_courses(user) or user_teaches_course(user, course))


def can_preview_course(user, course: Course) -> bool:
    """Open the course in the student player's preview mode (whatever its status: draft, in review,
    published...): its teachers, reviewers and superusers.  Nobody else, not even its learners: a
    preview shows every lesson without enrolment, so it must never open a course to a student.
    The preview's pages are `courses.previews.course_preview_url` / `lesson_preview_url`."""
    return _active(user) and (user.is_superuser or can_review_courses(user) or user_teaches_course(user, course))


def can_delete_course(user, course: Course) -> bool:
    """The owner (or a superuser), only while the course is a draft that was never published."""
    if not _active(user) or course.status != Course.Status.DRAFT or course.published_at is not None:
        return False
    return user.is_superuser or course.instructor_id == user.pk


def can_restore_version(user, course: Course) -> bool:
    """Authors (or superusers) restore an approved version while the course is not in review or archived."""
    if course.status in (Course.Status.IN_REVIEW, Course.Status.ARCHIVED) or not _active(user):
        return False
    return user.is_superuser or user_teaches_course(user, course)


def can_start_revision(user, course: Course) -> bool:
    """Authors (or superusers) revise a published course through a draft revision (one at a time)."""
    if course.status != Course.Status.PUBLISHED or course.revision_of_id is not None or not _active(user):
        return False
    return user.is_superuser or user_teaches_course(user, course)


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
