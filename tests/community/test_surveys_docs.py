"""Surveys (built in the admin by staff and instructors, answered once, results summary) and the
staff-only internal docs."""

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404
from django.urls import reverse

from community import selectors, services
from community.models import InternalDoc, Survey, SurveyQuestion
from learning import services as learning_services
from tests.community.factories import SurveyFactory, SurveyQuestionFactory
from tests.courses.factories import PublishedCourseFactory
from tests.factories import StudentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def survey(course, instructor):
    survey = SurveyFactory(audience="course", course=course, created_by=instructor)
    SurveyQuestionFactory(survey=survey, text="How clear?", kind="rating", order=1)
    SurveyQuestionFactory(survey=survey, text="Pace?", kind="single_choice", options=["Slow", "Right", "Fast"], order=2)
    SurveyQuestionFactory(survey=survey, text="Anything else?", kind="text", required=False, order=3)
    return survey


def _answers(survey, rating="4", choice="Right", text="More <b>exercises</b>"):
    q = {q.kind: str(q.pk) for q in survey.questions.all()}
    return {q["rating"]: rating, q["single_choice"]: choice, q["text"]: text}


def test_answer_once_and_results(course, survey, enrolled):
    services.survey_answer(user=enrolled, survey=survey, answers=_answers(survey))
    with pytest.raises(ValidationError, match="already answered"):
        services.survey_answer(user=enrolled, survey=survey, answers=_answers(survey))
    other = StudentFactory()
    learning_services.enrollment_create(user=other, course=course)
    services.survey_answer(user=other, survey=survey, answers=_answers(survey, rating="2", choice="Fast", text=""))
    survey.refresh_from_db()
    assert survey.response_count == 2
    results = {r["question"].kind: r for r in selectors.survey_results(survey=survey)}
    assert results["rating"]["average"] == 3.0
    assert {c["label"]: c["count"] for c in results["single_choice"]["choices"]} == {"Slow": 0, "Right": 1, "Fast": 1}
    assert [t["text"] for t in results["text"]["texts"]] == ["More <b>exercises</b>"]


def test_invalid_answers(survey, enrolled):
    with pytest.raises(ValidationError):
        services.survey_answer(user=enrolled, survey=survey, answers=_answers(survey, rating="9"))
    with pytest.raises(ValidationError):
        services.survey_answer(user=enrolled, survey=survey, answers=_answers(survey, choice="Nope"))
    with pytest.raises(ValidationError):
        services.survey_answer(user=enrolled, survey=survey, answers={})


def test_outsider_cannot_answer_course_survey(survey, outsider):
    with pytest.raises(Http404):
        services.survey_answer(user=outsider, survey=survey, answers=_answers(survey))


def test_everyone_survey(outsider):
    survey = SurveyFactory(audience="all")
    SurveyQuestionFactory(survey=survey, kind="rating")
    services.survey_answer(user=outsider, survey=survey, answers={str(survey.questions.get().pk): "5"})


def test_pages(client, survey, enrolled, instructor, outsider):
    client.force_login(enrolled)
    assert b"How clear?" in client.get(reverse("community:survey", args=[survey.pk])).content
    response = client.post(reverse("community:survey", args=[survey.pk]), _answers(survey))
    assert response.status_code == 302
    assert client.get(reverse("community:survey_results", args=[survey.pk])).status_code == 404
    client.force_login(instructor)
    assert b"average of 5" in client.get(reverse("community:survey_results", args=[survey.pk])).content
    client.force_login(outsider)
    assert client.get(reverse("community:survey", args=[survey.pk])).status_code == 404


def test_results_page_escapes_text(client, survey, enrolled, instructor):
    services.survey_answer(user=enrolled, survey=survey, answers=_answers(survey, text="<script>alert(1)</script>"))
    client.force_login(instructor)
    content = client.get(reverse("community:survey_results", args=[survey.pk])).content
    assert b"<script>alert(1)</script>" not in content


def test_instructor_builds_survey_for_own_course_only(client, course, instructor, other_instructor):
    client.force_login(instructor)
    base = {"questions-TOTAL_FORMS": "1", "questions-INITIAL_FORMS": "0", "questions-MIN_NUM_FORMS": "0",
            "questions-MAX_NUM_FORMS": "1000", "questions-0-order": "1", "questions-0-text": "Rate it",
            "questions-0-kind": "rating", "questions-0-options": "[]", "questions-0-required": "on"}  # fmt: skip
    response = client.post(reverse("admin:community_survey_add"),
                           {**base, "title": "Mine", "audience": "course", "course": str(course.pk)})  # fmt: skip
    assert response.status_code == 302, response.content[:3000]
    assert Survey.objects.get(title="Mine").questions.count() == 1
    response = client.post(reverse("admin:community_survey_add"), {**base, "title": "All", "audience": "all"})
    assert response.status_code == 200 and not Survey.objects.filter(title="All").exists()
    foreign = PublishedCourseFactory(instructor=other_instructor)
    response = client.post(reverse("admin:community_survey_add"),
                           {**base, "title": "Theirs", "audience": "course", "course": str(foreign.pk)})  # fmt: skip
    assert not Survey.objects.filter(title="Theirs").exists()
    other_survey = SurveyFactory(audience="course", course=foreign)
    assert client.get(reverse("admin:community_survey_change", args=[other_survey.pk])).status_code in (302, 403, 404)


def test_single_choice_needs_options():
    question = SurveyQuestion(survey=SurveyFactory(), text="?", kind="single_choice", options=["only one"])
    with pytest.raises(ValidationError):
        question.full_clean()


@pytest.mark.parametrize("size", [2, 10])
def test_results_constant_queries(client, course, survey, instructor, size, django_assert_max_num_queries):
    for _ in range(size):
        user = StudentFactory()
        learning_services.enrollment_create(user=user, course=course)
        services.survey_answer(user=user, survey=survey, answers=_answers(survey))
    client.force_login(instructor)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("community:survey_results", args=[survey.pk]))
    assert response.status_code == 200
    results = response.context["results"]
    assert [r["answers"] for r in results] == [size, size, size]
    assert len(results[2]["texts"]) == size  # every text answer is listed


# --- internal docs -----------------------------------------------------------------------------
def test_internal_docs_staff_only(client, support, instructor, student):
    doc = InternalDoc.objects.create(title="Refund policy", slug="refunds", body="# Refunds\n<script>x</script>")
    assert "<script" not in doc.body_html
    client.force_login(support)
    assert b"Refund policy" in client.get(reverse("admin:community_internaldoc_changelist") + "?q=refund").content
    for user in (instructor, student):
        client.force_login(user)
        assert client.get(reverse("admin:community_internaldoc_changelist")).status_code in (302, 403)
