import pytest

from accounts import roles
from community import services
from learning import services as learning_services
from tests.community.factories import SurveyFactory, SurveyQuestionFactory
from tests.courses.factories import ContentFactory, PublishedCourseFactory, SectionFactory
from tests.factories import InstructorFactory, StudentFactory


@pytest.fixture
def course(db, instructor):
    course = PublishedCourseFactory(instructor=instructor, title="Python Basics", slug="python-basics")
    section = SectionFactory(course=course, order=1, title="Start")
    ContentFactory(section=section, order=1, title="Welcome")
    return course


@pytest.fixture
def lesson(course):
    return course.contents.first()


@pytest.fixture
def enrolled(course, student):
    """`student` enrolled in `course` (through the learning service)."""
    learning_services.enrollment_create(user=student, course=course)
    return student


@pytest.fixture
def members(course):
    """Four more students enrolled in `course` (flaggers, reviewers...)."""
    users = StudentFactory.create_batch(4)
    for user in users:
        learning_services.enrollment_create(user=user, course=course)
    return users


@pytest.fixture
def thread(course, enrolled):
    """A spam thread started by `enrolled` in `course`."""
    return services.thread_create(user=enrolled, course=course, title="Buy cheap pills", body="spam spam")


@pytest.fixture
def survey(course, instructor):
    """A course survey by `instructor`: a rating, a single choice and an optional text question."""
    survey = SurveyFactory(audience="course", course=course, created_by=instructor)
    SurveyQuestionFactory(survey=survey, text="How clear?", kind="rating", order=1)
    SurveyQuestionFactory(survey=survey, text="Pace?", kind="single_choice", options=["Slow", "Right", "Fast"], order=2)
    SurveyQuestionFactory(survey=survey, text="Anything else?", kind="text", required=False, order=3)
    return survey


@pytest.fixture
def outsider(db):
    return StudentFactory(first_name="Olga", last_name="Outsider")


@pytest.fixture
def other_instructor(db):
    return InstructorFactory(first_name="Otto", last_name="Other")


@pytest.fixture
def support(make_staff):
    return make_staff(roles.SUPPORT)
