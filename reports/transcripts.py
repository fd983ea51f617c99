"""Voice transcripts: the text shown under a video/audio lesson and matched by the catalog search."""

from django.db.models import QuerySet

from .models import VoiceTranscript


def transcript_for(*, content, language: str = "en") -> VoiceTranscript | None:
    """The published transcript of a lesson in `language`, else in any language (one query)."""
    rows = list(
        VoiceTranscript.objects.filter(content=content, is_published=True).only("text", "language").order_by("language")
    )
    for row in rows:
        if row.language == language:
            return row
    return rows[0] if rows else None


def transcript_course_ids(query: str) -> QuerySet:
    """Ids of courses with a published transcript containing `query`, for the catalog search:
    `Course.objects.filter(Q(<title/description match>) | Q(pk__in=transcript_course_ids(q)))`."""
    return (
        VoiceTranscript.objects.filter(is_published=True, text__icontains=query.strip())
        .values("content__course_id")
        .distinct()
    )


def transcript_content_ids(query: str) -> QuerySet:
    return VoiceTranscript.objects.filter(is_published=True, text__icontains=query.strip()).values("content_id")
