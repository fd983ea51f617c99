"""Issue 19 §5: hostile input to support tickets (POST /api/v1/tickets/, with attachments) and to messages
(POST /api/v1/conversations/<id>/messages/): a 400 naming the field and nothing saved (no ticket, message or
attachment row), any unicode stored as sent, never a 500.  Strategies and checks: tests/bad_input.py."""

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from hypothesis import assume, given
from hypothesis import strategies as st
from rest_framework.test import APIClient

from community import services
from community.models import Message, SupportTicket, TicketAttachment, TicketMessage
from tests.bad_input import (
    assert_api_clean,
    assert_api_refused,
    blank_text,
    counts,
    lone_surrogate,
    nul_text,
    over_long,
    post_json,
    unicode_text,
    wrong_type_for_text,
)
from tests.courses.factories import PublishedCourseFactory
from tests.factories import InstructorFactory, StudentFactory
from tests.learning.factories import EnrollmentFactory

pytestmark = pytest.mark.django_db

TICKET_MODELS = (SupportTicket, TicketMessage, TicketAttachment)
TICKETS = "/api/v1/tickets/"
VALID_TICKET = {"subject": "Cannot play the video", "body": "It stops after 2 seconds."}


@pytest.fixture
def member():
    return StudentFactory()


@pytest.fixture
def api(member) -> APIClient:
    client = APIClient()
    client.force_authenticate(member)
    return client


# --- tickets ------------------------------------------------------------------------------------
@given(
    field=st.sampled_from(["subject", "body", "category", "priority", "course"]),
    value=st.one_of(nul_text, lone_surrogate, wrong_type_for_text, blank_text, st.integers()),
)
def test_ticket_bad_fields_are_refused(api, field, value):
    cache.clear()  # the posting rate limit (6 a minute) counts in the cache
    if field in ("course",) and value in ("", None):
        value = "no-such-course"
    # DRF's CharField takes a number as its text ("0"): only the choice and slug fields must refuse one.
    assume(not (isinstance(value, int) and not isinstance(value, bool) and field in ("subject", "body")))
    before = counts(TICKET_MODELS)
    response = post_json(api, TICKETS, {**VALID_TICKET, field: value})
    assert_api_refused(response, field, before, counts(TICKET_MODELS))


@given(field=st.sampled_from(["subject", "body"]), value=st.one_of(over_long(200), over_long(20_000)))
def test_ticket_over_long_text_is_refused_or_stored_whole(api, field, value):
    cache.clear()  # the posting rate limit (6 a minute) counts in the cache
    before = counts(TICKET_MODELS)
    response = post_json(api, TICKETS, {**VALID_TICKET, field: value})
    limit = 200 if field == "subject" else 20_000
    if len(value) <= limit:
        assert response.status_code == 201, response.content
        return
    assert_api_refused(response, field, before, counts(TICKET_MODELS))


@given(subject=unicode_text, body=unicode_text)
def test_ticket_any_unicode_is_stored_as_sent_or_refused(api, subject, body):
    cache.clear()  # the posting rate limit (6 a minute) counts in the cache
    before = counts(TICKET_MODELS)
    response = post_json(api, TICKETS, {"subject": subject, "body": body})
    assert_api_clean(response, before, counts(TICKET_MODELS))
    if response.status_code == 201:
        ticket = SupportTicket.objects.get(number=response.json()["number"])
        assert ticket.subject == subject.strip()


bad_files = st.one_of(
    st.tuples(st.sampled_from(["evil.exe", "x.html", "run.sh", "noext", "a.svg", ".png"]), st.binary(max_size=64)),
    st.tuples(st.sampled_from(["photo.png", "scan.pdf", "cv.docx"]), st.binary(min_size=1, max_size=64)),
    st.just(("photo.png", b"<script>alert(1)</script>")),
    st.just(("huge.txt", b"a" * (10 * 1024 * 1024 + 1))),
)


@given(file=bad_files)
def test_ticket_wrong_type_or_oversized_attachments_are_refused(api, file):
    cache.clear()  # the posting rate limit (6 a minute) counts in the cache
    name, content = file
    before = counts(TICKET_MODELS)
    upload = SimpleUploadedFile(name, content)
    response = api.post(TICKETS, {**VALID_TICKET, "attachments": [upload]}, format="multipart")
    if response.status_code == 201:  # random bytes can pass as a .txt-like document only by its extension
        pytest.fail(f"{name} with {content[:20]!r} was accepted")
    assert_api_refused(response, "attachments", before, counts(TICKET_MODELS))


def test_regression_a_refused_attachment_is_a_field_error_on_attachments(api):
    """An attachment of a refused type names the field `attachments`, and no ticket is left behind."""
    response = api.post(TICKETS, {**VALID_TICKET, "attachments": [SimpleUploadedFile("a.exe", b"MZ")]})
    assert response.status_code == 400
    assert "attachments" in response.json()["error"]["fields"]
    assert not SupportTicket.objects.exists()


# --- messages -----------------------------------------------------------------------------------
@pytest.fixture
def conversation(member):
    instructor = InstructorFactory()
    EnrollmentFactory(user=member, course=PublishedCourseFactory(instructor=instructor))
    return services.conversation_start(user=member, other=instructor)


@given(body=st.one_of(nul_text, lone_surrogate, wrong_type_for_text, blank_text, over_long(10_000), st.none()))
def test_message_bad_body_is_refused(api, conversation, body):
    cache.clear()  # the posting rate limit (6 a minute) counts in the cache
    before = counts([Message])
    response = post_json(api, reverse("api:community-conversation-messages", args=[conversation.pk]), {"body": body})
    assert_api_refused(response, "body", before, counts([Message]))


@given(body=unicode_text)
def test_message_any_unicode_is_stored_as_sent_or_refused(api, conversation, body):
    cache.clear()  # the posting rate limit (6 a minute) counts in the cache
    before = counts([Message])
    response = post_json(api, reverse("api:community-conversation-messages", args=[conversation.pk]), {"body": body})
    assert_api_clean(response, before, counts([Message]))
    if response.status_code == 201:
        assert Message.objects.get(pk=response.json()["id"]).body == body.strip()


@given(user=st.one_of(unicode_text, st.integers(), st.uuids().map(str), wrong_type_for_text, st.none()))
def test_conversation_start_with_a_bad_user_is_refused(api, user):
    cache.clear()  # the posting rate limit (6 a minute) counts in the cache
    before = counts([Message])
    response = post_json(api, reverse("api:community-conversations"), {"user": user})
    assert 400 <= response.status_code < 500, response.content
    assert before == counts([Message])


# --- regression tests of the defects found (issue 19 §5) --------------------------------------------
def test_regression_a_lone_surrogate_in_a_choice_is_a_400_not_a_500(api):
    """Was: 500 — DRF's message quotes the value ('"\\ud800" is not a valid choice.'), which the JSON
    renderer could not encode; courseworx.core.api.exceptions now replaces the surrogate with U+FFFD."""
    response = post_json(api, TICKETS, {**VALID_TICKET, "category": "x\ud800"})
    assert response.status_code == 400
    assert "\ufffd" in response.json()["error"]["fields"]["category"][0]
    assert not SupportTicket.objects.exists()


def test_regression_an_attachment_whose_bytes_do_not_match_its_type_is_a_field_error(api):
    """Was: 400 with `non_field_errors` — a .png that is really text was refused without naming the field."""
    upload = SimpleUploadedFile("photo.png", b"<script>alert(1)</script>")
    response = api.post(TICKETS, {**VALID_TICKET, "attachments": [upload]}, format="multipart")
    assert response.status_code == 400
    assert "attachments" in response.json()["error"]["fields"]
    assert counts(TICKET_MODELS) == {"community.SupportTicket": 0, "community.TicketMessage": 0,
                                     "community.TicketAttachment": 0}  # fmt: skip


@pytest.mark.parametrize("invisible", ["\u200b", "\ufeff\u200d", "\u202e", "\u0301", "\u3000\u200b"])
def test_regression_a_message_or_ticket_of_only_invisible_characters_is_blank(api, conversation, invisible):
    """Was: 201 — a message (or ticket) of zero-width characters passed DRF's whitespace-only blank check."""
    cache.clear()
    url = reverse("api:community-conversation-messages", args=[conversation.pk])
    response = post_json(api, url, {"body": invisible})
    assert response.status_code == 400 and response.json()["error"]["codes"]["body"] == ["blank"]
    response = post_json(api, TICKETS, {"subject": invisible, "body": "ok"})
    assert response.status_code == 400 and "subject" in response.json()["error"]["fields"]
    assert not Message.objects.exists() and not SupportTicket.objects.exists()


# --- the pages' forms (support/new/, messages/<id>/) -------------------------------------------------
page_text = st.one_of(nul_text, blank_text, over_long(20_000), st.sampled_from(["\u200b", "\ufeff", "\u202e\u200f"]))


def _page_refused(response, field: str, data: dict) -> None:
    if response.status_code == 400:  # RejectNulMiddleware's page, naming the field
        assert "\x00" in str(data[field])
        return
    assert response.status_code == 200, response.status_code  # the form again, with the field's error
    assert field in response.context["form"].errors, response.context["form"].errors


@given(field=st.sampled_from(["subject", "body"]), value=page_text)
def test_ticket_page_refuses_bad_text_with_a_form_error(member, field, value):
    cache.clear()
    if field == "subject" and len(value) > 200 and "\x00" not in value:
        value = value[:201]
    data = {**VALID_TICKET, "category": "other", "priority": "normal", field: value}
    client = Client()
    client.force_login(member)
    before = counts(TICKET_MODELS)
    response = client.post(reverse("community:ticket_new"), data)
    if (
        field == "body"
        and len(value) <= 20_000
        and "\x00" not in value
        and value.strip()
        and value not in ("\u200b", "\ufeff", "\u202e\u200f")
    ):
        return  # a fair body
    _page_refused(response, field, data)
    assert before == counts(TICKET_MODELS)


@given(value=st.one_of(nul_text, blank_text, over_long(10_000), st.sampled_from(["\u200b", "\ufeff", "\u0301"])))
def test_message_page_refuses_bad_text_with_a_form_error(member, conversation, value):
    cache.clear()
    client = Client()
    client.force_login(member)
    before = counts([Message])
    response = client.post(reverse("community:conversation", args=[conversation.pk]), {"body": value})
    _page_refused(response, "body", {"body": value})
    assert before == counts([Message])


def test_regression_the_ticket_and_message_pages_refuse_invisible_only_text(member, conversation):
    """Was: a ticket with the subject "\\u200b" and a message "\\ufeff" were saved from the pages too."""
    client = Client()
    client.force_login(member)
    data = {**VALID_TICKET, "category": "other", "priority": "normal", "subject": "\u200b"}
    response = client.post(reverse("community:ticket_new"), data)
    assert response.status_code == 200 and "subject" in response.context["form"].errors
    response = client.post(reverse("community:conversation", args=[conversation.pk]), {"body": "\ufeff"})
    assert response.status_code == 200 and "body" in response.context["form"].errors
    assert not SupportTicket.objects.exists() and not Message.objects.exists()
