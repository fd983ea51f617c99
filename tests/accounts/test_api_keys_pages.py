"""The profile's API keys page (create shows the key once, revoke, another person's key is a 404) and the
admin (list without the hash, staff revoke, limits)."""

import pytest
from django.urls import reverse

from accounts.api_keys import hash_key
from accounts.models import ApiKey
from accounts.services_api_keys import api_key_create
from courseworx.core.models import AuditLog
from tests.factories import StudentFactory
from tests.querycount import assert_same_queries_at_two_sizes, count_queries

pytestmark = pytest.mark.django_db

PAGE = "/accounts/profile/api-keys/"


def make_key(user, **kwargs):
    return api_key_create(user=user, name=kwargs.pop("name", "Integration"), areas=["courses"], **kwargs)


def test_the_page_needs_a_login(client):
    response = client.get(PAGE)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_profile_links_to_the_keys_page(student_client):
    assert reverse("accounts:api_keys") in student_client.get("/accounts/profile/").content.decode()


def test_create_shows_the_key_once(student_client, student):
    response = student_client.post(
        PAGE, {"name": "My CRM", "areas": ["courses", "reports"], "read_only": "on", "expires_in": "30"}
    )
    assert response.status_code == 200
    raw = response.context["created_key"]
    key = ApiKey.objects.get(user=student)
    assert key.key_hash == hash_key(raw) and key.read_only and key.areas == ["courses", "reports"]
    assert key.expires_at is not None
    page = response.content.decode()
    assert raw in page and "it will not be shown again" in page
    assert 'data-copy-target="new-api-key"' in page and "accounts/api_keys.js" in page
    # Never again: the list shows the prefix only.
    later = student_client.get(PAGE).content.decode()
    assert raw not in later and key.prefix in later and "My CRM" in later
    assert AuditLog.objects.filter(action="accounts.api_key_create", actor=student).count() == 1


def test_create_refuses_a_key_without_areas(student_client, student):
    response = student_client.post(PAGE, {"name": "Nothing", "expires_in": ""})
    assert response.status_code == 200
    assert response.context["form"].errors["areas"]
    assert "created_key" not in response.context or not response.context["created_key"]
    assert not ApiKey.objects.exists()


def test_revoke_own_key_with_confirmation(student_client, student):
    key, _ = make_key(student)
    page = student_client.get(PAGE).content.decode()
    assert "data-confirm=" in page and reverse("accounts:api_key_revoke", args=[key.pk]) in page
    response = student_client.post(reverse("accounts:api_key_revoke", args=[key.pk]), follow=True)
    assert response.redirect_chain[-1][0] == PAGE
    key.refresh_from_db()
    assert key.revoked_at is not None and key.revoked_by == student
    assert "has been revoked" in response.content.decode()
    assert "Revoked" in response.content.decode()


def test_cannot_revoke_another_users_key(student_client):
    key, _ = make_key(StudentFactory())
    assert student_client.post(reverse("accounts:api_key_revoke", args=[key.pk])).status_code == 404
    assert student_client.get(reverse("accounts:api_key_revoke", args=[key.pk])).status_code == 405
    key.refresh_from_db()
    assert key.revoked_at is None
    assert key.prefix not in student_client.get(PAGE).content.decode()


def test_the_page_runs_the_same_queries_at_two_sizes(student_client, student):
    def load(n):
        while ApiKey.objects.filter(user=student).count() < n:
            make_key(student)
        response, queries = count_queries(lambda: student_client.get(PAGE))
        assert len(response.context["keys"]) == n
        return queries

    assert_same_queries_at_two_sizes(load)


# --- admin --------------------------------------------------------------------------------------------------


def test_admin_lists_keys_without_the_hash(client, admin_user, student):
    key, raw = make_key(student)
    client.force_login(admin_user)
    listing = client.get(reverse("admin:accounts_apikey_changelist")).content.decode()
    detail = client.get(reverse("admin:accounts_apikey_change", args=[key.pk])).content.decode()
    assert key.prefix in listing
    for page in (listing, detail):
        assert key.key_hash not in page and raw not in page
    assert client.get(reverse("admin:accounts_apikey_add")).status_code == 403


def test_staff_revoke_keys_in_the_admin(client, admin_user, student):
    key, _ = make_key(student)
    client.force_login(admin_user)
    response = client.post(
        reverse("admin:accounts_apikey_changelist"),
        {"action": "revoke_selected", "_selected_action": [str(key.pk)]},
        follow=True,
    )
    assert response.status_code == 200
    key.refresh_from_db()
    assert key.revoked_at is not None and key.revoked_by == admin_user
    assert AuditLog.objects.filter(action="accounts.api_key_revoke", actor=admin_user, target_id=str(key.pk)).exists()


def test_staff_set_per_key_limits_in_the_admin(client, admin_user, student):
    key, _ = make_key(student)
    client.force_login(admin_user)
    response = client.post(
        reverse("admin:accounts_apikey_change", args=[key.pk]),
        {"rate_limit_per_minute": "5", "rate_limit_per_hour": "", "name": "hacked"},
    )
    assert response.status_code == 302
    key.refresh_from_db()
    assert (key.rate_limit_per_minute, key.rate_limit_per_hour, key.name) == (5, None, "Integration")
    assert AuditLog.objects.filter(action="accounts.api_key_limits_set", target_id=str(key.pk)).exists()


def test_staff_without_the_permission_cannot_see_keys(client, moderator, student):
    make_key(student)
    client.force_login(moderator)
    assert client.get(reverse("admin:accounts_apikey_changelist")).status_code == 403
