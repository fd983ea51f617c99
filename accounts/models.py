"""People: the custom User (email login, UUID key, role) and staff-only notes about a user."""

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.exceptions import ValidationError
from django.core.validators import MinLengthValidator, RegexValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from courseworx.core.models import TimeStampedModel, UUIDModel

from .api_keys import AREAS
from .identity import normalize_email
from .validators import validate_avatar

name_validators = [MinLengthValidator(2, "Must be at least 2 characters.")]
phone_validator = RegexValidator(
    r"^\+?[0-9 ()\-.]{6,20}$", "Enter a phone number of 6 to 20 digits, optionally starting with +."
)


class UserManager(BaseUserManager):
    use_in_migrations = True

    @classmethod
    def normalize_email(cls, email: str | None) -> str:
        # Email is the login and is unique whatever its case: stored in the one normal form
        # (accounts.identity), which is also what the lock-out counts.
        return normalize_email(email)

    def get_by_natural_key(self, username):
        # Stored lower-cased (see save), so an exact match uses the unique index.
        return self.get(email=self.normalize_email(username))

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("role", User.Role.ADMIN)
        extra_fields["is_superuser"] = True
        extra_fields["is_staff"] = True
        return self._create_user(email, password, **extra_fields)


class User(UUIDModel, AbstractBaseUser, PermissionsMixin):
    class Role(models.TextChoices):
        STUDENT = "student", _("Student")
        INSTRUCTOR = "instructor", _("Instructor")
        ADMIN = "admin", _("Administrator")

    email = models.EmailField("email address", max_length=255, unique=True)
    first_name = models.CharField(max_length=50, validators=name_validators)
    last_name = models.CharField(max_length=50, validators=name_validators)
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.STUDENT, db_index=True)
    phone = models.CharField(max_length=20, blank=True, validators=[phone_validator])
    avatar = models.ImageField(upload_to="avatars/%Y/%m/", blank=True, validators=[validate_avatar])
    is_active = models.BooleanField(default=True, db_index=True)
    is_staff = models.BooleanField(
        "staff status", default=False, help_text=_("Can log into the admin site (instructors and staff).")
    )
    requires_password_change = models.BooleanField(
        default=False, help_text=_("The user must choose a new password before using the site.")
    )
    date_joined = models.DateTimeField(auto_now_add=True)
    # The display currency the user last picked (ISO 4217 code; empty: each price's own currency).  Set and
    # validated by billing (`billing.services.preferred_currency_set`), which puts it in the session at sign-in.
    preferred_currency = models.CharField(max_length=3, blank=True, default="", editable=False)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["first_name", "last_name"]

    class Meta:
        ordering = ["last_name", "first_name"]
        constraints = [models.UniqueConstraint(Lower("email"), name="accounts_user_email_ci_unique")]
        indexes = [models.Index(fields=["role", "is_active"])]

    def __str__(self) -> str:
        return f"{self.get_full_name()} <{self.email}>"

    def clean(self):
        super().clean()
        self.email = UserManager.normalize_email(self.email)

    def save(self, *args, **kwargs):
        self.email = UserManager.normalize_email(self.email)
        # Instructors and administrators work in the admin; what they see there is limited by
        # permissions (see accounts.backends).  Students never get admin access.
        if self.role in (self.Role.INSTRUCTOR, self.Role.ADMIN):
            self.is_staff = True
        elif not self.is_superuser:
            self.is_staff = False
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = set(kwargs["update_fields"]) | {"email", "is_staff"}
        super().save(*args, **kwargs)

    def get_full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    def get_short_name(self) -> str:
        return self.first_name

    @property
    def initials(self) -> str:
        return (self.first_name[:1] + self.last_name[:1]).upper()

    def in_group(self, name: str) -> bool:
        if self.is_superuser:
            return True
        # One query per request at most: groups are cached on the instance.
        if not hasattr(self, "_group_names"):
            self._group_names = set(self.groups.values_list("name", flat=True))
        return name in self._group_names


class AdminNote(TimeStampedModel):
    """A staff-only note about a user (support history, warnings).  Never shown to the user."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="admin_notes")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="admin_notes_written"
    )
    body = models.TextField()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Note on {self.user_id} by {self.author_id}"


def _api_key_areas_default() -> list[str]:
    return []


class ApiKey(UUIDModel):
    """A user's API key (`Authorization: Api-Key <key>`); see accounts/api_keys.py and the README.

    Only the SHA-256 of the key is stored; `prefix` (public) names it.  A key acts as its user, limited
    to its `areas` (and to safe methods when `read_only`).  Revoked keys stay, for the record.  The rate
    limits override the defaults for the user's role (`API_KEY_RATE_LIMITS`) when set.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_keys")
    name = models.CharField(max_length=100, help_text="What the key is for (an integration's name).")
    prefix = models.CharField(max_length=16, unique=True, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    read_only = models.BooleanField(default=False, help_text="Only GET, HEAD and OPTIONS requests.")
    areas = models.JSONField(default=_api_key_areas_default, help_text="The API areas the key may call.")
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    last_used_at = models.DateTimeField(null=True, blank=True)
    last_used_ip = models.GenericIPAddressField(null=True, blank=True)
    rate_limit_per_minute = models.PositiveIntegerField(
        null=True, blank=True, help_text="Empty: the default for the user's role."
    )
    rate_limit_per_hour = models.PositiveIntegerField(
        null=True, blank=True, help_text="Empty: the default for the user's role."
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "API key"
        indexes = [models.Index(fields=["user", "-created_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(rate_limit_per_minute__isnull=True) | models.Q(rate_limit_per_minute__gt=0),
                name="accounts_apikey_minute_limit_positive",
            ),
            models.CheckConstraint(
                condition=models.Q(rate_limit_per_hour__isnull=True) | models.Q(rate_limit_per_hour__gt=0),
                name="accounts_apikey_hour_limit_positive",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.name})"

    def clean(self):
        super().clean()
        if not isinstance(self.areas, list) or not self.areas:
            raise ValidationError({"areas": "Choose at least one area."})
        unknown = [a for a in self.areas if a not in AREAS]
        if unknown:
            raise ValidationError({"areas": f"Unknown area: {', '.join(map(str, unknown))}."})

    def is_expired(self, now=None) -> bool:
        return self.expires_at is not None and self.expires_at <= (now or timezone.now())

    @property
    def status(self) -> str:
        if self.revoked_at is not None:
            return "revoked"
        if self.is_expired():
            return "expired"
        return "active"

    @property
    def is_active(self) -> bool:
        return self.status == "active"


from .models_resumes import Resume, ResumeEntry  # noqa: E402, F401 — resumes live in their own module
