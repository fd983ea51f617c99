"""Mentorship pages: "Find a mentor", asking an instructor for mentoring, my mentorships (as mentee and as
mentor), one mentorship with its sessions, the mentor's settings and the session forms.

Only the two participants (and staff, `mentorship_selectors.can_see_all_mentorships`) open a mentorship;
anyone else gets the 404 of an unknown id.  Writes go through `learning.services` (mentorships); a refusal
is shown as a message (409s: the state changed meanwhile).
"""

from __future__ import annotations

import datetime as dt
import zoneinfo

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import models
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST

from courses.models import Course
from courseworx.core.forms import add_service_errors, service_error_text
from courseworx.core.utils import parse_uuid

from . import mentorship_selectors as sel
from . import services
from .models import MentorProfile, Mentorship, MentorshipSession
from .services.mentorships import is_mentor_candidate

PAGE_SIZE = 20


class RequestForm(forms.Form):
    message = forms.CharField(
        label=_("What would you like help with?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Your goals and what you hope to get from the mentorship. The mentor reads this first."),
    )


class ResponseForm(forms.Form):
    message = forms.CharField(label=_("Message (optional)"), max_length=2000, required=False,
                              widget=forms.Textarea(attrs={"rows": 2}))  # fmt: skip


class EndForm(forms.Form):
    reason = forms.CharField(
        label=_("Why are you ending it?"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class MentorSettingsForm(forms.ModelForm):
    class Meta:
        model = MentorProfile
        fields = ["accepting_mentees", "max_active_mentees", "topics"]


def _zone(name: str) -> dt.tzinfo:
    try:
        return zoneinfo.ZoneInfo((name or "UTC")[:64])
    except (ValueError, zoneinfo.ZoneInfoNotFoundError):
        return dt.UTC


def _https_urls(field, **kwargs):
    if isinstance(field, models.URLField):
        kwargs["assume_scheme"] = "https"
    return field.formfield(**kwargs)


class SessionForm(forms.ModelForm):
    """`scheduled_at` is typed in the browser's own time zone, which `tz` (filled in by mentorships.js) names."""

    scheduled_at = forms.DateTimeField(
        label=_("Date and time"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
    )
    tz = forms.CharField(required=False, widget=forms.HiddenInput(attrs={"data-browser-tz": "1"}))

    class Meta:
        model = MentorshipSession
        fields = ["scheduled_at", "duration_minutes", "location", "link", "agenda", "shared_notes", "private_notes"]
        formfield_callback = _https_urls
        widgets = {
            "agenda": forms.Textarea(attrs={"rows": 2}),
            "shared_notes": forms.Textarea(attrs={"rows": 3}),
            "private_notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and self.instance.scheduled_at:
            self.fields["scheduled_at"].widget.attrs["data-utc"] = self.instance.scheduled_at.isoformat()

    def clean_scheduled_at(self):
        value = self.cleaned_data["scheduled_at"]
        zone = _zone(self.data.get(self.add_prefix("tz"), ""))
        return timezone.make_aware(timezone.make_naive(value), zone) if timezone.is_aware(value) else value

    def session_fields(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k != "tz"}


@login_required
def find_mentors(request):
    query = request.GET.get("q", "")
    mentors = sel.mentors_accepting(user=request.user, query=query).exclude(pk=request.user.pk)
    page = Paginator(mentors, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "learning/mentorships/find.html", {"page": page, "query": query[:100]})


@login_required
@require_http_methods(["GET", "POST"])
def mentorship_request(request, mentor_id):
    mentor = sel.mentor_for_request(mentor_id=mentor_id)
    course_id = parse_uuid(request.GET.get("course") or request.POST.get("course"))
    course = Course.objects.filter(pk=course_id, status=Course.Status.PUBLISHED).first() if course_id else None
    form = RequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            mentorship = services.mentorship_request(
                student=request.user, mentor=mentor, message=form.cleaned_data["message"], course=course
            )
        except (ValidationError, PermissionDenied) as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Your request was sent. You will be notified when the mentor answers."))
            return redirect("learning:mentorship_detail", mentorship_id=mentorship.pk)
    return render(request, "learning/mentorships/request.html", {"mentor": mentor, "course": course, "form": form})


@login_required
def my_mentorships(request):
    side = request.GET.get("side", "")
    if side not in ("student", "mentor"):
        side = "mentor" if is_mentor_candidate(request.user) else "student"
    status = request.GET.get("status", "")
    qs = sel.mentorships_for(user=request.user, side=side, status=status)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "side": side,
        "status": status,
        "statuses": Mentorship.Status.choices,
        "is_mentor": is_mentor_candidate(request.user),
    }
    return render(request, "learning/mentorships/list.html", context)


@login_required
def mentorship_detail(request, mentorship_id):
    mentorship = sel.mentorship_for_user(user=request.user, mentorship_id=mentorship_id)
    is_mentor = request.user.pk == mentorship.mentor_id
    sessions = list(sel.mentorship_sessions(mentorship=mentorship))
    context = {
        "m": mentorship,
        "sessions": sessions,
        "is_mentor": is_mentor,
        "is_student": request.user.pk == mentorship.student_id,
        "response_form": ResponseForm(),
        "end_form": EndForm(),
        "session_form": SessionForm(prefix="new") if is_mentor and mentorship.status == "accepted" else None,
        "now": timezone.now(),
    }
    return render(request, "learning/mentorships/detail.html", context)


def _act(request, mentorship, fn, success, **kwargs):
    try:
        fn(mentorship=mentorship, actor=request.user, **kwargs)
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, service_error_text(exc))
    else:
        messages.success(request, success)
    return redirect("learning:mentorship_detail", mentorship_id=mentorship.pk)


@login_required
@require_POST
def mentorship_action(request, mentorship_id, action):
    mentorship = sel.mentorship_for_user(user=request.user, mentorship_id=mentorship_id)
    if request.user.pk not in (mentorship.student_id, mentorship.mentor_id):
        raise Http404  # staff read, they do not act
    text = request.POST.get("message", "") or request.POST.get("reason", "")
    if action == "accept":
        return _act(request, mentorship, services.mentorship_accept, _("You accepted the request."), message=text)
    if action == "decline":
        return _act(request, mentorship, services.mentorship_decline, _("You declined the request."), message=text)
    if action == "cancel":
        return _act(request, mentorship, services.mentorship_cancel, _("The request was cancelled."), reason=text)
    if action == "end":
        return _act(request, mentorship, services.mentorship_end, _("The mentorship has ended."), reason=text)
    raise Http404


@login_required
@require_POST
def session_create(request, mentorship_id):
    mentorship = sel.mentorship_for_user(user=request.user, mentorship_id=mentorship_id)
    if request.user.pk != mentorship.mentor_id:
        raise Http404
    form = SessionForm(request.POST, prefix="new")
    if form.is_valid():
        try:
            services.mentorship_session_create(mentorship=mentorship, actor=request.user, **form.session_fields())
        except (ValidationError, PermissionDenied) as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The session is planned; your mentee was notified."))
            return redirect("learning:mentorship_detail", mentorship_id=mentorship.pk)
    sessions = list(sel.mentorship_sessions(mentorship=mentorship))
    context = {"m": mentorship, "sessions": sessions, "is_mentor": True, "session_form": form,
               "response_form": ResponseForm(), "end_form": EndForm(), "now": timezone.now()}  # fmt: skip
    return render(request, "learning/mentorships/detail.html", context, status=400)


def _mentor_session(request, session_id) -> MentorshipSession:
    session = sel.mentorship_session_for_user(user=request.user, session_id=session_id)
    if request.user.pk != session.mentorship.mentor_id:
        raise Http404
    return session


@login_required
@require_http_methods(["GET", "POST"])
def session_edit(request, session_id):
    session = _mentor_session(request, session_id)
    form = SessionForm(request.POST or None, instance=session)
    if request.method == "POST" and form.is_valid():
        try:
            services.mentorship_session_update(session=session, actor=request.user, **form.session_fields())
        except (ValidationError, PermissionDenied) as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The session was saved."))
            return redirect("learning:mentorship_detail", mentorship_id=session.mentorship_id)
    return render(request, "learning/mentorships/session_edit.html", {"session": session, "form": form})


@login_required
@require_POST
def session_action(request, session_id, action):
    session = _mentor_session(request, session_id)
    fn = {"held": services.mentorship_session_mark_held, "cancel": services.mentorship_session_cancel}.get(action)
    if fn is None:
        raise Http404
    try:
        fn(session=session, actor=request.user)
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, service_error_text(exc))
    else:
        messages.success(request, _("Marked as held.") if action == "held" else _("The session was cancelled."))
    return redirect("learning:mentorship_detail", mentorship_id=session.mentorship_id)


@login_required
@require_http_methods(["GET", "POST"])
def mentor_settings(request):
    if not is_mentor_candidate(request.user):
        raise Http404
    profile = sel.mentor_profile_for(user=request.user) or MentorProfile(mentor=request.user)
    form = MentorSettingsForm(request.POST or None, instance=profile)
    if request.method == "POST" and form.is_valid():
        try:
            services.mentor_profile_save(mentor=request.user, **form.cleaned_data)
        except (ValidationError, PermissionDenied) as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Your mentoring settings were saved."))
            return redirect("learning:my_mentorships")
    return render(request, "learning/mentorships/settings.html", {"form": form})


@login_required
def mentor_offer(request, mentor_id):
    """The course page's htmx fragment: "Ask for mentoring" when the instructor accepts mentees, else nothing."""
    mentor = sel.mentors_accepting(user=request.user).filter(pk=mentor_id).exclude(pk=request.user.pk).first()
    course_id = parse_uuid(request.GET.get("course"))
    context = {"mentor": mentor, "course_id": str(course_id) if course_id else ""}
    return render(request, "learning/mentorships/offer.html", context)
