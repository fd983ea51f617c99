import datetime as dt

import pytest
from django.utils import timezone

from learning import services
from tests.courses.factories import (
    ContentFactory,
    PublishedCourseFactory,
    QuestionFactory,
    QuizContentFactory,
    SectionFactory,
)
from tests.learning.factories import AssignmentFactory


@pytest.fixture
def course(db, instructor):
    """A free published course with two sections and three required lessons (+1 optional)."""
    course = PublishedCourseFactory(instructor=instructor, title="Python Basics")
    s1 = SectionFactory(course=course, order=1, title="Start")
    s2 = SectionFactory(course=course, order=2, title="More")
    ContentFactory(section=s1, order=1, title="Welcome")
    ContentFactory(section=s1, order=2, title="Variables")
    ContentFactory(section=s2, order=1, title="Loops")
    ContentFactory(section=s2, order=2, title="Extra reading", is_required=False)
    return course


@pytest.fixture
def lessons(course):
    return list(course.contents.order_by("section__order", "order"))


@pytest.fixture
def enrollment(course, student):
    return services.enrollment_create(user=student, course=course)


@pytest.fixture
def quiz(course):
    """A quiz of four questions, one of each type (answers: `tests.learning.factories.quiz_answers`)."""
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


@pytest.fixture
def assignment(course):
    """An assignment of `course` worth 20 points, due in two days."""
    return AssignmentFactory(course=course, due_at=timezone.now() + dt.timedelta(days=2), points=20)
