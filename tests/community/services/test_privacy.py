"""community.services.privacy: personal-data deletion of texts and ticket attachments (files on commit only)."""

from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from accounts import roles
from community import services
from community.models import SupportTicket, TicketAttachment, TicketMessage
from courseworx.core.models import Notification
from courseworx.core.notifications import notification_delete_for_user
from tests.community.factories import ReplyFactory, ThreadFactory
from tests.core.factories import NotificationFactory
from tests.factories import StudentFactory

pytestmark = pytest.mark.django_db


def _png(name: str) -> SimpleUploadedFile:
    buffer = BytesIO()
    Image.new("RGB", (4, 4)).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


@pytest.fixture
def private_media(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"


def test_texts_and_attachments_of_the_person_go(student, make_staff, private_media, django_capture_on_commit_callbacks):
    moderator = make_staff(roles.SUPPORT)
    other = StudentFactory()
    mine = services.ticket_create(user=student, subject="Refund please", body="See scan", attachments=[_png("a.png")])
    services.ticket_reply(user=moderator, ticket=mine, body="Here is the form", attachments=[_png("form.png")])
    theirs = services.ticket_create(user=other, subject="Theirs", body="Mine", attachments=[_png("b.png")])
    thread = ThreadFactory(author=student, title="My question")
    ReplyFactory(thread=thread, author=other, body="Other's answer")
    NotificationFactory(user=student)
    NotificationFactory(user=other)
    files = {a.name: a.file for a in TicketAttachment.objects.all()}

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.personal_data_anonymise_for_user(user=student)
        assert notification_delete_for_user(user=student) == 2  # ours + "support replied"
    assert all(f.storage.exists(f.name) for f in files.values()), "files wait for the commit"
    for callback in callbacks:
        callback()
    # Every attachment of the person's ticket (also the one staff uploaded) is gone, rows and files.
    assert not files["a.png"].storage.exists(files["a.png"].name)
    assert not files["form.png"].storage.exists(files["form.png"].name)
    assert list(TicketAttachment.objects.values_list("name", flat=True)) == ["b.png"]
    assert files["b.png"].storage.exists(files["b.png"].name)
    assert SupportTicket.objects.get(pk=mine.pk).subject == "[deleted]"
    assert TicketMessage.objects.get(ticket=mine, author=student).body == "[deleted]"
    assert TicketMessage.objects.get(ticket=mine, author=moderator).body == "Here is the form"
    assert SupportTicket.objects.get(pk=theirs.pk).subject == "Theirs"
    thread.refresh_from_db()
    assert thread.title == "[deleted]" and thread.replies.get().body == "Other's answer"
    assert list(Notification.objects.values_list("user", flat=True)) == [other.pk]
