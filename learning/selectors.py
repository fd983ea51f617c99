"""Learning read paths used by pages, API and dashboards: every list is a fixed number of queries."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from courses.models import Course, CourseContent, CourseSection, counted_lessons_q
from courses.permissions import can_preview_course

from . import permissions
from .models import (
    Assignment,
    AssignmentSubmission,
    Attendance,
    Enrollment,
    IssuedCertificate,
    LearningStreak,
    LessonCompletion,
    NoteTag,
    QuizAttempt,
    SavedCourse,
    UserNote,
)

# --- Enrolments --------------------------------------------------------------------------------


def with_lesson_progress(queryset: QuerySet[Enrollment]) -> QuerySet[Enrollment]:
    """Enrolments with their course's lesson numbers counted now, by the one rule of what counts
    (`courses.models.counted_lessons_q`, also behind the course page's and the API's `lesson_count`):

    - `lessons_total`: the course's lessons that count (the course page's "7 lessons");
    - `lessons_required`: those of them that are required (what completes the course);
    - `lessons_done`: the required ones this learner has completed ("2 of 6").

    Three subqueries in the same single query, whatever the number of enrolments.  The stored
    `required_total`/`completed_required` drive completion; pages and the API show these live numbers,
    which stay right when authors add, remove or unpublish lessons after the learner enrolled.
    """
    lessons = CourseContent.objects.filter(counted_lessons_q(), course_id=OuterRef("course_id")).order_by()
    total = lessons.values("course_id").annotate(n=Count("pk")).values("n")
    required = lessons.filter(is_required=True).values("course_id").annotate(n=Count("pk")).values("n")
    done = (
        LessonCompletion.objects.filter(
            counted_lessons_q("content"), content__is_required=True, completed=True,
            user_id=OuterRef("user_id"), course_id=OuterRef("course_id"),
        )
        .order_by()
        .values("course_id")
        .annotate(n=Count("pk"))
        .values("n")
    )  # fmt: skip
    return queryset.annotate(
        lessons_total=Coalesce(Subquery(total), 0),
        lessons_required=Coalesce(Subquery(required), 0),
        lessons_done=Coalesce(Subquery(done), 0),
    )


def enrollment_list(*, user: User) -> QuerySet[Enrollment]:
    return with_lesson_progress(
        Enrollment.objects.filter(user=user)
        .select_related("course", "course__instructor", "last_content")
        .order_by("-last_accessed_at", "-enrolled_at")
    )


def enrollment_for(*, user: User | AnonymousUser, course: Course) -> Enrollment | None:
    """The user's enrolment in `course` (any status) with its live lesson numbers, or None."""
    if not user.is_authenticated:
        return None
    return with_lesson_progress(Enrollment.objects.filter(user=user, course=course)).first()


def enrollment_get(*, user: User, enrollment_id) -> Enrollment:
    enrollment = enrollment_list(user=user).filter(pk=enrollment_id).first()
    if enrollment is None:
        raise Http404(_("No such enrolment."))
    return enrollment


def course_for_learning(*, slug: str, user: User | AnonymousUser) -> Course:
    """The course at `slug` if `user` may see it (permissions.can_see_course), else the same 404 as an
    unknown slug: a draft's slug reveals nothing."""
    course = Course.objects.select_related("instructor").filter(slug=slug).first()
    if course is None or not permissions.can_see_course(user, course):
        raise Http404(_("No such course."))
    return course


def course_for_learning_by_id_or_slug(*, value, user: User | AnonymousUser) -> Course:
    """As `course_for_learning`, given a course's id or its slug (the API accepts both)."""
    try:
        lookup = Q(pk=uuid.UUID(str(value)))
    except ValueError:
        lookup = Q(slug=value)
    course = Course.objects.select_related("instructor").filter(lookup).first()
    if course is None or not permissions.can_see_course(user, course):
        raise Http404(_("No such course."))
    return course


def course_for_preview(*, slug: str, user: User | AnonymousUser) -> Course:
    """The course at `slug` for the player's preview mode if `user` may preview it
    (`courses.permissions.can_preview_course`: its teachers, reviewers, superusers), else the 404 of an
    unknown slug: students (enrolled or not), other instructors and visitors learn nothing."""
    course = Course.objects.select_related("instructor").filter(slug=slug).first()
    if course is None or not can_preview_course(user, course):
        raise Http404(_("No such course."))
    return course


def free_preview_lesson(*, slug: str, content_id) -> CourseContent | None:
    """The lesson if anyone may open it without enrolling: a free-preview lesson (`is_preview`), published, in
    a published section of a published course (the course page lists it, so it reveals nothing); else None."""
    return (
        CourseContent.objects.select_related("course", "course__instructor", "section")
        .filter(
            pk=content_id, course__slug=slug, course__status=Course.Status.PUBLISHED, is_preview=True,
            is_published=True, section__is_published=True,
        )
        .first()
    )  # fmt: skip


def lesson_for_learning(
    *, user: User | AnonymousUser, content_id, slug: str | None = None, preview: bool = False
) -> CourseContent:
    """The lesson if `user` may see it (permissions.can_see_lesson), else the same 404 as an unknown id.

    Used by every page and API call that takes a lesson id, so that a draft course's lessons (or an
    unpublished lesson) reveal neither that they exist nor their type.  `preview=True` (the preview's
    lesson files): also any lesson of a course the user may preview (`can_preview_course`)."""
    qs = CourseContent.objects.select_related("course", "course__instructor", "section").filter(pk=content_id)
    if slug is not None:
        qs = qs.filter(course__slug=slug)
    content = qs.first()
    if content is None:
        raise Http404(_("No such lesson."))
    if not (permissions.can_see_lesson(user, content) or (preview and can_preview_course(user, content.course))):
        raise Http404(_("No such lesson."))
    return content


# --- The lesson player ---------------------------------------------------------------------------


@dataclass
class SyllabusLesson:
    content: CourseContent
    completed: bool
    locked_reason: str | None


@dataclass
class SyllabusSection:
    section: CourseSection
    lessons: list[SyllabusLesson] = field(default_factory=list)


@dataclass
class Player:
    course: Course
    content: CourseContent
    enrollment: Enrollment | None
    is_staff: bool
    sections: list[SyllabusSection]
    previous: CourseContent | None
    next: CourseContent | None
    completed_ids: set
    locked_reason: str | None
    note: UserNote | None
    completion: LessonCompletion | None
    # Preview mode (`lesson_player(preview=True)`): the course as a student sees it, nothing recorded.
    preview: bool = False
    # In preview: the open lesson is one students do not see (unpublished, or in an unpublished section).
    hidden_from_students: bool = False
    # In preview: the required lessons that count ("0 of 6"), as `with_lesson_progress` counts them.
    lessons_required: int = 0
    # The next lesson is locked for this viewer (a visitor on a free preview: "Enrol to continue").
    next_locked: bool = False

    @property
    def is_completed(self) -> bool:
        return self.content.pk in self.completed_ids


def lesson_locked_reason(
    content: CourseContent, *, course: Course, enrollment: Enrollment | None, is_staff: bool, today: dt.date
) -> str | None:
    """Why a lesson cannot be opened yet (None when it can)."""
    if is_staff:
        return None
    if enrollment is None or not enrollment.has_access:
        return None if (content.is_preview and course.is_published) else "Enrol to unlock this lesson."
    if course.start_date and course.start_date > today:
        return f"The course opens on {course.start_date:%d %B %Y}."
    available_from = (content.metadata or {}).get("available_from")
    if available_from:
        try:
            when = dt.date.fromisoformat(str(available_from))
        except ValueError:
            when = None
        if when and when > today:
            return f"Available from {when:%d %B %Y}."
    return None


def published_lessons(course_id) -> QuerySet[CourseContent]:
    return (
        CourseContent.objects.filter(course_id=course_id, is_published=True, section__is_published=True)
        .select_related("section")
        .order_by("section__order", "order")
    )


def lesson_player(*, user: User | AnonymousUser, slug: str, content_id, preview: bool = False) -> Player:
    """Everything the player page shows, in a fixed number of queries whatever the course's size.

    `preview=True` is the authors' and reviewers' "Preview as a student" (404 unless
    `can_preview_course`): the published lessons as an enrolled student with no progress sees them,
    nothing locked, no enrolment, completions or note of the previewer; a lesson students do not see
    may be opened directly (the outline links every item) and is marked `hidden_from_students`.
    """
    if preview:
        return _preview_player(user=user, slug=slug, content_id=content_id)
    course = course_for_learning(slug=slug, user=user)
    is_staff = permissions.is_course_staff(user, course)
    enrollment = enrollment_for(user=user, course=course)
    lessons = list(published_lessons(course.pk))
    if is_staff:  # course staff also see unpublished lessons they open directly
        current = next((c for c in lessons if c.pk == content_id), None) or (
            CourseContent.objects.select_related("section").filter(course=course, pk=content_id).first()
        )
    else:
        current = next((c for c in lessons if c.pk == content_id), None)
    if current is None:
        raise Http404(_("No such lesson."))
    current.course = course
    completions = {}
    if enrollment is not None:
        completions = {
            c.content_id: c for c in LessonCompletion.objects.filter(user_id=enrollment.user_id, course_id=course.pk)
        }
    completed_ids = {pk for pk, c in completions.items() if c.completed}
    today = timezone.localdate()
    sections: list[SyllabusSection] = []
    for lesson in lessons:
        if not sections or sections[-1].section.pk != lesson.section_id:
            sections.append(SyllabusSection(section=lesson.section))
        sections[-1].lessons.append(
            SyllabusLesson(
                content=lesson,
                completed=lesson.pk in completed_ids,
                locked_reason=lesson_locked_reason(
                    lesson, course=course, enrollment=enrollment, is_staff=is_staff, today=today
                ),
            )
        )
    index = next((i for i, c in enumerate(lessons) if c.pk == current.pk), None)
    previous = lessons[index - 1] if index else None
    following = lessons[index + 1] if index is not None and index + 1 < len(lessons) else None
    note = None
    if user.is_authenticated:
        note = UserNote.objects.filter(user=user, content=current).prefetch_related("tags").first()
    return Player(
        course=course,
        content=current,
        enrollment=enrollment,
        is_staff=is_staff,
        sections=sections,
        previous=previous,
        next=following,
        completed_ids=completed_ids,
        locked_reason=lesson_locked_reason(
            current, course=course, enrollment=enrollment, is_staff=is_staff, today=today
        ),
        note=note,
        completion=completions.get(current.pk),
        next_locked=following is not None
        and lesson_locked_reason(following, course=course, enrollment=enrollment, is_staff=is_staff, today=today)
        is not None,
    )


def _preview_player(*, user, slug: str, content_id) -> Player:
    course = course_for_preview(slug=slug, user=user)
    lessons = list(published_lessons(course.pk))
    current = next((c for c in lessons if c.pk == content_id), None)
    hidden = current is None
    if current is None:
        current = CourseContent.objects.select_related("section").filter(course=course, pk=content_id).first()
        if current is None:
            raise Http404(_("No such lesson."))
    current.course = course
    sections: list[SyllabusSection] = []
    for lesson in lessons:
        lesson.course = course
        if not sections or sections[-1].section.pk != lesson.section_id:
            sections.append(SyllabusSection(section=lesson.section))
        sections[-1].lessons.append(SyllabusLesson(content=lesson, completed=False, locked_reason=None))
    index = next((i for i, c in enumerate(lessons) if c.pk == current.pk), None)
    return Player(
        course=course,
        content=current,
        enrollment=None,
        is_staff=False,
        sections=sections,
        previous=lessons[index - 1] if index else None,
        next=lessons[index + 1] if index is not None and index + 1 < len(lessons) else None,
        completed_ids=set(),
        locked_reason=None,
        note=None,
        completion=None,
        preview=True,
        hidden_from_students=hidden,
        lessons_required=sum(1 for lesson in lessons if lesson.is_counted and lesson.is_required),
    )


def first_open_lesson(*, course: Course, enrollment: Enrollment | None) -> CourseContent | None:
    """Continue where the student left off, else the first lesson not yet completed, else the first."""
    if enrollment is not None and enrollment.last_content_id:
        last = published_lessons(course.pk).filter(pk=enrollment.last_content_id).first()
        if last is not None:
            return last
    lessons = published_lessons(course.pk)
    if enrollment is not None:
        done = LessonCompletion.objects.filter(user_id=enrollment.user_id, course_id=course.pk, completed=True)
        pending = lessons.exclude(pk__in=done.values("content_id")).first()
        if pending is not None:
            return pending
    return lessons.first()


# --- Notes -------------------------------------------------------------------------------------


def note_list(*, user: User, course: Course | None = None, tag: str | None = None) -> QuerySet[UserNote]:
    """The user's own notes (only ever theirs), with their tags prefetched: course-level notes (no lesson)
    first, newest first, then lesson notes in course order.  `tag` keeps notes carrying that tag (an
    EXISTS on the (user, name) index: a note is listed once whatever its tags)."""
    qs = (
        UserNote.objects.filter(user=user)
        .select_related("content", "content__section", "course")
        .prefetch_related("tags")
    )
    if course is not None:
        qs = qs.filter(course=course)
    if tag:
        name = " ".join(tag.replace("\x00", "").split()).lstrip("#").strip().lower()
        qs = qs.filter(Exists(NoteTag.objects.filter(user=user, name=name, note=OuterRef("pk"))))
    return qs.order_by(
        F("content__section__order").asc(nulls_first=True), F("content__order").asc(nulls_first=True), "-updated_at"
    )


def note_tag_counts(*, user: User, course: Course | None = None) -> list[tuple[str, int]]:
    """The user's tags with how many of their notes carry each (in this course when given): one query."""
    qs = NoteTag.objects.filter(user=user)
    if course is not None:
        qs = qs.filter(note__course=course)
    return [(row["name"], row["n"]) for row in qs.values("name").annotate(n=Count("id")).order_by("name")]


def note_get(*, user: User, note_id) -> UserNote:
    note = UserNote.objects.filter(user=user, pk=note_id).select_related("content", "course").first()
    if note is None:
        raise Http404(_("No such note."))
    return note


# --- Quizzes -----------------------------------------------------------------------------------


def quiz_attempt_list(
    *, user: User, content: CourseContent | None = None, course: Course | None = None
) -> QuerySet[QuizAttempt]:
    qs = QuizAttempt.objects.filter(user=user).select_related("content", "course")
    if content is not None:
        qs = qs.filter(content=content)
    if course is not None:
        qs = qs.filter(course=course)
    return qs.order_by("-started_at")


def quiz_attempt_get(*, user: User, attempt_id) -> QuizAttempt:
    """The student's own attempt, or one of a course they teach; anything else is a 404."""
    attempt = (
        QuizAttempt.objects.select_related("content", "course", "course__instructor", "user")
        .filter(pk=attempt_id)
        .first()
    )
    if attempt is None or not permissions.can_view_attempt(user, attempt):
        raise Http404(_("No such attempt."))
    return attempt


def quiz_attempt_completed_course(attempt: QuizAttempt) -> bool:
    """True when the attempt's learner completed its course with it (or after it): the result page says so."""
    if not attempt.passed or attempt.submitted_at is None:
        return False
    return Enrollment.objects.filter(
        user_id=attempt.user_id, course_id=attempt.course_id, status=Enrollment.Status.COMPLETED,
        completed_at__gte=attempt.submitted_at,
    ).exists()  # fmt: skip


def quiz_questions_for(attempt: QuizAttempt) -> list:
    """The attempt's questions in its stored (possibly shuffled) order.  One query."""
    questions = {str(q.pk): q for q in attempt.content.questions.filter(pk__in=attempt.question_order)}
    return [questions[qid] for qid in attempt.question_order if qid in questions]


def quiz_attempts_left(*, content: CourseContent, used: int) -> int | None:
    """How many more attempts the quiz allows after `used` (None: no limit)."""
    return None if content.max_attempts is None else max(0, content.max_attempts - used)


def pending_quiz_attempts(*, user: User, course: Course | None = None) -> QuerySet[QuizAttempt]:
    qs = QuizAttempt.objects.filter(status=QuizAttempt.Status.PENDING_REVIEW).filter(
        course__in=Course.objects.editable_by(user).values("pk")
    )
    if course is not None:
        qs = qs.filter(course=course)
    return qs.select_related("user", "content", "course").order_by("submitted_at")


# --- Assignments -------------------------------------------------------------------------------


def assignment_list_for_student(*, user: User, course: Course | None = None) -> QuerySet[Assignment]:
    active = Enrollment.objects.filter(user=user).active().values("course_id")
    qs = Assignment.objects.filter(is_published=True, course_id__in=active).select_related("course")
    if course is not None:
        qs = qs.filter(course=course)
    mine = AssignmentSubmission.objects.filter(assignment=OuterRef("pk"), user=user)
    return qs.annotate(
        my_status=Subquery(mine.values("status")[:1]),
        my_score=Subquery(mine.values("score")[:1]),
    ).order_by(Coalesce("due_at", timezone.now() + dt.timedelta(days=36500)), "title")


def assignment_get(*, user: User, assignment_id) -> tuple[Assignment, Enrollment | None]:
    assignment = Assignment.objects.select_related("course", "course__instructor").filter(pk=assignment_id).first()
    if assignment is None:
        raise Http404(_("No such assignment."))
    enrollment = enrollment_for(user=user, course=assignment.course)
    if not permissions.can_view_assignment(user, assignment, enrollment):
        raise Http404(_("No such assignment."))
    return assignment, enrollment


def submission_list_for_student(*, user: User) -> QuerySet[AssignmentSubmission]:
    return AssignmentSubmission.objects.filter(user=user).select_related("assignment", "course")


def submission_get(*, user: User, submission_id) -> AssignmentSubmission:
    submission = (
        AssignmentSubmission.objects.select_related("assignment", "course", "course__instructor", "user")
        .filter(pk=submission_id)
        .first()
    )
    if submission is None or not permissions.can_view_submission(user, submission):
        raise Http404(_("No such submission."))
    return submission


def grading_queue(
    *, user: User, course: Course | None = None, status: str | None = AssignmentSubmission.Status.SUBMITTED
) -> QuerySet[AssignmentSubmission]:
    qs = AssignmentSubmission.objects.filter(course__in=Course.objects.editable_by(user).values("pk"))
    if status:
        qs = qs.filter(status=status)
    if course is not None:
        qs = qs.filter(course=course)
    return qs.select_related("assignment", "course", "user").order_by("submitted_at")


def upcoming_assignments(*, user: User, limit: int = 5) -> list[Assignment]:
    now = timezone.now()
    submitted = AssignmentSubmission.objects.filter(assignment=OuterRef("pk"), user=user)
    return list(
        Assignment.objects.filter(
            is_published=True,
            due_at__gte=now,
            course_id__in=Enrollment.objects.filter(user=user, status=Enrollment.Status.ENROLLED).values("course_id"),
        )
        .annotate(submitted=Exists(submitted))
        .select_related("course")
        .order_by("due_at")[:limit]
    )


# --- Attendance --------------------------------------------------------------------------------


def attendance_for_student(*, user: User, course: Course | None = None) -> QuerySet[Attendance]:
    qs = Attendance.objects.filter(user=user).select_related("course")
    if course is not None:
        qs = qs.filter(course=course)
    return qs.order_by("-date")


def attendance_for_course(
    *, user: User, course: Course | None = None, date: dt.date | None = None
) -> QuerySet[Attendance]:
    qs = Attendance.objects.filter(course__in=Course.objects.editable_by(user).values("pk"))
    if course is not None:
        qs = qs.filter(course=course)
    if date is not None:
        qs = qs.filter(date=date)
    return qs.select_related("user", "course").order_by("-date", "user__last_name")


def attendance_sheet(*, course: Course, date: dt.date) -> list[tuple]:
    """(enrolment, attendance or None) for every enrolled student of a course on a date: 2 queries."""
    enrollments = list(
        Enrollment.objects.filter(course=course).holding_seat().select_related("user").order_by("user__last_name")
    )
    records = {a.user_id: a for a in Attendance.objects.filter(course=course, date=date, session=None)}
    return [(e, records.get(e.user_id)) for e in enrollments]


# --- Certificates ------------------------------------------------------------------------------


def certificate_list(*, user: User) -> QuerySet[IssuedCertificate]:
    return IssuedCertificate.objects.filter(user=user).select_related("course").order_by("-issued_at")


def certificate_get(*, user: User, certificate_id) -> IssuedCertificate:
    certificate = IssuedCertificate.objects.select_related("course", "user").filter(pk=certificate_id).first()
    if certificate is None or not permissions.can_view_certificate(user, certificate):
        raise Http404(_("No such certificate."))
    return certificate


def certificate_verification_url(certificate: IssuedCertificate) -> str:
    """The public page that checks the certificate (printed on its PDF)."""
    return settings.SITE_URL + reverse("learning:certificate_verify", kwargs={"code": certificate.code})


def certificate_by_code(*, code: str) -> IssuedCertificate:
    certificate = IssuedCertificate.objects.select_related("course").filter(code=code).first()
    if certificate is None:
        raise Http404(_("No certificate has this code."))
    return certificate


# --- Dashboards --------------------------------------------------------------------------------


@dataclass
class StudentDashboard:
    enrollments: list[Enrollment]
    upcoming: list[Assignment]
    certificates: list[IssuedCertificate]
    saved: list[SavedCourse]
    streak_days: int
    longest_streak: int
    continue_enrollment: Enrollment | None
    sessions_today: list = field(default_factory=list)
    attendance_rates: list = field(default_factory=list)


def student_dashboard(*, user: User) -> StudentDashboard:
    enrollments = list(
        enrollment_list(user=user)
        .exclude(status=Enrollment.Status.DROPPED)
        .order_by("status", "-last_accessed_at", "-enrolled_at")
    )
    streak = LearningStreak.objects.filter(user=user).first()
    today = timezone.localdate()
    current = 0
    if streak and streak.last_activity_date and streak.last_activity_date >= today - dt.timedelta(days=1):
        current = streak.current_days
    # The ongoing enrolment opened last: the list is ordered by status, then by last access, most recent first.
    continue_enrollment = next(
        (e for e in enrollments if e.status == Enrollment.Status.ENROLLED and e.last_accessed_at), None
    )
    return StudentDashboard(
        enrollments=enrollments,
        upcoming=upcoming_assignments(user=user),
        certificates=list(certificate_list(user=user)[:6]),
        saved=list(SavedCourse.objects.filter(user=user).select_related("course", "course__instructor")[:6]),
        streak_days=current,
        longest_streak=streak.longest_days if streak else 0,
        continue_enrollment=continue_enrollment,
        sessions_today=class_sessions_today(user=user),
        attendance_rates=attendance_rates_for_student(user=user),
    )


def instructor_courses(*, user: User) -> QuerySet[Course]:
    """The user's courses with live figures (subqueries, so the counts never multiply)."""
    pending = (
        AssignmentSubmission.objects.filter(course=OuterRef("pk"), status=AssignmentSubmission.Status.SUBMITTED)
        .order_by()
        .values("course")
        .annotate(n=Count("pk"))
        .values("n")
    )
    pending_quiz = (
        QuizAttempt.objects.filter(course=OuterRef("pk"), status=QuizAttempt.Status.PENDING_REVIEW)
        .order_by()
        .values("course")
        .annotate(n=Count("pk"))
        .values("n")
    )
    enrolled = (
        Enrollment.objects.filter(course=OuterRef("pk")).holding_seat().order_by().values("course")
        .annotate(n=Count("pk")).values("n")
    )  # fmt: skip
    completed = (
        Enrollment.objects.filter(course=OuterRef("pk"), status=Enrollment.Status.COMPLETED)
        .order_by()
        .values("course")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        Course.objects.editable_by(user)
        .annotate(
            pending_grading=Coalesce(Subquery(pending), 0) + Coalesce(Subquery(pending_quiz), 0),
            enrolled_now=Coalesce(Subquery(enrolled), 0),
            completed_now=Coalesce(Subquery(completed), 0),
            **course_attendance_annotations(),  # attendance_records, attendance_rate
        )
        .select_related("stats")
        .order_by("title")
    )


def students_of_course(*, course: Course) -> QuerySet[Enrollment]:
    return Enrollment.objects.filter(course=course).select_related("user").order_by("user__last_name")


def time_spent_by_student(*, course: Course) -> dict:
    """{user id: seconds spent on the course's lessons}: one grouped query."""
    rows = (
        LessonCompletion.objects.filter(course=course)
        .values("user_id")
        .order_by()
        .annotate(t=Sum("time_spent_seconds"))
    )
    return {r["user_id"]: r["t"] for r in rows}


def saved_course_ids(*, user: User | AnonymousUser) -> set:
    if not user.is_authenticated:
        return set()
    return set(SavedCourse.objects.filter(user=user).values_list("course_id", flat=True))


# Classroom sessions and attendance rates live in their own module (this one is near its size limit).
from .session_selectors import (  # noqa: E402, F401
    attendance_rates_for_course,
    attendance_rates_for_student,
    class_session_for_staff,
    class_session_for_user,
    class_sessions_for_course,
    class_sessions_for_course_with_counts,
    class_sessions_today,
    class_sessions_visible,
    course_attendance_annotations,
    session_attendance_for,
    session_attendance_sheet,
    session_signed_in,
)
