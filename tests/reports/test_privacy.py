"""Personal data: the export holds only the user's rows; deletion removes personal data, keeps payments."""

import io
import json
import zipfile
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone

from billing.models import Payment
from community.models import DiscussionThread, ThreadReply
from learning.models import Enrollment, UserNote
from reports import services
from reports.models import ActivityLog, DataExportRequest
from reports.privacy import COLLECTORS
from tests.learning.factories import NoteFactory

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
