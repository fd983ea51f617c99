"""Messages (community.services.messages): only between a student and the instructors of courses
they take; unread counts."""

import pytest
from django.core.exceptions import PermissionDenied

from community import selectors, services
from learning import services as learning_services
from tests.factories import StudentFactory

pytestmark = pytest.mark.django_db


def test_student_and_instructor_talk_with_unread_counts(course, enrolled, instructor):
    conversation = services.conversation_start(user=enrolled, other=instructor)
    assert (conversation.student, conversation.instructor) == (enrolled, instructor)
    assert services.conversation_start(user=instructor, other=enrolled).pk == conversation.pk
    services.message_send(user=enrolled, conversation=conversation, body="Hello <script>x</script>")
    services.message_send(user=enrolled, conversation=conversation, body="Are you there?")
    assert selectors.conversation_list(user=instructor).get().unread == 2
    assert selectors.conversation_list(user=enrolled).get().unread == 0
    assert instructor.notifications.filter(category="message").count() == 2
    assert "<script" not in conversation.messages.first().body_html
    services.conversation_mark_read(user=instructor, conversation=conversation)
    assert selectors.conversation_list(user=instructor).get().unread == 0


def test_strangers_cannot_message(course, outsider, instructor, other_instructor, enrolled):
    with pytest.raises(PermissionDenied):
        services.conversation_start(user=outsider, other=instructor)
    with pytest.raises(PermissionDenied):
        services.conversation_start(user=enrolled, other=other_instructor)
    with pytest.raises(PermissionDenied):
        services.conversation_start(user=enrolled, other=StudentFactory())


def test_dropped_student_cannot_write_any_more(course, enrolled, instructor):
    conversation = services.conversation_start(user=enrolled, other=instructor)
    enrollment = enrolled.enrollments.get()
    learning_services.enrollment_drop(enrollment=enrollment, user=enrolled)
    with pytest.raises(PermissionDenied):
        services.message_send(user=enrolled, conversation=conversation, body="hi")
