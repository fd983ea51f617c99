"""reports.services: accessibility resolution, mobile-log ingest and unsubscribing (success and denials)."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts import roles
from courseworx.core.models import AuditLog
from reports import services
from reports.models import AccessibilityReport, MobileAppLog, ReportSubscription
from tests.courses.factories import ContentFactory, PublishedCourseFactory
from tests.factories import AdminFactory, InstructorFactory, StudentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def issues(instructor):
    mine = ContentFactory(course=PublishedCourseFactory(instructor=instructor), title="Mine")
    theirs = ContentFactory(course=PublishedCourseFactory(), title="Theirs")
    return {
        content.title: AccessibilityReport.objects.create(
            content=content, course=content.course, source="manual", issue="other", description="Too light"
        )
        for content in (mine, theirs)
    }


def statuses() -> dict[str, str]:
    return dict(AccessibilityReport.objects.values_list("content__title", "status"))


# --- accessibility ---------------------------------------------------------------------------------


def test_reviewer_resolves_any_issue_audited(issues, make_staff):
    reviewer = make_staff(roles.REVIEWERS)
    closed = services.accessibility_report_resolve(user=reviewer, reports=issues.values(), status="dismissed")
    assert closed == 2 and statuses() == {"Mine": "dismissed", "Theirs": "dismissed"}
    assert AccessibilityReport.objects.filter(resolved_at__isnull=True).count() == 0
    audits = AuditLog.objects.filter(action="reports.accessibility_dismiss", actor=reviewer)
    assert {a.target_id for a in audits} == {str(r.pk) for r in issues.values()}
    assert audits[0].changes == {"status": ["open", "dismissed"]}
    # Already closed: nothing happens twice.
    assert services.accessibility_report_resolve(user=reviewer, reports=issues.values()) == 0


def test_instructor_resolves_only_own_courses_all_or_nothing(issues, instructor, make_staff):
    assert services.accessibility_report_resolve(user=instructor, reports=[issues["Mine"]]) == 1
    AccessibilityReport.objects.update(status="open", resolved_at=None)
    for user in (instructor, make_staff(roles.SUPPORT), StudentFactory()):  # support: view only
        with pytest.raises(PermissionDenied):
            services.accessibility_report_resolve(user=user, reports=issues.values())
    assert statuses() == {"Mine": "open", "Theirs": "open"}
    with pytest.raises(ValidationError):
        services.accessibility_report_resolve(user=AdminFactory(), reports=issues.values(), status="deleted")
    assert AuditLog.objects.filter(action="reports.accessibility_resolve").count() == 1


def test_admin_actions_and_edit_go_through_the_services(client, issues, instructor):
    client.force_login(instructor)
    url = reverse("admin:reports_accessibilityreport_changelist")
    response = client.post(url, {"action": "mark_resolved", "_selected_action": [issues["Mine"].pk]})
    assert response.status_code == 302
    assert statuses() == {"Mine": "resolved", "Theirs": "open"}
    assert AuditLog.objects.filter(action="reports.accessibility_resolve", actor=instructor).count() == 1
    # Reopen from the change form: audited too; the description rule of manual reports applies.
    change = reverse("admin:reports_accessibilityreport_change", args=[issues["Mine"].pk])
    data = {"content": issues["Mine"].content_id, "issue": "other", "description": "x", "status": "open"}
    response = client.post(change, data)
    assert response.status_code == 200 and "Describe the problem" in response.content.decode()
    response = client.post(change, data | {"description": "Too light to read"})
    assert response.status_code == 302
    assert statuses()["Mine"] == "open"
    assert AuditLog.objects.filter(action="reports.accessibility_reopen", actor=instructor).exists()


def test_admin_add_is_a_manual_report_by_the_staff_member(client, issues, admin_user):
    client.force_login(admin_user)
    content = issues["Mine"].content
    url = reverse("admin:reports_accessibilityreport_add")
    response = client.post(url, {"content": content.pk, "issue": "other", "description": "", "status": "open"})
    assert response.status_code == 200 and "Describe the problem" in response.content.decode()
    response = client.post(
        url, {"content": content.pk, "issue": "image_no_alt", "description": "", "status": "resolved"}
    )
    assert response.status_code == 302
    added = AccessibilityReport.objects.get(issue="image_no_alt")
    assert (added.source, added.reported_by, added.course, added.status) == ("manual", admin_user, content.course,
                                                                             "resolved")  # fmt: skip
    assert added.resolved_at is not None
    assert AuditLog.objects.filter(action="reports.accessibility_resolve", target_id=str(added.pk)).exists()


# --- mobile logs -----------------------------------------------------------------------------------


def event(**overrides) -> dict:
    return {"device_id": "dev-1", "platform": "ios", "app_version": "1.2.0", "event": "app.open",
            "level": "info", "message": "", "data": {}, "occurred_at": timezone.now()} | overrides  # fmt: skip


def test_mobile_log_ingest(student, settings):
    assert services.mobile_log_ingest(user=student, events=[event(), event(level="error")]) == 2
    assert MobileAppLog.objects.filter(user=student).count() == 2
    with pytest.raises(ValidationError) as excinfo:
        services.mobile_log_ingest(user=student, events=[event(), event(platform="windows")])
    assert "events[1]" in excinfo.value.message_dict
    settings.REPORTS_MOBILE_LOG_MAX_EVENTS = 2
    with pytest.raises(ValidationError):
        services.mobile_log_ingest(user=student, events=[event()] * 3)
    with pytest.raises(ValidationError):
        services.mobile_log_ingest(user=student, events=[])
    assert MobileAppLog.objects.count() == 2, "a refused batch stores nothing"


# --- subscriptions ---------------------------------------------------------------------------------


def _subscription(user):
    return ReportSubscription.objects.create(user=user, report="completion", frequency="weekly", format="csv")


def test_unsubscribe_own_unaudited_others_denied(instructor):
    sub = _subscription(instructor)
    with pytest.raises(PermissionDenied):
        services.report_subscription_delete(subscription=sub, user=InstructorFactory())
    assert ReportSubscription.objects.filter(pk=sub.pk).exists()
    services.report_subscription_delete(subscription=sub, user=instructor)
    assert not ReportSubscription.objects.exists() and not AuditLog.objects.exists()


def test_staff_deleting_a_subscription_is_audited(client, instructor, admin_user):
    sub = _subscription(instructor)
    client.force_login(admin_user)
    response = client.post(reverse("admin:reports_reportsubscription_delete", args=[sub.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert not ReportSubscription.objects.exists()
    audit = AuditLog.objects.get(action="reports.subscription_delete")
    assert audit.actor == admin_user and audit.changes == {"user": str(instructor.pk), "report": "completion"}


def test_unsubscribe_page_cannot_reach_another_users_subscription(client, instructor):
    sub = _subscription(instructor)
    client.force_login(InstructorFactory())
    assert client.post(reverse("reports:unsubscribe", args=[sub.pk])).status_code == 404
    assert ReportSubscription.objects.filter(pk=sub.pk).exists()
