"""Who may see which report, and which courses they see: the one place for report scoping.

- superusers: every report, every course;
- staff duties (groups): Finance -> revenue; Support -> support load and accessibility; Reviewers ->
  completion, engagement, top students, activity, attendance (per course and per trainee) and accessibility;
  their reports cover
  every course;
- instructors: the course reports (completion, engagement, top students, activity, attendance,
  accessibility, revenue), limited to the courses they own or co-author.

Page views, CSV/PDF exports, Celery export jobs, subscriptions and the API all ask these predicates.
"""

from django.db.models import QuerySet
from rest_framework import permissions

from accounts import roles
from courses.models import Course

# report slug -> staff groups whose duty it is; `INSTRUCTOR_REPORTS` are also open to instructors.
REPORT_GROUPS: dict[str, tuple[str, ...]] = {
    "revenue": (roles.FINANCE,),
    "top-students": (roles.REVIEWERS,),
    "activity": (roles.REVIEWERS,),
    "engagement": (roles.REVIEWERS,),
    "completion": (roles.REVIEWERS,),
    "support": (roles.SUPPORT,),
    "attendance": (roles.REVIEWERS,),
    "attendance-trainees": (roles.REVIEWERS,),
    "accessibility": (roles.REVIEWERS, roles.SUPPORT),
}
INSTRUCTOR_REPORTS = frozenset(
    {
        "revenue",
        "top-students",
        "activity",
        "engagement",
        "completion",
        "attendance",
        "attendance-trainees",
        "accessibility",
    }
)


def _is_instructor(user) -> bool:
    return getattr(user, "role", None) == "instructor"


def has_full_scope(user, slug: str) -> bool:
    """True when `user` sees the report for every course (superuser or a staff duty)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.is_superuser:
        return True
    return any(user.in_group(group) for group in REPORT_GROUPS.get(slug, ()))


def can_view_report(user, slug: str) -> bool:
    if slug not in REPORT_GROUPS:
        return False
    if has_full_scope(user, slug):
        return True
    return bool(getattr(user, "is_authenticated", False) and user.is_active and _is_instructor(user)) and (
        slug in INSTRUCTOR_REPORTS
    )


def visible_report_slugs(user) -> list[str]:
    return [slug for slug in REPORT_GROUPS if can_view_report(user, slug)]


def can_use_reports(user) -> bool:
    return bool(visible_report_slugs(user))


def report_courses(user, slug: str) -> QuerySet[Course]:
    """The courses whose figures `user` may see in report `slug` (none when the report is closed to them)."""
    if not can_view_report(user, slug):
        return Course.objects.none()
    if has_full_scope(user, slug):
        return Course.objects.all()
    # Instructors: the courses they teach (courses.permissions: a subquery, rows are never multiplied).
    return Course.objects.taught_by(user)


def can_download_export(user, export) -> bool:
    """A report export belongs to the person who asked for it (and they must still see the report)."""
    return export.user_id == getattr(user, "pk", None) and can_view_report(user, export.report)


def can_see_accessibility_overview(user) -> bool:
    return can_view_report(user, "accessibility")


class CanUseReports(permissions.BasePermission):
    """API: the caller may see at least one report (per-report checks happen in the view)."""

    message = "You do not have access to reports."

    def has_permission(self, request, view) -> bool:
        return can_use_reports(request.user)
