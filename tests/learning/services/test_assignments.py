"""learning.services.assignments: submitting, resubmitting, grading."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from courseworx.core.models import AuditLog, Notification
from learning import services
from learning.models import AssignmentSubmission
from tests.factories import InstructorFactory
from tests.learning.factories import AssignmentFactory

pytestmark = pytest.mark.django_db


def test_submit_and_resubmit_until_graded(enrollment, student, assignment, instructor):
    first = services.assignment_submit(user=student, assignment=assignment, text="Draft")
    second = services.assignment_submit(
        user=student, assignment=assignment, file=SimpleUploadedFile("essay.pdf", b"%PDF-1.4 essay")
    )
    assert first.pk == second.pk and second.revision == 2 and second.file
    graded = services.submission_grade(submission=second, grader=instructor, score=Decimal("18"), feedback="Good")
    assert graded.status == "graded"
    assert Notification.objects.filter(user=student, category="grading").exists()
    with pytest.raises(ValidationError, match="graded"):
        services.assignment_submit(user=student, assignment=assignment, text="Too late")


def test_a_resubmitted_file_replaces_the_previous_one_only_once_saved(
    enrollment, student, assignment, django_capture_on_commit_callbacks, monkeypatch
):
    with django_capture_on_commit_callbacks(execute=True):
        first = services.assignment_submit(
            user=student, assignment=assignment, file=SimpleUploadedFile("v1.pdf", b"%PDF-1.4 first")
        )
    storage, old_name = first.file.storage, first.file.name
    # A resubmission that fails after the file was accepted keeps the previous file.
    monkeypatch.setattr(AssignmentSubmission, "full_clean", _raise_invalid)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError):
        services.assignment_submit(
            user=student, assignment=assignment, file=SimpleUploadedFile("v2.pdf", b"%PDF-1.4 2")
        )
    assert storage.exists(old_name)
    monkeypatch.undo()
    with django_capture_on_commit_callbacks(execute=True):
        second = services.assignment_submit(
            user=student, assignment=assignment, file=SimpleUploadedFile("v3.pdf", b"%PDF-1.4 third")
        )
    assert second.revision == 2 and storage.exists(second.file.name) and not storage.exists(old_name)


def _raise_invalid(*args, **kwargs):
    raise ValidationError({"text": "invalid"})


def test_file_type_is_checked(enrollment, student, assignment):
    with pytest.raises(ValidationError):
        services.assignment_submit(
            user=student, assignment=assignment, file=SimpleUploadedFile("x.pdf", b"MZ not a pdf")
        )
    with pytest.raises(ValidationError):
        services.assignment_submit(user=student, assignment=assignment, file=SimpleUploadedFile("x.exe", b"MZ"))


def test_late_submission_is_marked_or_refused(enrollment, student, course):
    past = timezone.now() - dt.timedelta(hours=1)
    strict = AssignmentFactory(course=course, due_at=past, allow_late=False)
    lenient = AssignmentFactory(course=course, due_at=past, allow_late=True)
    with pytest.raises(ValidationError, match="late"):
        services.assignment_submit(user=student, assignment=strict, text="x")
    late = services.assignment_submit(user=student, assignment=lenient, text="x")
    assert late.is_late
    with pytest.raises(ValidationError, match="deadline"):
        services.assignment_submit(user=student, assignment=lenient, text="y")


def test_score_cannot_exceed_points_and_regrade_is_audited(enrollment, student, assignment, instructor):
    submission = services.assignment_submit(user=student, assignment=assignment, text="x")
    with pytest.raises(ValidationError):
        services.submission_grade(submission=submission, grader=instructor, score=21)
    with pytest.raises(PermissionDenied):
        services.submission_grade(submission=submission, grader=InstructorFactory(), score=10)
    services.submission_grade(submission=submission, grader=instructor, score=10)
    services.submission_grade(submission=submission, grader=instructor, score=12)
    assert AuditLog.objects.filter(action="learning.grade_override", target_id=str(submission.pk)).exists()
