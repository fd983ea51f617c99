"""Community models: invariants checked by validation."""

import pytest
from django.core.exceptions import ValidationError

from community.models import SurveyQuestion
from tests.community.factories import SurveyFactory

pytestmark = pytest.mark.django_db


def test_single_choice_needs_options():
    question = SurveyQuestion(survey=SurveyFactory(), text="?", kind="single_choice", options=["only one"])
    with pytest.raises(ValidationError):
        question.full_clean()
