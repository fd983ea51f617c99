"""Classroom session pages: the trainee's session page (self sign-in, sign-out button), the QR's landing
page, the trainer's live page (rotating QR, who signed in, manual marks), the course's sessions and CSV.

The QR's URL signs the trainee in when opened (after logging in if needed): its token is signed, bound
to the session and the action, valid 45 s and usable once per trainee, so opening it is the trainee's
deliberate act of scanning the code shown in the room.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo

import segno
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.models import User
from courseworx.core import csv as safe_csv
from courseworx.core.clientip import client_ip
from courseworx.core.forms import add_service_errors, service_error_text

from . import permissions, selectors, services
from .models import ClassSession, Enrollment

QR_ROTATE_SECONDS = 30
LIST_REFRESH_SECONDS = 5


def _action(value: str | None) -> str:
    return "out" if value == "out" else "in"


# --- Trainees ----------------------------------------------------------------------------------


def _session_page(request, session: ClassSession, *, result=None, error: str = "", status: int = 200):
    record = selectors.session_attendance_for(session=session, user=request.user)
    now = timezone.now()
    in_window = session.window_opens_at <= now <= session.ends_at and not session.closed_at
    return render(request, "learning/session_detail.html", {
        "session": session, "record": record, "result": result, "error": error, "in_window": in_window,
        "is_staff": permissions.can_record_attendance(request.user, session.course),
    }, status=status)  # fmt: skip


@login_required
@require_GET
def session_detail(request, session_id):
    session = selectors.class_session_for_user(user=request.user, session_id=session_id)
    return _session_page(request, session)


@login_required
@require_GET
def session_scan(request, session_id):
    """The QR code's URL: signs the trainee in (or out) with the code's token."""
    session = ClassSession.objects.select_related("course").filter(pk=session_id).first()
    if session is None:
        raise Http404(_("No such session."))
    token = request.GET.get("t", "")
    try:
        payload_action = services.attendance_token_read(session=session, token=token)["a"]
        record = services.class_session_sign(
            user=request.user, session=session, action=payload_action, token=token, ip=client_ip(request)
        )
    except PermissionDenied as exc:
        return render(request, "learning/session_refused.html", {"session": session, "error": str(exc)}, status=403)
    except ValidationError as exc:
        return render(
            request, "learning/session_refused.html", {"session": session, "error": service_error_text(exc)},
            status=400,
        )  # fmt: skip
    return _session_page(request, session, result={"action": payload_action, "record": record})


@login_required
@require_POST
def session_sign(request, session_id):
    """The session page's buttons: self sign-in (when allowed) and sign-out during the session."""
    session = selectors.class_session_for_user(user=request.user, session_id=session_id)
    action = _action(request.POST.get("action"))
    try:
        record = services.class_session_sign(user=request.user, session=session, action=action, ip=client_ip(request))
    except (ValidationError, PermissionDenied) as exc:
        text = service_error_text(exc) if isinstance(exc, ValidationError) else str(exc)
        return _session_page(request, session, error=text, status=400)
    return _session_page(request, session, result={"action": action, "record": record})


# --- Trainers: the live page -------------------------------------------------------------------


@login_required
@require_GET
def session_live(request, session_id):
    session = selectors.class_session_for_staff(user=request.user, session_id=session_id)
    action = _action(request.GET.get("action"))
    return render(request, "learning/session_live.html", {
        "session": session, "action": action, "qr": _qr_context(session, action),
        "signed_in": selectors.session_signed_in(session=session),
        "sheet": selectors.session_attendance_sheet(session=session),
        "rotate": QR_ROTATE_SECONDS, "refresh": LIST_REFRESH_SECONDS, "actions": services.MANUAL_ACTIONS,
    })  # fmt: skip


def _qr_context(session: ClassSession, action: str) -> dict:
    token = services.attendance_token_make(session=session, action=action)
    url = services.attendance_token_url(session=session, token=token)
    qr = segno.make(url, error="m")
    return {"url": url, "src": qr.svg_data_uri(scale=8, border=2), "action": action}


@login_required
@require_GET
def session_live_qr(request, session_id):
    session = selectors.class_session_for_staff(user=request.user, session_id=session_id)
    action = _action(request.GET.get("action"))
    return render(request, "learning/partials/session_qr.html", {
        "session": session, "qr": _qr_context(session, action), "rotate": QR_ROTATE_SECONDS,
    })  # fmt: skip


@login_required
@require_GET
def session_live_list(request, session_id):
    session = selectors.class_session_for_staff(user=request.user, session_id=session_id)
    return render(request, "learning/partials/session_signed_in.html", {
        "session": session, "signed_in": selectors.session_signed_in(session=session), "refresh": LIST_REFRESH_SECONDS,
    })  # fmt: skip


class MarkForm(forms.Form):
    user = forms.UUIDField()
    action = forms.ChoiceField(choices=[(a, a) for a in services.MANUAL_ACTIONS])
    reason = forms.CharField(max_length=300)
    at = forms.TimeField(required=False)  # the session's local time; empty: now

    def moment(self, session: ClassSession) -> dt.datetime | None:
        """`at` on the session's local day (the next day when earlier than a start it runs past midnight from)."""
        at = self.cleaned_data.get("at")
        if at is None:
            return None
        start, end = session.local_start, session.local_end
        day = start.date()
        if at < start.time().replace(second=0, microsecond=0) and end.date() > day:
            day = end.date()
        return dt.datetime.combine(day, at, tzinfo=session.tz)


@login_required
@require_POST
def session_mark(request, session_id):
    session = selectors.class_session_for_staff(user=request.user, session_id=session_id)
    form = MarkForm(request.POST)
    back = reverse("learning:session_live", kwargs={"session_id": session.pk})
    if not form.is_valid():
        messages.error(request, _("Choose a trainee and an action, and give a reason."))
        return redirect(back)
    user = User.objects.filter(pk=form.cleaned_data["user"]).first()
    if user is None:
        raise Http404(_("No such trainee."))
    try:
        record = services.attendance_session_mark(
            session=session, user=user, actor=request.user, action=form.cleaned_data["action"],
            reason=form.cleaned_data["reason"], at=form.moment(session),
        )  # fmt: skip
    except ValidationError as exc:
        messages.error(request, service_error_text(exc))
    else:
        messages.success(request, f"{user.get_full_name() or user.email}: {record.get_status_display()}.")
    return redirect(back)


@login_required
@require_GET
def session_sheet_csv(request, session_id):
    session = selectors.class_session_for_staff(user=request.user, session_id=session_id)
    rows = selectors.session_attendance_sheet(session=session)
    tz = session.tz

    def local(value):
        return value.astimezone(tz).strftime("%Y-%m-%d %H:%M") if value else ""

    header = ["Name", "E-mail", "Status", "Signed in", "Signed out", "Minutes", "Method", "Note"]
    body = (
        [
            enrollment.user.get_full_name(),
            enrollment.user.email,
            record.get_status_display() if record else "Not recorded",
            local(record.signed_in_at) if record else "",
            local(record.signed_out_at) if record else "",
            record.duration_minutes if record and record.duration_minutes is not None else "",
            record.method if record else "",
            record.note if record else "",
        ]  # fmt: skip
        for enrollment, record in rows
    )

    response = StreamingHttpResponse(safe_csv.stream_lines(body, header=header), content_type="text/csv; charset=utf-8")
    name = f"attendance-{session.course.slug}-{session.local_start:%Y%m%d-%H%M}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


# --- Trainers: the course's sessions -----------------------------------------------------------


class SessionForm(forms.Form):
    title = forms.CharField(max_length=200, required=False)
    date = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    start = forms.TimeField(widget=forms.TimeInput(attrs={"type": "time"}))
    end = forms.TimeField(
        widget=forms.TimeInput(attrs={"type": "time"}), help_text=_("Earlier than the start: the next day.")
    )
    timezone = forms.CharField(
        max_length=64, initial="UTC", label=_("Time zone"), help_text=_("IANA name, e.g. Europe/Paris.")
    )
    room = forms.CharField(max_length=120, required=False)
    online_url = forms.URLField(required=False, label=_("Online link"), assume_scheme="https")
    capacity = forms.IntegerField(min_value=1, required=False)
    grace_minutes = forms.IntegerField(min_value=0, max_value=240, initial=10)
    self_sign_in_allowed = forms.BooleanField(required=False, label=_("Trainees may sign in without the QR code"))
    allowed_ip_ranges = forms.CharField(
        required=False, label=_("Allowed IP ranges"), help_text=_("Self sign-in only from these (CIDR, one a line).")
    )

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        try:
            tz = zoneinfo.ZoneInfo(data["timezone"])
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            raise ValidationError({"timezone": "Unknown time zone: use an IANA name such as Europe/Paris."}) from None
        starts = dt.datetime.combine(data["date"], data["start"], tzinfo=tz)
        end_day = data["date"] + dt.timedelta(days=1 if data["end"] <= data["start"] else 0)
        data["starts_at"], data["ends_at"] = starts, dt.datetime.combine(end_day, data["end"], tzinfo=tz)
        return data


@login_required
@require_http_methods(["GET", "POST"])
def course_sessions(request, slug: str):
    course = selectors.course_for_learning(slug=slug, user=request.user)
    if not permissions.can_record_attendance(request.user, course):
        raise Http404(_("No such course."))
    form = SessionForm(request.POST or None, initial={"timezone": timezone.get_current_timezone_name()})
    if request.method == "POST" and form.is_valid():
        fields = {k: v for k, v in form.cleaned_data.items() if k in services.SESSION_FIELDS}
        try:
            services.class_session_create(actor=request.user, course=course, **fields)
        except ValidationError as exc:
            form.add_error(None, service_error_text(exc))
        else:
            messages.success(request, _("Session scheduled."))
            return redirect("learning:course_sessions", slug=course.slug)
    rates = selectors.attendance_rates_for_course(course=course)
    trainees = list(
        Enrollment.objects.filter(course=course).active().select_related("user").order_by("user__last_name")
    )
    return render(request, "learning/course_sessions.html", {
        "course": course, "form": form,
        "sessions": list(selectors.class_sessions_for_course_with_counts(course=course)),
        "rates": rates, "trainees": [(e, rates["users"].get(e.user_id)) for e in trainees],
    })  # fmt: skip


def _session_form_initial(session: ClassSession) -> dict:
    start, end = session.local_start, session.local_end
    initial = {name: getattr(session, name) for name in services.SESSION_FIELDS if name in SessionForm.base_fields}
    initial.update(date=start.date(), start=start.time().replace(second=0, microsecond=0),
                   end=end.time().replace(second=0, microsecond=0))  # fmt: skip
    return initial


class CancelForm(forms.Form):
    reason = forms.CharField(
        max_length=300, label=_("Reason"), help_text=_("Sent to the enrolled trainees with the notice."),
        widget=forms.Textarea(attrs={"rows": 2}),
    )  # fmt: skip


@login_required
@require_http_methods(["GET", "POST"])
def session_edit(request, session_id):
    """Change a session's time, place or options (before it ends; times only before it starts) or cancel it."""
    session = selectors.class_session_for_staff(user=request.user, session_id=session_id)
    back = reverse("learning:course_sessions", kwargs={"slug": session.course.slug})
    now = timezone.now()
    if session.is_cancelled or session.is_over(now):
        reason = (
            _("This session has been cancelled: it can no longer be changed.")
            if session.is_cancelled
            else _("This session is over: its time, place and options can no longer be changed.")
        )
        messages.error(request, reason)
        return redirect(back)
    started = session.has_started(now)
    form = SessionForm(request.POST or None, initial=_session_form_initial(session))
    if started:
        for name in ("date", "start", "end", "timezone", "grace_minutes"):
            form.fields[name].disabled = True
    cancel_form = CancelForm()
    if request.method == "POST" and form.is_valid():
        fields = {k: v for k, v in form.cleaned_data.items() if k in services.SESSION_FIELDS and k != "status"}
        if started:
            fields = {k: v for k, v in fields.items() if k not in services.TIME_FIELDS}
        elif not {"date", "start", "end", "timezone"} & set(form.changed_data):
            fields = {k: v for k, v in fields.items() if k not in ("starts_at", "ends_at", "timezone")}
        try:
            services.class_session_update(actor=request.user, session=session, **fields)
        except (ValidationError, PermissionDenied) as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Session updated."))
            return redirect(back)
    return render(request, "learning/session_edit.html", {
        "session": session, "course": session.course, "form": form, "cancel_form": cancel_form, "started": started,
    })  # fmt: skip


@login_required
@require_POST
def session_cancel(request, session_id):
    session = selectors.class_session_for_staff(user=request.user, session_id=session_id)
    form = CancelForm(request.POST)
    if form.is_valid():
        try:
            services.class_session_cancel(actor=request.user, session=session, reason=form.cleaned_data["reason"])
        except (ValidationError, PermissionDenied) as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Session cancelled: the trainees have been told."))
            return redirect("learning:course_sessions", slug=session.course.slug)
    if session.is_cancelled or session.is_over():
        messages.error(
            request, " ".join(str(e) for e in form.non_field_errors()) or _("This session can no longer be cancelled.")
        )
        return redirect("learning:course_sessions", slug=session.course.slug)
    edit = SessionForm(initial=_session_form_initial(session))
    started = session.has_started()
    if started:
        for name in ("date", "start", "end", "timezone", "grace_minutes"):
            edit.fields[name].disabled = True
    return render(request, "learning/session_edit.html", {
        "session": session, "course": session.course, "form": edit, "cancel_form": form, "started": started,
    }, status=400)  # fmt: skip
