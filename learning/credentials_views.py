"""Verifiable-credential pages and public JSON: the issuer profile, its keys, the status lists, a
certificate's credential (the holder's download, and the public one by verification code) and the
"verify a credential" page.  The verify API is in learning/api/credentials.py."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from . import credentials_selectors, selectors, services
from .forms_credentials import CredentialVerifyForm


def _json(data, *, filename: str = "", cache: int = 300, public: bool = True) -> JsonResponse:
    response = JsonResponse(data, json_dumps_params={"indent": 2, "ensure_ascii": False})
    if public:
        response["Access-Control-Allow-Origin"] = "*"  # public documents: browser-based verifiers read them
    response["Cache-Control"] = f"public, max-age={cache}" if cache else "private, no-store"
    if filename:
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_GET
def issuer_profile(request):
    """Public: the issuer Profile with every signing key (Multikey), active and retired."""
    return _json(credentials_selectors.issuer_profile_document())


@require_GET
def issuer_keys(request):
    """Public: the signing keys with their state."""
    return _json(credentials_selectors.public_keys_document())


@require_GET
def status_list(request, status_list: int):
    """Public: a signed BitstringStatusListCredential (revocation)."""
    if not credentials_selectors.status_list_exists(status_list=status_list):
        raise Http404(_("No such status list."))
    return _json(services.status_list_credential(status_list=status_list), cache=60)


@login_required
@require_GET
def certificate_credential(request, certificate_id):
    """The holder's (or staff's) Open Badges 3.0 credential of a certificate, as a .json download."""
    certificate = selectors.certificate_get(user=request.user, certificate_id=certificate_id)
    credential = services.certificate_credential(certificate=certificate)
    return _json(credential, filename=f"credential-{certificate.code}.json", cache=0, public=False)


@login_required
@require_GET
def achievement_credential(request, award_id):
    """The holder's (or a superuser's) Open Badges 3.0 credential of an achievement award, as a .json download."""
    award = credentials_selectors.achievement_award_for(user=request.user, award_id=award_id)
    credential = services.achievement_credential(award=award)
    return _json(credential, filename=f"credential-{award.achievement.slug}.json", cache=0, public=False)


@require_GET
def certificate_credential_by_code(request, code: str):
    """Public, like the verification page: whoever has the code printed on the certificate."""
    certificate = selectors.certificate_by_code(code=code)
    credential = services.certificate_credential(certificate=certificate)
    return _json(credential, filename=f"credential-{certificate.code}.json", cache=0)


@require_http_methods(["GET", "POST"])
def credential_verify(request):
    """Public: paste or upload a credential to check it (the page form of POST /api/v1/credentials/verify/)."""
    result = None
    form = CredentialVerifyForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        result = credentials_selectors.credential_verify(form.cleaned_data["document"])
    status = 400 if request.method == "POST" and not form.is_valid() else 200
    return render(
        request,
        "learning/credentials/verify.html",
        {"form": form, "result": result, "issuer": credentials_selectors.issuer_summary()},
        status=status,
    )


def verify_page_context(certificate) -> dict:
    """For the certificate verification page: the credential's check, issuer and key (by code: public)."""
    credential = services.certificate_credential(certificate=certificate)
    result = credentials_selectors.credential_verify(credential)
    return {"credential_result": result, "credential_issuer": credentials_selectors.issuer_summary()}
