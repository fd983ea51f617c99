"""Admin for verifiable credentials: the signing keys (public part only, read-only: keys are made and
rotated with `manage.py credentials_keygen`) and the status-list places (read-only)."""

from django.contrib import admin
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from courseworx.core.admin import ReadOnlyAdmin

from .models import CredentialSigningKey, CredentialStatusEntry, IssuedCertificate


@admin.register(CredentialSigningKey)
class CredentialSigningKeyAdmin(ReadOnlyAdmin):
    """The private key is never shown (it is not a field of this admin)."""

    list_display = ("key_id", "is_active", "created_at", "retired_at")
    list_filter = ("is_active",)
    fields = ("key_id", "is_active", "public_key_multibase", "created_at", "retired_at", "published_at")
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).defer("private_key_encrypted")

    @admin.display(description=_("published at"))
    def published_at(self, obj):
        url = reverse("learning:credential_issuer")
        return format_html('<a href="{}">{}#key-{}</a>', url, url, obj.key_id)


@admin.register(CredentialStatusEntry)
class CredentialStatusEntryAdmin(ReadOnlyAdmin):
    list_display = ("kind", "object_id", "status_list_link", "index", "revoked", "created_at")
    list_filter = ("kind", "status_list")
    search_fields = ("object_id",)

    def get_queryset(self, request):
        revoked = IssuedCertificate.objects.filter(pk=OuterRef("object_id"), status=IssuedCertificate.Status.REVOKED)
        return super().get_queryset(request).annotate(is_revoked=Exists(revoked))

    @admin.display(description=_("revoked"), boolean=True)
    def revoked(self, obj):
        return obj.is_revoked

    @admin.display(description=_("status list"), ordering="status_list")
    def status_list_link(self, obj):
        url = reverse("learning:credential_status_list", kwargs={"status_list": obj.status_list})
        return format_html('<a href="{}">{}</a>', url, obj.status_list)
