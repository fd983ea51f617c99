"""The audit trail: admin edits of any model are recorded with before/after values; the log itself is
append-only (admin, model, PostgreSQL trigger), filterable, exportable and in the staff API."""

import csv
import io
import json
from decimal import Decimal

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.db import DatabaseError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import User
from courseworx.core.auditing import REDACTED, AdminAuditMixin, snapshot
from courseworx.core.models import AppendOnlyError, AuditLog, ErrorLog, NotificationPreference
from courseworx.core.services import audit_log_create
from tests.courses.admin.helpers import change_url, course_form_data
from tests.courses.factories import CourseFactory
from tests.factories import AdminFactory, InstructorFactory, StudentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser():
    return AdminFactory()


@pytest.fixture
def admin_client(client, superuser):
    client.force_login(superuser)
    return client


# --- every ModelAdmin is audited ----------------------------------------------------------------


def test_every_registered_model_admin_has_the_audit_mixin():
    assert admin.site._registry, "the project's admin site has registrations"
    for model, model_admin in admin.site._registry.items():
        assert isinstance(model_admin, AdminAuditMixin), model


def test_a_course_changed_in_the_admin_is_recorded_with_before_and_after(admin_client, superuser):
    course = CourseFactory(title="Old title", price="10.00")
    response = admin_client.post(
        change_url(course),
        course_form_data(course, title="New title", price="12.50", instructor=str(course.instructor_id)),
        REMOTE_ADDR="203.0.113.9",
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    row = AuditLog.objects.get(action="admin.change", target_type="courses.course")
    assert row.actor == superuser and row.target_id == str(course.pk)
    assert row.changes["title"] == ["Old title", "New title"]
    assert [Decimal(v) for v in row.changes["price"]] == [Decimal("10.00"), Decimal("12.50")]
    assert "slug" not in row.changes and "updated_at" not in row.changes, "only what changed"
    assert row.ip_address == "203.0.113.9"
    assert row.request_id == response["X-Request-ID"], "the row carries the request's id"


def test_saving_without_a_change_writes_no_row(admin_client):
    course = CourseFactory()
    data = course_form_data(course, instructor=str(course.instructor_id))
    assert admin_client.post(change_url(course), data).status_code == 302
    assert not AuditLog.objects.filter(action="admin.change").exists()


def test_add_change_and_delete_in_the_admin_are_recorded(admin_client, superuser):
    student = StudentFactory()
    add = reverse("admin:core_notificationpreference_add")
    response = admin_client.post(add, {"user": str(student.pk), "category": "billing", "channel": "daily"})
    assert response.status_code == 302
    pref = NotificationPreference.objects.get(user=student)
    added = AuditLog.objects.get(action="admin.add")
    assert added.changes["channel"] == [None, "daily"] and added.changes["user"] == [None, str(student.pk)]

    change = reverse("admin:core_notificationpreference_change", args=[pref.pk])
    response = admin_client.post(change, {"user": str(student.pk), "category": "billing", "channel": "off"})
    assert response.status_code == 302
    assert AuditLog.objects.get(action="admin.change").changes == {"channel": ["daily", "off"]}

    delete = reverse("admin:core_notificationpreference_delete", args=[pref.pk])
    assert admin_client.post(delete, {"post": "yes"}).status_code == 302
    deleted = AuditLog.objects.get(action="admin.delete")
    assert deleted.target_id == str(pref.pk) and deleted.changes["channel"] == ["off", None]
    assert deleted.actor == superuser


def test_bulk_delete_and_other_actions_are_recorded(admin_client):
    prefs = [
        NotificationPreference.objects.create(user=StudentFactory(), category="billing", channel="off")
        for _ in range(2)
    ]
    changelist = reverse("admin:core_notificationpreference_changelist")
    response = admin_client.post(
        changelist, {"action": "delete_selected", "_selected_action": [p.pk for p in prefs], "post": "yes"}
    )
    assert response.status_code == 302 and not NotificationPreference.objects.exists()
    assert set(AuditLog.objects.filter(action="admin.delete").values_list("target_id", flat=True)) == {
        str(p.pk) for p in prefs
    }

    error = ErrorLog.objects.create(traceback_hash="h1", exception_class="RuntimeError", last_seen="2026-01-01T00:00Z")
    response = admin_client.post(
        reverse("admin:core_errorlog_changelist"), {"action": "mark_resolved", "_selected_action": [error.pk]}
    )
    assert response.status_code == 302
    row = AuditLog.objects.get(action="admin.action")
    assert row.target_type == "core.errorlog"
    assert row.changes["action"] == "mark_resolved" and row.changes["selected"] == [str(error.pk)]
    assert row.changes["objects"] == {str(error.pk): {"resolved": [False, True]}}


def test_group_changes_of_a_user_in_the_admin_are_recorded(admin_client):
    user = InstructorFactory()
    group = Group.objects.get(name="Support")
    obj = User.objects.get(pk=user.pk)
    before = snapshot(obj)
    obj.groups.add(group)
    after = snapshot(User.objects.get(pk=user.pk))
    assert before["groups"] == [] and after["groups"] == [str(group.pk)]


def test_secrets_are_never_copied_into_the_audit_log(admin_client, superuser):
    user = StudentFactory()
    url = reverse("admin:auth_user_password_change", args=[user.pk])
    response = admin_client.post(url, {"password1": "N3w-pass-phrase!", "password2": "N3w-pass-phrase!"})
    assert response.status_code == 302
    user.refresh_from_db()
    data = snapshot(user)
    assert json.dumps(data["password"]) == json.dumps(REDACTED)
    for row in AuditLog.objects.all():
        assert user.password not in str(row.changes)
        assert "pbkdf2" not in str(row.changes) and "md5" not in str(row.changes)
    assert AuditLog.objects.filter(action="admin.change", target_id=str(user.pk)).exists()


# --- append-only ---------------------------------------------------------------------------------


def _row(**kwargs):
    return audit_log_create(actor=None, action="test.thing", reason="why", **kwargs)


def test_the_model_refuses_to_change_or_delete_a_row():
    row = _row()
    row.reason = "rewritten"
    with pytest.raises(AppendOnlyError):
        row.save()
    with pytest.raises(AppendOnlyError):
        row.delete()
    with pytest.raises(AppendOnlyError):
        AuditLog.objects.filter(pk=row.pk).update(reason="rewritten")
    with pytest.raises(AppendOnlyError):
        AuditLog.objects.all().delete()
    assert AuditLog.objects.get(pk=row.pk).reason == "why"


def test_deleting_an_actor_keeps_their_rows(superuser):
    actor = StudentFactory()
    row = audit_log_create(actor=actor, action="test.thing")
    actor.delete()
    row = AuditLog.objects.get(pk=row.pk)
    assert row.actor is None and row.action == "test.thing"


def test_the_admin_cannot_add_change_or_delete_audit_rows(admin_client):
    row = _row()
    change = reverse("admin:core_auditlog_change", args=[row.pk])
    page = admin_client.get(change)
    assert page.status_code == 200, "superusers may view"
    html = page.content.decode()
    assert 'name="_save"' not in html and "deletelink" not in html, "no save or delete buttons"
    assert admin_client.post(change, {"reason": "rewritten"}).status_code == 403
    assert admin_client.get(reverse("admin:core_auditlog_add")).status_code == 403
    assert admin_client.post(reverse("admin:core_auditlog_delete", args=[row.pk]), {"post": "yes"}).status_code == 403
    bulk = admin_client.post(
        reverse("admin:core_auditlog_changelist"),
        {"action": "delete_selected", "_selected_action": [row.pk], "post": "yes"},
    )
    assert bulk.status_code in (200, 302)
    assert AuditLog.objects.get(pk=row.pk).reason == "why"
    listing = admin_client.get(reverse("admin:core_auditlog_changelist")).content.decode()
    assert 'value="delete_selected"' not in listing
    assert reverse("admin:core_auditlog_add") not in listing


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger exists on PostgreSQL only")
def test_postgresql_refuses_update_and_delete_in_sql():
    row = _row()
    for sql in ("UPDATE core_auditlog SET reason = 'x' WHERE id = %s", "DELETE FROM core_auditlog WHERE id = %s"):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, [row.pk])
    assert AuditLog.objects.get(pk=row.pk).reason == "why"


# --- filters and CSV ---------------------------------------------------------------------------


def test_the_admin_list_filters_and_exports_csv_with_formulas_escaped(admin_client, superuser):
    audit_log_create(actor=superuser, action="course.approve", reason='=HYPERLINK("http://evil")')
    audit_log_create(actor=None, action="billing.refund_approve", reason="fine")
    listing = admin_client.get(reverse("admin:core_auditlog_changelist"), {"action": "course.approve"})
    assert listing.status_code == 200
    assert reverse("admin:core_auditlog_export") in listing.content.decode(), "an Export CSV link"
    assert [r.action for r in listing.context["cl"].result_list] == ["course.approve"]

    response = admin_client.get(reverse("admin:core_auditlog_export"), {"action": "course.approve"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert rows[0][:3] == ["time (UTC)", "actor", "action"]
    assert len(rows) == 2, "the filter applies to the export"
    assert rows[1][1] == superuser.email and rows[1][2] == "course.approve"
    assert rows[1][6] == '\'=HYPERLINK("http://evil")', "a formula is neutralised"


def test_the_export_is_refused_to_people_without_the_view_permission(client):
    client.force_login(InstructorFactory())
    response = client.get(reverse("admin:core_auditlog_export"))
    assert response.status_code in (302, 403)
    assert not response.get("Content-Type", "").startswith("text/csv")


# --- API -----------------------------------------------------------------------------------------

API = "/api/v1/audit-log/"


def test_the_api_is_refused_to_anonymous_and_non_staff(api_client):
    _row()
    assert api_client.get(API).status_code == 401
    for user in (StudentFactory(), InstructorFactory()):
        api_client.force_authenticate(user)
        response = api_client.get(API)
        assert response.status_code == 403
        assert response.json()["error"]["code"] == "permission_denied"


def test_the_api_lists_and_filters_for_staff(api_client, superuser):
    other = StudentFactory()
    course = CourseFactory()
    audit_log_create(actor=superuser, action="course.approve", target=course)
    audit_log_create(actor=other, action="billing.refund_approve")
    audit_log_create(actor=None, action="course.archive", target=course)
    api_client.force_authenticate(superuser)

    body = api_client.get(API).json()
    assert body["count"] == 3
    first = body["results"][0]
    assert first["action"] == "course.archive" and first["actor"] is None, "newest first; system actor"
    assert api_client.get(API, {"actor": str(other.pk)}).json()["count"] == 1
    assert api_client.get(API, {"action": "course.approve"}).json()["results"][0]["actor_email"] == superuser.email
    assert api_client.get(API, {"target_type": "courses.course", "target_id": str(course.pk)}).json()["count"] == 2
    assert api_client.get(API, {"created_after": "2999-01-01T00:00:00Z"}).json()["count"] == 0
    assert api_client.get(API, {"created_before": "2999-01-01T00:00:00+02:00"}).json()["count"] == 3
    assert api_client.get(API, {"created_after": "not a date"}).status_code == 400
    assert api_client.get(API, {"actor": "nope"}).status_code == 400

    row_id = body["results"][0]["id"]
    assert api_client.get(f"{API}{row_id}/").json()["action"] == "course.archive"
    assert api_client.post(API, {}).status_code == 405
    assert api_client.delete(f"{API}{row_id}/").status_code == 405


def test_the_api_list_has_constant_queries(api_client, superuser, django_assert_num_queries):
    api_client.force_authenticate(superuser)
    for _ in range(2):
        audit_log_create(actor=StudentFactory(), action="x")
    with CaptureQueriesContext(connection) as small:
        assert api_client.get(API).json()["count"] == 2
    for _ in range(5):
        audit_log_create(actor=StudentFactory(), action="x")
    with django_assert_num_queries(len(small.captured_queries)):
        assert api_client.get(API).json()["count"] == 7


def test_the_api_is_in_the_openapi_schema(api_client):
    schema = api_client.get("/api/schema/", {"format": "json"}).json()
    assert "/api/v1/audit-log/" in schema["paths"]
    params = {p["name"] for p in schema["paths"]["/api/v1/audit-log/"]["get"]["parameters"]}
    assert {"actor", "action", "target_type", "target_id", "created_after", "created_before", "page"} <= params
