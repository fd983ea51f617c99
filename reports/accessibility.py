"""Accessibility checks of lessons: automatic findings (idempotent scan) and manual reports.

Automatic checks (SQL filters over courses.CourseContent):
- video lesson without captions and without a published transcript;
- image lesson without alternative text;
- document lesson without a description;
- article with an <img> that has no alt attribute (parsed from the sanitised HTML of candidate rows).
A re-scan opens what is new and resolves what was fixed.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from courses.models import CourseContent, VoiceTranscript

from .models import AccessibilityReport
from .pipelines import run_pipeline

Issue = AccessibilityReport.Issue
IMG_WITHOUT_ALT = re.compile(r"<img(?![^>]*\balt=\"[^\"]+\")[^>]*>", re.IGNORECASE)


def _findings(contents) -> set[tuple]:
    transcripts = VoiceTranscript.objects.filter(content=OuterRef("pk"), is_published=True)
    found: set[tuple] = set()
    checks = [
        (Issue.VIDEO_NO_CAPTIONS, Q(kind=CourseContent.Kind.VIDEO, captions="", has_transcript=False)),
        (Issue.IMAGE_NO_ALT, Q(kind=CourseContent.Kind.IMAGE, alt_text="")),
        (Issue.DOCUMENT_NO_DESCRIPTION, Q(kind=CourseContent.Kind.DOCUMENT, description="")),
    ]
    annotated = contents.annotate(has_transcript=Exists(transcripts))
    for issue, condition in checks:
        for content_id, course_id in annotated.filter(condition).values_list("id", "course_id").iterator():
            found.add((content_id, course_id, issue))
    articles = contents.filter(kind=CourseContent.Kind.ARTICLE, article_html__icontains="<img")
    for content_id, course_id, html in articles.values_list("id", "course_id", "article_html").iterator():
        if IMG_WITHOUT_ALT.search(html or ""):
            found.add((content_id, course_id, Issue.ARTICLE_IMAGE_NO_ALT))
    return found


def _scan(course_ids=None) -> int:
    contents = CourseContent.objects.all()
    if course_ids is not None:
        contents = contents.filter(course_id__in=course_ids)
    found = _findings(contents)
    auto = [i for i in Issue.values if i != Issue.OTHER]
    open_rows = AccessibilityReport.objects.filter(source="automatic", status="open", issue__in=auto)
    if course_ids is not None:
        open_rows = open_rows.filter(course_id__in=course_ids)
    existing = set(open_rows.values_list("content_id", "course_id", "issue"))
    fixed = existing - found
    now = timezone.now()
    for content_id, _course_id, issue in fixed:
        open_rows.filter(content_id=content_id, issue=issue).update(status="resolved", resolved_at=now, updated_at=now)
    new = [
        AccessibilityReport(content_id=c, course_id=k, issue=i, source="automatic", description=Issue(i).label)
        for c, k, i in found - existing
    ]
    AccessibilityReport.objects.bulk_create(new, ignore_conflicts=True, batch_size=1000)
    return len(new) + len(fixed)


def accessibility_scan(*, course_ids=None):
    return run_pipeline("accessibility_scan", lambda: _scan(course_ids))


def accessibility_report_description_check(*, issue: str, description: str | None) -> str:
    """The description of a manual report, stripped: a few words at least for an "other" problem."""
    description = (description or "").strip()
    if issue == Issue.OTHER and len(description) < 5:
        raise ValidationError({"description": "Describe the problem in a few words."})
    return description[:2000]


def accessibility_report_create(
    *, user, content: CourseContent, description: str, issue: str = Issue.OTHER
) -> AccessibilityReport:
    """A manual report: by a learner from the lesson page, or by staff in the admin (who choose the issue)."""
    description = accessibility_report_description_check(issue=issue, description=description)
    report = AccessibilityReport(
        content=content, course_id=content.course_id, source="manual", issue=issue, description=description,
        reported_by=user,
    )  # fmt: skip
    report.full_clean(exclude=["content", "course", "reported_by"])
    report.save(force_insert=True)
    return report
