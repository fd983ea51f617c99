"""Issue 19 §5: hostile quiz answers through the API (POST /api/v1/quiz-attempts/<id>/submit/) and the
quiz page's form: answers of the wrong type, to unknown question ids, over-long, with NUL or any unicode —
a 400 naming `answers` and the attempt still open (nothing graded), or, for text that is a fair answer,
graded; never a 500.  Strategies and checks: tests/bad_input.py."""

import uuid

import pytest
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st
from rest_framework.test import APIClient

from learning import services
from learning.models import LessonCompletion, QuizAttempt
from tests.bad_input import (
    assert_api_clean,
    assert_api_refused,
    counts,
    lone_surrogate,
    nul_text,
    over_long,
    post_json,
    unicode_text,
)
from tests.courses.factories import PublishedCourseFactory, QuestionFactory, QuizContentFactory, SectionFactory
from tests.factories import StudentFactory
from tests.learning.factories import EnrollmentFactory

pytestmark = pytest.mark.django_db

MODELS = (QuizAttempt, LessonCompletion)


@pytest.fixture
def quiz():
    course = PublishedCourseFactory()
    quiz = QuizContentFactory(section=SectionFactory(course=course), pass_mark=50, max_attempts=None)
    QuestionFactory(content=quiz)
    QuestionFactory(content=quiz, question_type="multiple_choice", options=["a", "b", "c"], correct_answers=["a", "b"])
    QuestionFactory(content=quiz, question_type="text", options=[], correct_answers=["hello"])
    return quiz


@pytest.fixture
def learner(quiz):
    student = StudentFactory()
    EnrollmentFactory(user=student, course=quiz.course)
    return student


@pytest.fixture
def api(learner) -> APIClient:
    client = APIClient()
    client.force_authenticate(learner)
    return client


def _attempt(learner, quiz) -> QuizAttempt:
    open_attempt = QuizAttempt.objects.filter(user=learner, content=quiz, status="in_progress").first()
    return open_attempt or services.quiz_attempt_start(user=learner, content=quiz)


def _submit(api, attempt, body) -> tuple:
    before = counts(MODELS)
    status_before = QuizAttempt.objects.get(pk=attempt.pk).status
    response = post_json(api, reverse("api:learning-quiz-submit", args=[attempt.pk]), body)
    after = counts(MODELS)
    if response.status_code >= 400:
        assert QuizAttempt.objects.get(pk=attempt.pk).status == status_before == "in_progress"
    return response, before, after


wrong_answer = st.one_of(
    st.integers(),
    st.floats(allow_nan=False),
    st.booleans(),
    st.dictionaries(st.text(max_size=5), st.text(max_size=5), min_size=1, max_size=3),
    st.lists(st.one_of(st.integers(), st.none(), st.booleans(), st.lists(st.text(max_size=3))), min_size=1, max_size=4),
    over_long(2000),
    st.lists(over_long(2000), min_size=1, max_size=2),
    lone_surrogate,
    st.lists(lone_surrogate, min_size=1, max_size=2),
)


@given(answer=wrong_answer, which=st.integers(0, 2))
def test_answers_of_the_wrong_type_or_size_are_refused(api, learner, quiz, answer, which):
    attempt = _attempt(learner, quiz)
    qid = attempt.question_order[which]
    response, before, after = _submit(api, attempt, {"answers": {qid: answer}})
    assert_api_refused(response, "answers", before, after)


@given(qid=st.one_of(st.uuids().map(str), unicode_text, st.sampled_from(["", "0", "-1", "__proto__", "null"])))
def test_answers_to_unknown_questions_are_refused(api, learner, quiz, qid):
    attempt = _attempt(learner, quiz)
    response, before, after = _submit(api, attempt, {"answers": {qid: "Paris"}})
    assert_api_refused(response, "answers", before, after)


@given(
    body=st.one_of(
        st.none(),
        st.text(max_size=20),
        st.lists(st.text(max_size=5), max_size=3),
        st.integers(),
        st.fixed_dictionaries(
            {"answers": st.one_of(st.none(), st.text(max_size=5), st.lists(st.integers()), st.integers())}
        ),
    )
)
def test_a_body_that_is_not_an_answers_object_is_refused(api, learner, quiz, body):
    attempt = _attempt(learner, quiz)
    response, before, after = _submit(api, attempt, body)
    assert response.status_code == 400, response.content
    assert before == after


@given(answer=st.one_of(nul_text, st.lists(nul_text, min_size=1, max_size=2)))
def test_nul_characters_in_answers_are_refused(api, learner, quiz, answer):
    attempt = _attempt(learner, quiz)
    response, before, after = _submit(api, attempt, {"answers": {attempt.question_order[2]: answer}})
    assert_api_refused(response, "answers", before, after)


@given(answer=st.one_of(unicode_text, st.lists(unicode_text, max_size=3)))
def test_any_unicode_answer_is_graded_not_a_500(api, learner, quiz, answer):
    attempt = _attempt(learner, quiz)
    response, before, after = _submit(api, attempt, {"answers": dict.fromkeys(attempt.question_order, answer)})
    assert_api_clean(response, before, after)
    if response.status_code == 200:
        assert QuizAttempt.objects.get(pk=attempt.pk).status != "in_progress"


# --- regression tests of the defects found (issue 19 §5) --------------------------------------------
def test_regression_an_answer_to_a_question_not_in_the_attempt_is_a_400(api, learner, quiz):
    """Was: 200, the unknown id silently dropped and the attempt closed with 0 points."""
    attempt = _attempt(learner, quiz)
    response = api.post(
        reverse("api:learning-quiz-submit", args=[attempt.pk]), {"answers": {str(uuid.uuid4()): "x"}}, format="json"
    )
    assert response.status_code == 400
    assert "answers" in response.json()["error"]["fields"]
    assert QuizAttempt.objects.get(pk=attempt.pk).status == "in_progress"


def test_regression_a_non_text_answer_is_a_400_not_graded_wrong(api, learner, quiz):
    """Was: 200, {"a": 1} or 42 stored as the answer and graded as a wrong answer; a lone surrogate a 500 on
    PostgreSQL (jsonb cannot hold it)."""
    attempt = _attempt(learner, quiz)
    for answer in ({"a": 1}, 42, True, [["Paris"]], "x" * 2001, "Par\ud800is"):
        response = post_json(
            api,
            reverse("api:learning-quiz-submit", args=[attempt.pk]),
            {"answers": {attempt.question_order[0]: answer}},
        )
        assert response.status_code == 400, answer
        assert "answers" in response.json()["error"]["fields"]
    assert QuizAttempt.objects.get(pk=attempt.pk).status == "in_progress"


def test_null_and_list_answers_are_still_accepted(api, learner, quiz):
    attempt = _attempt(learner, quiz)
    first, multi, text = attempt.question_order
    response = api.post(
        reverse("api:learning-quiz-submit", args=[attempt.pk]),
        {"answers": {first: None, multi: ["a", "b"], text: "Hello"}},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["results"][multi]["correct"] is True
    assert response.json()["results"][text]["correct"] is True
