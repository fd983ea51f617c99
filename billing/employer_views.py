"""The employer licence manager's pages, mounted under /billing/employer/ (namespace "billing"): the
organisations they manage, each one's licences (seats used / total, term), a licence's seats (assign by
e-mail, revoke) and usage (each employee's progress, CSV).

Only the organisation's managers (`EmployerPartner.managers`) open these pages; anyone else gets 404, as
for an organisation that does not exist.  Writes go through billing.services (seat_assign, seat_revoke);
reads through billing.employer_selectors.
"""

from __future__ import annotations

from decimal import ROUND_DOWN, Decimal

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts import resume_selectors
from courseworx.core import csv as safe_csv
from courseworx.core.exceptions import ConflictError
from courseworx.core.forms import add_service_errors, service_error_text

from . import employer_selectors as sel
from . import services
from .models import EmployerPartner, SeatAssignment
from .permissions import can_search_candidates

USAGE_PAGE_SIZE = 50


class SeatAssignForm(forms.Form):
    email = forms.EmailField(
        label=_("Employee's e-mail"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "off", "placeholder": "name@company.com"}),
        help_text=_("If they have an account they are enrolled at once; otherwise they get an invitation link."),
    )


def _partner(request, partner_id) -> EmployerPartner:
    return get_object_or_404(sel.managed_partners(request.user), pk=partner_id)


@login_required
def employer_home(request):
    partners = list(sel.managed_partners(request.user))
    if not partners:
        raise Http404(_("You do not manage an organisation."))
    if len(partners) == 1:
        return redirect("billing:employer_partner", partner_id=partners[0].pk)
    return render(request, "billing/employer/home.html", {"partners": partners})


@login_required
def employer_partner(request, partner_id):
    partner = _partner(request, partner_id)
    today = timezone.localdate()
    licences = list(sel.partner_licences(partner))
    for licence in licences:
        licence.state = "current" if licence.is_current(today) else ("ended" if licence.ends_on < today else "upcoming")
        licence.seats_free = max((licence.seats or 0) - licence.seats_used, 0)
        licence.used_percent = round(100 * licence.seats_used / licence.seats) if licence.seats else 0
    return render(
        request,
        "billing/employer/partner.html",
        {"partner": partner, "licences": licences, "summary": sel.partner_usage_summary(partner), "tab": "licences"},
    )


@login_required
@require_http_methods(["GET", "POST"])
def employer_licence(request, partner_id, licence_id):
    partner = _partner(request, partner_id)
    licence = get_object_or_404(sel.partner_licences(partner), pk=licence_id)
    form = SeatAssignForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                seat = services.seat_assign(licence=licence, email=form.cleaned_data["email"], actor=request.user)
            except ConflictError as exc:
                add_service_errors(form, exc)
                status = 409
            except (ValidationError, PermissionDenied) as exc:
                add_service_errors(form, exc)
                status = 400
            else:
                if seat.status == SeatAssignment.Status.ENROLLED:
                    messages.success(
                        request,
                        _("%(email)s has a seat and is enrolled in “%(title)s”.")
                        % {"email": seat.email, "title": licence.course.title},
                    )
                else:
                    messages.success(
                        request,
                        _("%(email)s has a seat: we sent them an invitation to sign up.") % {"email": seat.email},
                    )
                return redirect("billing:employer_licence", partner_id=partner.pk, licence_id=licence.pk)
        else:
            status = 400
    seats = list(sel.partner_seats(partner, licence=licence))
    return render(
        request,
        "billing/employer/licence.html",
        {
            "partner": partner,
            "licence": licence,
            "is_current": licence.is_current(),
            "seats_free": max((licence.seats or 0) - licence.seats_used, 0),
            "seats": seats,
            "form": form,
            "tab": "licences",
        },
        status=status,
    )


@login_required
@require_POST
def employer_seat_revoke(request, partner_id, seat_id):
    partner = _partner(request, partner_id)
    seat = get_object_or_404(SeatAssignment.objects.select_related("licence"), pk=seat_id, licence__partner=partner)
    try:
        services.seat_revoke(seat=seat, actor=request.user, reason=f"Seat revoked by {partner.name}")
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, service_error_text(exc))
    else:
        messages.success(request, _("The seat of %(email)s is free again.") % {"email": seat.email})
    return redirect("billing:employer_licence", partner_id=partner.pk, licence_id=seat.licence_id)


@login_required
def employer_usage(request, partner_id):
    partner = _partner(request, partner_id)
    page = Paginator(sel.partner_seats(partner), USAGE_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "billing/employer/usage.html",
        {"partner": partner, "page": page, "summary": sel.partner_usage_summary(partner), "tab": "usage"},
    )


USAGE_CSV_HEADER = ["Course", "E-mail", "Name", "Seat", "Enrolment", "Progress (%)", "Completed", "Last active"]


def _percent(value) -> Decimal | None:
    """Whole percent as a number (stays a number in the sheet), as the page shows it."""
    return None if value is None else Decimal(str(value)).quantize(Decimal("1"), rounding=ROUND_DOWN)


def _usage_rows(partner: EmployerPartner):
    for seat in sel.partner_seats(partner).iterator(chunk_size=2000):
        yield [
            seat.licence.course.title,
            seat.email,
            seat.user.get_full_name() if seat.user else "",
            seat.get_status_display(),
            seat.enrolment_status or "",
            _percent(seat.progress),
            seat.completed_at.date().isoformat() if seat.completed_at else "",
            seat.last_accessed_at.date().isoformat() if seat.last_accessed_at else "",
        ]


@login_required
def employer_usage_csv(request, partner_id):
    """Every seat's usage as CSV, through the one CSV writer (names and e-mails are escaped)."""
    partner = _partner(request, partner_id)
    response = StreamingHttpResponse(
        safe_csv.stream_lines(_usage_rows(partner), header=USAGE_CSV_HEADER), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="seat-usage-{timezone.localdate():%Y%m%d}.csv"'
    response["Cache-Control"] = "no-store"
    return response


CANDIDATES_PAGE_SIZE = 20


@login_required
def employer_candidates(request):
    """Find candidates: public resumes of people open to work, by keywords, skill and location."""
    if not can_search_candidates(request.user):
        raise PermissionDenied(_("Only employer partners can search candidates."))
    q, skill, location = (request.GET.get(k, "")[:100] for k in ("q", "skill", "location"))
    results = resume_selectors.candidate_search(q=q, skill=skill, location=location)
    page = Paginator(results, CANDIDATES_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "q": q,
        "skill": skill,
        "location": location,
        "partners": sel.managed_partners(request.user),
    }
    return render(request, "billing/employer/candidates.html", context)
