"""Reads for resumes: mine, a public one by slug, its entries grouped by kind, and the employer candidate search
(public AND open to work; billing's "Find candidates" page and API call it).  Fixed query counts."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from .models import Resume, ResumeEntry, User
from .resume_sections import ResumeSection, sections_for

MAX_SEARCH_TERMS = 8
# The heading of each group of entries (plural), in the order they are shown.
GROUP_TITLES = {
    ResumeEntry.Kind.EXPERIENCE: _("Experience"),
    ResumeEntry.Kind.EDUCATION: _("Education"),
    ResumeEntry.Kind.SKILL: _("Skills"),
    ResumeEntry.Kind.PROJECT: _("Projects"),
    ResumeEntry.Kind.LANGUAGE: _("Languages"),
}


@dataclass
class ResumeView:
    resume: Resume
    groups: list[tuple[str, str, list[ResumeEntry]]]  # (kind, label, entries)
    sections: list[ResumeSection]


def resume_for(*, user: User) -> Resume | None:
    return Resume.objects.filter(user=user).select_related("user").first()


def resume_entries(resume: Resume) -> list[ResumeEntry]:
    return list(resume.entries.order_by("kind", "position", "-start_date", "created_at"))


def resume_view(resume: Resume) -> ResumeView:
    """The resume as shown (page, public profile, PDF): entries grouped in the order of `ResumeEntry.Kind`,
    then the registered sections (certificates...)."""
    entries = resume_entries(resume)
    groups = []
    for kind, label in GROUP_TITLES.items():
        of_kind = [e for e in entries if e.kind == kind]
        if of_kind:
            groups.append((str(kind), str(label), of_kind))
    return ResumeView(resume=resume, groups=groups, sections=sections_for(resume.user))


def public_resume(*, slug: str) -> Resume:
    """A resume its owner made public (active account), else the 404 of an unknown address."""
    resume = (
        Resume.objects.select_related("user")
        .filter(slug=(slug or "")[:60], is_public=True, user__is_active=True)
        .first()
    )
    if resume is None:
        raise Http404
    return resume


def _terms(text: str) -> list[str]:
    return [t for t in (text or "").replace("\x00", "").split() if t][:MAX_SEARCH_TERMS]


def candidate_search(*, q: str = "", location: str = "", skill: str = "") -> QuerySet[Resume]:
    """Resumes that are public and open to work, of active accounts, matching every keyword (headline,
    summary, or any entry's title/organisation/description), the location and a skill; newest first.

    Each row carries its skills (`skill_entries`, one prefetch query for the whole page).  The filter
    starts from the partial index `resume_candidates` (public AND open to work); keywords are `icontains`
    (a trigram index would be the next step on PostgreSQL if the table grows large)."""
    qs = Resume.objects.filter(is_public=True, open_to_work=True, user__is_active=True).select_related("user")
    for term in _terms(q):
        in_entries = ResumeEntry.objects.filter(resume=OuterRef("pk")).filter(
            Q(title__icontains=term) | Q(organisation__icontains=term) | Q(description__icontains=term)
        )
        qs = qs.filter(Q(headline__icontains=term) | Q(summary__icontains=term) | Exists(in_entries))
    location = (location or "").replace("\x00", "").strip()[:100]
    if location:
        qs = qs.filter(location__icontains=location)
    skill = (skill or "").replace("\x00", "").strip()[:100]
    if skill:
        qs = qs.filter(
            Exists(
                ResumeEntry.objects.filter(resume=OuterRef("pk"), kind=ResumeEntry.Kind.SKILL, title__icontains=skill)
            )
        )
    skills = Prefetch(
        "entries",
        queryset=ResumeEntry.objects.filter(kind=ResumeEntry.Kind.SKILL).order_by("position"),
        to_attr="skill_entries",
    )
    return qs.prefetch_related(skills).order_by("-updated_at", "pk")
