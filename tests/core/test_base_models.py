"""Every model inherits core's TimeStampedModel (or UUIDModel), except the few reports and engagement
tables that are append-only events or rebuilt wholesale (courseworx/core/README.md says which and why)."""

from django.apps import apps

from courseworx.core.models import TimeStampedModel

PROJECT_APPS = {"core", "accounts", "courses", "learning", "community", "billing", "reports"}

# Append-only events (created_at, never updated) and rollup tables the reports pipeline rebuilds in one
# transaction: an updated_at column would only cost writes.
WITHOUT_TIMESTAMPS = {
    "reports.ActivityLog",
    "reports.MobileAppLog",
    "reports.CoursePeriodStats",
    "reports.SiteResultStats",
    "reports.SiteActivityStats",
    "reports.StudentYearTotals",
    "reports.ActiveDays",
    "reports.CourseProgressStats",
    # Engagement (issue 17): the points ledger and achievement awards are append-only; leaderboard entries,
    # recommendations and course relations are rebuilt wholesale by their periodic jobs; proctoring events
    # are append-only.
    "learning.PointsEntry",
    "learning.UserAchievement",
    "learning.LeaderboardEntry",
    "learning.AIRecommendation",
    "learning.CourseRelation",
    "learning.ExamProctorEvent",
}


def test_every_model_inherits_a_core_base_model_or_is_a_listed_exception():
    models = [m for m in apps.get_models() if m._meta.app_label in PROJECT_APPS]
    assert len(models) > 50  # the project's models were found
    without = {m._meta.label for m in models if not issubclass(m, TimeStampedModel)}
    assert without == WITHOUT_TIMESTAMPS


def test_the_append_only_event_tables_still_record_when():
    for label in ("reports.ActivityLog", "reports.MobileAppLog"):
        assert "created_at" in {f.name for f in apps.get_model(label)._meta.fields}, label
