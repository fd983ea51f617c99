"""Quizzes: starting an attempt (attempt limit, shuffled question order, deadline), grading it on the
server at submission (once: a conditional UPDATE), and the instructor's review of text answers."""

from __future__ import annotations

import datetime as dt
import re
import secrets
import unicodedata
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from courses.models import CourseContent, QuizQuestion
from courseworx.core.activity import activity_record
from courseworx.core.exceptions import ConflictError
from courseworx.core.models import Notification
from courseworx.core.notifications import notification_create
from courseworx.core.services import audit_log_create
from learning import permissions
from learning.models import Enrollment, LessonCompletion, QuizAttempt

from ._common import _access_enrollment, _check_lesson_open, _complete_lesson, _percent
from .gamification import gamification_on_quiz_passed

# A submission that arrives this long after the quiz's deadline is still accepted (network, clicks).
QUIZ_GRACE_SECONDS = 30


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


@transaction.atomic
def quiz_attempt_start(*, user: User, content: CourseContent) -> QuizAttempt:
    """Start an attempt (or return the one still open).  Refused when no attempts are left."""
    if content.kind != CourseContent.Kind.QUIZ:
        raise ValidationError(_("This lesson is not a quiz."), code="not_a_quiz")
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
            _("You have used all %(n)s attempts of this quiz."), code="attempts_exhausted",
            params={"n": content.max_attempts},
        )  # fmt: skip
    ids = [str(pk) for pk in content.questions.filter(is_active=True).order_by("order").values_list("id", flat=True)]
    if not ids:
        raise ValidationError(_("This quiz has no questions yet."), code="no_questions")
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
            _("Another attempt of this quiz was started at the same time."), code="concurrent_attempt"
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


def quiz_attempt_submit(*, attempt: QuizAttempt, user: User, answers: dict[str, Any]) -> QuizAttempt:
    """Grade and close an attempt.  Refused after the time limit (+ grace) and when submitted twice."""
    if attempt.user_id != user.pk:
        raise PermissionDenied(_("This is not your attempt."))
    now = timezone.now()
    if attempt.status != QuizAttempt.Status.IN_PROGRESS:
        raise ConflictError(_("This attempt has already been submitted."), code="already_submitted")
    if _is_past_deadline(attempt, now):
        with transaction.atomic():
            _expire_attempt(attempt)
        raise ValidationError(_("The time limit of this quiz has passed; the attempt was closed."), code="time_up")
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
        raise ConflictError(_("This attempt has already been submitted."), code="already_submitted")
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
    percent = None if attempt.needs_manual_grading else attempt.percent  # a score only once fully graded
    if percent is not None and (completion.score is None or percent > completion.score):
        changes["score"] = percent
    LessonCompletion.objects.filter(pk=completion.pk).update(**changes)
    if attempt.passed:
        _complete_lesson(enrollment=enrollment, content=content)
        gamification_on_quiz_passed(attempt=attempt)


@transaction.atomic
def quiz_attempt_grade(*, attempt: QuizAttempt, grader: User, points: dict[str, Decimal | int]) -> QuizAttempt:
    """The instructor scores the text answers of an attempt waiting for review (audited)."""
    attempt = QuizAttempt.objects.select_for_update().select_related("course", "content").get(pk=attempt.pk)
    if not permissions.can_grade_course(grader, attempt.course):
        raise PermissionDenied(_("You do not teach this course."))
    if attempt.status != QuizAttempt.Status.PENDING_REVIEW:
        raise ConflictError(_("This attempt is not waiting for grading."), code="not_pending")
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
        gamification_on_quiz_passed(attempt=attempt)
    notification_create(
        user=attempt.user,
        category=Notification.Category.GRADING,
        title=f"Your quiz “{attempt.content.title}” was graded",
        body=f"Score: {attempt.percent}% — {'passed' if attempt.passed else 'not passed'}.",
        url=reverse("learning:quiz_result", kwargs={"attempt_id": attempt.pk}),
    )
    return attempt
