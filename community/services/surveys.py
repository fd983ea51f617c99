"""Surveys: answered once per person (unique constraint), validated per question; the audience check
of the survey builder (admin form, API)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from courses.models import Course

from .. import permissions
from ..models import Survey, SurveyAnswer, SurveyQuestion, SurveyResponse


def _check_survey_answer(*, user: User, survey: Survey) -> None:
    if not permissions.can_answer_survey(user, survey):
        raise Http404(_("No such survey."))
    if survey.closes_at and survey.closes_at <= timezone.now():
        raise ValidationError(_("This survey is closed."), code="closed")
    if SurveyResponse.objects.filter(survey=survey, user=user).exists():
        raise ValidationError(_("You have already answered this survey. Thank you!"), code="duplicate")


def _survey_answer_row(question: SurveyQuestion, value: Any) -> SurveyAnswer | None:
    value = "" if value is None else value
    if isinstance(value, str):
        value = value.strip()
    if value in ("", []):
        if question.required:
            raise ValidationError({str(question.pk): "Please answer this question."})
        return None
    answer = SurveyAnswer(question=question)
    if question.kind == SurveyQuestion.Kind.RATING:
        try:
            rating = int(value)
        except (TypeError, ValueError):
            rating = 0
        if not 1 <= rating <= 5:
            raise ValidationError({str(question.pk): "Choose 1 to 5."})
        answer.rating = rating
    elif question.kind == SurveyQuestion.Kind.SINGLE_CHOICE:
        if value not in question.options:
            raise ValidationError({str(question.pk): "Choose one of the options."})
        answer.choice = value
    else:
        answer.text = str(value)[:5000]
    return answer


@transaction.atomic
def survey_answer(*, user: User, survey: Survey, answers: dict) -> SurveyResponse:
    """Answer a survey once.  `answers`: {question id (str): value}."""
    _check_survey_answer(user=user, survey=survey)
    rows = []
    errors: dict = {}
    for question in survey.questions.order_by("order"):
        try:
            row = _survey_answer_row(question, answers.get(str(question.pk)))
        except ValidationError as exc:
            errors.update(exc.message_dict)
            continue
        if row is not None:
            rows.append(row)
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            response = SurveyResponse.objects.create(survey=survey, user=user)
    except IntegrityError as exc:
        raise ValidationError(_("You have already answered this survey. Thank you!"), code="duplicate") from exc
    for row in rows:
        row.response = response
    SurveyAnswer.objects.bulk_create(rows)
    Survey.objects.filter(pk=survey.pk).update(response_count=F("response_count") + 1)
    return response


def survey_validate_audience(*, user: User, course: Course | None, audience: str) -> None:
    """Check step for the survey builder (admin form clean, API)."""

    if audience == Survey.Audience.ALL:
        if course is not None:
            raise ValidationError({"course": "A survey for everyone is not tied to a course."})
        if not permissions.can_send_to_everyone(user):
            raise ValidationError({"audience": "Only staff can send a survey to everyone."})
    else:
        if course is None:
            raise ValidationError({"course": "Choose the course whose learners answer it."})
        if not (permissions.can_send_to_everyone(user) or permissions.is_course_staff(user, course)):
            raise ValidationError({"course": "You can attach surveys only to courses you teach."})
