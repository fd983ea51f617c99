"""Verifiable credentials (Open Badges 3.0): the site's signing keys and the status-list indexes.

See learning/README.md, "Credentials"."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from courseworx.core.models import TimeStampedModel


class CredentialSigningKey(TimeStampedModel):
    """An Ed25519 key that signs credentials.  One key is active (signs new credentials); retired keys are
    still published in the issuer profile, so what they signed stays verifiable.

    The private key is stored encrypted (AES-GCM under a key derived from SECRET_KEY, see
    `learning.credentials.multibase`) and is never shown: not in the admin, the API or a page."""

    key_id = models.CharField(_("key id"), max_length=40, unique=True)
    public_key_multibase = models.CharField(_("public key (multibase)"), max_length=80)
    private_key_encrypted = models.BinaryField(editable=False)
    is_active = models.BooleanField(_("active"), default=True)
    retired_at = models.DateTimeField(_("retired at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("credential signing key")
        constraints = [
            # At most one key signs: two web requests (or two keygen runs) cannot both make one active.
            models.UniqueConstraint(
                fields=["is_active"], condition=Q(is_active=True), name="credential_one_active_key"
            ),
            models.CheckConstraint(
                condition=Q(is_active=True, retired_at__isnull=True) | Q(is_active=False, retired_at__isnull=False),
                name="credential_key_retired_when_inactive",
            ),
        ]

    def __str__(self) -> str:
        return self.key_id


class CredentialStatusEntry(TimeStampedModel):
    """The stable place of one credential in a Bitstring status list (list number + bit index).

    `kind` + `object_id` name what the credential is about ("certificate": an IssuedCertificate's id,
    "achievement": a UserAchievement's id);
    the bit is set when that object is revoked (read from the object itself, so there is one truth)."""

    class Kind(models.TextChoices):
        CERTIFICATE = "certificate", _("Certificate")
        ACHIEVEMENT = "achievement", _("Achievement")

    kind = models.CharField(max_length=20, choices=Kind.choices)
    object_id = models.UUIDField()
    status_list = models.PositiveIntegerField(default=1)
    index = models.PositiveIntegerField()

    class Meta:
        ordering = ["status_list", "index"]
        verbose_name = _("credential status entry")
        verbose_name_plural = _("credential status entries")
        constraints = [
            models.UniqueConstraint(fields=["kind", "object_id"], name="credential_status_one_per_object"),
            models.UniqueConstraint(fields=["status_list", "index"], name="credential_status_unique_index"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.object_id} → list {self.status_list} #{self.index}"
