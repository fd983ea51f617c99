"""learning.services.personal_data_anonymise_for_user: texts and files go (on commit), figures stay."""

import datetime as dt

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from learning import services
from learning.models import AssignmentSubmission, IssuedCertificate, UserNote
from tests.factories import StudentFactory
from tests.learning.factories import AssignmentFactory, NoteFactory

pytestmark = pytest.mark.django_db


def test_submissions_certificates_and_notes(course, enrollment, student, settings, tmp_path,
                                            django_capture_on_commit_callbacks):  # fmt: skip
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    other = StudentFactory()
    services.enrollment_create(user=other, course=course)
    assignment = AssignmentFactory(course=course, due_at=timezone.now() + dt.timedelta(days=2))
    mine = services.assignment_submit(user=student, assignment=assignment, text="My essay",
                                      file=SimpleUploadedFile("essay.pdf", b"%PDF-1.4 mine"))  # fmt: skip
    theirs = services.assignment_submit(user=other, assignment=assignment,
                                        file=SimpleUploadedFile("essay.pdf", b"%PDF-1.4 theirs"))  # fmt: skip
    certificate = IssuedCertificate.objects.create(
        enrollment=enrollment, user=student, course=course, code="privacy-code", holder_name="Stella Student",
        course_title=course.title, issued_at=timezone.now(),
    )  # fmt: skip
    certificate.pdf.save("cert.pdf", ContentFile(b"%PDF-1.4 Stella Student"), save=True)
    NoteFactory(user=student, content=course.contents.first(), body="Secret")
    files = [mine.file, certificate.pdf]

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.personal_data_anonymise_for_user(user=student)
    assert all(f.storage.exists(f.name) for f in files), "nothing is deleted before the commit"
    for callback in callbacks:
        callback()
    assert not any(f.storage.exists(f.name) for f in files)
    mine.refresh_from_db()
    certificate.refresh_from_db()
    assert (mine.text, mine.file.name, mine.status) == ("", "", "submitted")
    assert (certificate.holder_name, certificate.pdf.name, certificate.code) == ("Deleted user", "", "privacy-code")
    assert not UserNote.objects.filter(user=student).exists()
    theirs.refresh_from_db()
    assert theirs.file.storage.exists(theirs.file.name), "other learners' files stay"
    assert AssignmentSubmission.objects.count() == 2
