"""Exam attempts and proctoring events are in the personal-data export and go with the account."""

from learning import services
from learning.models import ExamAttempt, ExamProctorEvent
from reports.privacy import collect_learning

from .conftest import answers_for


def test_export_and_deletion(db, student, exam):
    attempt = services.exam_attempt_start(user=student, exam=exam)
    services.exam_proctor_events_record(attempt=attempt, user=student, events=[{"kind": "copy", "detail": "ctrl+c"}])
    services.exam_attempt_submit(attempt=attempt, user=student, answers=answers_for(attempt))
    data = collect_learning(student)
    assert data["exam_attempts"][0]["exam__title"] == exam.title and data["exam_attempts"][0]["answers"]
    assert data["exam_proctor_events"][0]["kind"] == "copy"
    services.personal_data_anonymise_for_user(user=student)
    assert ExamAttempt.objects.get(pk=attempt.pk).answers == {}
    assert not ExamProctorEvent.objects.filter(attempt__user=student).exists()
