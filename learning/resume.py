"""Learning's part of the resume (accounts.resume_sections): the person's valid certificates, each with
its verification link, and their achievements (unless they hid them), each with its public award page
(where its Open Badges credential points).  Registered in LearningConfig.ready()."""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext as _

from accounts.resume_sections import ResumeItem, ResumeSection, register_section

from .models import GamificationProfile, IssuedCertificate, UserAchievement
from .selectors import certificate_verification_url


def certificates_section(user) -> ResumeSection | None:
    certificates = IssuedCertificate.objects.filter(user=user, status=IssuedCertificate.Status.VALID).only(
        "code", "course_title", "issued_at", "kind"
    )
    items = [
        ResumeItem(
            title=c.course_title,
            subtitle=str(c.get_kind_display()),
            date=c.issued_at.date(),
            url=certificate_verification_url(c),
        )
        for c in certificates.order_by("-issued_at")[:50]
    ]
    return ResumeSection(key="certificates", title=_("Certificates"), items=items)


def achievements_section(user) -> ResumeSection | None:
    if GamificationProfile.objects.filter(user=user, achievements_public=False).exists():
        return None  # hidden by their owner (points preferences): not on the resume either
    awards = UserAchievement.objects.filter(user=user).select_related("achievement").order_by("-awarded_at")[:50]
    items = [
        ResumeItem(
            title=a.achievement.name,
            subtitle=a.achievement.description,
            date=a.awarded_at.date(),
            url=settings.SITE_URL + a.get_absolute_url(),
        )
        for a in awards
    ]
    return ResumeSection(key="achievements", title=_("Achievements"), items=items) if items else None


def register() -> None:
    register_section(certificates_section)
    register_section(achievements_section)
