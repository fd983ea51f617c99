"""The course and its co-authors, with the one "teaches this course" rule as query filters."""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinLengthValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from courseworx.core.currency import decimals_check
from courseworx.core.models import TimeStampedModel, UUIDModel

from ..validators import validate_thumbnail
from .catalog import Category, Tag


# "Teaches this course": the one rule, as query filters (the predicates are in courses.permissions).
# A user teaches a course they own (`Course.instructor`) or co-author (`InstructorCollaborator`).
# Superusers teach only what they own or co-author; "course staff" adds every course for them.
def courses_taught_q(user, prefix: str = "") -> Q:
    """Rows whose course `user` teaches: courses themselves (prefix "") or rows reaching a course
    through `prefix` ("course", "content__course").  Anonymous users match nothing.  This is the
    data relation, true of deactivated accounts too (a report filtered by a former instructor); who
    may act is for the predicates in courses.permissions, which also require an active account.

    The co-author side is a subquery, never a join: rows are not multiplied (no distinct() needed),
    and the queryset stays deletable and cheap to count.
    """
    if not getattr(user, "is_authenticated", False):
        return Q(pk__in=[])
    co_authored = InstructorCollaborator.objects.filter(user_id=user.pk).values("course_id")
    instructor = f"{prefix}__instructor_id" if prefix else "instructor_id"
    return Q(**{instructor: user.pk}) | Q(**{f"{prefix or 'pk'}__in": co_authored})


def course_staff_q(user, prefix: str = "") -> Q:
    """Rows of the courses whose staff `user` is: the ones they teach; superusers: every course."""
    if getattr(user, "is_authenticated", False) and user.is_superuser:
        return Q()
    return courses_taught_q(user, prefix)


def course_teachers_q(courses) -> Q:
    """Users who teach any of `courses` (a Course queryset): the rule read the other way round."""
    return Q(pk__in=courses.values("instructor_id")) | Q(
        pk__in=InstructorCollaborator.objects.filter(course__in=courses.values("pk")).values("user_id")
    )


class CourseQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=Course.Status.PUBLISHED)

    def without_revisions(self):
        """Courses themselves, not the draft revisions of live courses (`Course.revision_of`)."""
        return self.filter(revision_of__isnull=True)

    def taught_by(self, user):
        """Courses `user` teaches (owns or co-authors); superusers are no exception."""
        return self.filter(courses_taught_q(user))

    def editable_by(self, user):
        """Courses whose staff `user` is: the ones they teach; superusers: all (`course_staff_q`).

        Whether a course may be edited right now also depends on its status: see
        `courses.permissions.can_edit_course`.
        """
        return self.filter(course_staff_q(user))


class Course(UUIDModel):
    class Level(models.TextChoices):
        BEGINNER = "beginner", _("Beginner")
        INTERMEDIATE = "intermediate", _("Intermediate")
        ADVANCED = "advanced", _("Advanced")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        IN_REVIEW = "in_review", _("In review")
        CHANGES_REQUESTED = "changes_requested", _("Changes requested")
        PUBLISHED = "published", _("Published")
        ARCHIVED = "archived", _("Archived")

    instructor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="courses_taught")
    title = models.CharField(max_length=200, validators=[MinLengthValidator(3)])
    slug = models.SlugField(max_length=220, unique=True)
    short_description = models.CharField(max_length=500, blank=True)
    description = models.TextField()
    thumbnail = models.ImageField(upload_to="courses/thumbnails/%Y/%m/", blank=True, validators=[validate_thumbnail])
    # 3 places: KWD has 3 decimals; an amount may not have more than its currency's (Course.clean).
    price = models.DecimalField(max_digits=12, decimal_places=3, default=Decimal("0.00"))
    currency = models.CharField(max_length=3, default="USD")
    duration_minutes = models.PositiveIntegerField(null=True, blank=True, help_text=_("Total length in minutes."))
    level = models.CharField(max_length=20, choices=Level.choices, default=Level.BEGINNER, db_index=True)
    language = models.CharField(max_length=10, choices=settings.LANGUAGES, default="en", db_index=True)
    category = models.ForeignKey(
        Category, null=True, blank=True, on_delete=models.SET_NULL, related_name="courses",
        help_text=_("The primary category (breadcrumbs, cards); always one of `categories`."),
    )  # fmt: skip
    # Every category the course is listed under (seed CourseCategories), the primary included: the services
    # and the admin form add it.  The catalog's category filter matches any of them.
    categories = models.ManyToManyField(
        Category, blank=True, related_name="courses_listed",
        help_text=_("Every category the course is listed under; the primary category is always added."),
    )  # fmt: skip
    tags = models.ManyToManyField(Tag, blank=True, related_name="courses")
    is_featured = models.BooleanField(default=False)
    max_students = models.PositiveIntegerField(null=True, blank=True, help_text=_("Seat limit; empty for unlimited."))
    start_date = models.DateField(null=True, blank=True)
    end_date = models.DateField(null=True, blank=True)
    requirements = models.TextField(blank=True, help_text=_("One requirement per line."))
    learning_outcomes = models.TextField(blank=True, help_text=_("One outcome per line."))
    curriculum_summary = models.TextField(blank=True)
    prerequisites = models.ManyToManyField(
        "self", symmetrical=False, blank=True, related_name="required_for", help_text=_("Courses to complete first.")
    )
    certificate_template = models.ForeignKey(
        "CertificateTemplate", null=True, blank=True, on_delete=models.SET_NULL, related_name="courses"
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT, editable=False)
    published_at = models.DateTimeField(null=True, blank=True, editable=False)
    # A revision is a draft copy of a published course (courses.services.revisions): it is reviewed like a
    # course and, once approved, applied to the live course it revises, then deleted.  It is never published.
    revision_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="revisions", editable=False
    )
    # Of a revision: the live row each cloned row was copied from, per kind
    # ({"section": {clone id: origin id}, "content": {...}, "question": {...}, "assignment": {...}}).
    revision_origins = models.JSONField(default=dict, blank=True, editable=False)
    # Denormalised counters, maintained in SQL (F expressions) by the apps that own the events.
    rating = models.DecimalField(
        max_digits=3, decimal_places=2, default=Decimal("0.00"), editable=False,
        validators=[MinValueValidator(0), MaxValueValidator(5)],
    )  # fmt: skip
    rating_count = models.PositiveIntegerField(default=0, editable=False)
    enrollment_count = models.PositiveIntegerField(default=0, editable=False)
    completion_count = models.PositiveIntegerField(default=0, editable=False)

    objects = CourseQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(price__gte=0), name="course_price_not_negative"),
            models.CheckConstraint(
                condition=Q(start_date__isnull=True)
                | Q(end_date__isnull=True)
                | Q(end_date__gte=models.F("start_date")),
                name="course_end_not_before_start",
            ),
            models.CheckConstraint(condition=Q(rating__gte=0) & Q(rating__lte=5), name="course_rating_0_5"),
            models.CheckConstraint(
                condition=Q(max_students__isnull=True) | Q(max_students__gte=1), name="course_max_students_positive"
            ),
            # One open revision per live course.
            models.UniqueConstraint(
                fields=["revision_of"], condition=Q(revision_of__isnull=False), name="course_one_open_revision"
            ),
        ]
        indexes = [
            models.Index(fields=["status", "-created_at"], name="course_status_created_idx"),
            models.Index(fields=["status", "is_featured"], name="course_status_featured_idx"),
            models.Index(fields=["status", "-enrollment_count"], name="course_status_popular_idx"),
            models.Index(fields=["status", "-rating"], name="course_status_rating_idx"),
            models.Index(fields=["status", "price"], name="course_status_price_idx"),
        ]
        permissions = [
            ("review_course", _("Can approve courses or request changes")),
            ("submit_course", _("Can submit a course for review")),
        ]

    def __str__(self) -> str:
        return f"{self.title} (revision)" if self.revision_of_id else self.title

    def clean(self) -> None:
        super().clean()
        errors = {}
        if self.start_date and self.end_date and self.end_date < self.start_date:
            errors["end_date"] = ValidationError(
                _("The end date cannot be before the start date."), code="end_before_start"
            )
        if self.price is not None and self.price < 0:
            errors["price"] = ValidationError(_("The price cannot be negative."), code="negative_price")
        elif self.price is not None and self.currency:
            try:
                decimals_check(self.price, self.currency)
            except ValidationError as exc:
                errors["price"] = exc
        if errors:
            raise ValidationError(errors)

    def validate_prerequisites(self, prerequisites) -> None:
        """Many-to-many values are not visible to clean(): forms and services call this."""
        if self.pk and any(getattr(c, "pk", c) == self.pk for c in prerequisites):
            raise ValidationError(
                {
                    "prerequisites": ValidationError(
                        _("A course cannot be its own prerequisite."), code="self_prerequisite"
                    )
                }
            )

    def get_absolute_url(self) -> str:
        return reverse("courses:detail", kwargs={"slug": self.slug})

    @property
    def is_free(self) -> bool:
        return self.price == 0

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED

    @property
    def is_revision(self) -> bool:
        return self.revision_of_id is not None

    def explicit_price(self, code: str | None) -> "CoursePrice | None":
        """The course's explicit price in `code` (a `CoursePrice`), None when it lists none.  Reads what
        `selectors.explicit_prices_attach` attached or the prefetched `prices`, so lists cost no query per course."""
        if not code or self.is_free:
            return None
        code = code.upper()
        if code == self.currency:
            return None
        attached = getattr(self, "_explicit_prices", {})
        if code in attached:
            return attached[code]
        cache = getattr(self, "_prefetched_objects_cache", {})
        rows = cache["prices"] if "prices" in cache else self.prices.all()
        return next((row for row in rows if row.currency == code), None)

    def requirement_list(self) -> list[str]:
        return [line.strip(" -*\t") for line in self.requirements.splitlines() if line.strip(" -*\t")]

    def outcome_list(self) -> list[str]:
        return [line.strip(" -*\t") for line in self.learning_outcomes.splitlines() if line.strip(" -*\t")]


class InstructorCollaborator(TimeStampedModel):
    """A co-author: may edit the course in the admin like its owner (but not delete it)."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="collaborators")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="co_authored")
    role = models.CharField(max_length=50, default="Co-instructor")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["course", "user"], name="collaborator_unique")]

    def __str__(self) -> str:
        return f"{self.user} on {self.course}"


class CoursePrice(TimeStampedModel):
    """An explicit price of a course in another currency than its own (`Course.currency`).

    A visitor whose display currency has one sees this amount (not an approximate conversion) and
    checkout charges it in that currency; other visitors see the converted price and pay the course's
    own price.  Part of the course's reviewed content: a published course's prices change through a
    revision, like its base price (`courses.prices.PriceRevisions`)."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="prices")
    currency = models.CharField(max_length=3, help_text="ISO 4217 code of an active currency.")
    amount = models.DecimalField(
        max_digits=12, decimal_places=3, validators=[MinValueValidator(Decimal("0.001"))],
        help_text="The price in this currency (at most the currency's decimals: JPY 0, USD 2, KWD 3).",
    )  # fmt: skip

    class Meta:
        ordering = ["currency"]
        constraints = [
            models.UniqueConstraint(fields=["course", "currency"], name="courseprice_unique"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="courseprice_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.amount} {self.currency}"

    def clean(self) -> None:
        super().clean()
        self.currency = (self.currency or "").strip().upper()
        if self.course_id and self.currency and self.currency == self.course.currency:
            raise ValidationError(
                {"currency": ValidationError("This is the course's own currency: change its price instead.",
                                             code="own_currency")}
            )  # fmt: skip
        if self.amount is not None and self.currency:
            decimals_check(self.amount, self.currency, field="amount")
