"""Lesson transcripts (courses.transcripts): shown under the player, matched by the catalog search;
on PostgreSQL like courses are (full text, through their GIN index)."""

import pytest
from django.db import connection
from django.template import Context, Template

from courses.models import VoiceTranscript
from courses.selectors import course_list_published
from courses.transcripts import transcript_course_ids, transcripts_matching
from tests.courses.factories import ContentFactory, PublishedCourseFactory

pytestmark = pytest.mark.django_db

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="Full-text search is PostgreSQL's; CI runs it."
)


def _video(course, title, **kw):
    return ContentFactory(course=course, title=title, kind="video", article_body="",
                          video_url="https://www.youtube.com/watch?v=x", **kw)  # fmt: skip


@pytest.fixture
def alpha(db):
    return PublishedCourseFactory(title="Alpha")


@pytest.fixture
def beta(db):
    return PublishedCourseFactory(title="Beta")


def test_transcript_include_and_search(alpha):
    video = _video(alpha, "Talk")
    VoiceTranscript.objects.create(content=video, language="en", text="Recursion is a function calling itself.")
    html = Template('{% include "courses/includes/transcript.html" with content=content %}').render(
        Context({"content": video, "LANGUAGE_CODE": "en"})
    )
    assert "Transcript" in html and "Recursion is a function" in html
    assert list(transcript_course_ids("recursion").values_list("content__course_id", flat=True)) == [alpha.pk]
    assert not transcript_course_ids("quantum").exists()


@pytest.fixture
def talk(alpha, beta):
    video = _video(alpha, "Talk")
    VoiceTranscript.objects.create(
        content=video, language="en", text="Today we sort a list of numbers, then we merge two sorted lists."
    )
    hidden = _video(beta, "Draft talk")
    VoiceTranscript.objects.create(
        content=hidden, language="en", text="Sorting lists, unpublished.", is_published=False
    )
    return video


@postgres_only
def test_words_match_anywhere_with_stemming(talk, alpha, beta):
    assert list(transcripts_matching("sorting lists").values_list("content", flat=True)) == [talk.pk]
    assert list(transcripts_matching('"merge two"').values_list("content", flat=True)) == [talk.pk]  # a phrase
    assert not transcripts_matching("sorting -numbers").exists()  # websearch: a word excluded
    assert not transcripts_matching("quantum").exists()
    # The catalog finds the course by its transcript (Beta's transcript is not published).
    found = course_list_published(filters={"q": "sorting numbers"}).values_list("pk", flat=True)
    assert alpha.pk in found and beta.pk not in found


@postgres_only
def test_the_search_reads_the_gin_index(talk):
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # a tiny table: make the planner show the index
        plan = transcripts_matching("sorting lists").explain()
    assert "voice_transcript_search_idx" in plan
