"""The profile's API keys page: list, create (the full key shown once, with a copy button), revoke.

Creating answers the POST with the page itself, showing the new key: it is not stored anywhere (not even in
the session), so reloading the list never shows it again.  Another person's key is a 404.
"""

from __future__ import annotations

from datetime import timedelta

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST

from courseworx.core.forms import add_service_errors, service_error_text

from . import ratelimit, services_api_keys
from .api_keys import AREAS, area_choices
from .models import ApiKey

EXPIRY_CHOICES = [
    ("", _("Never")),
    ("7", _("In 7 days")),
    ("30", _("In 30 days")),
    ("90", _("In 90 days")),
    ("365", _("In a year")),
]


class ApiKeyCreateForm(forms.Form):
    name = forms.CharField(
        label=_("Name"), max_length=100, help_text=_("What the key is for, e.g. the integration's name.")
    )
    areas = forms.MultipleChoiceField(
        label=_("Areas"), choices=area_choices, widget=forms.CheckboxSelectMultiple, required=True
    )
    read_only = forms.BooleanField(label=_("Read-only (GET requests only)"), required=False, initial=True)
    expires_in = forms.ChoiceField(label=_("Expires"), choices=EXPIRY_CHOICES, required=False, initial="90")

    def expires_at(self):
        days = self.cleaned_data.get("expires_in")
        return timezone.now() + timedelta(days=int(days)) if days else None


def _page(request, form: ApiKeyCreateForm, *, created: ApiKey | None = None, raw: str = ""):
    keys = list(ApiKey.objects.filter(user=request.user).order_by("-created_at"))
    for key in keys:
        key.area_labels = [AREAS[a][0] if a in AREAS else a for a in key.areas]  # type: ignore[attr-defined]
    return render(
        request,
        "accounts/api_keys.html",
        {
            "form": form,
            "keys": keys,
            "created": created,
            "created_key": raw,
            "areas": [(code, label, help_text) for code, (label, help_text) in AREAS.items()],
            "limits": ratelimit.key_limits(ApiKey(user=request.user)),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def api_keys(request):
    if request.method == "POST":
        form = ApiKeyCreateForm(request.POST)
        if form.is_valid():
            try:
                key, raw = services_api_keys.api_key_create(
                    user=request.user,
                    name=form.cleaned_data["name"],
                    areas=form.cleaned_data["areas"],
                    read_only=form.cleaned_data["read_only"],
                    expires_at=form.expires_at(),
                )
            except (ValidationError, PermissionDenied) as exc:
                add_service_errors(form, exc)
            else:
                # The page itself answers: the key is in this response only.
                return _page(request, ApiKeyCreateForm(), created=key, raw=raw)
        messages.error(request, gettext("Please correct the errors below."))
        return _page(request, form)
    return _page(request, ApiKeyCreateForm())


@login_required
@require_POST
def api_key_revoke(request, key_id):
    key = get_object_or_404(ApiKey, pk=key_id, user=request.user)
    try:
        services_api_keys.api_key_revoke(key=key, actor=request.user)
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, service_error_text(exc))
    else:
        messages.success(request, gettext("The key %(prefix)s… has been revoked.") % {"prefix": key.prefix})
    return redirect("accounts:api_keys")
