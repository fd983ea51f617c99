"""Learning write paths.  Keyword-only, atomic, validated; side effects (tasks) go out on commit.

Lock order (always the same, so two transactions never wait on each other in a cycle):
    enrolment row  ->  course row  ->  quiz attempt / submission / certificate row
`enrollment_create` locks an existing enrolment first (a re-enrolment), then the course row (seat
limit); progress updates lock the enrolment, then touch the course counters (an UPDATE, which locks
the course row).
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import secrets
import unicodedata
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Avg, Count, F, Q, Value
from django.db.models.functions import Greatest
from django.urls import reverse
from django.utils import timezone

from courses import counters
from courses.counters import course_counters_adjust
from courses.models import Course, CourseContent, QuizQuestion
from courses.validators import validate_content_file
from courseworx.core.activity import activity_record
from courseworx.core.enqueue import enqueue_on_commit as _on_commit
from courseworx.core.exceptions import ConflictError
from courseworx.core.models import Notification
from courseworx.core.notifications import notification_create
from courseworx.core.services import audit_log_create
from courseworx.core.storage import file_delete_on_commit

from . import permissions, selectors
from .models import (
    Assignment,
    AssignmentSubmission,
    Attendance,
    CourseStats,
    Enrollment,
    IssuedCertificate,
    LearningStreak,
    LessonCompletion,
    QuizAttempt,
    SavedCourse,
    UserNote,
)

logger = logging.getLogger(__name__)

# A submission that arrives this long after the quiz's deadline is still accepted (network, clicks).
QUIZ_GRACE_SECONDS = 30
# One heartbeat may add at most this much time (the page sends one every 30 s).
MAX_HEARTBEAT_SECONDS = 120
CERTIFICATE_CODE_BYTES = 8  # secrets.token_urlsafe(8) -> 11 characters, 64 bits of randomness


def _percent(part, whole) -> Decimal:
    if not whole:
        return Decimal("100.00")
    value = Decimal(part) * 100 / Decimal(whole)
    return min(Decimal("100.00"), value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


# --- Enrolment ---------------------------------------------------------------------------------


# What `enrollment_check_eligible` may raise (ValidationError codes): stable, used by the API and by billing.
ELIGIBILITY_CODES = (
    "already_enrolled",
    "suspended",
    "not_published",
    "course_ended",
    "paid_course",
    "prerequisites",
    "course_full",
)
_LOOK_UP = object()


def enrollment_check_eligible(*, user, course: Course, source: str = "free", enrollment: Any = _LOOK_UP) -> None:
    """THE enrolment rules: raise ValidationError (code in ELIGIBILITY_CODES) when `user` may not enrol in
    `course` through `source` now.  Reads only.

    `enrollment_create` calls it under the course row lock (so the seat count is exact there); billing calls
    it before taking any payment (`billing.services.checkout_check`), and the course page to show why the
    Enrol/Buy button is disabled.  `enrollment` is the user's enrolment in the course if the caller has it
    (None: none); by default it is looked up.  `user=None` (a visitor) checks the course alone.
    """
    if user is not None and not getattr(user, "is_authenticated", True):
        user = None
    if enrollment is _LOOK_UP:
        enrollment = None if user is None else Enrollment.objects.filter(user=user, course_id=course.pk).first()
    if enrollment is not None:
        if enrollment.has_access:
            raise ValidationError("You already have access to this course.", code="already_enrolled")
        # A paid grant restores an enrolment suspended because a subscription lapsed (billing.enrolments.enrol);
        # any other suspension is a person's decision.
        if enrollment.status == Enrollment.Status.SUSPENDED and (
            source == Enrollment.Source.FREE or enrollment.source != Enrollment.Source.SUBSCRIPTION
        ):
            raise ValidationError("Your enrolment in this course is suspended; contact support.", code="suspended")
    if not course.is_published:
        raise ValidationError("This course is not open for enrolment.", code="not_published")
    today = timezone.localdate()
    if course.end_date and course.end_date < today:
        raise ValidationError("This course has ended; enrolment is closed.", code="course_ended")
    if source == Enrollment.Source.FREE and not course.is_free:
        raise ValidationError(
            "This is a paid course: buy it to enrol (free enrolment is not available).", code="paid_course"
        )
    if user is not None:
        missing = list(
            course.prerequisites.exclude(
                enrollments__user=user, enrollments__status=Enrollment.Status.COMPLETED
            ).values_list("title", flat=True)
        )
        if missing:
            raise ValidationError(
                "Complete the prerequisite course(s) first: %(titles)s.",
                code="prerequisites",
                params={"titles": ", ".join(missing)},
            )
    if course.max_students is not None:
        taken = Enrollment.objects.filter(course=course).holding_seat().count()
        if enrollment is not None and Enrollment.objects.filter(pk=enrollment.pk).holding_seat().exists():
            taken -= 1  # re-activating an enrolment that already holds its seat takes no new one
        if taken >= course.max_students:
            raise ValidationError("This course is full: all %(n)s seats are taken.", code="course_full",
                                  params={"n": course.max_students})  # fmt: skip


def _required_total(course_id) -> int:
    """The required lessons that count (courses.models.counted_lessons_q: the rule of every lesson number)."""
    return CourseContent.objects.counted().filter(course_id=course_id, is_required=True).count()


@transaction.atomic
def enrollment_create(*, user, course: Course, source: str = "free", payment: Any = None) -> Enrollment:
    """THE entry point for enrolment.  Free courses: source="free".  Billing calls this with
    source="purchase"/"subscription"/"bundle"/"employer" (and the payment) once paid; the price
    is then not checked.  Idempotent: an existing active enrolment is returned unchanged.
    """
    if source not in Enrollment.Source.values:
        raise ValueError(f"Unknown enrolment source {source!r}")
    existing = Enrollment.objects.select_for_update().filter(user=user, course_id=course.pk).first()
    if existing is not None and existing.has_access:
        return existing
    if existing is not None and existing.status == Enrollment.Status.SUSPENDED:
        raise ValidationError("Your enrolment in this course is suspended; contact support.", code="suspended")

    # Lock the course row: enrolments of one course are serialised, so the seat count below is exact.
    course = Course.objects.select_for_update().get(pk=course.pk)
    if existing is None:
        # Another request of the same user may have enrolled while we waited for the lock.
        existing = Enrollment.objects.filter(user=user, course=course).first()
        if existing is not None and existing.has_access:
            return existing
    enrollment_check_eligible(user=user, course=course, source=source, enrollment=existing)

    now = timezone.now()
    reference = str(getattr(payment, "pk", payment) or "")[:64]
    if existing is not None:  # re-enrolling after dropping: progress is kept
        existing.status = Enrollment.Status.ENROLLED
        existing.source = source
        existing.payment_reference = reference
        existing.dropped_at = None
        existing.required_total = _required_total(course.pk)
        existing.full_clean()
        existing.save(update_fields=["status", "source", "payment_reference", "dropped_at", "required_total",
                                     "updated_at"])  # fmt: skip
        enrollment = existing
    else:
        enrollment = Enrollment(
            user=user,
            course=course,
            source=source,
            payment_reference=reference,
            enrolled_at=now,
            required_total=_required_total(course.pk),
        )
        enrollment.full_clean()
        enrollment.save()
    course_counters_adjust(course_id=course.pk, enrolled=1)
    notification_create(
        user=user,
        category=Notification.Category.ENROLLMENT,
        title=f"You are enrolled in {course.title}",
        body="Start learning whenever you are ready.",
        url=reverse("learning:course_home", kwargs={"slug": course.slug}),
        email=False,
    )
    _enqueue_stats_refresh(course.pk)
    return enrollment


@transaction.atomic
def enrollment_drop(*, enrollment: Enrollment, user) -> Enrollment:
    """A student leaves a course they are enrolled in (completed courses stay completed)."""
    enrollment = Enrollment.objects.select_for_update().get(pk=enrollment.pk)
    if enrollment.user_id != user.pk:
        raise PermissionDenied("You can only drop your own enrolments.")
    if enrollment.status != Enrollment.Status.ENROLLED:
        raise ConflictError(
            "Only an ongoing enrolment can be dropped (this one is %(status)s).",
            code="not_droppable",
            params={"status": enrollment.get_status_display().lower()},
        )
    enrollment.status = Enrollment.Status.DROPPED
    enrollment.dropped_at = timezone.now()
    enrollment.save(update_fields=["status", "dropped_at", "updated_at"])
    course_counters_adjust(course_id=enrollment.course_id, enrolled=-1)
    _enqueue_stats_refresh(enrollment.course_id)
    return enrollment


_STAFF_TRANSITIONS = {
    Enrollment.Status.SUSPENDED: {Enrollment.Status.ENROLLED},
    Enrollment.Status.ENROLLED: {Enrollment.Status.SUSPENDED},
}


@transaction.atomic
def enrollment_set_status(*, enrollment: Enrollment, actor, status: str, reason: str) -> Enrollment:
    """Staff suspend an enrolment or reinstate a suspended one (audited)."""
    enrollment = Enrollment.objects.select_for_update().get(pk=enrollment.pk)
    if not permissions.can_manage_enrollment(actor, enrollment.course):
        raise PermissionDenied("You may not change enrolments.")
    return _enrollment_status_change(enrollment=enrollment, actor=actor, status=status, reason=reason)


@transaction.atomic
def enrollment_suspend_by_system(*, enrollment: Enrollment, reason: str) -> Enrollment:
    """The platform (not a person) suspends access, e.g. billing when a subscription expires."""
    enrollment = Enrollment.objects.select_for_update().get(pk=enrollment.pk)
    return _enrollment_status_change(
        enrollment=enrollment, actor=None, status=Enrollment.Status.SUSPENDED, reason=reason
    )


@transaction.atomic
def enrollment_restore_by_system(*, enrollment: Enrollment, reason: str) -> Enrollment:
    """The platform restores a suspended enrolment, e.g. billing when a subscription is renewed."""
    enrollment = Enrollment.objects.select_for_update().get(pk=enrollment.pk)
    return _enrollment_status_change(
        enrollment=enrollment, actor=None, status=Enrollment.Status.ENROLLED, reason=reason
    )


def _enrollment_status_change(*, enrollment: Enrollment, actor, status: str, reason: str) -> Enrollment:
    """Apply an allowed suspend/reinstate transition to a locked enrolment and audit it (actor None: the system)."""
    if not reason.strip():
        raise ValidationError({"reason": "Give a reason."})
    allowed = {k for k, targets in _STAFF_TRANSITIONS.items() if status in targets}
    if enrollment.status not in allowed:
        raise ConflictError(
            "An enrolment that is %(old)s cannot become %(new)s.",
            code="invalid_transition",
            params={"old": enrollment.status, "new": status},
        )
    old = enrollment.status
    enrollment.status = status
    enrollment.save(update_fields=["status", "updated_at"])
    # Course.enrollment_count counts enrolled and completed learners (see courses.counters): a suspended one
    # leaves it and comes back when reinstated.
    course_counters_adjust(course_id=enrollment.course_id, enrolled=-1 if status == Enrollment.Status.SUSPENDED else 1)
    _enqueue_stats_refresh(enrollment.course_id)
    audit_log_create(actor=actor, action=f"learning.enrollment_{status}", target=enrollment, reason=reason,
                     changes={"status": [old, status]})  # fmt: skip
    return enrollment


@transaction.atomic
def enrollment_grade_set(*, enrollment: Enrollment, actor, grade: Decimal | None, reason: str = "") -> Enrollment:
    """Set or override the final grade of an enrolment (audited)."""
    enrollment = Enrollment.objects.select_for_update().select_related("course").get(pk=enrollment.pk)
    if not (permissions.is_course_staff(actor, enrollment.course) or permissions.can_manage_enrollment(actor, None)):
        raise PermissionDenied("You may not grade this enrolment.")
    old = enrollment.grade
    enrollment.grade = grade
    enrollment.full_clean()
    enrollment.save(update_fields=["grade", "updated_at"])
    audit_log_create(
        actor=actor,
        action="learning.grade_override",
        target=enrollment,
        reason=reason,
        changes={"grade": [None if old is None else str(old), None if grade is None else str(grade)]},
    )
    return enrollment


def enrollment_touch(*, enrollment: Enrollment, content: CourseContent) -> None:
    """Remember the lesson a student opened last ("continue where you left off"); one UPDATE."""
    now = timezone.now()
    Enrollment.objects.filter(pk=enrollment.pk).update(last_content=content, last_accessed_at=now)
    learning_streak_record(user_id=enrollment.user_id, on=timezone.localdate(now))


# --- Progress ----------------------------------------------------------------------------------


def _access_enrollment(*, user, course_id, lock: bool = False) -> Enrollment:
    qs = Enrollment.objects.select_related("course")
    if lock:
        qs = qs.select_for_update(of=("self",))
    enrollment = qs.filter(user=user, course_id=course_id).first()
    if enrollment is None or not enrollment.has_access:
        raise PermissionDenied("Enrol in this course first.")
    return enrollment


def _complete_lesson(*, enrollment: Enrollment, content: CourseContent, score: Decimal | None = None) -> bool:
    """Mark a lesson complete (the enrolment row is locked by the caller).  True when newly completed."""
    completion, _ = LessonCompletion.objects.get_or_create(
        user_id=enrollment.user_id, content=content, defaults={"course_id": content.course_id}
    )
    now = timezone.now()
    newly = LessonCompletion.objects.filter(pk=completion.pk, completed=False).update(
        completed=True, completed_at=now, updated_at=now
    )
    if newly and content.is_required and content.is_counted:
        _progress_increment(enrollment=enrollment)
    if newly:
        user_id = enrollment.user_id
        transaction.on_commit(
            lambda: activity_record(
                user=user_id, event="lesson_complete", course_id=content.course_id, content_id=content.pk
            )
        )
    learning_streak_record(user_id=enrollment.user_id, on=timezone.localdate(now))
    return bool(newly)


def _progress_increment(*, enrollment: Enrollment) -> None:
    """One more required lesson done: F() increment, percentage, and completion of the course."""
    total = _required_total(enrollment.course_id)
    Enrollment.objects.filter(pk=enrollment.pk).update(
        completed_required=F("completed_required") + 1, required_total=total
    )
    enrollment.refresh_from_db(fields=["completed_required", "required_total", "status"])
    done = min(enrollment.completed_required, total)
    enrollment.progress_percent = _percent(done, total)
    fields = ["progress_percent", "updated_at"]
    if done >= total and enrollment.status == Enrollment.Status.ENROLLED:
        enrollment.status = Enrollment.Status.COMPLETED
        enrollment.completed_at = timezone.now()
        fields += ["status", "completed_at"]
        course_counters_adjust(course_id=enrollment.course_id, completed=1)
        _on_commit("learning.certificate_issue", str(enrollment.pk))
        _enqueue_stats_refresh(enrollment.course_id)
    enrollment.save(update_fields=fields)


def _check_lesson_open(*, content: CourseContent, enrollment: Enrollment) -> None:
    """The write paths enforce what the player shows: unpublished or not-yet-open lessons are refused."""
    if not (content.is_published and content.section.is_published):
        raise ValidationError("This lesson is not available.", code="unpublished")
    reason = selectors.lesson_locked_reason(
        content, course=content.course, enrollment=enrollment, is_staff=False, today=timezone.localdate()
    )
    if reason:
        raise ValidationError(reason, code="locked")


@transaction.atomic
def lesson_mark_complete(*, user, content: CourseContent) -> LessonCompletion:
    """The student's "mark complete" button.  Quizzes complete only by being passed."""
    if content.kind == CourseContent.Kind.QUIZ:
        raise ValidationError("Pass the quiz to complete this lesson.", code="quiz_not_passed")
    enrollment = _access_enrollment(user=user, course_id=content.course_id, lock=True)
    _check_lesson_open(content=content, enrollment=enrollment)
    _complete_lesson(enrollment=enrollment, content=content)
    return LessonCompletion.objects.get(user=user, content=content)


@transaction.atomic
def lesson_time_record(*, user, content: CourseContent, seconds: int) -> LessonCompletion:
    """Add time spent on a lesson (heartbeat), bounded per call."""
    seconds = max(0, min(int(seconds), MAX_HEARTBEAT_SECONDS))
    _access_enrollment(user=user, course_id=content.course_id)
    completion, _ = LessonCompletion.objects.get_or_create(
        user=user, content=content, defaults={"course_id": content.course_id}
    )
    if seconds:
        LessonCompletion.objects.filter(pk=completion.pk).update(
            time_spent_seconds=F("time_spent_seconds") + seconds, updated_at=timezone.now()
        )
        completion.refresh_from_db(fields=["time_spent_seconds"])
    return completion


def learning_streak_record(*, user_id, on: dt.date) -> None:
    """Count a day of learning: +1 when yesterday was active, reset to 1 otherwise (SQL updates)."""
    if not LearningStreak.objects.filter(user_id=user_id).exists():
        try:
            with transaction.atomic():
                LearningStreak.objects.create(user_id=user_id, current_days=1, longest_days=1, last_activity_date=on)
            return
        except IntegrityError:
            pass
    yesterday = on - dt.timedelta(days=1)
    continued = LearningStreak.objects.filter(user_id=user_id, last_activity_date=yesterday).update(
        current_days=F("current_days") + 1,
        longest_days=Greatest(F("longest_days"), F("current_days") + 1),
        last_activity_date=on,
        updated_at=timezone.now(),
    )
    if not continued:
        LearningStreak.objects.filter(user_id=user_id).filter(
            Q(last_activity_date__isnull=True) | Q(last_activity_date__lt=yesterday)
        ).update(
            current_days=1,
            longest_days=Greatest(F("longest_days"), Value(1)),
            last_activity_date=on,
            updated_at=timezone.now(),
        )


# --- Notes -------------------------------------------------------------------------------------


@transaction.atomic
def note_save(*, user, content: CourseContent, body: str, is_private: bool = True) -> UserNote | None:
    """Create or update the user's note on a lesson; an empty body deletes it (returns None)."""
    _access_enrollment_or_staff(user=user, content=content)
    body = (body or "").strip()
    if not body:
        UserNote.objects.filter(user=user, content=content).delete()
        return None
    note = UserNote.objects.filter(user=user, content=content).first() or UserNote(
        user=user, content=content, course_id=content.course_id
    )
    note.body = body
    note.is_private = is_private
    note.full_clean()
    note.save()
    return note


def note_delete(*, note: UserNote, user) -> None:
    if note.user_id != user.pk:
        raise PermissionDenied("You can only delete your own notes.")
    note.delete()


def _access_enrollment_or_staff(*, user, content: CourseContent) -> None:
    if permissions.is_course_staff(user, content.course):
        return
    _access_enrollment(user=user, course_id=content.course_id)


# --- Quizzes -----------------------------------------------------------------------------------


def _normalise_text(value: Any) -> str:
    text = unicodedata.normalize("NFKC", str(value or "")).casefold()
    text = re.sub(r"\s+", " ", text).strip()
    return text.strip(" .,;:!?\"'")


def _expire_attempt(attempt: QuizAttempt) -> None:
    QuizAttempt.objects.filter(pk=attempt.pk, status=QuizAttempt.Status.IN_PROGRESS).update(
        status=QuizAttempt.Status.EXPIRED, updated_at=timezone.now()
    )
    attempt.status = QuizAttempt.Status.EXPIRED


def _is_past_deadline(attempt: QuizAttempt, now) -> bool:
    return attempt.deadline_at is not None and now > attempt.deadline_at + dt.timedelta(seconds=QUIZ_GRACE_SECONDS)


def quiz_attempts_left(*, content: CourseContent, used: int) -> int | None:
    return None if content.max_attempts is None else max(0, content.max_attempts - used)


@transaction.atomic
def quiz_attempt_start(*, user, content: CourseContent) -> QuizAttempt:
    """Start an attempt (or return the one still open).  Refused when no attempts are left."""
    if content.kind != CourseContent.Kind.QUIZ:
        raise ValidationError("This lesson is not a quiz.", code="not_a_quiz")
    enrollment = _access_enrollment(user=user, course_id=content.course_id)
    _check_lesson_open(content=content, enrollment=enrollment)
    now = timezone.now()
    open_attempt = (
        QuizAttempt.objects.filter(user=user, content=content, status=QuizAttempt.Status.IN_PROGRESS)
        .order_by("-number")
        .first()
    )
    if open_attempt is not None:
        if not _is_past_deadline(open_attempt, now):
            return open_attempt
        _expire_attempt(open_attempt)
    used = QuizAttempt.objects.filter(user=user, content=content).count()
    if content.max_attempts is not None and used >= content.max_attempts:
        raise ValidationError(
            "You have used all %(n)s attempts of this quiz.", code="attempts_exhausted",
            params={"n": content.max_attempts},
        )  # fmt: skip
    ids = [str(pk) for pk in content.questions.filter(is_active=True).order_by("order").values_list("id", flat=True)]
    if not ids:
        raise ValidationError("This quiz has no questions yet.", code="no_questions")
    if content.shuffle_questions:
        secrets.SystemRandom().shuffle(ids)
    attempt = QuizAttempt(
        user=user,
        content=content,
        course_id=content.course_id,
        number=used + 1,
        started_at=now,
        deadline_at=now + dt.timedelta(minutes=content.time_limit_minutes) if content.time_limit_minutes else None,
        question_order=ids,
    )
    attempt.full_clean(validate_unique=False)
    try:
        with transaction.atomic():
            attempt.save()
    except IntegrityError as exc:  # a concurrent start took this attempt number
        raise ConflictError(
            "Another attempt of this quiz was started at the same time.", code="concurrent_attempt"
        ) from exc
    return attempt


def _grade_question(question: QuizQuestion, answer: Any, *, manual: bool) -> dict:
    given: list[str]
    if isinstance(answer, (list, tuple)):
        given = [str(a) for a in answer if a not in (None, "")]
    elif answer in (None, ""):
        given = []
    else:
        given = [str(answer)]
    result = {
        "question": question.question,
        "type": question.question_type,
        "options": question.options,
        "answer": given,
        "correct_answers": question.correct_answers,
        "explanation": question.explanation,
        "max": question.points,
        "points": 0,
        "correct": False,
        "pending": False,
    }
    qtype = question.question_type
    if qtype == QuizQuestion.Type.TEXT:
        if manual:
            result.update(pending=bool(given), correct=None)
            return result
        accepted = {_normalise_text(a) for a in question.correct_answers}
        correct = bool(given) and _normalise_text(given[0]) in accepted
    elif qtype == QuizQuestion.Type.MULTIPLE_CHOICE:
        correct = set(given) == set(question.correct_answers) and bool(given)
    else:  # single choice, true/false
        correct = len(given) == 1 and given[0] in question.correct_answers
    result["correct"] = correct
    result["points"] = question.points if correct else 0
    return result


def _attempt_totals(attempt: QuizAttempt, results: dict, pass_mark: int) -> dict:
    score = sum(Decimal(r["points"]) for r in results.values())
    max_score = sum(Decimal(r["max"]) for r in results.values())
    pending = any(r.get("pending") for r in results.values())
    percent = _percent(score, max_score) if max_score else Decimal("0.00")
    return {
        "score": score,
        "max_score": max_score,
        "percent": percent,
        "needs_manual_grading": pending,
        "passed": (not pending) and percent >= pass_mark,
        "status": QuizAttempt.Status.PENDING_REVIEW if pending else QuizAttempt.Status.SUBMITTED,
    }


def quiz_attempt_submit(*, attempt: QuizAttempt, user, answers: dict[str, Any]) -> QuizAttempt:
    """Grade and close an attempt.  Refused after the time limit (+ grace) and when submitted twice."""
    if attempt.user_id != user.pk:
        raise PermissionDenied("This is not your attempt.")
    now = timezone.now()
    if attempt.status != QuizAttempt.Status.IN_PROGRESS:
        raise ConflictError("This attempt has already been submitted.", code="already_submitted")
    if _is_past_deadline(attempt, now):
        with transaction.atomic():
            _expire_attempt(attempt)
        raise ValidationError("The time limit of this quiz has passed; the attempt was closed.", code="time_up")
    return _quiz_attempt_submit(attempt=attempt, answers=answers or {}, now=now)


@transaction.atomic
def _quiz_attempt_submit(*, attempt: QuizAttempt, answers: dict[str, Any], now) -> QuizAttempt:
    content = CourseContent.objects.select_related("course").get(pk=attempt.content_id)
    enrollment = _access_enrollment(user=attempt.user, course_id=content.course_id, lock=True)
    questions = {str(q.pk): q for q in QuizQuestion.objects.filter(pk__in=attempt.question_order)}
    results = {}
    kept_answers = {}
    for qid in attempt.question_order:
        question = questions.get(qid)
        if question is None:  # deleted since the attempt started: not counted
            continue
        kept_answers[qid] = answers.get(qid)
        results[qid] = _grade_question(question, answers.get(qid), manual=content.manual_grading)
    totals = _attempt_totals(attempt, results, content.pass_mark)
    updated = QuizAttempt.objects.filter(
        pk=attempt.pk, status=QuizAttempt.Status.IN_PROGRESS, submitted_at__isnull=True
    ).update(submitted_at=now, answers=kept_answers, results=results, updated_at=now, **totals)
    if not updated:
        raise ConflictError("This attempt has already been submitted.", code="already_submitted")
    attempt.refresh_from_db()
    _record_quiz_result(enrollment=enrollment, content=content, attempt=attempt)
    activity_record(
        user=attempt.user_id,
        event="quiz_submit",
        course_id=content.course_id,
        content_id=content.pk,
        data={"percent": str(attempt.percent)},
    )
    return attempt


def _record_quiz_result(*, enrollment: Enrollment, content: CourseContent, attempt: QuizAttempt) -> None:
    completion, _ = LessonCompletion.objects.get_or_create(
        user_id=attempt.user_id, content=content, defaults={"course_id": content.course_id}
    )
    changes: dict[str, Any] = {"attempts": F("attempts") + 1, "updated_at": timezone.now()}
    graded = attempt.percent is not None and not attempt.needs_manual_grading
    if graded and (completion.score is None or attempt.percent > completion.score):
        changes["score"] = attempt.percent
    LessonCompletion.objects.filter(pk=completion.pk).update(**changes)
    if attempt.passed:
        _complete_lesson(enrollment=enrollment, content=content)


@transaction.atomic
def quiz_attempt_grade(*, attempt: QuizAttempt, grader, points: dict[str, Decimal | int]) -> QuizAttempt:
    """The instructor scores the text answers of an attempt waiting for review (audited)."""
    attempt = QuizAttempt.objects.select_for_update().select_related("course", "content").get(pk=attempt.pk)
    if not permissions.can_grade_course(grader, attempt.course):
        raise PermissionDenied("You do not teach this course.")
    if attempt.status != QuizAttempt.Status.PENDING_REVIEW:
        raise ConflictError("This attempt is not waiting for grading.", code="not_pending")
    results = dict(attempt.results)
    errors = {}
    for qid, result in results.items():
        if not result.get("pending"):
            continue
        raw = points.get(qid)
        try:
            value = Decimal(str(raw))
        except (ArithmeticError, ValueError, TypeError):
            errors[qid] = "Enter the points for this answer."
            continue
        if value < 0 or value > result["max"]:
            errors[qid] = f"Between 0 and {result['max']} points."
            continue
        result = {**result, "points": float(value), "pending": False, "correct": value >= result["max"]}
        results[qid] = result
    if errors:
        raise ValidationError(errors)
    totals = _attempt_totals(attempt, results, attempt.content.pass_mark)
    for field, value in totals.items():
        setattr(attempt, field, value)
    attempt.results = results
    attempt.graded_by = grader
    attempt.graded_at = timezone.now()
    attempt.save()
    audit_log_create(actor=grader, action="learning.quiz_graded", target=attempt,
                     changes={"score": str(attempt.score), "passed": attempt.passed})  # fmt: skip
    enrollment = Enrollment.objects.select_for_update().get(user_id=attempt.user_id, course_id=attempt.course_id)
    LessonCompletion.objects.filter(user_id=attempt.user_id, content_id=attempt.content_id).filter(
        Q(score__isnull=True) | Q(score__lt=attempt.percent)
    ).update(score=attempt.percent)
    if attempt.passed and enrollment.has_access:
        _complete_lesson(enrollment=enrollment, content=attempt.content)
    notification_create(
        user=attempt.user,
        category=Notification.Category.GRADING,
        title=f"Your quiz “{attempt.content.title}” was graded",
        body=f"Score: {attempt.percent}% — {'passed' if attempt.passed else 'not passed'}.",
        url=reverse("learning:quiz_result", kwargs={"attempt_id": attempt.pk}),
    )
    return attempt


# --- Assignments -------------------------------------------------------------------------------


@transaction.atomic
def assignment_submit(*, user, assignment: Assignment, text: str = "", file=None) -> AssignmentSubmission:
    """Submit (or resubmit, until graded or the deadline) text and/or a file."""
    if not assignment.is_published:
        raise ValidationError("This assignment is not open.", code="unpublished")
    _access_enrollment(user=user, course_id=assignment.course_id)
    text = (text or "").strip()
    if not text and not file:
        raise ValidationError("Write an answer or attach a file.", code="empty")
    if file:
        try:
            validate_content_file(file, "document")
        except ValidationError as exc:
            raise ValidationError({"file": exc.messages}) from exc
    now = timezone.now()
    late = assignment.due_at is not None and now > assignment.due_at
    existing = AssignmentSubmission.objects.select_for_update().filter(assignment=assignment, user=user).first()
    if existing is not None and existing.status == AssignmentSubmission.Status.GRADED:
        raise ValidationError("This submission has been graded; it can no longer be changed.", code="graded")
    if late and not assignment.allow_late:
        raise ValidationError("The deadline has passed; this assignment does not accept late work.", code="late")
    if late and existing is not None:
        raise ValidationError("The deadline has passed; your submission can no longer be changed.", code="late")
    submission = existing or AssignmentSubmission(assignment=assignment, user=user, course_id=assignment.course_id)
    replaced = submission.file.name if (existing is not None and file and submission.file) else ""
    if existing is not None:
        submission.revision += 1
    submission.text = text
    if file:
        submission.file = file
    submission.submitted_at = now
    submission.is_late = late
    submission.full_clean(validate_unique=False)
    submission.save()
    if replaced and replaced != submission.file.name:
        # The previous file goes only once the new one is committed: a failed resubmission keeps it.
        storage = submission.file.storage
        transaction.on_commit(lambda: storage.delete(replaced))
    return submission


@transaction.atomic
def submission_grade(
    *, submission: AssignmentSubmission, grader, score: Decimal, feedback: str = ""
) -> AssignmentSubmission:
    """Grade a submission (score <= the assignment's points); a re-grade is an audited override."""
    submission = (
        AssignmentSubmission.objects.select_for_update(of=("self",))
        .select_related("assignment", "course", "user")
        .get(pk=submission.pk)
    )
    if not permissions.can_grade_course(grader, submission.course):
        raise PermissionDenied("You do not teach this course.")
    score = Decimal(str(score))
    if score < 0 or score > submission.assignment.points:
        raise ValidationError({"score": f"The score must be between 0 and {submission.assignment.points}."})
    was_graded = submission.status == AssignmentSubmission.Status.GRADED
    old_score = submission.score
    submission.score = score
    submission.feedback = feedback.strip()
    submission.status = AssignmentSubmission.Status.GRADED
    submission.graded_by = grader
    submission.graded_at = timezone.now()
    submission.full_clean(validate_unique=False)
    submission.save(update_fields=["score", "feedback", "status", "graded_by", "graded_at", "updated_at"])
    audit_log_create(
        actor=grader,
        action="learning.grade_override" if was_graded else "learning.submission_graded",
        target=submission,
        changes={"score": [str(old_score) if old_score is not None else None, str(score)]},
    )
    notification_create(
        user=submission.user,
        category=Notification.Category.GRADING,
        title=f"“{submission.assignment.title}” was graded",
        body=f"Score: {score} / {submission.assignment.points}.",
        url=reverse("learning:assignment", kwargs={"assignment_id": submission.assignment_id}),
    )
    return submission


# --- Attendance --------------------------------------------------------------------------------


@transaction.atomic
def attendance_check(*, course: Course, user, status: str, sign_in_at=None, sign_out_at=None) -> None:
    """Validate an attendance record without writing it (forms call it in clean())."""
    if not Enrollment.objects.filter(course=course, user=user).holding_seat().exists():
        raise ValidationError({"user": "This person is not enrolled in the course."}, code="not_enrolled")
    present = status not in (Attendance.Status.ABSENT, Attendance.Status.EXCUSED)
    if present and sign_in_at and sign_out_at and sign_out_at < sign_in_at:
        raise ValidationError({"sign_out_at": "Sign-out cannot be before sign-in."})


def attendance_record(
    *,
    course: Course,
    user,
    date: dt.date,
    status: str,
    recorded_by,
    sign_in_at: dt.time | None = None,
    sign_out_at: dt.time | None = None,
    note: str = "",
) -> Attendance:
    """Record (or correct) one student's attendance for a course date."""
    if not permissions.can_record_attendance(recorded_by, course):
        raise PermissionDenied("You do not teach this course.")
    attendance_check(course=course, user=user, status=status, sign_in_at=sign_in_at, sign_out_at=sign_out_at)
    if status in (Attendance.Status.ABSENT, Attendance.Status.EXCUSED):
        sign_in_at = sign_out_at = None
    duration = None
    if sign_in_at and sign_out_at:
        delta = dt.datetime.combine(date, sign_out_at) - dt.datetime.combine(date, sign_in_at)
        duration = int(delta.total_seconds() // 60)
    with transaction.atomic():
        record = Attendance.objects.select_for_update().filter(course=course, user=user, date=date).first()
        record = record or Attendance(course=course, user=user, date=date)
        record.status = status
        record.sign_in_at = sign_in_at
        record.sign_out_at = sign_out_at
        record.duration_minutes = duration
        record.note = note
        record.recorded_by = recorded_by
        record.full_clean(validate_unique=False)
        record.save()
    return record


def attendance_sheet_save(*, course: Course, date: dt.date, recorded_by, rows: list[dict[str, Any]]) -> int:
    """Record a day's attendance for several students at once: every row or none (one transaction).

    Each row has `user` and `status`, optionally `sign_in_at`, `sign_out_at`, `note`.  Every row is
    checked; refusals raise one ValidationError keyed by the student's id (str) with that row's
    messages, and nothing is saved.  Audited `attendance.sheet_save`.  Returns the number of rows.
    """
    if not permissions.can_record_attendance(recorded_by, course):
        raise PermissionDenied("You do not teach this course.")
    errors: dict[str, list[str]] = {}
    with transaction.atomic():
        for row in rows:
            try:
                attendance_record(course=course, date=date, recorded_by=recorded_by, **row)
            except ValidationError as exc:
                errors[str(row["user"].pk)] = exc.messages
        if errors:
            raise ValidationError(errors)  # inside the transaction: the rows already written are undone
        audit_log_create(
            actor=recorded_by,
            action="attendance.sheet_save",
            target=course,
            changes={"date": date.isoformat(), "students": [str(row["user"].pk) for row in rows]},
        )
    return len(rows)


# --- Certificates ------------------------------------------------------------------------------


def certificate_issue(*, enrollment_id) -> IssuedCertificate | None:
    """Create the certificate row of a completed enrolment (idempotent: one per enrolment)."""
    with transaction.atomic():
        enrollment = (
            Enrollment.objects.select_for_update(of=("self",))
            .select_related("user", "course", "course__certificate_template")
            .filter(pk=enrollment_id)
            .first()
        )
        if enrollment is None or enrollment.status != Enrollment.Status.COMPLETED:
            return None
        existing = IssuedCertificate.objects.filter(enrollment=enrollment).first()
        if existing is not None:
            return existing
        course = enrollment.course
        certificate = None
        for _ in range(5):  # a code collision (2^-64) is retried with a new code
            try:
                with transaction.atomic():
                    certificate = IssuedCertificate.objects.create(
                        enrollment=enrollment,
                        user=enrollment.user,
                        course=course,
                        template=course.certificate_template,
                        code=secrets.token_urlsafe(CERTIFICATE_CODE_BYTES),
                        holder_name=enrollment.user.get_full_name()[:120],
                        course_title=course.title[:200],
                        issued_at=enrollment.completed_at or timezone.now(),
                    )
                break
            except IntegrityError:
                if IssuedCertificate.objects.filter(enrollment=enrollment).exists():
                    return IssuedCertificate.objects.get(enrollment=enrollment)
        if certificate is None:
            raise RuntimeError("Could not generate a unique verification code.")
        notification_create(
            user=enrollment.user,
            category=Notification.Category.CERTIFICATE,
            title=f"Your certificate for {course.title} is ready",
            body="Congratulations on completing the course!",
            url=reverse("learning:certificate_detail", kwargs={"certificate_id": certificate.pk}),
        )
        return certificate


@transaction.atomic
def certificate_revoke(*, certificate: IssuedCertificate, actor, reason: str) -> IssuedCertificate:
    if not permissions.can_revoke_certificate(actor):
        raise PermissionDenied("You may not revoke certificates.")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Give the reason for revoking the certificate."})
    certificate = IssuedCertificate.objects.select_for_update().get(pk=certificate.pk)
    if certificate.status == IssuedCertificate.Status.REVOKED:
        raise ConflictError("This certificate is already revoked.", code="already_revoked")
    certificate.status = IssuedCertificate.Status.REVOKED
    certificate.revoked_at = timezone.now()
    certificate.revoked_reason = reason
    certificate.revoked_by = actor
    certificate.full_clean(validate_unique=False)
    certificate.save(update_fields=["status", "revoked_at", "revoked_reason", "revoked_by", "updated_at"])
    audit_log_create(actor=actor, action="learning.certificate_revoked", target=certificate, reason=reason)
    notification_create(
        user=certificate.user,
        category=Notification.Category.CERTIFICATE,
        title=f"Your certificate for {certificate.course_title} was revoked",
        body=reason,
    )
    return certificate


def certificate_verification_url(certificate: IssuedCertificate) -> str:
    return settings.SITE_URL + reverse("learning:certificate_verify", kwargs={"code": certificate.code})


def course_counters_recount(*, course_ids=None) -> int:
    """The catalog's learner and completion counters recounted from the enrolment rows (repairs, the
    demo): enrolments giving access count as learners, completed ones as completions.  One UPDATE."""
    return counters.course_counters_recount(
        enrolled=Enrollment.objects.filter(status__in=Enrollment.ACCESS_STATUSES),
        completed=Enrollment.objects.filter(status=Enrollment.Status.COMPLETED),
        course_ids=course_ids,
    )


# --- Statistics --------------------------------------------------------------------------------


def _enqueue_stats_refresh(course_id) -> None:
    _on_commit("learning.course_stats_refresh", str(course_id))


def course_stats_refresh(*, course_ids: list | None = None) -> int:
    """Recompute CourseStats with two grouped SQL aggregates and one bulk upsert.  Returns rows."""
    courses = Course.objects.all()
    if course_ids is not None:
        courses = courses.filter(pk__in=course_ids)
    ids = list(courses.values_list("pk", flat=True))
    if not ids:
        return 0
    dropped = Q(status=Enrollment.Status.DROPPED)
    enrolment_rows = {
        row["course_id"]: row
        for row in Enrollment.objects.filter(course_id__in=ids)
        .values("course_id")
        .order_by()
        .annotate(
            total=Count("pk"),
            active=Count("pk", filter=Q(status=Enrollment.Status.ENROLLED)),
            completed=Count("pk", filter=Q(status=Enrollment.Status.COMPLETED)),
            avg_progress=Avg("progress_percent", filter=~dropped),
        )
    }
    score_rows = dict(
        QuizAttempt.objects.filter(course_id__in=ids, status=QuizAttempt.Status.SUBMITTED)
        .values("course_id")
        .order_by()
        .annotate(avg=Avg("percent"))
        .values_list("course_id", "avg")
    )
    now = timezone.now()
    q2 = Decimal("0.01")
    stats = []
    for course_id in ids:
        row = enrolment_rows.get(course_id, {})
        total = row.get("total", 0)
        completed = row.get("completed", 0)
        avg_score = score_rows.get(course_id)
        stats.append(
            CourseStats(
                course_id=course_id,
                total_enrollments=total,
                active_enrollments=row.get("active", 0),
                completed_enrollments=completed,
                average_progress=Decimal(str(row.get("avg_progress") or 0)).quantize(q2),
                average_score=Decimal(str(avg_score)).quantize(q2) if avg_score is not None else None,
                completion_rate=_percent(completed, total) if total else Decimal("0.00"),
                refreshed_at=now,
            )
        )
    CourseStats.objects.bulk_create(
        stats,
        update_conflicts=True,
        unique_fields=["course"],
        update_fields=["total_enrollments", "active_enrollments", "completed_enrollments", "average_progress",
                       "average_score", "completion_rate", "refreshed_at", "updated_at"],
    )  # fmt: skip
    return len(stats)


# --- Saved courses -----------------------------------------------------------------------------


def saved_course_add(*, user, course: Course) -> SavedCourse:
    saved, _ = SavedCourse.objects.get_or_create(user=user, course=course)
    return saved


def saved_course_remove(*, user, course: Course) -> None:
    SavedCourse.objects.filter(user=user, course=course).delete()


# --- Personal data -----------------------------------------------------------------------------


def personal_data_anonymise_for_user(*, user) -> None:
    """Account deletion, learning's part: what the person wrote or uploaded goes, the figures stay.

    - notes and saved courses: deleted;
    - assignment submissions: text and file removed (the file is deleted on commit), the row, score and
      status kept (course statistics and grading history);
    - quiz attempts: answers removed, scores kept; attendance and enrolments: free-text notes removed;
    - issued certificates: the holder's name becomes "Deleted user" and the PDF (which shows the name)
      is deleted on commit; the row and its verification code stay (a verifier sees "Deleted user").
    Called by `reports.privacy.personal_data_delete` inside its transaction.
    """
    with transaction.atomic():
        UserNote.objects.filter(user=user).delete()
        submissions = AssignmentSubmission.objects.filter(user=user)
        file_delete_on_commit(*(s.file for s in submissions.exclude(file="").only("id", "file")))
        submissions.update(text="", file="", updated_at=timezone.now())
        QuizAttempt.objects.filter(user=user).update(answers={})
        Attendance.objects.filter(user=user).update(note="")
        Enrollment.objects.filter(user=user).update(notes="")
        certificates = IssuedCertificate.objects.filter(user=user)
        file_delete_on_commit(*(c.pdf for c in certificates.exclude(pdf="").only("id", "pdf")))
        certificates.update(holder_name="Deleted user", pdf="", updated_at=timezone.now())
        SavedCourse.objects.filter(user=user).delete()
