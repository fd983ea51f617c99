"""Personal data: what each app holds about a user (for the export ZIP) and how each app anonymises it
(for account deletion).

One collector and one anonymiser per app, registered in COLLECTORS / ANONYMISERS.  They query other
apps' models directly for now (read-only for exports; deletion updates only personal columns with
queryset updates).  Each app should own its pair later (e.g. `learning.privacy.collect(user)` /
`anonymise(user)`); this module then only calls them.  Financial records (payments, refunds, earnings,
payouts) are kept with their amounts, as the law requires; only free text written by the person is
removed from them.
"""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Callable

from django.contrib.auth import get_user_model
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from rest_framework.authtoken.models import Token

from accounts.models import AdminNote
from billing import models as billing_models
from community import models as community_models
from courseworx.core.models import Notification
from learning import models as learning_models

from . import models as reports_models

DELETED = "[deleted]"


def _rows(qs, *fields) -> list[dict]:
    return list(qs.values(*fields))


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
        }
    }


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
        "learning_streak": _rows(
            m.LearningStreak.objects.filter(user=user), "current_days", "longest_days", "last_activity_date"
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
            m.RefundRequest.objects.filter(user=user), "payment_id", "reason", "status", "amount_refunded", "created_at"
        ),
        "subscriptions": _rows(
            m.Subscription.objects.filter(user=user), "plan__name", "status", "current_period_start",
            "current_period_end",
        ),
        "credit": _rows(m.CreditEntry.objects.filter(account__user=user), "kind", "amount", "note", "created_at"),
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


# -- anonymisers (deletion) ---------------------------------------------------------------------
def anonymise_accounts(user) -> None:
    User = get_user_model()
    if user.avatar:
        user.avatar.delete(save=False)
    user.email = f"deleted-{user.pk.hex}@deleted.invalid"
    user.first_name, user.last_name, user.phone, user.avatar = "Deleted", "user", "", ""
    user.is_active = False
    user.requires_password_change = False
    user.set_unusable_password()
    User.objects.filter(pk=user.pk).update(
        email=user.email, first_name=user.first_name, last_name=user.last_name, phone="", avatar="",
        is_active=False, requires_password_change=False, password=user.password,
    )  # fmt: skip
    Token.objects.filter(user=user).delete()
    AdminNote.objects.filter(user=user).delete()


def anonymise_learning(user) -> None:
    m = learning_models

    m.UserNote.objects.filter(user=user).delete()
    for submission in m.AssignmentSubmission.objects.filter(user=user).exclude(file="").only("id", "file"):
        submission.file.delete(save=False)
    m.AssignmentSubmission.objects.filter(user=user).update(text="", file="")
    m.QuizAttempt.objects.filter(user=user).update(answers={})
    m.Attendance.objects.filter(user=user).update(note="")
    m.Enrollment.objects.filter(user=user).update(notes="")
    m.IssuedCertificate.objects.filter(user=user).update(holder_name="Deleted user")
    m.SavedCourse.objects.filter(user=user).delete()


def anonymise_community(user) -> None:
    m = community_models

    m.Review.objects.filter(author=user).update(body="", body_html="")
    m.DiscussionThread.objects.filter(author=user).update(title=DELETED, body=DELETED, body_html=f"<p>{DELETED}</p>")
    m.ThreadReply.objects.filter(author=user).update(body=DELETED, body_html=f"<p>{DELETED}</p>")
    m.Message.objects.filter(sender=user).update(body=DELETED, body_html=f"<p>{DELETED}</p>")
    m.SupportTicket.objects.filter(requester=user).update(subject=DELETED, satisfaction_comment="")
    m.TicketMessage.objects.filter(author=user).update(body=DELETED, body_html=f"<p>{DELETED}</p>")
    m.ContentFlag.objects.filter(flagger=user).update(details="")
    Notification.objects.filter(user=user).delete()


def anonymise_billing(user) -> None:
    """Payments, refunds and earnings keep their amounts (bookkeeping); free text is removed."""
    m = billing_models

    m.RefundRequest.objects.filter(user=user).update(reason=DELETED)
    m.SeatAssignment.objects.filter(user=user).update(email=f"deleted-{user.pk.hex}@deleted.invalid")


def anonymise_reports(user) -> None:
    m = reports_models

    m.ActivityLog.objects.filter(user=user).update(user=None)  # the counts stay, the person goes
    m.MobileAppLog.objects.filter(user=user).delete()
    m.ReportSubscription.objects.filter(user=user).delete()
    m.AccessibilityReport.objects.filter(reported_by=user).update(reported_by=None)
    for request in m.DataExportRequest.objects.filter(user=user).exclude(file=""):
        request.file.delete(save=False)
    m.DataExportRequest.objects.filter(user=user).exclude(file="").update(file="")
    for export in m.ReportExport.objects.filter(user=user).exclude(file=""):
        export.file.delete(save=False)
    m.ReportExport.objects.filter(user=user).delete()


ANONYMISERS: dict[str, Callable] = {
    "learning": anonymise_learning,
    "community": anonymise_community,
    "billing": anonymise_billing,
    "reports": anonymise_reports,
    "accounts": anonymise_accounts,  # last: the others may still need the e-mail in logs
}


def anonymise_user(user) -> None:
    with transaction.atomic():
        for anonymise in ANONYMISERS.values():
            anonymise(user)
