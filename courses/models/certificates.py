"""Certificate templates (rendered by learning.certificates through courseworx.core.pdf)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from courseworx.core import pdf_templates
from courseworx.core.models import UUIDModel
from courseworx.core.pdf import pdf_file_url

from ..validators import validate_thumbnail
from .course import Course


class CertificateTemplateQuerySet(models.QuerySet):
    def locked(self):
        """Templates used by a course that is in review, published or archived (see `is_locked`)."""
        return self.filter(courses__status__in=CertificateTemplate.LOCKING_STATUSES).distinct()


class CertificateTemplate(UUIDModel):
    """HTML/CSS layout rendered to PDF with placeholders such as {{ student_name }}.

    The HTML is a sandboxed template (courseworx.core.pdf_templates): plain-text placeholders, `if` and
    `comment` tags, a few text filters; tags, attributes, CSS properties and URLs are allow-listed.
    `clean()` reports what is not allowed; `save()` refuses to store it (ValidationError) whatever the
    caller; learning.certificates sanitises again when rendering.
    """

    TEXT_PLACEHOLDERS = ("student_name", "course_title", "instructor_name", "completed_on", "verification_code",
                         "verification_url", "grade", "signature_name", "signature_title")  # fmt: skip
    # Image fields of the template itself: `<img src="{{ background_image }}">`, `url("{{ background_image }}")`.
    IMAGE_PLACEHOLDERS = ("background_image", "signature_image")
    # Images made for each certificate (not fields): `<img src="{{ verification_qr }}">`, the QR code of
    # the verification URL (learning.certificates renders it as a PNG data: URL).
    GENERATED_IMAGE_PLACEHOLDERS = ("verification_qr",)
    LINK_PLACEHOLDERS = ("verification_url",)
    PLACEHOLDERS = TEXT_PLACEHOLDERS + IMAGE_PLACEHOLDERS + GENERATED_IMAGE_PLACEHOLDERS
    # A template used by a course in one of these states changes only as a course does: not by its author.
    LOCKING_STATUSES = (Course.Status.IN_REVIEW, Course.Status.PUBLISHED, Course.Status.ARCHIVED)

    name = models.CharField(max_length=200)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="certificate_templates"
    )
    html = models.TextField(
        help_text=(
            "HTML body. Placeholders: {{ student_name }}, {{ course_title }}, {{ instructor_name }}, "
            "{{ completed_on }}, {{ grade }}, {{ verification_code }}, {{ verification_url }}, "
            "{{ signature_name }}, {{ signature_title }}. Images (as an img src or a CSS url): "
            "{{ background_image }}, {{ signature_image }}, {{ verification_qr }} (the QR code of the "
            "verification URL) or files under /static/. Tags: {% if %}…{% endif %}."
        )
    )
    css = models.TextField(
        blank=True,
        help_text=_('CSS (with @page and @media). Images: url("{{ background_image }}"), url("/static/…").'),
    )
    orientation = models.CharField(
        max_length=10, choices=[("landscape", "Landscape"), ("portrait", "Portrait")], default="landscape"
    )
    background_image = models.ImageField(
        upload_to="certificates/backgrounds/", blank=True, validators=[validate_thumbnail]
    )
    signature_image = models.ImageField(
        upload_to="certificates/signatures/", blank=True, validators=[validate_thumbnail]
    )
    signature_name = models.CharField(max_length=200, blank=True)
    signature_title = models.CharField(max_length=200, blank=True)
    is_default = models.BooleanField(default=False, help_text=_("Used by courses without their own template."))

    objects = CertificateTemplateQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @staticmethod
    def pickable_by(user) -> Q:
        """The templates an instructor may choose for a course (and see): their own, site templates (no
        owner) and the default one."""
        return Q(owner=user) | Q(owner__isnull=True) | Q(is_default=True)

    def is_locked(self) -> bool:
        """Used by a course in review, published or archived: its author may no longer change it."""
        return self.pk is not None and self.courses.filter(status__in=self.LOCKING_STATUSES).exists()

    def content_problems(self) -> dict[str, list[str]]:
        """What in `html` and `css` is not allowed, per field (empty when the template is fine)."""
        image_names = self.IMAGE_PLACEHOLDERS + self.GENERATED_IMAGE_PLACEHOLDERS
        images = {name: pdf_file_url(name) for name in image_names}
        allowed = {"placeholders": images, "file_names": image_names}
        html = pdf_templates.template_problems(self.html, self.PLACEHOLDERS)
        html += pdf_templates.html_problems(self.html, link_placeholders=self.LINK_PLACEHOLDERS, **allowed)
        if not html:
            # Also check what the template produces (markup assembled from pieces, literals...).
            sample = {name: f"Sample {name.replace('_', ' ')}" for name in self.TEXT_PLACEHOLDERS}
            sample.update(images, verification_url="https://courseworx.example/certificates/verify/SAMPLE/")
            rendered = pdf_templates.render_template(self.html, sample)
            html += pdf_templates.html_problems(rendered, **allowed)
        css = pdf_templates.css_problems(self.css, **allowed)
        return {field: list(dict.fromkeys(problems)) for field, problems in (("html", html), ("css", css)) if problems}

    def clean(self) -> None:
        super().clean()
        if problems := self.content_problems():
            raise ValidationError(problems)

    def save(self, *args, **kwargs):
        # Whoever writes the row (admin, service, shell, data migration), unsafe HTML/CSS is never stored.
        if problems := self.content_problems():
            raise ValidationError(problems)
        super().save(*args, **kwargs)
