"""Live settings (courseworx/core/live_settings.py): typed, validated, edited in the admin, cached, in
effect at once (no restart), audited; the Django setting stays the default."""

import pytest
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from courseworx.core import live_settings
from courseworx.core.live_settings import setting_reset, setting_set, setting_value
from courseworx.core.models import AuditLog, SystemSetting
from tests.factories import AdminFactory, InstructorFactory, StudentFactory

pytestmark = pytest.mark.django_db


def test_the_django_setting_is_the_default_read_at_call_time(settings):
    settings.SITE_NAME = "Academy"
    assert setting_value("SITE_NAME") == "Academy"
    settings.BILLING_REFUND_WINDOW_DAYS = 21
    assert setting_value("BILLING_REFUND_WINDOW_DAYS") == 21


def test_the_declared_settings_include_those_of_the_apps():
    keys = {d.key for d in live_settings.definitions()}
    assert {"SITE_NAME", "SUPPORT_EMAIL", "BILLING_REFUND_WINDOW_DAYS", "COMMUNITY_FLAG_HIDE_THRESHOLD"} <= keys
    with pytest.raises(ImproperlyConfigured):
        setting_value("NOT_DECLARED")


def test_a_stored_value_wins_and_takes_effect_without_a_restart(settings, django_capture_on_commit_callbacks):
    settings.BILLING_REFUND_WINDOW_DAYS = 14
    assert setting_value("BILLING_REFUND_WINDOW_DAYS") == 14  # cached now
    with django_capture_on_commit_callbacks(execute=True):
        setting_set(actor=None, key="BILLING_REFUND_WINDOW_DAYS", value="30")
    assert setting_value("BILLING_REFUND_WINDOW_DAYS") == 30  # typed: an int
    with django_capture_on_commit_callbacks(execute=True):
        setting_reset(actor=None, key="BILLING_REFUND_WINDOW_DAYS")
    assert setting_value("BILLING_REFUND_WINDOW_DAYS") == 14


def test_values_are_read_from_the_cache():
    setting_set(actor=None, key="SITE_NAME", value="Academy")
    assert setting_value("SITE_NAME") == "Academy"
    with CaptureQueriesContext(connection) as queries:
        for _ in range(5):
            setting_value("SITE_NAME")
            setting_value("SUPPORT_EMAIL")
    assert len(queries) == 0


def test_another_process_sees_the_change_once_the_cache_entry_is_dropped():
    """Another process's view: the row changes in the database and the shared cache entry goes."""
    setting_set(actor=None, key="SITE_NAME", value="Academy")
    assert setting_value("SITE_NAME") == "Academy"
    SystemSetting.objects.filter(key="SITE_NAME").update(value="Elsewhere")
    assert setting_value("SITE_NAME") == "Academy"  # cached
    cache.delete(live_settings.CACHE_KEY)
    assert setting_value("SITE_NAME") == "Elsewhere"


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("BILLING_REFUND_WINDOW_DAYS", "-1", "greater than or equal to 0"),
        ("BILLING_REFUND_WINDOW_DAYS", "1000", "less than or equal to 365"),
        ("BILLING_REFUND_WINDOW_DAYS", "ten", "whole number"),
        ("COMMUNITY_FLAG_HIDE_THRESHOLD", "0", "greater than or equal to 1"),
        ("SUPPORT_EMAIL", "not an address", "valid email"),
        ("SITE_NAME", "", "required"),
        ("SITE_NAME", "x" * 81, "at most 80"),
    ],
)
def test_invalid_values_are_refused_with_a_field_message(key, value, message):
    with pytest.raises(ValidationError) as exc:
        setting_set(actor=None, key=key, value=value)
    assert message in " ".join(exc.value.message_dict["value"])
    assert not SystemSetting.objects.filter(key=key, value__isnull=False).exists()
    assert not AuditLog.objects.exists()


def test_a_change_is_audited_with_before_and_after():
    admin = AdminFactory()
    setting_set(actor=admin, key="COMMUNITY_FLAG_HIDE_THRESHOLD", value=5)
    setting_set(actor=admin, key="COMMUNITY_FLAG_HIDE_THRESHOLD", value=5)  # no change: no row
    setting_reset(actor=admin, key="COMMUNITY_FLAG_HIDE_THRESHOLD")
    rows = list(AuditLog.objects.filter(action="setting.changed").order_by("created_at", "pk"))
    assert [r.changes["value"] for r in rows] == [[None, 5], [5, None]]
    assert all(r.actor == admin and r.target_repr == "COMMUNITY_FLAG_HIDE_THRESHOLD" for r in rows)


def test_pages_show_the_live_site_name_and_support_address(client):
    setting_set(actor=None, key="SITE_NAME", value="Academy of Things")
    setting_set(actor=None, key="SUPPORT_EMAIL", value="help@academy.example")
    page = client.get(reverse("courses:catalog")).content.decode()
    assert "Academy of Things" in page
    assert "mailto:help@academy.example" in page


# --- admin --------------------------------------------------------------------------------------
def _row(key):
    live_settings.rows_ensure()
    return SystemSetting.objects.get(key=key)


def test_the_admin_lists_every_declared_setting_with_its_value(client, settings):
    settings.SITE_NAME = "Default Name"
    client.force_login(AdminFactory())
    page = client.get(reverse("admin:core_systemsetting_changelist"))
    assert page.status_code == 200
    text = page.content.decode()
    for key in ("SITE_NAME", "SUPPORT_EMAIL", "BILLING_REFUND_WINDOW_DAYS", "COMMUNITY_FLAG_HIDE_THRESHOLD"):
        assert key in text
    assert "Default Name" in text


def test_an_admin_change_takes_effect_and_is_audited(client, django_capture_on_commit_callbacks):
    admin = AdminFactory()
    client.force_login(admin)
    row = _row("BILLING_REFUND_WINDOW_DAYS")
    url = reverse("admin:core_systemsetting_change", args=[row.pk])
    assert client.get(url).status_code == 200
    assert setting_value("BILLING_REFUND_WINDOW_DAYS") == 14
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"value": "45"})
    assert response.status_code == 302
    assert setting_value("BILLING_REFUND_WINDOW_DAYS") == 45
    row.refresh_from_db()
    assert row.value == 45 and row.updated_by == admin
    assert AuditLog.objects.get(action="setting.changed").changes["value"] == [None, 45]
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"value": "45", "use_default": "on"})
    assert setting_value("BILLING_REFUND_WINDOW_DAYS") == 14


def test_the_admin_refuses_an_invalid_value_with_the_fields_message(client):
    client.force_login(AdminFactory())
    row = _row("SUPPORT_EMAIL")
    response = client.post(reverse("admin:core_systemsetting_change", args=[row.pk]), {"value": "nope"})
    assert response.status_code == 200
    assert "Enter a valid email address." in response.context["adminform"].form.errors["value"]
    row.refresh_from_db()
    assert row.value is None and not AuditLog.objects.exists()


def test_non_staff_and_staff_without_the_permission_cannot_edit_settings(client):
    row = _row("SITE_NAME")
    url = reverse("admin:core_systemsetting_change", args=[row.pk])
    client.force_login(StudentFactory())
    assert client.get(url).status_code == 302
    client.force_login(InstructorFactory())
    assert client.post(url, {"value": "Hijacked"}).status_code == 403
    assert setting_value("SITE_NAME") == "CourseWorx"
    assert not AuditLog.objects.exists()


def test_settings_cannot_be_added_or_deleted_in_the_admin(client):
    client.force_login(AdminFactory())
    row = _row("SITE_NAME")
    assert client.get(reverse("admin:core_systemsetting_add")).status_code == 403
    assert client.post(reverse("admin:core_systemsetting_delete", args=[row.pk]), {"post": "yes"}).status_code == 403


def test_use_the_default_ignores_whatever_is_in_the_value_box(client, django_capture_on_commit_callbacks):
    client.force_login(AdminFactory())
    setting_set(actor=None, key="SUPPORT_EMAIL", value="help@academy.example")
    row = _row("SUPPORT_EMAIL")
    url = reverse("admin:core_systemsetting_change", args=[row.pk])
    form = client.get(url).context["adminform"].form
    assert form["use_default"].initial in (None, False)  # unticked: saving keeps the value typed
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"value": "not an address", "use_default": "on"})
    assert response.status_code == 302
    assert setting_value("SUPPORT_EMAIL") == "support@courseworx.local"
