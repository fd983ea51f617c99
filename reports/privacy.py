"""Personal data: what each app holds about a user (for the export ZIP) and the account deletion.

Export: one collector per app, registered in COLLECTORS (reports is the top layer: it may read every
app's models).  Deletion: `personal_data_delete` calls, in one transaction, each app's own service
for the personal data it owns (`learning`, `community`, `billing`, then reports' own tables, then
`accounts.services.user_anonymise`); no other app's table is written here.  What each app keeps,
anonymises or deletes, files included, is listed in the reports README ("Personal data").
"""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Callable
from decimal import Decimal

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import Q

from accounts import services as accounts_services
from accounts.models import Resume, ResumeEntry
from billing import models as billing_models
from billing import services as billing_services
from community import models as community_models
from community import services as community_services
from courseworx.core.currency import round_amount
from courseworx.core.models import Notification
from courseworx.core.notifications import notification_delete_for_user
from courseworx.core.storage import file_delete_on_commit
from learning import models as learning_models
from learning import services as learning_services

from . import models as reports_models
from .models import (
    AccessibilityReport,
    ActivityLog,
    DataExportRequest,
    MobileAppLog,
    ReportExport,
    ReportSubscription,
)


def _rows(qs, *fields) -> list[dict]:
    """The rows' values; amounts of a row with a currency get exactly that currency's decimals (money columns
    hold 3 places for KWD: a USD amount reads "49.00", not "49.000")."""
    rows = list(qs.values(*fields))
    for row in rows:
        code = row.get("currency") or row.get("payment__currency") or row.get("account__currency")
        if not code:
            continue
        for name, value in row.items():
            if isinstance(value, Decimal) and name in MONEY_FIELDS:
                row[name] = round_amount(value, code)
    return rows


MONEY_FIELDS = {"subtotal", "discount", "credit_applied", "tax", "amount", "amount_refunded", "gross"}


# -- collectors (export) --------------------------------------------------------------------------
def collect_accounts(user) -> dict:
    return {
        "profile": {
            "id": user.pk,
            "email": user.email,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "role": user.role,
            "phone": user.phone,
            "avatar": user.avatar.name if user.avatar else "",
            "date_joined": user.date_joined,
            "last_login": user.last_login,
        },
        # API keys: what identifies them and their last use; never the hash.
        "api_keys": _rows(
            user.api_keys.order_by("created_at"),
            "name",
            "prefix",
            "areas",
            "read_only",
            "expires_at",
            "revoked_at",
            "last_used_at",
            "last_used_ip",
            "created_at",
        ),  # fmt: skip
        "resume": _rows(
            Resume.objects.filter(user=user),
            "headline", "summary", "location", "show_email", "is_public", "open_to_work", "slug", "created_at",
            "updated_at",
        ),
        "resume_entries": _rows(
            ResumeEntry.objects.filter(resume__user=user).order_by("kind", "position"),
            "kind", "title", "organisation", "start_date", "end_date", "description", "level", "position",
        ),
    }  # fmt: skip


def collect_learning(user) -> dict:
    m = learning_models

    return {
        "enrollments": _rows(
            m.Enrollment.objects.filter(user=user),
            "id", "course_id", "course__title", "status", "source", "enrolled_at", "completed_at", "dropped_at",
            "progress_percent", "grade", "last_accessed_at",
        ),
        "lesson_progress": _rows(
            m.LessonCompletion.objects.filter(user=user),
            "content_id", "course_id", "completed", "completed_at", "time_spent_seconds", "score", "attempts",
        ),
        "quiz_attempts": _rows(
            m.QuizAttempt.objects.filter(user=user),
            "id", "content_id", "number", "status", "started_at", "submitted_at", "answers", "score", "percent",
            "passed",
        ),
        "exam_attempts": _rows(
            m.ExamAttempt.objects.filter(user=user),
            "id", "exam_id", "exam__title", "number", "status", "started_at", "deadline_at", "submitted_at",
            "answers", "score", "percent", "passed", "invalidated_at", "review_notes",
        ),
        "exam_proctor_events": _rows(
            m.ExamProctorEvent.objects.filter(attempt__user=user), "attempt_id", "kind", "occurred_at", "detail"
        ),
        "assignment_submissions": _rows(
            m.AssignmentSubmission.objects.filter(user=user),
            "id", "assignment_id", "assignment__title", "text", "file", "status", "submitted_at", "score", "feedback",
        ),
        "notes": _rows(m.UserNote.objects.filter(user=user), "id", "course_id", "content_id", "body", "updated_at"),
        "attendance": _rows(m.Attendance.objects.filter(user=user), "course_id", "date", "status", "note"),
        "certificates": _rows(
            m.IssuedCertificate.objects.filter(user=user), "code", "course_title", "holder_name", "issued_at", "status"
        ),
        "saved_courses": _rows(m.SavedCourse.objects.filter(user=user), "course_id", "created_at"),
        "career_paths": _rows(
            m.UserCareerPath.objects.filter(user=user), "path_id", "path__title", "joined_at", "completed_at",
            "certificate__code",
        ),
        "recommendations": _rows(
            m.AIRecommendation.objects.filter(user=user), "course_id", "course__title", "rank", "score", "reason",
            "reason_course_id", "computed_at",
        ),
        "recommendation_dismissals": _rows(
            m.RecommendationDismissal.objects.filter(user=user), "course_id", "created_at"
        ),
        "learning_streak": _rows(
            m.LearningStreak.objects.filter(user=user), "current_days", "longest_days", "last_activity_date"
        ),
        "mentorships": _rows(
            m.Mentorship.objects.filter(Q(student=user) | Q(mentor=user)),
            "id", "student_id", "mentor_id", "course_id", "message", "status", "requested_at", "responded_at",
            "response_message", "started_at", "ended_at", "end_reason",
        ),
        "mentoring_sessions": _rows(
            m.MentorshipSession.objects.filter(Q(mentorship__student=user) | Q(mentorship__mentor=user)),
            "mentorship_id", "scheduled_at", "duration_minutes", "location", "link", "agenda", "shared_notes",
            "status",
        ),
        # A mentor's private notes are the mentor's (never shown to the mentee): exported to the mentor only.
        "mentoring_private_notes": _rows(
            m.MentorshipSession.objects.filter(mentorship__mentor=user).exclude(private_notes=""),
            "mentorship_id", "scheduled_at", "private_notes",
        ),
        "mentor_profile": _rows(
            m.MentorProfile.objects.filter(mentor=user), "accepting_mentees", "max_active_mentees", "topics"
        ),
        "points": _rows(
            m.PointsEntry.objects.filter(user=user).order_by("created_at", "id"),
            "amount", "reason", "course_id", "note", "created_at",
        ),
        "achievements": _rows(
            m.UserAchievement.objects.filter(user=user), "id", "achievement__slug", "achievement__name", "awarded_at"
        ),
        "challenges": _rows(
            m.ChallengeParticipation.objects.filter(user=user),
            "challenge_id", "challenge__title", "joined_at", "progress", "completed_at",
        ),
        "gamification_preferences": _rows(
            m.GamificationProfile.objects.filter(user=user), "leaderboard_opt_out", "achievements_public"
        ),
    }  # fmt: skip


def collect_community(user) -> dict:
    m = community_models

    return {
        "reviews": _rows(m.Review.objects.filter(author=user), "id", "course_id", "rating", "body", "created_at"),
        "discussion_threads": _rows(
            m.DiscussionThread.objects.filter(author=user), "id", "course_id", "title", "body", "created_at"
        ),
        "thread_replies": _rows(m.ThreadReply.objects.filter(author=user), "id", "thread_id", "body", "created_at"),
        "messages_sent": _rows(m.Message.objects.filter(sender=user), "id", "conversation_id", "body", "created_at"),
        "support_tickets": _rows(
            m.SupportTicket.objects.filter(requester=user),
            "number", "subject", "category", "status", "created_at", "satisfaction", "satisfaction_comment",
        ),
        "ticket_messages": _rows(m.TicketMessage.objects.filter(author=user), "ticket__number", "body", "created_at"),
        "content_flags": _rows(m.ContentFlag.objects.filter(flagger=user), "reason", "details", "created_at"),
        "survey_responses": _rows(m.SurveyResponse.objects.filter(user=user), "id", "survey__title", "created_at"),
        "notifications": _rows(Notification.objects.filter(user=user), "category", "title", "body", "created_at"),
    }  # fmt: skip


def collect_billing(user) -> dict:
    m = billing_models

    return {
        "payments": _rows(
            m.Payment.objects.filter(user=user),
            "id", "kind", "description", "status", "currency", "subtotal", "discount", "credit_applied", "tax",
            "amount", "amount_refunded", "receipt_number", "created_at", "succeeded_at",
        ),
        "refund_requests": _rows(
            m.RefundRequest.objects.filter(user=user), "payment_id", "payment__currency", "reason", "status",
            "amount_refunded", "created_at",
        ),
        "subscriptions": _rows(
            m.Subscription.objects.filter(user=user), "plan__name", "status", "current_period_start",
            "current_period_end",
        ),
        "credit": _rows(
            m.CreditEntry.objects.filter(account__user=user), "kind", "amount", "account__currency", "note",
            "created_at",
        ),
        "earnings": _rows(
            m.EarningEntry.objects.filter(instructor=user), "course_id", "kind", "gross", "amount", "currency",
            "created_at",
        ),
        "payouts": _rows(m.Payout.objects.filter(instructor=user), "amount", "currency", "status", "paid_at"),
    }  # fmt: skip


def collect_reports(user) -> dict:
    m = reports_models

    return {
        "activity": _rows(m.ActivityLog.objects.filter(user=user), "event", "course_id", "content_id", "created_at"),
        "mobile_logs": _rows(
            m.MobileAppLog.objects.filter(user=user), "platform", "app_version", "event", "message", "occurred_at"
        ),
        "accessibility_reports": _rows(
            m.AccessibilityReport.objects.filter(reported_by=user), "content_id", "issue", "description", "created_at"
        ),
        "report_subscriptions": _rows(m.ReportSubscription.objects.filter(user=user), "report", "frequency"),
        "data_requests": _rows(m.DataExportRequest.objects.filter(user=user), "kind", "status", "created_at"),
    }


COLLECTORS: dict[str, Callable] = {
    "accounts": collect_accounts,
    "learning": collect_learning,
    "community": collect_community,
    "billing": collect_billing,
    "reports": collect_reports,
}


def build_export_zip(user) -> bytes:
    """A ZIP with one JSON file per app, holding only `user`'s rows."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for app, collect in COLLECTORS.items():
            data = collect(user)
            archive.writestr(f"{app}.json", json.dumps(data, cls=DjangoJSONEncoder, indent=2, ensure_ascii=False))
        archive.writestr(
            "README.txt",
            "Your CourseWorx data: one JSON file per part of the platform (accounts, learning, community,\n"
            "billing, reports).  Ids link rows between files.\n",
        )
    return buffer.getvalue()


# -- deletion -------------------------------------------------------------------------------------
def personal_data_delete_for_user(*, user) -> None:
    """Account deletion, reports' own tables: activity events lose the person (the counts stay); mobile
    logs, subscriptions and report exports are deleted; accessibility reports lose their reporter;
    the files of data exports (the person's ZIPs) and report exports are deleted on commit."""
    ActivityLog.objects.filter(user=user).update(user=None)
    MobileAppLog.objects.filter(user=user).delete()
    ReportSubscription.objects.filter(user=user).delete()
    AccessibilityReport.objects.filter(reported_by=user).update(reported_by=None)
    data_requests = DataExportRequest.objects.filter(user=user).exclude(file="")
    file_delete_on_commit(*(r.file for r in data_requests.only("id", "file")))
    data_requests.update(file="")
    exports = ReportExport.objects.filter(user=user)
    file_delete_on_commit(*(e.file for e in exports.exclude(file="").only("id", "file")))
    exports.delete()


def personal_data_delete(*, user) -> None:
    """Delete a person's personal data everywhere, in one transaction: each app anonymises or deletes
    what it owns through its own service (see the reports README, "Personal data").  Stored files are
    deleted only once the transaction commits, so a failed deletion loses nothing.  The account itself
    goes last: the others may still need the person's row."""
    with transaction.atomic():
        learning_services.personal_data_anonymise_for_user(user=user)
        community_services.personal_data_anonymise_for_user(user=user)
        notification_delete_for_user(user=user)
        billing_services.personal_data_anonymise_for_user(user=user)
        personal_data_delete_for_user(user=user)
        accounts_services.user_anonymise(user=user)
