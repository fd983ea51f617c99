"""Mentorships: request, accept/decline, cancel, end; the mentor's sessions (schedule, notes, held, cancelled).

Every transition locks the mentorship row and checks its state (a wrong state is a `ConflictError`, API
409).  Accepting also locks the mentor's `MentorProfile` row first and counts the accepted mentorships
under that lock, so two accepts racing for the last place cannot both win (lock order: mentor profile ->
mentorship -> session).  The other side is notified after each step (in-app and by e-mail preference).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from courses.models import Course
from courseworx.core.exceptions import ConflictError
from courseworx.core.models import Notification
from courseworx.core.notifications import notification_create
from learning.models import MentorProfile, Mentorship, MentorshipSession

M = Mentorship.Status
SESSION_FIELDS = ("scheduled_at", "duration_minutes", "location", "link", "agenda", "shared_notes", "private_notes")
TEXT_MAX = 2000


def _clean_text(value: str, *, field: str, required: bool = False, max_length: int = TEXT_MAX) -> str:
    value = (value or "").replace("\x00", "").strip()
    if required and not value:
        raise ValidationError({field: _("This field is required.")})
    if len(value) > max_length:
        raise ValidationError({field: _("At most %(n)s characters.") % {"n": max_length}})
    return value


def _notify(*, user: User, title: str, body: str, mentorship: Mentorship) -> None:
    url = reverse("learning:mentorship_detail", kwargs={"mentorship_id": mentorship.pk})
    transaction.on_commit(
        lambda: notification_create(
            user=user, category=Notification.Category.MESSAGE, title=title, body=body[:500], url=url
        )
    )


def _locked(mentorship: Mentorship) -> Mentorship:
    return Mentorship.objects.select_for_update().select_related("student", "mentor").get(pk=mentorship.pk)


def _require_participant(mentorship: Mentorship, actor: User) -> None:
    if actor.pk not in (mentorship.student_id, mentorship.mentor_id):
        raise PermissionDenied(_("This is not your mentorship."))


def _require_mentor(mentorship: Mentorship, actor: User) -> None:
    if actor.pk != mentorship.mentor_id:
        raise PermissionDenied(_("Only the mentor may do this."))


def is_mentor_candidate(user: User) -> bool:
    return bool(user.is_active and user.role == User.Role.INSTRUCTOR)


# --- The mentor's settings ----------------------------------------------------------------------


@transaction.atomic
def mentor_profile_save(
    *, mentor: User, accepting_mentees: bool, max_active_mentees: int, topics: str = ""
) -> MentorProfile:
    """The instructor's opt-in (accepting mentees) and their cap of accepted mentorships at once."""
    if not is_mentor_candidate(mentor):
        raise PermissionDenied(_("Only instructors can mentor."))
    profile, _created = MentorProfile.objects.select_for_update().get_or_create(mentor=mentor)
    profile.accepting_mentees = bool(accepting_mentees)
    profile.max_active_mentees = max_active_mentees
    profile.topics = _clean_text(topics, field="topics", max_length=300)
    profile.full_clean()
    profile.save()
    return profile


# --- Requests -------------------------------------------------------------------------------------


@transaction.atomic
def mentorship_request(*, student: User, mentor: User, message: str, course: Course | None = None) -> Mentorship:
    """A student asks `mentor` for mentoring (optionally about `course`)."""
    message = _clean_text(message, field="message", required=True)
    if student.pk == mentor.pk:
        raise ValidationError({"mentor": _("You cannot mentor yourself.")})
    profile = MentorProfile.objects.filter(mentor=mentor).first()
    if not is_mentor_candidate(mentor) or profile is None or not profile.accepting_mentees:
        raise ConflictError(_("This instructor is not accepting mentees at the moment."), code="not_accepting")
    if Mentorship.objects.filter(student=student, mentor=mentor, status__in=Mentorship.OPEN_STATUSES).exists():
        raise ConflictError(_("You already have an open mentorship with this mentor."), code="already_open")
    mentorship = Mentorship(student=student, mentor=mentor, course=course, message=message, requested_at=timezone.now())
    try:
        with transaction.atomic():
            mentorship.save()
    except IntegrityError as exc:  # a second request at the same moment: the constraint decides
        raise ConflictError(_("You already have an open mentorship with this mentor."), code="already_open") from exc
    _notify(
        user=mentor,
        title=_("%(name)s asks you for mentoring") % {"name": student.get_full_name()},
        body=message,
        mentorship=mentorship,
    )
    return mentorship


def _active_count(mentor_id: Any) -> int:
    return Mentorship.objects.filter(mentor_id=mentor_id, status=M.ACCEPTED).count()


@transaction.atomic
def mentorship_accept(*, mentorship: Mentorship, actor: User, message: str = "") -> Mentorship:
    _require_mentor(mentorship, actor)
    message = _clean_text(message, field="message")
    MentorProfile.objects.get_or_create(mentor_id=mentorship.mentor_id)
    profile = MentorProfile.objects.select_for_update().get(mentor_id=mentorship.mentor_id)
    locked = _locked(mentorship)
    if locked.status != M.REQUESTED:
        raise ConflictError(_("Only a pending request can be accepted."), code="not_requested")
    if _active_count(locked.mentor_id) >= profile.max_active_mentees:
        raise ConflictError(
            _("You already mentor %(n)s people, your maximum. End a mentorship or raise the maximum first.")
            % {"n": profile.max_active_mentees},
            code="mentee_limit",
        )
    now = timezone.now()
    locked.status, locked.responded_at, locked.started_at, locked.response_message = M.ACCEPTED, now, now, message
    locked.save(update_fields=["status", "responded_at", "started_at", "response_message", "updated_at"])
    _notify(
        user=locked.student,
        title=_("%(name)s accepted your mentoring request") % {"name": locked.mentor.get_full_name()},
        body=message,
        mentorship=locked,
    )
    return locked


@transaction.atomic
def mentorship_decline(*, mentorship: Mentorship, actor: User, message: str = "") -> Mentorship:
    _require_mentor(mentorship, actor)
    message = _clean_text(message, field="message")
    locked = _locked(mentorship)
    if locked.status != M.REQUESTED:
        raise ConflictError(_("Only a pending request can be declined."), code="not_requested")
    locked.status, locked.responded_at, locked.response_message = M.DECLINED, timezone.now(), message
    locked.save(update_fields=["status", "responded_at", "response_message", "updated_at"])
    _notify(
        user=locked.student,
        title=_("%(name)s declined your mentoring request") % {"name": locked.mentor.get_full_name()},
        body=message,
        mentorship=locked,
    )
    return locked


@transaction.atomic
def mentorship_cancel(*, mentorship: Mentorship, actor: User, reason: str = "") -> Mentorship:
    """Either side withdraws a request that was not answered yet."""
    _require_participant(mentorship, actor)
    reason = _clean_text(reason, field="reason")
    locked = _locked(mentorship)
    if locked.status != M.REQUESTED:
        raise ConflictError(_("Only a pending request can be cancelled; end an accepted one."), code="not_requested")
    locked.status, locked.ended_at, locked.ended_by, locked.end_reason = M.CANCELLED, timezone.now(), actor, reason
    locked.save(update_fields=["status", "ended_at", "ended_by", "end_reason", "updated_at"])
    other = locked.mentor if actor.pk == locked.student_id else locked.student
    _notify(
        user=other,
        title=_("%(name)s cancelled the mentoring request") % {"name": actor.get_full_name()},
        body=reason,
        mentorship=locked,
    )
    return locked


@transaction.atomic
def mentorship_end(*, mentorship: Mentorship, actor: User, reason: str) -> Mentorship:
    """Either side ends an accepted mentorship, with a reason; planned sessions are cancelled."""
    _require_participant(mentorship, actor)
    reason = _clean_text(reason, field="reason", required=True)
    locked = _locked(mentorship)
    if locked.status != M.ACCEPTED:
        raise ConflictError(_("Only an active mentorship can be ended."), code="not_active")
    locked.status, locked.ended_at, locked.ended_by, locked.end_reason = M.ENDED, timezone.now(), actor, reason
    locked.save(update_fields=["status", "ended_at", "ended_by", "end_reason", "updated_at"])
    locked.sessions.filter(status=MentorshipSession.Status.PLANNED).update(
        status=MentorshipSession.Status.CANCELLED, updated_at=timezone.now()
    )
    other = locked.mentor if actor.pk == locked.student_id else locked.student
    _notify(
        user=other,
        title=_("%(name)s ended the mentorship") % {"name": actor.get_full_name()},
        body=reason,
        mentorship=locked,
    )
    return locked


# --- Sessions -------------------------------------------------------------------------------------


def _check_when(scheduled_at: Any) -> None:
    if not isinstance(scheduled_at, dt.datetime) or timezone.is_naive(scheduled_at):
        raise ValidationError({"scheduled_at": _("Give a date and time.")})


@transaction.atomic
def mentorship_session_create(*, mentorship: Mentorship, actor: User, **fields: Any) -> MentorshipSession:
    """The mentor schedules a session of an accepted mentorship; the mentee is told."""
    _require_mentor(mentorship, actor)
    locked = _locked(mentorship)
    if locked.status != M.ACCEPTED:
        raise ConflictError(_("Sessions can only be planned in an active mentorship."), code="not_active")
    data = {k: v for k, v in fields.items() if k in SESSION_FIELDS}
    _check_when(data.get("scheduled_at"))
    if data["scheduled_at"] < timezone.now():
        raise ValidationError({"scheduled_at": _("Choose a time in the future.")})
    for name in ("agenda", "shared_notes", "private_notes", "location"):
        if name in data:
            data[name] = _clean_text(data[name], field=name, max_length=5000)
    session = MentorshipSession(mentorship=locked, **data)
    session.full_clean()
    session.save()
    _notify(
        user=locked.student,
        title=_("Mentoring session planned"),
        body=_("%(name)s planned a session.") % {"name": locked.mentor.get_full_name()},
        mentorship=locked,
    )
    return session


def _locked_session(session: MentorshipSession, actor: User) -> tuple[MentorshipSession, Mentorship]:
    _require_mentor(session.mentorship, actor)
    mentorship = _locked(session.mentorship)
    locked = MentorshipSession.objects.select_for_update().get(pk=session.pk)
    locked.mentorship = mentorship
    return locked, mentorship


@transaction.atomic
def mentorship_session_update(*, session: MentorshipSession, actor: User, **fields: Any) -> MentorshipSession:
    """The mentor changes a session: its time and place while planned, its notes at any time."""
    locked, mentorship = _locked_session(session, actor)
    data = {k: v for k, v in fields.items() if k in SESSION_FIELDS}
    planning = {k for k in data if k not in ("shared_notes", "private_notes") and data[k] != getattr(locked, k)}
    if planning:
        if locked.status != MentorshipSession.Status.PLANNED or mentorship.status != M.ACCEPTED:
            raise ConflictError(_("Only a planned session of an active mentorship can be moved."), code="not_planned")
        if "scheduled_at" in planning:
            _check_when(data["scheduled_at"])
    for name in ("agenda", "shared_notes", "private_notes", "location"):
        if name in data:
            data[name] = _clean_text(data[name], field=name, max_length=5000)
    for name, value in data.items():
        setattr(locked, name, value)
    locked.full_clean()
    locked.save()
    if planning:
        _notify(
            user=mentorship.student,
            title=_("Mentoring session changed"),
            body=_("%(name)s changed a session.") % {"name": mentorship.mentor.get_full_name()},
            mentorship=mentorship,
        )
    return locked


@transaction.atomic
def mentorship_session_mark_held(*, session: MentorshipSession, actor: User) -> MentorshipSession:
    locked, _mentorship = _locked_session(session, actor)
    if locked.status != MentorshipSession.Status.PLANNED:
        raise ConflictError(_("Only a planned session can be marked as held."), code="not_planned")
    if locked.scheduled_at > timezone.now():
        raise ConflictError(_("This session has not started yet."), code="not_started")
    locked.status = MentorshipSession.Status.HELD
    locked.save(update_fields=["status", "updated_at"])
    return locked


@transaction.atomic
def mentorship_session_cancel(*, session: MentorshipSession, actor: User) -> MentorshipSession:
    locked, mentorship = _locked_session(session, actor)
    if locked.status != MentorshipSession.Status.PLANNED:
        raise ConflictError(_("Only a planned session can be cancelled."), code="not_planned")
    locked.status = MentorshipSession.Status.CANCELLED
    locked.save(update_fields=["status", "updated_at"])
    _notify(
        user=mentorship.student,
        title=_("Mentoring session cancelled"),
        body=_("%(name)s cancelled a session.") % {"name": mentorship.mentor.get_full_name()},
        mentorship=mentorship,
    )
    return locked
