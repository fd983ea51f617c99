"""learning.services.quizzes: attempts, server-side grading, manual review."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from courseworx.core.exceptions import ConflictError
from learning import services
from learning.models import LessonCompletion, QuizAttempt
from tests.learning.factories import quiz_answers

pytestmark = pytest.mark.django_db


def test_all_four_question_types_are_graded_on_the_server(enrollment, student, quiz):
    attempt = services.quiz_attempt_start(user=student, content=quiz)
    attempt = services.quiz_attempt_submit(attempt=attempt, user=student, answers=quiz_answers(attempt))
    assert attempt.status == QuizAttempt.Status.SUBMITTED
    assert (attempt.score, attempt.max_score, attempt.percent) == (Decimal(5), Decimal(5), Decimal("100.00"))
    assert attempt.passed
    completion = LessonCompletion.objects.get(user=student, content=quiz)
    assert completion.completed and completion.attempts == 1 and completion.score == Decimal("100.00")
    enrollment.refresh_from_db()
    assert enrollment.completed_required == 1  # the passed quiz counts as a required lesson


def test_failed_quiz_does_not_complete_the_lesson(enrollment, student, quiz):
    attempt = services.quiz_attempt_start(user=student, content=quiz)
    attempt = services.quiz_attempt_submit(attempt=attempt, user=student, answers=quiz_answers(attempt, correct=False))
    assert not attempt.passed and attempt.percent == Decimal("0.00")
    assert not LessonCompletion.objects.get(user=student, content=quiz).completed


def test_second_submission_of_the_same_attempt_is_refused(enrollment, student, quiz):
    attempt = services.quiz_attempt_start(user=student, content=quiz)
    services.quiz_attempt_submit(attempt=attempt, user=student, answers=quiz_answers(attempt))
    stale = QuizAttempt.objects.get(pk=attempt.pk)
    stale.status = QuizAttempt.Status.IN_PROGRESS  # as if read before the first submission committed
    with pytest.raises(ConflictError):
        services.quiz_attempt_submit(attempt=stale, user=student, answers={})
    assert LessonCompletion.objects.get(user=student, content=quiz).attempts == 1


def test_submission_after_the_time_limit_is_refused(enrollment, student, quiz):
    type(quiz).objects.filter(pk=quiz.pk).update(time_limit_minutes=10)
    quiz.refresh_from_db()
    attempt = services.quiz_attempt_start(user=student, content=quiz)
    QuizAttempt.objects.filter(pk=attempt.pk).update(
        started_at=timezone.now() - dt.timedelta(minutes=11), deadline_at=timezone.now() - dt.timedelta(minutes=1)
    )
    attempt.refresh_from_db()
    with pytest.raises(ValidationError, match="time limit"):
        services.quiz_attempt_submit(attempt=attempt, user=student, answers=quiz_answers(attempt))
    attempt.refresh_from_db()
    assert attempt.status == QuizAttempt.Status.EXPIRED and attempt.score is None


def test_attempt_limit_is_enforced(enrollment, student, quiz):
    type(quiz).objects.filter(pk=quiz.pk).update(max_attempts=2)
    quiz.refresh_from_db()
    for _ in range(2):
        attempt = services.quiz_attempt_start(user=student, content=quiz)
        services.quiz_attempt_submit(attempt=attempt, user=student, answers={})
    with pytest.raises(ValidationError, match="all 2 attempts"):
        services.quiz_attempt_start(user=student, content=quiz)


def test_open_attempt_is_resumed_not_duplicated(enrollment, student, quiz):
    first = services.quiz_attempt_start(user=student, content=quiz)
    assert services.quiz_attempt_start(user=student, content=quiz).pk == first.pk


def test_questions_are_shuffled_per_attempt_and_stored(enrollment, student, quiz):
    type(quiz).objects.filter(pk=quiz.pk).update(shuffle_questions=True)
    quiz.refresh_from_db()
    attempt = services.quiz_attempt_start(user=student, content=quiz)
    assert sorted(attempt.question_order) == sorted(str(pk) for pk in quiz.questions.values_list("pk", flat=True))


def test_manual_grading_queues_text_answers_for_the_instructor(enrollment, student, quiz, instructor):
    type(quiz).objects.filter(pk=quiz.pk).update(manual_grading=True)
    quiz.refresh_from_db()
    attempt = services.quiz_attempt_start(user=student, content=quiz)
    attempt = services.quiz_attempt_submit(attempt=attempt, user=student, answers=quiz_answers(attempt))
    assert attempt.status == QuizAttempt.Status.PENDING_REVIEW and not attempt.passed
    text_id = next(qid for qid, r in attempt.results.items() if r["pending"])
    with pytest.raises(ValidationError):
        services.quiz_attempt_grade(attempt=attempt, grader=instructor, points={text_id: 5})
    attempt = services.quiz_attempt_grade(attempt=attempt, grader=instructor, points={text_id: 2})
    assert attempt.passed and attempt.percent == Decimal("100.00")
    assert LessonCompletion.objects.get(user=student, content=quiz).completed
