import pytest

from learning import services
from tests.factories import InstructorFactory, StudentFactory


@pytest.fixture
def mentor(db):
    user = InstructorFactory(first_name="Ivan")
    services.mentor_profile_save(mentor=user, accepting_mentees=True, max_active_mentees=2, topics="Python")
    return user


@pytest.fixture
def student(db):
    return StudentFactory(first_name="Stella")


@pytest.fixture
def requested(mentor, student):
    return services.mentorship_request(student=student, mentor=mentor, message="Help me plan my career.")


@pytest.fixture
def accepted(requested, mentor):
    return services.mentorship_accept(mentorship=requested, actor=mentor, message="Gladly.")
