"""Sections that higher apps add to every resume (certificates, achievements...) without accounts importing them.

A higher app registers `fn(user) -> ResumeSection | None` in its AppConfig.ready(); the resume page, the
public profile, the PDF and the API call `sections_for(user)`.  Items are plain data (title, subtitle,
date, url): nothing of the higher app's models reaches accounts' templates.  Keep each function to one
query.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass, field

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ResumeItem:
    title: str
    subtitle: str = ""
    date: dt.date | None = None
    url: str = ""


@dataclass(frozen=True)
class ResumeSection:
    key: str
    title: str
    items: list[ResumeItem] = field(default_factory=list)


SectionFn = Callable[..., "ResumeSection | None"]
_SECTIONS: list[SectionFn] = []


def register_section(fn: SectionFn) -> SectionFn:
    """Add a section builder (idempotent: registering the same function twice keeps one)."""
    if fn not in _SECTIONS:
        _SECTIONS.append(fn)
    return fn


def unregister_section(fn: SectionFn) -> None:
    if fn in _SECTIONS:
        _SECTIONS.remove(fn)


def sections_for(user) -> list[ResumeSection]:
    """The registered sections with at least one item, in registration order."""
    sections = []
    for fn in _SECTIONS:
        section = fn(user)
        if section is not None and section.items:
            sections.append(section)
    return sections
