"""Resume pages: edit my resume and its entries (add, edit, delete, move up/down), preview, PDF, and the
opt-in public profile `/u/<slug>/` (404 unless public; no e-mail unless chosen; `noindex` unless public)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST

from courseworx.core.forms import add_service_errors, service_error_text

from . import resume_selectors as sel
from . import services_resumes as services
from .models import Resume, ResumeEntry
from .resume_pdf import resume_render_pdf


class ResumeForm(forms.ModelForm):
    class Meta:
        model = Resume
        fields = ["headline", "location", "summary", "is_public", "open_to_work", "show_email", "slug"]
        widgets = {"summary": forms.Textarea(attrs={"rows": 5})}
        help_texts = {"slug": _("Your public address: /u/your-address/ (letters, digits and dashes).")}


class EntryForm(forms.ModelForm):
    class Meta:
        model = ResumeEntry
        fields = ["kind", "title", "organisation", "start_date", "end_date", "level", "description"]
        widgets = {
            "start_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "end_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "description": forms.Textarea(attrs={"rows": 4}),
        }

    def clean(self):
        data = super().clean()
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("The end date cannot be before the start date."))
        return data


@login_required
@require_http_methods(["GET", "POST"])
def resume_edit(request):
    resume = services.resume_get_or_create(user=request.user)
    form = ResumeForm(request.POST or None, instance=resume)
    if request.method == "POST" and form.is_valid():
        try:
            services.resume_update(user=request.user, data=form.cleaned_data)
        except (ValidationError, PermissionDenied) as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Your resume was saved."))
            return redirect("accounts:resume")
    resume.refresh_from_db()
    view = sel.resume_view(resume)
    return render(request, "accounts/resume/edit.html", {"form": form, "view": view, "resume": resume})


def _own_entry(request, entry_id) -> ResumeEntry:
    return get_object_or_404(ResumeEntry.objects.select_related("resume"), pk=entry_id, resume__user=request.user)


@login_required
@require_http_methods(["GET", "POST"])
def entry_edit(request, entry_id=None):
    entry = _own_entry(request, entry_id) if entry_id else None
    initial = (
        {"kind": request.GET.get("kind")}
        if entry is None and request.GET.get("kind") in ResumeEntry.Kind.values
        else None
    )
    form = EntryForm(request.POST or None, instance=entry, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            if entry is None:
                services.resume_entry_create(user=request.user, **form.cleaned_data)
            else:
                services.resume_entry_update(entry=entry, user=request.user, data=form.cleaned_data)
        except (ValidationError, PermissionDenied) as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The entry was saved."))
            return redirect("accounts:resume")
    return render(request, "accounts/resume/entry.html", {"form": form, "entry": entry})


@login_required
@require_POST
def entry_delete(request, entry_id):
    services.resume_entry_delete(entry=_own_entry(request, entry_id), user=request.user)
    messages.success(request, _("The entry was deleted."))
    return redirect("accounts:resume")


@login_required
@require_POST
def entry_move(request, entry_id, direction):
    try:
        services.resume_entry_move(entry=_own_entry(request, entry_id), user=request.user, direction=direction)
    except ValidationError as exc:
        messages.error(request, service_error_text(exc))
    return redirect("accounts:resume")


@login_required
def resume_preview(request):
    resume = services.resume_get_or_create(user=request.user)
    context = {"view": sel.resume_view(resume), "preview": True, "show_email": resume.show_email}
    return render(request, "accounts/resume/public.html", context)


@login_required
def resume_pdf(request):
    resume = services.resume_get_or_create(user=request.user)
    pdf = resume_render_pdf(sel.resume_view(resume), show_email=resume.show_email)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = 'attachment; filename="resume.pdf"'
    return response


def public_profile(request, slug):
    resume = sel.public_resume(slug=slug)
    if not resume.is_public:  # pragma: no cover - public_resume filters on it
        raise Http404
    context = {"view": sel.resume_view(resume), "preview": False, "show_email": resume.show_email}
    return render(request, "accounts/resume/public.html", context)
