"""learning.services.notes: one private note per learner and lesson; an empty body deletes it."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from learning import services
from learning.models import NoteTag, UserNote
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


def test_tags_are_normalised_deduplicated_and_bounded():
    assert services.note_tags_normalise(" Loops,  EXAM  prep ,#loops,, exam prep") == ["loops", "exam prep"]
    assert services.note_tags_normalise(["A", "a", " b "]) == ["a", "b"]
    with pytest.raises(ValidationError):
        services.note_tags_normalise("x" * 41)
    with pytest.raises(ValidationError):
        services.note_tags_normalise([f"t{i}" for i in range(11)])


def test_tags_are_replaced_or_kept(enrollment, student, lessons):
    note = services.note_save(user=student, content=lessons[0], body="b", tags="Loops, exam")
    assert sorted(NoteTag.objects.filter(note=note).values_list("name", flat=True)) == ["exam", "loops"]
    services.note_save(user=student, content=lessons[0], body="b2")  # tags=None keeps them
    assert NoteTag.objects.filter(note=note).count() == 2
    services.note_update(note=note, user=student, tags=["exam", "revision"])
    assert sorted(NoteTag.objects.filter(note=note).values_list("name", flat=True)) == ["exam", "revision"]
    assert set(NoteTag.objects.values_list("user_id", flat=True)) == {student.pk}


def test_course_notes_have_no_lesson_and_may_be_many(enrollment, student, course):
    first = services.note_course_create(user=student, course=course, body="Overall plan", tags="plan")
    second = services.note_course_create(user=student, course=course, body="Questions for the trainer")
    assert first.content_id is None and second.content_id is None
    assert UserNote.objects.filter(user=student, course=course, content__isnull=True).count() == 2
    with pytest.raises(ValidationError):
        services.note_course_create(user=student, course=course, body="   ")


def test_course_notes_need_an_enrolment_and_only_the_author_updates(enrollment, student, course):
    with pytest.raises(PermissionDenied):
        services.note_course_create(user=StudentFactory(), course=course, body="Not enrolled")
    note = services.note_course_create(user=student, course=course, body="Mine")
    with pytest.raises(PermissionDenied):
        services.note_update(note=note, user=StudentFactory(), body="Hijacked")
    with pytest.raises(ValidationError):
        services.note_update(note=note, user=student, body=" ")
    note.refresh_from_db()
    assert note.body == "Mine"
