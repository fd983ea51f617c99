"""Surveys (community.services.surveys): answered once, answers checked per question, the builder's
audience check; the results summary (selectors.survey_results)."""

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404

from community import selectors, services
from community.models import SurveyResponse
from learning import services as learning_services
from tests.community.factories import SurveyFactory, SurveyQuestionFactory
from tests.community.helpers import survey_answers
from tests.courses.factories import PublishedCourseFactory
from tests.factories import StudentFactory

pytestmark = pytest.mark.django_db


def test_answer_once_and_results(course, survey, enrolled):
    services.survey_answer(user=enrolled, survey=survey, answers=survey_answers(survey))
    with pytest.raises(ValidationError, match="already answered"):
        services.survey_answer(user=enrolled, survey=survey, answers=survey_answers(survey))
    other = StudentFactory()
    learning_services.enrollment_create(user=other, course=course)
    services.survey_answer(
        user=other, survey=survey, answers=survey_answers(survey, rating="2", choice="Fast", text="")
    )
    survey.refresh_from_db()
    assert survey.response_count == 2
    results = {r["question"].kind: r for r in selectors.survey_results(survey=survey)}
    assert results["rating"]["average"] == 3.0
    assert {c["label"]: c["count"] for c in results["single_choice"]["choices"]} == {"Slow": 0, "Right": 1, "Fast": 1}
    assert [t["text"] for t in results["text"]["texts"]] == ["More <b>exercises</b>"]


def test_invalid_answers(survey, enrolled):
    with pytest.raises(ValidationError):
        services.survey_answer(user=enrolled, survey=survey, answers=survey_answers(survey, rating="9"))
    with pytest.raises(ValidationError):
        services.survey_answer(user=enrolled, survey=survey, answers=survey_answers(survey, choice="Nope"))
    with pytest.raises(ValidationError):
        services.survey_answer(user=enrolled, survey=survey, answers={})


def test_outsider_cannot_answer_course_survey(survey, outsider):
    with pytest.raises(Http404):
        services.survey_answer(user=outsider, survey=survey, answers=survey_answers(survey))


def test_everyone_survey(outsider):
    survey = SurveyFactory(audience="all")
    SurveyQuestionFactory(survey=survey, kind="rating")
    services.survey_answer(user=outsider, survey=survey, answers={str(survey.questions.get().pk): "5"})
    assert SurveyResponse.objects.filter(survey=survey, user=outsider).count() == 1


def test_audience_check_of_the_builder(course, instructor, other_instructor, admin_user):
    services.survey_validate_audience(user=instructor, course=course, audience="course")
    services.survey_validate_audience(user=admin_user, course=None, audience="all")
    refused = [
        (instructor, None, "all"),  # only staff send to everyone
        (admin_user, course, "all"),  # everyone is not one course
        (instructor, None, "course"),  # a course survey needs its course
        (other_instructor, course, "course"),  # not their course
        (other_instructor, PublishedCourseFactory(instructor=instructor), "course"),
    ]
    for user, target, audience in refused:
        with pytest.raises(ValidationError):
            services.survey_validate_audience(user=user, course=target, audience=audience)
