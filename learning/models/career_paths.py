"""Career paths: an ordered list of courses towards a role, which learners join; completing its required
courses earns a path certificate (imported by `learning.models`; see learning/README.md, "Career paths")."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinLengthValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from courses.validators import validate_thumbnail
from courseworx.core.models import TimeStampedModel, UUIDModel

from .base import IssuedCertificate


class CareerPathQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=CareerPath.Status.PUBLISHED)


class CareerPath(UUIDModel):
    """A curated sequence of courses (authored by staff in the admin).  `description` is Markdown, rendered
    through the authors' sanitising policy like a course description."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    slug = models.SlugField(max_length=220, unique=True)
    title = models.CharField(max_length=200, validators=[MinLengthValidator(3)])
    summary = models.CharField(max_length=500, blank=True, help_text=_("One or two sentences for the catalog."))
    description = models.TextField(blank=True, help_text=_("Markdown."))
    image = models.ImageField(upload_to="career_paths/%Y/%m/", blank=True, validators=[validate_thumbnail])
    target_role = models.CharField(
        max_length=200,
        blank=True,
        help_text=_("The role or outcome the path prepares for, e.g. “Junior data analyst”."),
    )
    estimated_hours = models.PositiveIntegerField(
        null=True,
        blank=True,
        validators=[MaxValueValidator(10000)],
        help_text=_("Leave empty to add up the durations of its courses."),
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT, editable=False)
    published_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    certificate_template = models.ForeignKey(
        "courses.CertificateTemplate",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Empty: the default certificate template."),
    )

    objects = CareerPathQuerySet.as_manager()

    class Meta:
        ordering = ["title"]
        indexes = [models.Index(fields=["status", "title"], name="careerpath_status_title_idx")]
        permissions = [("publish_careerpath", "Can publish career paths")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("learning:career_path", kwargs={"slug": self.slug})

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED


class PathCourse(TimeStampedModel):
    """A course at a position of a path.  Its prerequisites are earlier courses of the same path
    (`learning.services.path_course_prerequisites_check`), so they can never form a cycle."""

    path = models.ForeignKey(CareerPath, on_delete=models.CASCADE, related_name="path_courses")
    course = models.ForeignKey("courses.Course", on_delete=models.PROTECT, related_name="path_entries")
    position = models.PositiveIntegerField()
    is_required = models.BooleanField(default=True, help_text=_("Needed to complete the path."))
    prerequisites = models.ManyToManyField(
        "self",
        symmetrical=False,
        blank=True,
        related_name="unlocks",
        help_text=_("Earlier courses of this path to complete first."),
    )

    class Meta:
        ordering = ["path", "position"]
        constraints = [
            models.UniqueConstraint(fields=["path", "position"], name="pathcourse_path_position_unique"),
            models.UniqueConstraint(fields=["path", "course"], name="pathcourse_path_course_unique"),
        ]
        indexes = [models.Index(fields=["course", "path"], name="pathcourse_course_path_idx")]

    def __str__(self) -> str:
        return f"{self.position}. {self.course}"


class UserCareerPath(TimeStampedModel):
    """A learner's membership of a path; `completed_at` and `certificate` are set once, under its row lock."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="career_paths")
    path = models.ForeignKey(CareerPath, on_delete=models.CASCADE, related_name="memberships")
    joined_at = models.DateTimeField()
    completed_at = models.DateTimeField(null=True, blank=True)
    certificate = models.OneToOneField(
        IssuedCertificate, null=True, blank=True, on_delete=models.SET_NULL, related_name="career_path_membership"
    )

    class Meta:
        ordering = ["-joined_at"]
        constraints = [models.UniqueConstraint(fields=["user", "path"], name="usercareerpath_user_path_unique")]
        indexes = [models.Index(fields=["path", "user"], name="usercareerpath_path_user_idx")]

    def __str__(self) -> str:
        return f"{self.user_id} on {self.path_id}"

    @property
    def is_completed(self) -> bool:
        return self.completed_at is not None
