"""Voice transcripts: the text shown under a video/audio lesson and matched by the catalog search.

On PostgreSQL a transcript matches like a course does (courses.selectors: full-text, `websearch` syntax,
English stemming: "sorting lists" finds "...how we sort a list..."), through the GIN index created by
reports' migration 0007, when the table was reports' (the expression below must stay the index's
expression).  Elsewhere (SQLite in development and tests) the words are matched as a substring.
"""

from django.contrib.postgres.search import SearchQuery, SearchVector
from django.db import connection
from django.db.models import QuerySet

from .models import SEARCH_CONFIG, VoiceTranscript


def transcript_for(*, content, language: str = "en") -> VoiceTranscript | None:
    """The published transcript of a lesson in `language`, else in any language (one query)."""
    rows = list(
        VoiceTranscript.objects.filter(content=content, is_published=True).only("text", "language").order_by("language")
    )
    for row in rows:
        if row.language == language:
            return row
    return rows[0] if rows else None


def transcripts_matching(query: str) -> QuerySet:
    published = VoiceTranscript.objects.filter(is_published=True)
    query = (query or "").strip()
    if connection.vendor != "postgresql":
        return published.filter(text__icontains=query)

    return published.annotate(document=SearchVector("text", config=SEARCH_CONFIG)).filter(
        document=SearchQuery(query, search_type="websearch", config=SEARCH_CONFIG)
    )


def transcript_course_ids(query: str) -> QuerySet:
    """Ids of courses with a published transcript matching `query`, for the catalog search:
    `Course.objects.filter(Q(<title/description match>) | Q(pk__in=transcript_course_ids(q)))`."""
    return transcripts_matching(query).values("content__course_id").distinct()
