"""Who may see and do what in learning: plain predicates shared by pages, API and admin.

"Course staff" are the course's instructor, its co-authors and superusers: the one rule of
`courses.permissions.is_course_staff` (re-exported here), and `Course.objects.editable_by(user)` for
the courses whose enrolments, submissions, attendance and grading the user manages.  A student only
ever sees their own notes, attempts, submissions and certificates; everything else is a 404.
"""

from courses.models import Course, CourseContent
from courses.permissions import can_preview_course as can_preview_course
from courses.permissions import can_view_course
from courses.permissions import is_course_staff as is_course_staff

from .models import (
    Assignment,
    AssignmentSubmission,
    CertificationExam,
    Enrollment,
    ExamAttempt,
    IssuedCertificate,
    QuizAttempt,
)


def _authenticated(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


def can_see_course(user, course: Course) -> bool:
    """Whether the course exists at all as far as `user` can tell (everything else answers "not found").

    Published courses: everyone.  Any other status (draft, in review, archived, a published course sent
    back to draft): its staff and reviewers, and students whose enrolment gives access, who keep
    learning in it.  Nobody else can tell such a course from a slug or id that does not exist.
    """
    if course.status == Course.Status.PUBLISHED:
        return True
    if not _authenticated(user):
        return False
    if is_course_staff(user, course) or can_view_course(user, course):
        return True
    return Enrollment.objects.filter(user=user, course_id=course.pk, status__in=Enrollment.ACCESS_STATUSES).exists()


def can_see_lesson(user, content: CourseContent) -> bool:
    """A lesson exists for `user` when its course does and it is published (course staff: every lesson)."""
    if is_course_staff(user, content.course):
        return True
    return content.is_published and can_see_course(user, content.course)


def is_free_preview(content: CourseContent) -> bool:
    """A lesson anyone may open without enrolling, visitors included (the course page links it)."""
    return content.is_preview and content.is_published and content.section.is_published and content.course.is_published


def can_open_lesson(user, content: CourseContent, enrollment: Enrollment | None) -> bool:
    """Enrolled students (enrolled or completed), course staff, and anyone (visitors too) for a free preview.

    Authors and reviewers who are not enrolled see lessons in the preview mode instead
    (`can_preview_course`, learning:lesson_preview), which records nothing."""
    if _authenticated(user) and enrollment is not None and enrollment.user_id == user.pk and enrollment.has_access:
        return content.is_published
    if is_course_staff(user, content.course):
        return True
    return is_free_preview(content)


def can_view_attempt(user, attempt: QuizAttempt) -> bool:
    if not _authenticated(user):
        return False
    return attempt.user_id == user.pk or is_course_staff(user, attempt.course)


def can_grade_course(user, course: Course) -> bool:
    return is_course_staff(user, course)


def can_view_submission(user, submission: AssignmentSubmission) -> bool:
    if not _authenticated(user):
        return False
    return submission.user_id == user.pk or is_course_staff(user, submission.course)


def can_view_assignment(user, assignment: Assignment, enrollment: Enrollment | None) -> bool:
    if not _authenticated(user):
        return False
    if is_course_staff(user, assignment.course):
        return True
    return assignment.is_published and enrollment is not None and enrollment.has_access


def can_view_certificate(user, certificate: IssuedCertificate) -> bool:
    """The holder and superusers (the public verify page shows only the summary)."""
    return _authenticated(user) and (certificate.user_id == user.pk or user.is_superuser)


def can_revoke_certificate(user) -> bool:
    return _authenticated(user) and (user.is_superuser or user.has_perm("learning.revoke_issuedcertificate"))


def can_record_attendance(user, course: Course) -> bool:
    return is_course_staff(user, course)


def can_manage_enrollment(user, course: Course | None) -> bool:
    """Staff with the permission (or superusers) suspend/reinstate enrolments; `course` is not consulted yet."""
    return _authenticated(user) and (user.is_superuser or user.has_perm("learning.manage_enrollment"))


def can_view_training_logs(user) -> bool:
    """The recommendation runs' logs (API, admin): superusers and staff given the model's view permission."""
    return _authenticated(user) and (user.is_superuser or user.has_perm("learning.view_aimodeltraininglog"))


def can_review_exams(user) -> bool:
    """Exam reviewers across the site: superusers and staff with `learning.review_examattempt` (the Reviewers
    group has it).  The instructors of an exam's course review that exam's attempts too (below)."""
    return _authenticated(user) and (user.is_superuser or user.has_perm("learning.review_examattempt"))


def can_review_exam(user, exam: CertificationExam) -> bool:
    if can_review_exams(user):
        return True
    return _authenticated(user) and exam.course_id is not None and is_course_staff(user, exam.course)


def can_review_exam_attempt(user, attempt: ExamAttempt) -> bool:
    """Who sees an attempt's answers and proctoring log and writes review notes (not the candidate)."""
    return can_review_exam(user, attempt.exam)


def can_invalidate_exam_attempt(user, attempt: ExamAttempt) -> bool:
    """Invalidating a passed attempt revokes its certificate: reviewers of the attempt who may also revoke
    certificates (superusers, `learning.revoke_issuedcertificate`)."""
    return can_review_exam_attempt(user, attempt) and can_revoke_certificate(user)
