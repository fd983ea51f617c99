"""Demo mentorships for `manage.py seed_demo` (idempotent): Ivan and Ines accept mentees; Stella is mentored
by Ivan (one session held with shared and private notes, one planned next week); Sid's request to Ivan waits
for an answer."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from . import services
from .models import Enrollment, MentorProfile, Mentorship, MentorshipSession


def seed(ctx: dict, log) -> None:
    users = ctx.get("users") or {}
    ivan, ines = users.get("instructor"), users.get("instructor2")
    stella, sid = users.get("student"), users.get("student2")
    if not all((ivan, ines, stella, sid)):
        log("  demo people missing: mentorships skipped")
        return
    enrolment = Enrollment.objects.filter(user=stella, status=Enrollment.Status.COMPLETED).select_related("course")
    course = enrolment.first().course if enrolment.exists() else None
    if not MentorProfile.objects.filter(mentor=ivan).exists():
        services.mentor_profile_save(
            mentor=ivan, accepting_mentees=True, max_active_mentees=3, topics="Career advice, Python, first job in tech"
        )
    if not MentorProfile.objects.filter(mentor=ines).exists():
        services.mentor_profile_save(
            mentor=ines, accepting_mentees=True, max_active_mentees=2, topics="Data analysis, portfolio reviews"
        )
    if not Mentorship.objects.filter(student=stella, mentor=ivan).exists():
        mentorship = services.mentorship_request(
            student=stella,
            mentor=ivan,
            course=course,
            message="I finished the course and would like help planning a move into software development.",
        )
        mentorship = services.mentorship_accept(
            mentorship=mentorship, actor=ivan, message="Happy to help. Let's meet every two weeks."
        )
        now = timezone.now()
        # The first meeting happened last week: created directly (the service plans future sessions only).
        MentorshipSession.objects.create(
            mentorship=mentorship,
            scheduled_at=(now - dt.timedelta(days=7)).replace(minute=0, second=0, microsecond=0),
            duration_minutes=45,
            link="https://meet.example.com/stella-ivan",
            agenda="Goals, current skills, a 3-month plan.",
            shared_notes="Goal: a junior developer role by summer. Next: build a small portfolio project.",
            private_notes="Motivated; needs confidence with interviews.",
            status=MentorshipSession.Status.HELD,
        )
        services.mentorship_session_create(
            mentorship=mentorship,
            actor=ivan,
            scheduled_at=(now + dt.timedelta(days=7)).replace(minute=0, second=0, microsecond=0),
            duration_minutes=30,
            location="Room 2 or online",
            link="https://meet.example.com/stella-ivan",
            agenda="Review the portfolio project.",
        )
        log("  mentorship Stella <- Ivan with two sessions")
    if not Mentorship.objects.filter(student=sid, mentor=ivan).exists():
        services.mentorship_request(
            student=sid, mentor=ivan, message="Could you help me prepare for my first data analyst interviews?"
        )
        log("  pending request Sid -> Ivan")
