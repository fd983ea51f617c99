import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from learning import services
from learning.models import Enrollment, LessonCompletion, QuizAttempt
from tests.courses.factories import QuestionFactory, QuizContentFactory
from tests.factories import StudentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def quiz(course):
    quiz = QuizContentFactory(section=course.sections.first(), order=5, title="Check-up", pass_mark=75)
    QuestionFactory(content=quiz, order=1, question="Capital of France?", explanation="Paris since 987.")
    QuestionFactory(
        content=quiz,
        order=2,
        question="Pick primes",
        question_type="multiple_choice",
        options=["2", "3", "4"],
        correct_answers=["2", "3"],
    )
    QuestionFactory(
        content=quiz,
        order=3,
        question="Python is typed dynamically",
        question_type="true_false",
        options=["True", "False"],
        correct_answers=["True"],
    )
    QuestionFactory(
        content=quiz,
        order=4,
        question="Keyword to define a function?",
        question_type="text",
        options=[],
        correct_answers=["def"],
        points=2,
    )
    return quiz


def answers_for(attempt, correct=True):
    by_text = {q.question: q for q in attempt.content.questions.all()}
    good = {
        "Capital of France?": "Paris",
        "Pick primes": ["3", "2"],
        "Python is typed dynamically": "True",
        "Keyword to define a function?": "  DEF. ",
    }
    bad = {"Capital of France?": "London", "Pick primes": ["2"], "Python is typed dynamically": "False"}
    chosen = good if correct else bad
    return {str(by_text[t].pk): v for t, v in chosen.items()}


def test_all_four_question_types_are_graded_on_the_server(enrollment, student, quiz):
    attempt = services.quiz_attempt_start(user=student, content=quiz)
    attempt = services.quiz_attempt_submit(attempt=attempt, user=student, answers=answers_for(attempt))
    assert attempt.status == QuizAttempt.Status.SUBMITTED
    assert (attempt.score, attempt.max_score, attempt.percent) == (Decimal(5), Decimal(5), Decimal("100.00"))
    assert attempt.passed
    completion = LessonCompletion.objects.get(user=student, content=quiz)
    assert completion.completed and completion.attempts == 1 and completion.score == Decimal("100.00")
    enrollment.refresh_from_db()
    assert enrollment.completed_required == 1  # the passed quiz counts as a required lesson


def test_failed_quiz_does_not_complete_the_lesson(enrollment, student, quiz):
    attempt = services.quiz_attempt_start(user=student, content=quiz)
    attempt = services.quiz_attempt_submit(attempt=attempt, user=student, answers=answers_for(attempt, correct=False))
    assert not attempt.passed and attempt.percent == Decimal("0.00")
    assert not LessonCompletion.objects.get(user=student, content=quiz).completed


def test_second_submission_of_the_same_attempt_is_refused(enrollment, student, quiz):
    attempt = services.quiz_attempt_start(user=student, content=quiz)
    services.quiz_attempt_submit(attempt=attempt, user=student, answers=answers_for(attempt))
    stale = QuizAttempt.objects.get(pk=attempt.pk)
    stale.status = QuizAttempt.Status.IN_PROGRESS  # as if read before the first submission committed
    with pytest.raises(services.ConflictError):
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
        services.quiz_attempt_submit(attempt=attempt, user=student, answers=answers_for(attempt))
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
    attempt = services.quiz_attempt_submit(attempt=attempt, user=student, answers=answers_for(attempt))
    assert attempt.status == QuizAttempt.Status.PENDING_REVIEW and not attempt.passed
    text_id = next(qid for qid, r in attempt.results.items() if r["pending"])
    with pytest.raises(ValidationError):
        services.quiz_attempt_grade(attempt=attempt, grader=instructor, points={text_id: 5})
    attempt = services.quiz_attempt_grade(attempt=attempt, grader=instructor, points={text_id: 2})
    assert attempt.passed and attempt.percent == Decimal("100.00")
    assert LessonCompletion.objects.get(user=student, content=quiz).completed


def test_quiz_page_never_sends_correct_answers(client, enrollment, student, quiz):
    client.force_login(student)
    start = reverse("learning:quiz_start", args=[quiz.course.slug, quiz.pk])
    response = client.post(start)
    attempt = QuizAttempt.objects.get(user=student)
    assert response["Location"] == reverse("learning:quiz_attempt", args=[attempt.pk])
    html = client.get(response["Location"]).content.decode()
    assert "Capital of France?" in html
    assert "Paris since 987." not in html  # explanation only after submission
    assert 'value="def"' not in html

    post = {f"q_{qid}": v for qid, v in answers_for(attempt).items() if not isinstance(v, list)}
    primes = next(q for q in quiz.questions.all() if q.question == "Pick primes")
    data = {**post, f"q_{primes.pk}": ["2", "3"]}
    response = client.post(reverse("learning:quiz_attempt", args=[attempt.pk]), data)
    assert response["Location"] == reverse("learning:quiz_result", args=[attempt.pk])
    html = client.get(response["Location"]).content.decode()
    assert "Passed" in html and "Paris since 987." in html


def test_another_student_cannot_see_an_attempt(client, enrollment, student, quiz):
    attempt = services.quiz_attempt_start(user=student, content=quiz)
    other = StudentFactory()
    Enrollment.objects.create(user=other, course=quiz.course, enrolled_at=timezone.now())
    client.force_login(other)
    assert client.get(reverse("learning:quiz_attempt", args=[attempt.pk])).status_code == 404
    assert client.get(reverse("learning:quiz_result", args=[attempt.pk])).status_code == 404
