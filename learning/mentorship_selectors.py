"""Reads for mentorships: the mentors who accept mentees, a person's mentorships, one mentorship with its
sessions (participants and staff only: everyone else gets the 404 of an unknown id), the dashboard panels.

Every list is a fixed number of queries (annotations and select_related, no query per row).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Exists, Min, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from accounts.models import User
from learning.models import MentorProfile, Mentorship, MentorshipSession

M = Mentorship.Status


def can_see_all_mentorships(user: User) -> bool:
    """Staff who may read every mentorship (superusers, or `learning.view_mentorship`)."""
    return bool(user.is_authenticated and (user.is_superuser or user.has_perm("learning.view_mentorship")))


def mentors_accepting(*, user: User | None = None, query: str = "") -> QuerySet[User]:
    """Instructors who accept mentees, with `active_mentees`, `max_mentees`, `topics` and, for `user`,
    `has_open` (an open request or mentorship with them already)."""
    qs = (
        User.objects.filter(is_active=True, role=User.Role.INSTRUCTOR, mentor_profile__accepting_mentees=True)
        .select_related("mentor_profile")
        .annotate(active_mentees=Count("mentees", filter=Q(mentees__status=M.ACCEPTED), distinct=True))
        .order_by("last_name", "first_name")
    )
    query = (query or "").replace("\x00", "").strip()[:100]
    if query:
        qs = qs.filter(
            Q(first_name__icontains=query) | Q(last_name__icontains=query) | Q(mentor_profile__topics__icontains=query)
        )
    if user is not None and user.is_authenticated:
        qs = qs.annotate(
            has_open=Exists(
                Mentorship.objects.filter(mentor=OuterRef("pk"), student=user, status__in=Mentorship.OPEN_STATUSES)
            )
        )
    return qs


def mentor_for_request(*, mentor_id: Any) -> User:
    """The instructor one may ask (accepting mentees), else 404."""
    mentor = mentors_accepting().filter(pk=mentor_id).first()
    if mentor is None:
        raise Http404
    return mentor


def mentor_profile_for(*, user: User) -> MentorProfile | None:
    return MentorProfile.objects.filter(mentor=user).first()


def _with_next_session(qs: QuerySet[Mentorship]) -> QuerySet[Mentorship]:
    return qs.annotate(
        next_session_at=Min(
            "sessions__scheduled_at",
            filter=Q(sessions__status=MentorshipSession.Status.PLANNED, sessions__scheduled_at__gte=timezone.now()),
        ),
        held_sessions=Count("sessions", filter=Q(sessions__status=MentorshipSession.Status.HELD)),
    )


def mentorships_for(*, user: User, side: str = "", status: str = "") -> QuerySet[Mentorship]:
    """The user's mentorships as mentee (`side="student"`), as mentor (`"mentor"`) or both."""
    if side == "student":
        where = Q(student=user)
    elif side == "mentor":
        where = Q(mentor=user)
    else:
        where = Q(student=user) | Q(mentor=user)
    qs = Mentorship.objects.filter(where).select_related("student", "mentor", "course")
    if status in M.values:
        qs = qs.filter(status=status)
    return _with_next_session(qs).order_by("-requested_at")


def mentorship_for_user(*, user: User, mentorship_id: Any) -> Mentorship:
    """One mentorship for its two participants (and staff); anyone else gets a 404."""
    qs = Mentorship.objects.select_related("student", "mentor", "course", "ended_by")
    if not can_see_all_mentorships(user):
        qs = qs.filter(Q(student=user) | Q(mentor=user))
    mentorship = qs.filter(pk=mentorship_id).first()
    if mentorship is None:
        raise Http404
    return mentorship


def mentorship_sessions(*, mentorship: Mentorship) -> QuerySet[MentorshipSession]:
    return mentorship.sessions.order_by("scheduled_at")


def mentorship_session_for_user(*, user: User, session_id: Any) -> MentorshipSession:
    qs = MentorshipSession.objects.select_related("mentorship", "mentorship__student", "mentorship__mentor")
    if not can_see_all_mentorships(user):
        qs = qs.filter(Q(mentorship__student=user) | Q(mentorship__mentor=user))
    session = qs.filter(pk=session_id).first()
    if session is None:
        raise Http404
    return session


def _next_session(*, where: Q) -> MentorshipSession | None:
    return (
        MentorshipSession.objects.filter(
            where,
            mentorship__status=M.ACCEPTED,
            status=MentorshipSession.Status.PLANNED,
            scheduled_at__gte=timezone.now(),
        )
        .select_related("mentorship__student", "mentorship__mentor")
        .order_by("scheduled_at")
        .first()
    )


def student_mentoring_panel(*, user: User) -> dict | None:
    """The "Mentoring" panel of My learning: requests waiting for an answer, active mentors, next session."""
    counts = Mentorship.objects.filter(student=user).aggregate(
        pending=Count("id", filter=Q(status=M.REQUESTED)), active=Count("id", filter=Q(status=M.ACCEPTED))
    )
    if not counts["pending"] and not counts["active"]:
        return None
    return {"side": "student", **counts, "next_session": _next_session(where=Q(mentorship__student=user))}


def instructor_mentoring_panel(*, user: User) -> dict | None:
    """The "Mentoring" panel of the teaching dashboard: requests to answer, mentees, next session."""
    counts = Mentorship.objects.filter(mentor=user).aggregate(
        pending=Count("id", filter=Q(status=M.REQUESTED)), active=Count("id", filter=Q(status=M.ACCEPTED))
    )
    profile = mentor_profile_for(user=user)
    if not counts["pending"] and not counts["active"] and profile is None:
        return None
    return {
        "side": "mentor",
        **counts,
        "profile": profile,
        "next_session": _next_session(where=Q(mentorship__mentor=user)),
    }
