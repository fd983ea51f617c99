"""`manage.py seed_demo` fills the community once: reviews, threads, open flags, tickets in every
status, surveys with answers."""

import pytest
from django.core.management import call_command

from community.models import (
    DiscussionThread,
    FlaggedItem,
    InternalDoc,
    Review,
    SupportTicket,
    Survey,
    ThreadReply,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _counts() -> dict:
    models = (Review, DiscussionThread, ThreadReply, FlaggedItem, SupportTicket, Survey, InternalDoc)
    return {m.__name__: m.objects.count() for m in models}


def test_seed_demo_community_once(media, capsys):
    call_command("seed_demo")
    first = _counts()
    assert first["Review"] >= 5 and first["DiscussionThread"] >= 5 and first["ThreadReply"] >= 8
    assert FlaggedItem.objects.filter(status="open").count() >= 2
    assert DiscussionThread.objects.filter(is_hidden=True, hidden_reason="flags").exists()
    assert set(SupportTicket.objects.values_list("status", flat=True)) == {"open", "pending", "resolved", "closed"}
    assert Survey.objects.filter(response_count__gt=0).exists()
    call_command("seed_demo")
    assert _counts() == first
