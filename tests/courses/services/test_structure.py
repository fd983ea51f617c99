"""Sections, lessons and questions (services.structure)."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from courses import services
from courses.models import Course
from tests.courses.factories import (
    QuestionFactory,
    QuizContentFactory,
    SectionFactory,
)
from tests.factories import StudentFactory

pytestmark = pytest.mark.django_db

S = Course.Status


def test_reorder_sections_swaps_orders(course):
    first = course.sections.get()
    second = SectionFactory(course=course)
    services.section_reorder(course=course, user=course.instructor, section_ids=[second.pk, first.pk])
    assert list(course.sections.order_by("order").values_list("pk", "order")) == [(second.pk, 0), (first.pk, 1)]
    with pytest.raises(ValidationError, match="exactly once"):
        services.section_reorder(course=course, user=course.instructor, section_ids=[second.pk])
    with pytest.raises(ValidationError, match="already at this position"):
        services.section_update(section=first, user=course.instructor, data={"order": 0})


def test_structure_services_validate(course):
    user = course.instructor
    first = course.sections.get()
    section = services.section_create(course=course, user=user, title="Second")
    assert section.order == first.order + 1
    with pytest.raises(ValidationError) as exc:
        services.content_create(section=section, user=user, title="Empty article", kind="article")
    assert "article_body" in exc.value.message_dict
    quiz = services.content_create(section=section, user=user, title="Quiz", kind="quiz")
    tf = services.question_create(content=quiz, user=user, question="Sky is blue?", question_type="true_false",
                                  correct_answers=["True"])  # fmt: skip
    assert tf.options == ["True", "False"] and tf.order == 0
    with pytest.raises(ValidationError) as exc:
        services.question_create(content=quiz, user=user, question="?", options=["a", "b"], correct_answers=["c"])
    assert "correct_answers" in exc.value.message_dict
    with pytest.raises(PermissionDenied):
        services.question_create(content=quiz, user=StudentFactory(), question="?", options=["a", "b"],
                                 correct_answers=["a"])  # fmt: skip


def test_question_reorder_and_delete_keep_orders_gapless(course):
    quiz = QuizContentFactory(course=course)
    a, b, c = (QuestionFactory(content=quiz, order=i) for i in range(3))
    services.question_reorder(content=quiz, user=course.instructor, question_ids=[c.pk, a.pk, b.pk])
    assert list(quiz.questions.order_by("order").values_list("pk", flat=True)) == [c.pk, a.pk, b.pk]
    with pytest.raises(ValidationError, match="exactly once"):
        services.question_reorder(content=quiz, user=course.instructor, question_ids=[c.pk, a.pk])
    with pytest.raises(PermissionDenied):
        services.question_delete(question=a, user=StudentFactory())
    services.question_delete(question=a, user=course.instructor)
    assert list(quiz.questions.order_by("order").values_list("pk", "order")) == [(c.pk, 0), (b.pk, 1)]
