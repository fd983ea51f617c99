"""Translations of course content."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

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
        COURSE = "course", _("Course")
        SECTION = "section", _("Section")
        CONTENT = "content", _("Lesson")

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


# The fields a translation may replace, per target (the admin's translation page, the API and the
# display follow this).  A lesson's `article_body` is Markdown, rendered and sanitised like the original.
TRANSLATABLE_FIELDS: dict[str, tuple[str, ...]] = {
    Translation.Target.COURSE: ("title", "short_description", "description"),
    Translation.Target.SECTION: ("title", "description"),
    Translation.Target.CONTENT: ("title", "description", "article_body"),
}
