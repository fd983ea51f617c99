"""Mentorships: a student asks an instructor for mentoring; an accepted mentorship has sessions and an end.

`MentorProfile` is the instructor's opt-in ("accepting mentees", at most `max_active_mentees` accepted
mentorships at once).  A student holds at most one open (requested or accepted) mentorship with a given
mentor (a conditional unique constraint).  State changes go through `learning.services.mentorships`.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, URLValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from courseworx.core.models import UUIDModel

validate_http_url = URLValidator(
    schemes=["http", "https"], message=_("Enter a link starting with http:// or https://.")
)


class MentorProfile(UUIDModel):
    """An instructor's mentoring settings (one per instructor; created on first save of the settings)."""

    mentor = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mentor_profile")
    accepting_mentees = models.BooleanField(_("accepting mentees"), default=False, db_index=True)
    max_active_mentees = models.PositiveIntegerField(
        _("maximum active mentees"), default=3, validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    topics = models.CharField(
        _("topics"), max_length=300, blank=True, help_text=_("What you can help with, e.g. career advice, Python.")
    )

    def __str__(self) -> str:
        return f"Mentor profile of {self.mentor_id}"


class Mentorship(UUIDModel):
    class Status(models.TextChoices):
        REQUESTED = "requested", _("Requested")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        CANCELLED = "cancelled", _("Cancelled")
        ENDED = "ended", _("Ended")

    OPEN_STATUSES = (Status.REQUESTED, Status.ACCEPTED)

    student = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mentorships")
    mentor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mentees")
    course = models.ForeignKey(
        "courses.Course", null=True, blank=True, on_delete=models.SET_NULL, related_name="mentorships"
    )
    message = models.TextField(_("what you hope to get from it"), max_length=2000)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.REQUESTED)
    requested_at = models.DateTimeField()
    responded_at = models.DateTimeField(null=True, blank=True)
    response_message = models.TextField(max_length=2000, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    end_reason = models.TextField(max_length=2000, blank=True)

    class Meta:
        ordering = ["-requested_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["student", "mentor"],
                condition=Q(status__in=["requested", "accepted"]),
                name="mentorship_one_open_per_pair",
                violation_error_message=_("You already have an open mentorship with this mentor."),
            ),
            models.CheckConstraint(condition=~Q(student=models.F("mentor")), name="mentorship_not_self"),
        ]
        indexes = [
            models.Index(fields=["mentor", "status"], name="mentorship_mentor_status"),
            models.Index(fields=["student", "status"], name="mentorship_student_status"),
        ]

    def __str__(self) -> str:
        return f"Mentorship {self.student_id} -> {self.mentor_id} ({self.status})"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES


class MentorshipSession(UUIDModel):
    """A meeting of an accepted mentorship.  `shared_notes` are shown to both; `private_notes` to the mentor only."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        HELD = "held", _("Held")
        CANCELLED = "cancelled", _("Cancelled")

    mentorship = models.ForeignKey(Mentorship, on_delete=models.CASCADE, related_name="sessions")
    scheduled_at = models.DateTimeField(_("date and time"))
    duration_minutes = models.PositiveIntegerField(
        _("duration (minutes)"), default=30, validators=[MinValueValidator(5), MaxValueValidator(480)]
    )
    location = models.CharField(_("place"), max_length=200, blank=True)
    link = models.URLField(_("meeting link"), blank=True, validators=[validate_http_url])
    agenda = models.TextField(_("agenda"), max_length=2000, blank=True)
    shared_notes = models.TextField(_("notes shared with the mentee"), max_length=5000, blank=True)
    private_notes = models.TextField(_("private notes (only you)"), max_length=5000, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PLANNED)

    class Meta:
        ordering = ["scheduled_at"]
        indexes = [models.Index(fields=["mentorship", "scheduled_at"], name="mentorship_session_when")]

    def __str__(self) -> str:
        return f"Session of {self.mentorship_id} at {self.scheduled_at:%Y-%m-%d %H:%M}"

    def clean(self):
        super().clean()
        if self.link and not self.link.lower().startswith(("http://", "https://")):
            raise ValidationError({"link": _("Enter a link starting with http:// or https://.")})
