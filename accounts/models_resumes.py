"""Resumes: one per person (`Resume`), its entries (`ResumeEntry`: education, experience, skills, projects,
languages).  Certificates and achievements are not stored here: higher apps add them as sections through
`accounts.resume_sections` when a resume is shown.

A resume is private until its owner opts in (`is_public`); only then does `/u/<slug>/` answer, and the
e-mail address shows only with `show_email`.  Employer partners search resumes that are public AND
`open_to_work`.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from courseworx.core.models import UUIDModel


class Resume(UUIDModel):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="resume")
    headline = models.CharField(_("headline"), max_length=150, blank=True)
    summary = models.TextField(_("summary"), max_length=3000, blank=True)
    location = models.CharField(_("location"), max_length=100, blank=True)
    show_email = models.BooleanField(_("show my e-mail address"), default=False)
    is_public = models.BooleanField(
        _("public profile"), default=False, help_text=_("Anyone with the link can see your resume.")
    )
    slug = models.SlugField(_("profile address"), max_length=60, unique=True)
    open_to_work = models.BooleanField(
        _("open to work"), default=False, help_text=_("Employer partners may find your public resume.")
    )

    class Meta:
        indexes = [
            models.Index(
                fields=["-updated_at"], name="resume_candidates", condition=Q(is_public=True, open_to_work=True)
            ),
        ]

    def __str__(self) -> str:
        return f"Resume of {self.user_id}"


class ResumeEntry(UUIDModel):
    class Kind(models.TextChoices):
        EXPERIENCE = "experience", _("Experience")
        EDUCATION = "education", _("Education")
        SKILL = "skill", _("Skill")
        PROJECT = "project", _("Project")
        LANGUAGE = "language", _("Language")

    resume = models.ForeignKey(Resume, on_delete=models.CASCADE, related_name="entries")
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=150)
    organisation = models.CharField(_("organisation"), max_length=150, blank=True)
    start_date = models.DateField(_("from"), null=True, blank=True)
    end_date = models.DateField(_("to"), null=True, blank=True, help_text=_("Empty: until now."))
    description = models.TextField(_("description"), max_length=3000, blank=True)
    level = models.PositiveSmallIntegerField(
        _("level (1-5)"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["kind", "position", "-start_date"]
        indexes = [models.Index(fields=["resume", "kind", "position"], name="resume_entry_order")]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True)
                | Q(start_date__isnull=True)
                | Q(end_date__gte=models.F("start_date")),
                name="resume_entry_end_after_start",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.title}"

    def clean(self):
        super().clean()
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": _("The end date cannot be before the start date.")})
