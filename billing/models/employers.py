"""Employer partners, their requests, content licensing (revenue shares and employer licences) and seats."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from courseworx.core.models import UUIDModel

from .base import currency_field, money_field, new_token


class EmployerPartner(UUIDModel):
    name = models.CharField(max_length=150, unique=True)
    contact_name = models.CharField(max_length=120, blank=True)
    contact_email = models.EmailField(blank=True)
    email_domain = models.CharField(max_length=100, blank=True, help_text=_("e.g. acme.com (informational)."))
    managers = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="employer_partners")
    is_active = models.BooleanField(default=True)
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class EmployerRequest(UUIDModel):
    class Kind(models.TextChoices):
        SEATS = "seats", _("Seat purchase")
        CUSTOM_TRAINING = "custom_training", _("Custom training")

    class Status(models.TextChoices):
        NEW = "new", _("New")
        IN_REVIEW = "in_review", _("In review")
        APPROVED = "approved", _("Approved")
        FULFILLED = "fulfilled", _("Fulfilled")
        REJECTED = "rejected", _("Rejected")

    partner = models.ForeignKey(EmployerPartner, on_delete=models.CASCADE, related_name="requests")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    course = models.ForeignKey("courses.Course", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    seats = models.PositiveIntegerField(null=True, blank=True)
    message = models.TextField(blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.NEW)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    handled_at = models.DateTimeField(null=True, blank=True)
    staff_note = models.TextField(blank=True)
    licence = models.OneToOneField(
        "ContentLicensing", null=True, blank=True, on_delete=models.SET_NULL, related_name="employer_request"
    )

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="seats") | (Q(course__isnull=False) & Q(seats__gt=0)),
                name="employer_seats_need_course",
            )
        ]
        indexes = [models.Index(fields=["status", "-created_at"], name="employer_request_status_idx")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for {self.partner}"


class ContentLicensing(UUIDModel):
    """Either the instructor's revenue share of a course (no partner), or a licence of the course to
    an employer partner with a number of seats and a term."""

    class Kind(models.TextChoices):
        REVENUE_SHARE = "revenue_share", _("Instructor revenue share")
        EMPLOYER = "employer", _("Employer licence")

    course = models.ForeignKey("courses.Course", on_delete=models.PROTECT, related_name="licences")
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.REVENUE_SHARE)
    revenue_share_percent = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        default=Decimal("70.00"),
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text=_("The instructor's share of the course's net revenue."),
    )
    partner = models.ForeignKey(
        EmployerPartner, null=True, blank=True, on_delete=models.PROTECT, related_name="licences"
    )
    seats = models.PositiveIntegerField(null=True, blank=True)
    starts_on = models.DateField(null=True, blank=True)
    ends_on = models.DateField(null=True, blank=True)
    fee = money_field(help_text=_("What the partner pays for the licence."))
    currency = currency_field()

    class Meta:
        ordering = ["course__title", "kind"]
        verbose_name = "content licensing"
        verbose_name_plural = "content licensing"
        constraints = [
            models.UniqueConstraint(fields=["course"], condition=Q(kind="revenue_share"), name="licensing_one_share"),
            models.CheckConstraint(
                condition=Q(revenue_share_percent__gte=0) & Q(revenue_share_percent__lte=100),
                name="licensing_share_0_100",
            ),
            models.CheckConstraint(
                condition=Q(kind="revenue_share")
                | (Q(partner__isnull=False) & Q(seats__gt=0) & Q(starts_on__isnull=False) & Q(ends_on__isnull=False)),
                name="licensing_employer_complete",
            ),
        ]
        indexes = [models.Index(fields=["partner", "ends_on"], name="licensing_partner_idx")]

    def __str__(self) -> str:
        if self.kind == self.Kind.EMPLOYER:
            return f"{self.course} for {self.partner} ({self.seats} seats)"
        return f"{self.course}: {self.revenue_share_percent}% to the instructor"

    def clean(self) -> None:
        if self.kind == self.Kind.EMPLOYER:
            errors = {}
            if not self.partner_id:
                errors["partner"] = "An employer licence needs a partner."
            if not self.seats:
                errors["seats"] = "Give the number of seats."
            if not (self.starts_on and self.ends_on):
                errors["ends_on"] = "Give the licence term."
            elif self.ends_on < self.starts_on:
                errors["ends_on"] = "The term ends before it starts."
            if errors:
                raise ValidationError(errors)

    def is_current(self, today=None) -> bool:
        today = today or timezone.localdate()
        return bool(self.starts_on and self.ends_on and self.starts_on <= today <= self.ends_on)


class SeatAssignment(UUIDModel):
    """A seat of an employer licence given to an employee's e-mail: enrols an existing user at once,
    otherwise waits for them to accept the invitation (token link) after signing up."""

    class Status(models.TextChoices):
        INVITED = "invited", _("Invited")
        ENROLLED = "enrolled", _("Enrolled")
        REVOKED = "revoked", _("Revoked")

    licence = models.ForeignKey(ContentLicensing, on_delete=models.CASCADE, related_name="seat_assignments")
    email = models.EmailField()
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.INVITED)
    token = models.CharField(max_length=64, unique=True, default=new_token)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    enrolled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["email"]
        constraints = [models.UniqueConstraint(fields=["licence", "email"], name="seat_licence_email_unique")]
        indexes = [models.Index(fields=["email", "status"], name="seat_email_idx")]

    def __str__(self) -> str:
        return f"{self.email} ({self.status})"
