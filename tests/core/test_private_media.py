"""Private uploads have no public URL: only permission-checked views stream them.

Ticket attachments, assignment submissions, lesson files, issued certificates, receipts, report exports and
personal-data exports live in storages["private"] (PRIVATE_MEDIA_ROOT, never under MEDIA_ROOT), under random
names; `.url` raises.  Avatars, course thumbnails, certificate template images and captions stay public.
"""

from decimal import Decimal
from pathlib import Path

import pytest
from django.apps import apps
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage, storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from billing.models import Payment
from community import services as community_services
from courses.api.serializers import LessonOutputSerializer
from courses.models import CertificateTemplate, Course, CourseContent
from courseworx.core.storage import (
    PRIVATE_URL_ERROR,
    PrivateStorage,
    RandomFileName,
    move_files_to_private,
    private_storage,
)
from learning.models import IssuedCertificate
from reports import services as report_services
from reports.models import DataExportRequest, ReportExport
from tests.courses.factories import ContentFactory, PublishedCourseFactory, SectionFactory
from tests.factories import AdminFactory, InstructorFactory, StudentFactory
from tests.learning.factories import EnrollmentFactory, SubmissionFactory

PDF = b"%PDF-1.4\n% a test document\n%%EOF\n"

PRIVATE_FIELDS = [
    ("community", "TicketAttachment", "file"),
    ("learning", "AssignmentSubmission", "file"),
    ("learning", "IssuedCertificate", "pdf"),
    ("billing", "Payment", "receipt_pdf"),
    ("reports", "ReportExport", "file"),
    ("reports", "DataExportRequest", "file"),
    ("courses", "CourseContent", "file"),
]
PUBLIC_FIELDS = [
    ("accounts", "User", "avatar"),
    ("courses", "Course", "thumbnail"),
    ("courses", "CourseContent", "captions"),
    ("courses", "CertificateTemplate", "background_image"),
    ("courses", "CertificateTemplate", "signature_image"),
]


@pytest.fixture(autouse=True)
def roots(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    return settings


def _stored(file) -> Path:
    return Path(file.storage.path(file.name))


def _assert_private(file, original: str, settings) -> None:
    """Stored privately, under a random name, with no URL."""
    assert isinstance(file.storage, PrivateStorage)
    assert Path(original).stem not in file.name
    path = _stored(file)
    assert path.is_file()
    assert path.is_relative_to(Path(settings.PRIVATE_MEDIA_ROOT))
    assert not [p for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file()], "nothing is written to MEDIA_ROOT"
    with pytest.raises(ValueError, match=PRIVATE_URL_ERROR):
        _ = file.url


def _no_public_copy(client, file) -> None:
    assert client.get(f"/media/{file.name}").status_code == 404


# --- Storage and fields ----------------------------------------------------------------------


def test_private_storage_has_no_urls_and_lives_outside_media_root(settings):
    storage = storages["private"]
    assert isinstance(storage, PrivateStorage)
    assert private_storage() is storage
    assert Path(storage.location) == Path(settings.PRIVATE_MEDIA_ROOT)
    name = storage.save("x/file.txt", ContentFile(b"hello"))
    assert Path(storage.path(name)).is_relative_to(Path(settings.PRIVATE_MEDIA_ROOT))
    with pytest.raises(ValueError, match=PRIVATE_URL_ERROR):
        storage.url(name)


def test_random_file_name_keeps_only_the_lower_cased_extension():
    now = timezone.now()
    name = RandomFileName("community/tickets")(None, "Bank Statement.PDF")
    assert name.startswith(f"community/tickets/{now:%Y}/{now:%m}/")
    base = name.rsplit("/", 1)[1]
    assert base.endswith(".pdf") and len(base) == 32 + 4
    assert "Bank" not in name and "Statement" not in name
    assert RandomFileName("a")(None, "no-extension").rsplit("/", 1)[1].isalnum()
    assert RandomFileName("a") == RandomFileName("a/")
    assert RandomFileName("a").deconstruct() == ("courseworx.core.storage.RandomFileName", ("a",), {})


@pytest.mark.parametrize(("app", "model", "field"), PRIVATE_FIELDS)
def test_private_fields_use_the_private_storage_and_random_names(app, model, field):
    f = apps.get_model(app, model)._meta.get_field(field)
    assert isinstance(f.storage, PrivateStorage)
    assert isinstance(f.upload_to, RandomFileName)
    assert f.deconstruct()[3]["storage"] is private_storage  # the callable: migrations do not see settings


@pytest.mark.parametrize(("app", "model", "field"), PUBLIC_FIELDS)
def test_public_fields_stay_in_public_media(app, model, field):
    assert apps.get_model(app, model)._meta.get_field(field).storage is default_storage


# --- Ticket attachments --------------------------------------------------------------------------


@pytest.mark.django_db
def test_ticket_attachment_is_private_and_served_only_to_who_sees_the_ticket(client, roots):
    requester, other = StudentFactory(), StudentFactory()
    ticket = community_services.ticket_create(
        user=requester, subject="Refund", body="See my statement.",
        attachments=[SimpleUploadedFile("bank-statement.pdf", PDF, content_type="application/pdf")],
    )  # fmt: skip
    attachment = ticket.messages.get().attachments.get()
    assert attachment.name == "bank-statement.pdf"  # the UI still shows the original name
    _assert_private(attachment.file, "bank-statement.pdf", roots)
    _no_public_copy(client, attachment.file)
    url = reverse("community:ticket_attachment", args=[attachment.pk])
    assert client.get(url).status_code == 302  # anonymous: to the login page
    client.force_login(other)
    assert client.get(url).status_code == 404
    client.force_login(requester)
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert 'filename="bank-statement.pdf"' in response["Content-Disposition"]


# --- Lesson files --------------------------------------------------------------------------------


def _paid_lesson(**kwargs) -> CourseContent:
    course = PublishedCourseFactory(price=Decimal("49.00"))
    section = SectionFactory(course=course, order=1)
    return ContentFactory(
        section=section, order=1, title="Course notes", kind=CourseContent.Kind.DOCUMENT, article_body="",
        file=SimpleUploadedFile("course-notes.pdf", PDF), file_type="application/pdf", **kwargs,
    )  # fmt: skip


@pytest.mark.django_db
def test_paid_lesson_file_only_for_enrolled_students_and_course_staff(client, roots):
    lesson = _paid_lesson()
    course = lesson.course
    _assert_private(lesson.file, "course-notes.pdf", roots)
    _no_public_copy(client, lesson.file)
    url = reverse("learning:lesson_file", args=[course.slug, lesson.pk])
    assert url == f"/learn/{course.slug}/{lesson.pk}/file/"

    assert client.get(url).status_code == 302  # anonymous
    client.force_login(StudentFactory())
    assert client.get(url).status_code == 404  # not enrolled

    student = StudentFactory()
    EnrollmentFactory(user=student, course=course)
    client.force_login(student)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline")
    assert 'filename="course-notes.pdf"' in response["Content-Disposition"]
    assert b"".join(response.streaming_content) == PDF

    client.force_login(course.instructor)
    assert client.get(url).status_code == 200


@pytest.mark.django_db
def test_lesson_page_links_the_checked_view_not_media(client):
    lesson = _paid_lesson()
    student = StudentFactory()
    EnrollmentFactory(user=student, course=lesson.course)
    client.force_login(student)
    page = client.get(reverse("learning:lesson", args=[lesson.course.slug, lesson.pk])).content.decode()
    assert reverse("learning:lesson_file", args=[lesson.course.slug, lesson.pk]) in page
    assert "/media/" not in page
    assert "course-notes.pdf" in page  # a readable name, not the random stored one


@pytest.mark.django_db
def test_lesson_file_follows_the_lesson_rules(client):
    lesson = _paid_lesson(is_preview=True)
    url = reverse("learning:lesson_file", args=[lesson.course.slug, lesson.pk])
    client.force_login(StudentFactory())
    assert client.get(url).status_code == 200  # a free preview: anyone signed in
    CourseContent.objects.filter(pk=lesson.pk).update(is_preview=False)
    assert client.get(url).status_code == 404
    student = StudentFactory()
    enrollment = EnrollmentFactory(user=student, course=lesson.course)
    client.force_login(student)
    CourseContent.objects.filter(pk=lesson.pk).update(is_published=False)
    assert client.get(url).status_code == 404  # unpublished
    CourseContent.objects.filter(pk=lesson.pk).update(is_published=True)
    Course.objects.filter(pk=lesson.course_id).update(start_date=timezone.localdate() + timezone.timedelta(days=3))
    assert client.get(url).status_code == 404  # locked until the course starts
    enrollment.delete()
    assert client.get(reverse("learning:lesson_file", args=["other-course", lesson.pk])).status_code == 404


@pytest.mark.django_db
def test_other_documents_download_as_attachments(client):
    course = PublishedCourseFactory()
    lesson = ContentFactory(
        section=SectionFactory(course=course), kind=CourseContent.Kind.DOCUMENT, title="Worksheet 1",
        file=SimpleUploadedFile("sheet.txt", b"<script>alert(1)</script>"), file_type="text/html",
    )  # fmt: skip
    client.force_login(course.instructor)
    response = client.get(reverse("learning:lesson_file", args=[course.slug, lesson.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert 'filename="worksheet-1.txt"' in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.django_db
def test_lesson_api_gives_the_checked_url(rf):
    lesson = _paid_lesson()
    data = LessonOutputSerializer(lesson, context={"request": rf.get("/")}).data
    assert data["file"] == "http://testserver" + reverse("learning:lesson_file", args=[lesson.course.slug, lesson.pk])


# --- Submissions, certificates, receipts, exports -------------------------------------------------------


@pytest.mark.django_db
def test_submission_file_for_the_student_and_the_graders_only(client, roots):
    student = StudentFactory(first_name="Sam", last_name="Student")
    submission = SubmissionFactory(user=student, file=SimpleUploadedFile("my-essay.pdf", PDF))
    _assert_private(submission.file, "my-essay.pdf", roots)
    _no_public_copy(client, submission.file)
    url = reverse("learning:submission_file", args=[submission.pk])
    assert client.get(url).status_code == 302
    client.force_login(StudentFactory())
    assert client.get(url).status_code == 404
    client.force_login(InstructorFactory())
    assert client.get(url).status_code == 404  # another course's instructor
    for user in (student, submission.course.instructor):
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == PDF
        assert ".pdf" in response["Content-Disposition"] and "sam-student" in response["Content-Disposition"]


def _certificate(pdf=True) -> IssuedCertificate:
    enrollment = EnrollmentFactory(user=StudentFactory())
    return IssuedCertificate.objects.create(
        enrollment=enrollment, user=enrollment.user, course=enrollment.course, code=f"c-{enrollment.pk.hex[:12]}",
        holder_name="Sam Student", course_title=enrollment.course.title, issued_at=timezone.now(),
        pdf=ContentFile(PDF, name="certificate-sam.pdf") if pdf else "",
    )  # fmt: skip


@pytest.mark.django_db
def test_certificate_pdf_is_private(client, roots):
    certificate = _certificate()
    _assert_private(certificate.pdf, "certificate-sam", roots)
    _no_public_copy(client, certificate.pdf)
    url = reverse("learning:certificate_download", args=[certificate.pk])
    assert client.get(url).status_code == 302
    client.force_login(StudentFactory())
    assert client.get(url).status_code == 404
    client.force_login(certificate.user)
    response = client.get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF


def _payment(user) -> Payment:
    return Payment.objects.create(
        user=user, kind="course", course=PublishedCourseFactory(), description="Course", status="succeeded",
        currency="USD", subtotal=Decimal("10.00"), amount=Decimal("10.00"), idempotency_key=f"pm-{user.pk}",
        receipt_number=f"R-{str(user.pk)[:8]}",
        receipt_pdf=ContentFile(PDF, name="receipt-R-1.pdf"),
    )  # fmt: skip


@pytest.mark.django_db
def test_receipt_is_private(client, roots):
    buyer = StudentFactory()
    payment = _payment(buyer)
    _assert_private(payment.receipt_pdf, "receipt-R-1", roots)
    _no_public_copy(client, payment.receipt_pdf)
    url = reverse("billing:receipt", args=[payment.pk])
    assert client.get(url).status_code == 302
    client.force_login(StudentFactory())
    assert client.get(url).status_code == 404
    client.force_login(buyer)
    response = client.get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF


@pytest.mark.django_db
def test_report_export_is_private(client, roots):
    owner = AdminFactory()
    export = ReportExport.objects.create(
        user=owner, report="completion", format="csv", status="done",
        file=ContentFile(b"a,b\n1,2\n", name="completion_20260101-20260131.csv"),
    )  # fmt: skip
    _assert_private(export.file, "completion_20260101", roots)
    _no_public_copy(client, export.file)
    url = reverse("reports:export_download", args=[export.pk])
    assert client.get(url).status_code == 302
    client.force_login(AdminFactory())
    assert client.get(url).status_code == 404
    client.force_login(owner)
    response = client.get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == b"a,b\n1,2\n"
    assert 'filename="completion_' in response["Content-Disposition"]


@pytest.mark.django_db
def test_personal_data_export_is_private(client, roots):
    user = StudentFactory()
    request = DataExportRequest.objects.create(
        user=user,
        kind="export",
        status="done",
        expires_at=timezone.now() + timezone.timedelta(hours=1),
        file=ContentFile(b"PK\x03\x04zip", name="courseworx-data-1.zip"),
    )
    _assert_private(request.file, "courseworx-data-1", roots)
    _no_public_copy(client, request.file)
    url = reverse("reports:my_data_download", args=[request.pk, report_services.data_download_signature(request)])
    assert client.get(url).status_code == 302
    client.force_login(StudentFactory())
    assert client.get(url).status_code == 404
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == b"PK\x03\x04zip"


# --- Admin ----------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_admin_change_pages_render_with_private_files(client):
    admin = AdminFactory()
    client.force_login(admin)
    lesson = _paid_lesson()
    submission = SubmissionFactory(file=SimpleUploadedFile("my-essay.pdf", PDF))
    certificate = _certificate()
    payment = _payment(StudentFactory())
    export = ReportExport.objects.create(
        user=admin, report="completion", format="csv", status="done", file=ContentFile(b"a\n", name="e.csv")
    )
    data_request = DataExportRequest.objects.create(
        user=admin, kind="export", status="done", file=ContentFile(b"PK", name="d.zip")
    )
    pages = {
        "courses_coursecontent": (lesson, reverse("learning:lesson_file", args=[lesson.course.slug, lesson.pk])),
        "learning_assignmentsubmission": (submission, reverse("learning:submission_file", args=[submission.pk])),
        "learning_issuedcertificate": (certificate, None),
        "billing_payment": (payment, None),
        "reports_reportexport": (export, None),
        "reports_dataexportrequest": (data_request, None),
    }
    for name, (obj, link) in pages.items():
        response = client.get(reverse(f"admin:{name}_change", args=[obj.pk]))
        assert response.status_code == 200, name
        page = response.content.decode()
        field = next(f for f in obj._meta.fields if getattr(f, "storage", None) is storages["private"])
        assert getattr(obj, field.name).name.rsplit("/", 1)[-1] in page, name
        assert "/media/" not in page, name
        if link:
            assert link in page, name


@pytest.mark.django_db
def test_admin_can_replace_a_lesson_file(client):
    admin = AdminFactory()
    client.force_login(admin)
    lesson = _paid_lesson()
    url = reverse("admin:courses_coursecontent_change", args=[lesson.pk])
    page = client.get(url).content.decode()
    assert 'type="file" name="file"' in page
    assert CertificateTemplate._meta.get_field("background_image").storage is default_storage


# --- Existing rows --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_migration_moves_existing_files_out_of_public_media(roots):
    user = StudentFactory()
    old_name = "reports/data-exports/courseworx-data-old.zip"
    public = Path(roots.MEDIA_ROOT) / old_name
    public.parent.mkdir(parents=True)
    public.write_bytes(b"PK old")
    request = DataExportRequest.objects.create(user=user, kind="export", status="done")
    DataExportRequest.objects.filter(pk=request.pk).update(file=old_name)
    forwards, backwards = move_files_to_private(("reports", "DataExportRequest", "file"))
    forwards(apps, None)
    assert not public.exists()
    request.refresh_from_db()
    assert request.file.open("rb").read() == b"PK old"  # the old row keeps working
    request.file.close()
    backwards(apps, None)
    assert public.read_bytes() == b"PK old"
