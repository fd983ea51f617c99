"""Support tickets: own tickets only (Support sees all), replies with timestamps, the status
machine, assignment, satisfaction after resolution, checked attachments, the admin, query counts."""

import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from community import services
from community.models import SupportTicket
from courseworx.core.exceptions import ConflictError
from tests.community.factories import TicketFactory
from tests.factories import StudentFactory

pytestmark = pytest.mark.django_db


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(buffer, format="PNG")
    return buffer.getvalue()


PNG = _png()


def _ticket(user, **kwargs):
    return services.ticket_create(user=user, subject="Cannot log in", body="Help <script>x</script>", **kwargs)


def test_lifecycle_with_timestamps_and_notifications(student, support):
    ticket = _ticket(student, category="account", priority="high")
    assert ticket.status == "open" and ticket.number > 1000
    assert "<script" not in ticket.messages.get().body_html
    services.ticket_reply(user=support, ticket=ticket, body="Try resetting your password")
    ticket.refresh_from_db()
    assert ticket.status == "pending" and ticket.first_response_at and ticket.assignee == support
    assert student.notifications.filter(category="support").exists()
    services.ticket_reply(user=student, ticket=ticket, body="Still broken")
    ticket.refresh_from_db()
    assert ticket.status == "open"
    services.ticket_set_status(user=support, ticket=ticket, status="resolved")
    ticket.refresh_from_db()
    assert ticket.resolved_at
    services.ticket_rate(user=student, ticket=ticket, rating=5, comment="Thanks")
    with pytest.raises(ValidationError):
        services.ticket_rate(user=student, ticket=ticket, rating=4)
    services.ticket_set_status(user=student, ticket=ticket, status="closed")
    ticket.refresh_from_db()
    assert ticket.status == "closed" and ticket.closed_at and ticket.satisfaction == 5
    with pytest.raises(ValidationError, match="closed"):
        services.ticket_reply(user=student, ticket=ticket, body="again")


def test_illegal_transitions_and_student_cannot_resolve(student, support):
    ticket = _ticket(student)
    with pytest.raises(PermissionDenied):
        services.ticket_set_status(user=student, ticket=ticket, status="resolved")
    with pytest.raises(ConflictError, match="cannot become") as exc:
        services.ticket_set_status(user=support, ticket=ticket, status="closed")
    assert exc.value.code == "invalid_transition"


def test_rating_before_resolution_refused(student):
    ticket = _ticket(student)
    with pytest.raises(ValidationError):
        services.ticket_rate(user=student, ticket=ticket, rating=3)


def test_assign_only_to_support(student, support, instructor):
    ticket = _ticket(student)
    with pytest.raises(PermissionDenied):
        services.ticket_assign(user=student, ticket=ticket, assignee=support)
    with pytest.raises(ValidationError):
        services.ticket_assign(user=support, ticket=ticket, assignee=instructor)
    services.ticket_assign(user=support, ticket=ticket, assignee=support)


def test_attachments_checked(student):
    good = SimpleUploadedFile("screen.png", PNG, content_type="image/png")
    ticket = _ticket(student, attachments=[good])
    assert ticket.messages.get().attachments.count() == 1
    fake = SimpleUploadedFile("virus.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    with pytest.raises(ValidationError):
        _ticket(student, attachments=[fake])
    exe = SimpleUploadedFile("run.exe", b"MZ", content_type="application/octet-stream")
    with pytest.raises(ValidationError):
        _ticket(student, attachments=[exe])


def test_users_see_only_their_tickets(client, student, outsider, support):
    ticket = _ticket(student, attachments=[SimpleUploadedFile("s.png", PNG)])
    attachment = ticket.messages.get().attachments.get()
    client.force_login(outsider)
    assert client.get(reverse("community:ticket", args=[ticket.number])).status_code == 404
    assert client.get(reverse("community:ticket_attachment", args=[attachment.pk])).status_code == 404
    assert b"Cannot log in" not in client.get(reverse("community:tickets") + "?view=queue").content
    client.force_login(student)
    assert client.get(reverse("community:ticket", args=[ticket.number])).status_code == 200
    assert client.get(reverse("community:ticket_attachment", args=[attachment.pk])).status_code == 200
    client.force_login(support)
    assert b"Cannot log in" in client.get(reverse("community:tickets") + "?view=queue").content


def test_new_ticket_page(client, student):
    client.force_login(student)
    response = client.post(
        reverse("community:ticket_new"),
        {"subject": "Video", "category": "technical", "priority": "normal", "body": "It stutters",
         "attachments": [SimpleUploadedFile("a.png", PNG)]},
    )  # fmt: skip
    ticket = SupportTicket.objects.get()
    assert response["Location"] == reverse("community:ticket", args=[ticket.number])


def test_admin_support_works_ticket(client, student, support):
    ticket = _ticket(student)
    client.force_login(support)
    url = reverse("admin:community_supportticket_change", args=[ticket.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {"assignee": str(support.pk), "new_status": "resolved", "reply": "Fixed on our side",
         "messages-TOTAL_FORMS": "1", "messages-INITIAL_FORMS": "1", "messages-MIN_NUM_FORMS": "0",
         "messages-MAX_NUM_FORMS": "1000", "messages-0-id": str(ticket.messages.get().pk),
         "messages-0-ticket": str(ticket.pk)},
    )  # fmt: skip
    assert response.status_code == 302, response.content[:2000]
    ticket.refresh_from_db()
    assert ticket.status == "resolved" and ticket.assignee == support and ticket.first_response_at


def test_admin_refused_to_students_and_moderators(client, student, moderator):
    for user in (student, moderator):
        client.force_login(user)
        assert client.get(reverse("admin:community_supportticket_changelist")).status_code in (302, 403)


@pytest.mark.parametrize("size", [2, 15])
def test_ticket_lists_constant_queries(client, support, size, django_assert_max_num_queries):
    for _ in range(size):
        TicketFactory(requester=StudentFactory(), assignee=support)
    client.force_login(support)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("community:tickets") + "?view=queue")
    assert response.status_code == 200
    page = response.context["page"]
    assert (page.paginator.count, len(page.object_list)) == (size, min(size, 20))  # the tickets are listed
    with django_assert_max_num_queries(12):
        response = client.get(reverse("admin:community_supportticket_changelist"))
    assert response.status_code == 200
    cl = response.context["cl"]
    assert (cl.result_count, len(cl.result_list)) == (size, size)
