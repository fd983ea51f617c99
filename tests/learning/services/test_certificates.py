"""learning.services.certificates (and the task that renders the PDF): one certificate per completed
enrolment, revoking audited."""

import io
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from pypdf import PdfReader

from courses.models import CertificateTemplate, Course
from courseworx.core.exceptions import ConflictError
from courseworx.core.models import AuditLog
from learning import services
from learning.certificates import certificate_html
from learning.models import Enrollment, IssuedCertificate
from learning.tasks import certificate_issue_task

pytestmark = pytest.mark.django_db


def complete_all(student, lessons, capture):
    with capture(execute=True):
        for lesson in lessons:
            if lesson.is_required:
                services.lesson_mark_complete(user=student, content=lesson)


def test_last_required_lesson_completes_the_course_and_issues_one_certificate(
    enrollment, student, lessons, course, django_capture_on_commit_callbacks
):
    complete_all(student, lessons, django_capture_on_commit_callbacks)
    enrollment.refresh_from_db()
    assert enrollment.status == Enrollment.Status.COMPLETED
    assert enrollment.progress_percent == Decimal("100.00")
    assert enrollment.completed_at is not None
    course.refresh_from_db()
    assert course.completion_count == 1
    certificate = IssuedCertificate.objects.get(enrollment=enrollment)
    assert certificate.pdf
    assert len(certificate.code) >= 10

    # The task runs again (a retry, a duplicate delivery): still exactly one certificate, same PDF.
    certificate_issue_task.delay(str(enrollment.pk))
    certificate_issue_task.apply(args=[str(enrollment.pk)])
    assert IssuedCertificate.objects.filter(enrollment=enrollment).count() == 1
    assert IssuedCertificate.objects.get(enrollment=enrollment).pdf.name == certificate.pdf.name
    # Completing a lesson again does not complete the course twice.
    with django_capture_on_commit_callbacks(execute=True):
        services.lesson_mark_complete(user=student, content=lessons[0])
    course.refresh_from_db()
    assert course.completion_count == 1


def test_certificate_pdf_contains_holder_and_course(enrollment, student, lessons, django_capture_on_commit_callbacks):
    complete_all(student, lessons, django_capture_on_commit_callbacks)
    certificate = IssuedCertificate.objects.get(enrollment=enrollment)
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(certificate.pdf.read())).pages)
    assert "Stella Student" in text
    assert "Python Basics" in text
    assert certificate.code in text


def test_course_template_is_used_and_autoescaped(
    enrollment, student, lessons, course, django_capture_on_commit_callbacks
):
    template = CertificateTemplate.objects.create(
        name="Plain",
        html="<h1>Awarded to {{ student_name }}</h1><p>for {{ course_title }} · {{ verification_code }}</p>",
    )
    Course.objects.filter(pk=course.pk).update(certificate_template=template)
    student.first_name = "<b>Stella"
    student.save()
    complete_all(student, lessons, django_capture_on_commit_callbacks)
    certificate = IssuedCertificate.objects.get(enrollment=enrollment)

    html = certificate_html(certificate, "https://example.test/v")
    assert "Awarded to &lt;b&gt;Stella Student" in html
    text = PdfReader(io.BytesIO(certificate.pdf.read())).pages[0].extract_text()
    assert "Awarded to <b>Stella Student" in text


def test_certificate_not_issued_for_unfinished_enrolment(enrollment):
    assert certificate_issue_task.apply(args=[str(enrollment.pk)]).get() is None
    assert not IssuedCertificate.objects.exists()


def test_revoke_needs_a_reason_and_is_audited(
    enrollment, student, lessons, admin_user, django_capture_on_commit_callbacks
):

    complete_all(student, lessons, django_capture_on_commit_callbacks)
    certificate = IssuedCertificate.objects.get()
    with pytest.raises(PermissionDenied):
        services.certificate_revoke(certificate=certificate, actor=student, reason="x")
    with pytest.raises(ValidationError):
        services.certificate_revoke(certificate=certificate, actor=admin_user, reason=" ")
    services.certificate_revoke(certificate=certificate, actor=admin_user, reason="Plagiarism")
    certificate.refresh_from_db()
    assert certificate.status == "revoked" and certificate.revoked_reason == "Plagiarism"
    assert AuditLog.objects.filter(action="learning.certificate_revoked", target_id=str(certificate.pk)).exists()
    with pytest.raises(ConflictError):
        services.certificate_revoke(certificate=certificate, actor=admin_user, reason="again")


def test_a_path_or_exam_certificate_has_no_enrolment_and_its_pdf_is_rendered_after_commit(
    student, client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        certificate = services.certificate_award(
            user=student, kind=IssuedCertificate.Kind.PATH, title="Data analyst path"
        )
    certificate.refresh_from_db()
    assert certificate.enrollment is None and certificate.course is None
    assert certificate.course_title == "Data analyst path"
    text = PdfReader(io.BytesIO(certificate.pdf.read())).pages[0].extract_text()
    assert "Data analyst path" in text and "completed the career path" in text and "Instructor" not in text
    page = client.get(certificate.get_absolute_url())
    assert page.status_code == 200 and "Data analyst path" in page.content.decode()


def test_a_course_certificate_needs_its_enrolment(student):
    with pytest.raises(IntegrityError), transaction.atomic():
        IssuedCertificate.objects.create(
            user=student, code="x", holder_name="A", course_title="B", issued_at="2026-01-01T00:00Z"
        )
    with pytest.raises(ValueError):
        services.certificate_award(user=student, kind=IssuedCertificate.Kind.COURSE, title="B")
