"""Translations of course content."""

from django.conf import settings
from django.db import models

from courseworx.core.models import TimeStampedModel

from .course import Course


class CourseLanguage(TimeStampedModel):
    """A language a course is offered in (besides its own `language`)."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="languages")
    language = models.CharField(max_length=10, choices=settings.LANGUAGES)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["course", "language"], name="course_language_unique")]

    def __str__(self) -> str:
        return f"{self.course} ({self.language})"


class Translation(TimeStampedModel):
    """A translated text of one field of a course, section or lesson, shown by the visitor's language."""

    class Target(models.TextChoices):
        COURSE = "course", "Course"
        SECTION = "section", "Section"
        CONTENT = "content", "Lesson"

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="translations")
    language = models.CharField(max_length=10, choices=settings.LANGUAGES)
    target = models.CharField(max_length=10, choices=Target.choices)
    target_id = models.UUIDField()
    field = models.CharField(max_length=50)
    text = models.TextField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["language", "target", "target_id", "field"], name="translation_unique")
        ]
        indexes = [models.Index(fields=["course", "language"], name="translation_course_lang_idx")]

    def __str__(self) -> str:
        return f"{self.target}:{self.field} [{self.language}]"
