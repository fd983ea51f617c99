"""Transcripts are searched like courses on PostgreSQL (full text, through their GIN index)."""

import pytest
from django.db import connection

from courses.selectors import course_list_published
from reports.models import VoiceTranscript
from reports.transcripts import transcripts_matching

from .test_a11y_transcripts_subscriptions import _video

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="Full-text search is PostgreSQL's; CI runs it."),
]


@pytest.fixture
def talk(world):
    video = _video(world.alpha, "Talk")
    VoiceTranscript.objects.create(
        content=video, language="en", text="Today we sort a list of numbers, then we merge two sorted lists."
    )
    hidden = _video(world.beta, "Draft talk")
    VoiceTranscript.objects.create(
        content=hidden, language="en", text="Sorting lists, unpublished.", is_published=False
    )
    return video


def test_words_match_anywhere_with_stemming(talk, world):
    assert list(transcripts_matching("sorting lists").values_list("content", flat=True)) == [talk.pk]
    assert list(transcripts_matching('"merge two"').values_list("content", flat=True)) == [talk.pk]  # a phrase
    assert not transcripts_matching("sorting -numbers").exists()  # websearch: a word excluded
    assert not transcripts_matching("quantum").exists()
    # The catalog finds the course by its transcript (Beta's transcript is not published).
    found = course_list_published(filters={"q": "sorting numbers"}).values_list("pk", flat=True)
    assert world.alpha.pk in found and world.beta.pk not in found


def test_the_search_reads_the_gin_index(talk):
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # a tiny table: make the planner show the index
        plan = transcripts_matching("sorting lists").explain()
    assert "voice_transcript_search_idx" in plan
