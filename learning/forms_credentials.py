"""The "verify a credential" form: JSON pasted or uploaded, parsed with a size limit."""

from __future__ import annotations

import json

from django import forms
from django.utils.translation import gettext_lazy as _

from .credentials_selectors import MAX_CREDENTIAL_BYTES


def parse_credential_json(raw: bytes | str) -> object:
    """The parsed JSON of a credential; ValidationError with a clear message otherwise."""
    if isinstance(raw, str):
        raw = raw.encode("utf-8", "surrogatepass")
    if len(raw) > MAX_CREDENTIAL_BYTES:
        raise forms.ValidationError(
            _("A credential is at most %(size)s KB.") % {"size": MAX_CREDENTIAL_BYTES // 1024}, code="too_large"
        )
    try:
        document = json.loads(raw)
    except (ValueError, RecursionError) as exc:
        raise forms.ValidationError(
            _("This is not valid JSON: %(error)s") % {"error": str(exc)[:200]}, code="json"
        ) from None
    if not isinstance(document, dict):
        raise forms.ValidationError(_("A credential is a JSON object ({…})."), code="not_object")
    return document


class CredentialVerifyForm(forms.Form):
    credential = forms.CharField(
        label=_("Credential (JSON)"),
        required=False,
        max_length=MAX_CREDENTIAL_BYTES,
        widget=forms.Textarea(attrs={"rows": 8, "class": "font-monospace", "spellcheck": "false"}),
    )
    file = forms.FileField(label=_("…or a .json file"), required=False)

    def clean(self):
        data = super().clean()
        upload = data.get("file")
        if upload:
            if upload.size > MAX_CREDENTIAL_BYTES:
                self.add_error(
                    "file", _("A credential is at most %(size)s KB.") % {"size": MAX_CREDENTIAL_BYTES // 1024}
                )
                return data
            raw: bytes | str = upload.read(MAX_CREDENTIAL_BYTES + 1)
            field = "file"
        elif data.get("credential"):
            raw, field = data["credential"], "credential"
        else:
            raise forms.ValidationError(_("Paste a credential or choose its .json file."))
        try:
            data["document"] = parse_credential_json(raw)
        except forms.ValidationError as exc:
            self.add_error(field, exc)
        return data
