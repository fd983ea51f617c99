"""Lesson transcripts (voice to text), searched by courses.transcripts."""

from django.conf import settings
from django.db import models

from courseworx.core.models import TimeStampedModel

from .content import CourseContent


class VoiceTranscript(TimeStampedModel):
    """The text of a video (or audio) lesson, shown under the player and searchable."""

    content = models.ForeignKey(CourseContent, on_delete=models.CASCADE, related_name="transcripts")
    language = models.CharField(max_length=10, choices=settings.LANGUAGES, default="en")
    text = models.TextField(max_length=200_000)
    is_published = models.BooleanField(default=True)

    class Meta:
        db_table = "reports_voicetranscript"  # created by the reports app, which owned it first
        ordering = ["content", "language"]
        constraints = [models.UniqueConstraint(fields=["content", "language"], name="transcript_content_lang_unique")]

    def __str__(self) -> str:
        return f"Transcript of {self.content_id} [{self.language}]"
