"""learning.services.notes: one private note per learner and lesson; an empty body deletes it."""

import pytest
from django.core.exceptions import PermissionDenied

from learning import services
from learning.models import UserNote
from tests.factories import StudentFactory

pytestmark = pytest.mark.django_db


def test_a_note_is_created_updated_and_deleted_by_an_empty_body(enrollment, student, lessons):
    note = services.note_save(user=student, content=lessons[0], body="  First thought  ")
    assert (note.body, note.course_id) == ("First thought", lessons[0].course_id)
    again = services.note_save(user=student, content=lessons[0], body="Second thought", is_private=False)
    assert again.pk == note.pk and UserNote.objects.get().body == "Second thought"
    assert services.note_save(user=student, content=lessons[0], body="   ") is None
    assert not UserNote.objects.exists()


def test_only_learners_and_course_staff_write_notes(course, lessons, instructor):
    with pytest.raises(PermissionDenied):
        services.note_save(user=StudentFactory(), content=lessons[0], body="Not enrolled")
    assert services.note_save(user=instructor, content=lessons[0], body="Teaching tip").user == instructor


def test_only_the_author_deletes_a_note(enrollment, student, lessons):
    note = services.note_save(user=student, content=lessons[0], body="Mine")
    with pytest.raises(PermissionDenied):
        services.note_delete(note=note, user=StudentFactory())
    services.note_delete(note=note, user=student)
    assert not UserNote.objects.exists()
