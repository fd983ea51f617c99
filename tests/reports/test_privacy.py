"""Personal data: the export holds only the user's rows; deletion removes personal data, keeps payments."""

import datetime as dt
import io
import json
import zipfile
from decimal import Decimal
from io import BytesIO

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from accounts.services import user_profile_update
from billing.models import Payment
from community.models import DiscussionThread, SupportTicket, ThreadReply, TicketAttachment
from community.services import ticket_create, ticket_reply
from courseworx.core import services as core_services
from learning import services as learning_services
from learning.models import AssignmentSubmission, Enrollment, IssuedCertificate, UserNote
from reports import services
from reports import services as reports_services
from reports.models import ActivityLog, DataExportRequest, ReportExport
from reports.privacy import COLLECTORS
from reports.services import data_deletion_run
from tests.learning.factories import AssignmentFactory, NoteFactory

from .conftest import _payment

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(world):
    w = world
    NoteFactory(user=w.s1, content=w.a1, body="My secret note")
    NoteFactory(user=w.s2, content=w.a1, body="Someone else's note")
    thread = DiscussionThread.objects.create(
        course=w.alpha, author=w.s1, title="My question", body="How do loops work?", last_activity_at=timezone.now()
    )
    ThreadReply.objects.create(thread=thread, author=w.s1, body="Found it myself")
    ThreadReply.objects.create(thread=thread, author=w.s2, body="Other person's reply")
    _payment(10, w.s1, w.alpha, "49.00")
    _payment(11, w.s1, w.beta, "20.00")
    _payment(12, w.s2, w.beta, "20.00")
    return w


def _zip(client, user):
    page = client.get(reverse("reports:my_data"))
    data_request, signature = page.context["data_requests"][0]
    assert signature
    response = client.get(reverse("reports:my_data_download", args=[data_request.pk, signature]))
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    return {name: json.loads(archive.read(name)) for name in archive.namelist() if name.endswith(".json")}


def test_export_contains_only_the_users_data(client, people, django_capture_on_commit_callbacks):
    w = people
    client.force_login(w.s1)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("reports:my_data"), {"kind": "export"})
    files = _zip(client, w.s1)
    assert set(files) == {"accounts.json", "learning.json", "community.json", "billing.json", "reports.json"}
    assert files["accounts.json"]["profile"]["email"] == w.s1.email
    learning = files["learning.json"]
    assert {e["course__title"] for e in learning["enrollments"]} == {"Alpha", "Beta"}
    assert [n["body"] for n in learning["notes"]] == ["My secret note"]
    community = files["community.json"]
    assert [t["title"] for t in community["discussion_threads"]] == ["My question"]
    assert [r["body"] for r in community["thread_replies"]] == ["Found it myself"]
    assert sorted(p["amount"] for p in files["billing.json"]["payments"]) == ["20.00", "49.00"]
    blob = json.dumps(files)
    for other in (w.s2.email, "Someone else's note", "Other person's reply"):
        assert other not in blob


def test_download_link_is_personal_and_expires(client, people, django_capture_on_commit_callbacks):
    w = people
    client.force_login(w.s1)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("reports:my_data"), {"kind": "export"})
    data_request, signature = client.get(reverse("reports:my_data")).context["data_requests"][0]
    url = reverse("reports:my_data_download", args=[data_request.pk, signature])
    client.force_login(w.s2)
    assert client.get(url).status_code == 404
    client.force_login(w.s1)
    assert client.get(reverse("reports:my_data_download", args=[data_request.pk, "forged"])).status_code == 404
    DataExportRequest.objects.filter(pk=data_request.pk).update(expires_at=timezone.now())
    assert client.get(url).status_code == 404


def test_deletion_anonymises_and_keeps_payment_totals(client, people, django_capture_on_commit_callbacks):
    w = people
    ActivityLog.objects.create(user=w.s1, event="login", created_at=timezone.now())
    totals_before = Payment.objects.aggregate(s=Sum("amount"))["s"]
    email, pk = w.s1.email, w.s1.pk
    client.force_login(w.s1)
    # Without the confirmation nothing happens.
    client.post(reverse("reports:my_data"), {"kind": "deletion", "confirm": "no", "password": "x"})
    assert not DataExportRequest.objects.filter(kind="deletion").exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("reports:my_data"),
            {"kind": "deletion", "confirm": "DELETE", "password": "Corr3ct-Horse-Battery"},
        )
    assert response.status_code == 302
    user = type(w.s1).objects.get(pk=pk)
    assert not user.is_active and not user.has_usable_password()
    assert user.email != email and "Stu1" not in user.get_full_name() and user.phone == ""
    assert not UserNote.objects.filter(user=user).exists()
    assert DiscussionThread.objects.get(author=user).body == "[deleted]"
    assert ThreadReply.objects.get(author=user).body == "[deleted]"
    assert not ActivityLog.objects.filter(user=user).exists() and ActivityLog.objects.filter(user=None).exists()
    # Money stays: same payments, same amounts, still linked to the (anonymous) account.
    assert Payment.objects.aggregate(s=Sum("amount"))["s"] == totals_before
    assert Payment.objects.filter(user=user).aggregate(s=Sum("amount"))["s"] == Decimal("69.00")
    assert Enrollment.objects.filter(user=user).count() == 2  # figures of the reports are kept
    # No personal data is left anywhere in the person's export.

    blob = json.dumps({app: collect(user) for app, collect in COLLECTORS.items()}, default=str)
    for personal in (email, "Stu1", "My secret note", "How do loops work?", "Found it myself"):
        assert personal not in blob
    # The other student is untouched.
    assert UserNote.objects.get(user=w.s2).body == "Someone else's note"


def test_one_request_of_a_kind_at_a_time(people):
    services.data_request_create(user=people.s1, kind="export")  # not run: no on_commit in this test
    with pytest.raises(ValidationError):
        services.data_request_create(user=people.s1, kind="export")


def test_admin_lists_requests(client, admin_user, people):
    DataExportRequest.objects.create(user=people.s1, kind="export")
    client.force_login(admin_user)
    page = client.get(reverse("admin:reports_dataexportrequest_changelist")).content.decode()
    assert people.s1.email in page


# --- files: deleted with the account, on commit ------------------------------------------------------


def _png(name: str):
    buffer = BytesIO()
    Image.new("RGB", (8, 8), (30, 60, 200)).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


@pytest.fixture
def account_with_files(world, settings, tmp_path):
    """s1 with a file in every place a person's files live (see the README's table)."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    w = world
    user_profile_update(user=w.s1, data={"avatar": _png("me.png")})
    ticket = ticket_create(user=w.s1, subject="My bank statement", body="Attached.",
                           attachments=[_png("statement.png")])  # fmt: skip
    staff_reply = ticket_reply(user=w.s1, ticket=ticket, body="And the invoice.", attachments=[_png("invoice.png")])
    other_ticket = ticket_create(user=w.s2, subject="Not mine", body="Mine.", attachments=[_png("theirs.png")])
    assignment = AssignmentFactory(course=w.alpha, due_at=timezone.now() + dt.timedelta(days=3))
    submission = learning_services.assignment_submit(
        user=w.s1, assignment=assignment, file=SimpleUploadedFile("essay.pdf", b"%PDF-1.4 my essay")
    )
    certificate = IssuedCertificate.objects.get(user=w.s1, status="valid")
    certificate.pdf.save("cert.pdf", ContentFile(b"%PDF-1.4 Stu1 Dent"), save=True)
    export = DataExportRequest.objects.create(user=w.s1, kind="export", status="done")
    export.file.save("data.zip", ContentFile(b"PK zip of Stu1"), save=True)
    report_export = ReportExport.objects.create(user=w.s1, report="completion", format="csv", params={})
    report_export.file.save("report.csv", ContentFile(b"name\nStu1"), save=True)
    payment = _payment(20, w.s1, w.alpha, "49.00")
    payment.receipt_pdf.save("receipt.pdf", ContentFile(b"%PDF-1.4 receipt for Stu1"), save=True)
    w.s1.refresh_from_db()
    gone = {
        "avatar": w.s1.avatar,
        **{
            f"ticket attachment {a.name}": a.file
            for a in TicketAttachment.objects.exclude(message__ticket=other_ticket)
        },
        "submission": submission.file,
        "certificate": certificate.pdf,
        "data export": export.file,
        "report export": report_export.file,
    }
    kept = {
        "receipt": payment.receipt_pdf,
        "someone else's attachment": other_ticket.messages.get().attachments.get().file,
    }
    assert staff_reply.attachments.count() == 1 and len(gone) == 7
    for field in [*gone.values(), *kept.values()]:
        assert field.storage.exists(field.name), field.name
    return w, gone, kept


def _delete_account(client, user, django_capture_on_commit_callbacks):
    client.force_login(user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("reports:my_data"), {"kind": "deletion", "confirm": "DELETE", "password": "Corr3ct-Horse-Battery"}
        )
    assert response.status_code == 302


def test_deleting_an_account_deletes_its_files(client, account_with_files, django_capture_on_commit_callbacks):
    w, gone, kept = account_with_files
    _delete_account(client, w.s1, django_capture_on_commit_callbacks)
    left = [what for what, field in gone.items() if field.storage.exists(field.name)]
    assert left == [], f"files left on disk after the account was deleted: {left}"
    for what, field in kept.items():
        assert field.storage.exists(field.name), f"{what} must be kept"
    # Rows as documented: attachments gone, ticket kept without its subject; submission and certificate
    # kept without text, file, name and PDF; the data-export row kept without its file; report exports gone.
    assert not TicketAttachment.objects.filter(message__ticket__requester=w.s1).exists()
    assert TicketAttachment.objects.count() == 1
    assert SupportTicket.objects.get(requester=w.s1).subject == "[deleted]"
    submission = AssignmentSubmission.objects.get(user=w.s1)
    assert (submission.text, submission.file.name) == ("", "")
    certificate = IssuedCertificate.objects.get(user=w.s1, status="valid")
    assert (certificate.holder_name, certificate.pdf.name) == ("Deleted user", "")
    assert DataExportRequest.objects.get(user=w.s1, kind="export").file.name == ""
    assert not ReportExport.objects.filter(user=w.s1).exists()
    assert Payment.objects.get(idempotency_key="reports-test-20").receipt_pdf.name == kept["receipt"].name
    user = type(w.s1).objects.get(pk=w.s1.pk)
    assert user.avatar.name == "" and not user.is_active


def test_a_failed_deletion_keeps_every_file_and_row(
    account_with_files, monkeypatch, django_capture_on_commit_callbacks
):
    """The last step fails (after every app has anonymised): the transaction rolls back, and the files
    the rows still point at must still be there."""
    real_audit = core_services.audit_log_create

    def audit_fails(**kwargs):
        if kwargs.get("action") == "accounts.user_anonymised":
            raise RuntimeError("the database went away")
        return real_audit(**kwargs)

    monkeypatch.setattr(core_services, "audit_log_create", audit_fails)
    monkeypatch.setattr(reports_services, "audit_log_create", audit_fails)  # however the service imports it
    w, gone, _kept = account_with_files
    request = DataExportRequest.objects.create(user=w.s1, kind="deletion")
    with pytest.raises(RuntimeError), django_capture_on_commit_callbacks(execute=True):
        data_deletion_run(request_id=request.pk)
    missing = [what for what, field in gone.items() if not field.storage.exists(field.name)]
    assert missing == [], f"deleted although the deletion was rolled back: {missing}"
    assert TicketAttachment.objects.filter(message__ticket__requester=w.s1).count() == 2
    user = type(w.s1).objects.get(pk=w.s1.pk)
    assert user.is_active and user.avatar.name == gone["avatar"].name
