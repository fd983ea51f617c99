"""Who may see and do what in community: plain predicates shared by pages, the API, the admin and
the services.

Course membership = an enrolment with access (enrolled or completed), teaching the course (its
instructor or a co-author) or being staff of it (`courses.permissions.is_course_staff`: teachers and
superusers), or moderating.  Someone outside a course gets a
404 for its discussions (pages and API): their existence is not revealed.
"""

from django.db.models import Q
from rest_framework.permissions import BasePermission

from courses.models import Course, CourseContent
from courses.permissions import can_view_course, courses_taught_q, is_course_staff
from learning.models import Enrollment

from .models import Review, SupportTicket, Survey
from .selectors import FlagTarget, flag_target_course


def _active(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


# --- roles ---------------------------------------------------------------------------------------
def can_moderate(user) -> bool:
    return _active(user) and (user.is_superuser or user.has_perm("community.moderate_content"))


def can_handle_tickets(user) -> bool:
    """The Support group (and superusers): see every ticket, reply as staff, assign, change status."""
    return _active(user) and (user.is_superuser or user.has_perm("community.handle_ticket"))


def can_read_internal_docs(user) -> bool:
    return _active(user) and user.is_staff and (user.is_superuser or user.has_perm("community.view_internaldoc"))


# --- courses -------------------------------------------------------------------------------------
def active_enrollment(user, course: Course) -> Enrollment | None:
    """The user's enrolment with access to the course (cached per user and course), or None."""
    if not _active(user):
        return None
    cache = user.__dict__.setdefault("_cw_community_enrolment", {})
    if course.pk not in cache:
        cache[course.pk] = (
            Enrollment.objects.filter(user_id=user.pk, course_id=course.pk, status__in=Enrollment.ACCESS_STATUSES)
            .only("pk", "status", "course_id", "user_id")
            .first()
        )
    return cache[course.pk]


def is_course_member(user, course: Course) -> bool:
    if not _active(user):
        return False
    if can_moderate(user) or is_course_staff(user, course):
        return True
    return active_enrollment(user, course) is not None


def member_courses(user):
    """Courses the user takes (active enrolment), teaches or co-authors."""
    if not _active(user):
        return Course.objects.none()
    enrolled = Enrollment.objects.filter(user_id=user.pk, status__in=Enrollment.ACCESS_STATUSES).values("course_id")
    return Course.objects.filter(Q(pk__in=enrolled) | courses_taught_q(user))


# --- discussions ---------------------------------------------------------------------------------
def can_read_discussions(user, course: Course) -> bool:
    return is_course_member(user, course)


def can_post_in_course(user, course: Course) -> bool:
    """Membership only; mutes and rate limits are checked by the posting services."""
    return is_course_member(user, course)


def can_manage_thread(user, thread) -> bool:
    """Pin / lock: the course's teachers and moderators."""
    return can_moderate(user) or is_course_staff(user, thread.course)


def can_reply_to_thread(user, thread) -> bool:
    if not is_course_member(user, thread.course):
        return False
    return not thread.is_locked or can_manage_thread(user, thread)


def can_accept_answer(user, thread) -> bool:
    if not _active(user):
        return False
    return thread.author_id == user.pk or is_course_staff(user, thread.course)


def can_see_hidden(user, course: Course) -> bool:
    """Hidden content stays visible (marked) to moderators and the course's teachers."""
    return can_moderate(user) or is_course_staff(user, course)


# --- flags ---------------------------------------------------------------------------------------
def can_see_flag_target(user, target: FlagTarget) -> bool:
    """Who may see (and so flag) a thread, reply, review or lesson."""
    course = flag_target_course(target)
    if isinstance(target, Review):
        return can_view_course(user, course) and (not target.is_hidden or can_see_hidden(user, course))
    if isinstance(target, CourseContent):
        return can_view_course(user, course) and (
            is_course_member(user, course) or (target.is_preview and target.is_published)
        )
    if target.is_hidden and not can_see_hidden(user, course):
        return False
    return can_read_discussions(user, course)


# --- reviews -------------------------------------------------------------------------------------
def can_review_course(user, course: Course) -> bool:
    """Enrolled (or completed) students; never the course's own teachers."""
    if not _active(user) or is_course_staff(user, course):
        return False
    return active_enrollment(user, course) is not None


def can_reply_to_review(user, review) -> bool:
    return is_course_staff(user, review.course)


# --- messages ------------------------------------------------------------------------------------
def teaches_student(instructor, student) -> bool:
    """True when `student` has an active enrolment in a course `instructor` owns or co-authors."""
    if not (_active(instructor) and _active(student)) or instructor.pk == student.pk:
        return False
    return Enrollment.objects.filter(
        courses_taught_q(instructor, "course"), user_id=student.pk, status__in=Enrollment.ACCESS_STATUSES
    ).exists()


def is_conversation_participant(user, conversation) -> bool:
    return _active(user) and user.pk in (conversation.student_id, conversation.instructor_id)


# --- tickets -------------------------------------------------------------------------------------
def can_view_ticket(user, ticket) -> bool:
    return _active(user) and (ticket.requester_id == user.pk or can_handle_tickets(user))


def can_set_ticket_status(user, ticket, status: str) -> bool:
    """Support changes any status; the requester may close their ticket or reopen it once resolved.
    (Which transitions exist at all is the services' status machine, `TICKET_TRANSITIONS`.)"""
    if can_handle_tickets(user):
        return True
    requester_may = status == SupportTicket.Status.CLOSED or (
        status == SupportTicket.Status.OPEN and ticket.status == SupportTicket.Status.RESOLVED
    )
    return _active(user) and ticket.requester_id == user.pk and requester_may


def can_rate_ticket(user, ticket) -> bool:
    return (
        _active(user)
        and ticket.requester_id == user.pk
        and ticket.status in ("resolved", "closed")
        and ticket.satisfaction is None
    )


# --- surveys -------------------------------------------------------------------------------------
def can_build_surveys(user) -> bool:
    return _active(user) and (user.is_superuser or user.is_staff) and user.has_perm("community.add_survey")


def can_send_to_everyone(user) -> bool:
    """Surveys for all learners: staff other than instructors."""
    return _active(user) and (user.is_superuser or (user.is_staff and user.role == "admin"))


def can_edit_survey(user, survey) -> bool:
    if not _active(user):
        return False
    if user.is_superuser:
        return True
    if survey.course_id is None:
        return can_send_to_everyone(user) and user.has_perm("community.change_survey")
    return user.has_perm("community.change_survey") and (
        can_send_to_everyone(user) or is_course_staff(user, survey.course)
    )


def can_view_survey_results(user, survey) -> bool:
    return can_edit_survey(user, survey)


def can_answer_survey(user, survey) -> bool:
    if not _active(user) or not survey.is_published:
        return False
    if survey.course_id is None:
        return True
    return active_enrollment(user, survey.course) is not None


def surveys_editable_by(user):
    """Surveys this user may edit (admin changelist, results)."""

    if not _active(user):
        return Survey.objects.none()
    if user.is_superuser or can_send_to_everyone(user):
        return Survey.objects.all()
    return Survey.objects.filter(Q(course__in=Course.objects.editable_by(user)))


# --- DRF -----------------------------------------------------------------------------------------
class IsModerator(BasePermission):
    message = "Only moderators may do this."

    def has_permission(self, request, view) -> bool:
        return can_moderate(request.user)


class IsSupportStaff(BasePermission):
    message = "Only support staff may do this."

    def has_permission(self, request, view) -> bool:
        return can_handle_tickets(request.user)
