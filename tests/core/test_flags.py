"""Feature flags (courseworx/core/flags.py): per user, role, group, staff, percentage (stable, roughly
proportional), everyone on/off; the helper, the view decorator, the template tag, the API; audited
admin edits that only permitted staff can make."""

import uuid
from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser, Group
from django.core.cache import cache
from django.db import connection
from django.http import Http404, HttpResponse
from django.template import engines
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.test import APIRequestFactory, force_authenticate
from rest_framework.views import APIView

from accounts import roles
from courseworx.core.flags import (
    FlagRequired,
    flag_is_active,
    flag_required,
    flags_active,
    in_rollout,
    percent_bucket,
)
from courseworx.core.models import AuditLog, FeatureFlag
from tests.core.factories import FeatureFlagFactory
from tests.factories import AdminFactory, InstructorFactory, ModeratorFactory, StudentFactory

pytestmark = pytest.mark.django_db


def test_a_flag_for_one_user_is_on_for_that_user_only():
    alice, bob = StudentFactory(), StudentFactory()
    FeatureFlagFactory(name="beta", users=[alice])
    assert flag_is_active(alice, "beta") is True
    assert flag_is_active(bob, "beta") is False


def test_a_flag_for_a_role_is_on_for_every_user_of_that_role():
    FeatureFlagFactory(name="teach-v2", roles=["instructor"])
    assert flag_is_active(InstructorFactory(), "teach-v2") is True
    assert flag_is_active(StudentFactory(), "teach-v2") is False


def test_a_flag_for_a_staff_group_and_for_staff():
    FeatureFlagFactory(name="queue-v2", groups=[Group.objects.get(name=roles.MODERATORS)])
    FeatureFlagFactory(name="staff-tools", staff=True)
    moderator, student = ModeratorFactory(), StudentFactory()
    assert flag_is_active(moderator, "queue-v2") and not flag_is_active(student, "queue-v2")
    assert flag_is_active(InstructorFactory(), "staff-tools")  # instructors are staff
    assert not flag_is_active(student, "staff-tools")


def test_everyone_overrides_every_other_rule_and_unknown_flags_are_off():
    student = StudentFactory()
    FeatureFlagFactory(name="killed", everyone=False, users=[student], authenticated=True)
    FeatureFlagFactory(name="launched", everyone=True)
    assert flag_is_active(student, "killed") is False
    assert flag_is_active(student, "launched") is True
    assert flag_is_active(None, "launched") is True  # anonymous too
    assert flag_is_active(student, "no-such-flag") is False


def test_superusers_see_flags_unless_the_flag_says_otherwise():
    admin = AdminFactory()
    FeatureFlagFactory(name="with-admins", superusers=True)
    FeatureFlagFactory(name="without-admins", superusers=False)
    assert flag_is_active(admin, "with-admins") and not flag_is_active(admin, "without-admins")


def test_anonymous_callers_are_outside_every_user_rule_and_the_rollout():
    FeatureFlagFactory(name="signed-in", authenticated=True, percent=Decimal("99.9"), roles=["student"])
    assert flag_is_active(None, "signed-in") is False
    assert flag_is_active(AnonymousUser(), "signed-in") is False
    assert flag_is_active(StudentFactory(), "signed-in") is True


def test_the_percentage_is_stable_per_user_and_roughly_proportional():
    ids = [uuid.UUID(int=n * 7919 + 13) for n in range(4000)]
    at_10 = {i for i in ids if in_rollout("new-player", i, Decimal("10"))}
    at_30 = {i for i in ids if in_rollout("new-player", i, Decimal("30"))}
    assert 0.08 < len(at_10) / len(ids) < 0.12
    assert 0.27 < len(at_30) / len(ids) < 0.33
    assert at_10 <= at_30  # growing the rollout keeps everyone who was in
    assert at_10 == {i for i in ids if in_rollout("new-player", i, Decimal("10"))}  # same answer again
    # Another flag draws another group (not the same early users for every flag).
    other = {i for i in ids if in_rollout("other-flag", i, Decimal("10"))}
    assert len(other & at_10) < len(at_10) / 2
    assert all(Decimal("0") <= percent_bucket("x", i) < Decimal("100") for i in ids[:50])
    assert not in_rollout("new-player", ids[0], None) and not in_rollout("new-player", ids[0], Decimal("0"))


def test_the_percentage_through_the_flag_follows_each_users_bucket():
    FeatureFlagFactory(name="half", percent=Decimal("50"))
    users = StudentFactory.create_batch(12)
    expected = {u.pk for u in users if percent_bucket("half", u.pk) < 50}
    assert {u.pk for u in users if flag_is_active(u, "half")} == expected
    assert {u.pk for u in users if flag_is_active(u, "half")} == expected  # stable across calls


def test_a_change_is_seen_at_once(django_capture_on_commit_callbacks):
    student = StudentFactory()
    flag = FeatureFlagFactory(name="soon")
    assert flag_is_active(student, "soon") is False  # now cached
    with django_capture_on_commit_callbacks(execute=True):
        flag.everyone = True
        flag.save()
    assert flag_is_active(student, "soon") is True


def test_the_view_decorator_answers_404_while_the_flag_is_off():
    student, other = StudentFactory(), StudentFactory()
    FeatureFlagFactory(name="new-page", users=[student])

    @flag_required("new-page")
    def view(request):
        return HttpResponse("new page")

    request = RequestFactory().get("/new/")
    request.user = student
    assert view(request).content == b"new page"
    request.user = other
    with pytest.raises(Http404):
        view(request)


def test_the_template_tag_shows_each_user_their_version():
    alice, bob = StudentFactory(), StudentFactory()
    FeatureFlagFactory(name="beta", users=[alice])
    template = engines["django"].from_string(
        "{% load waffle_tags %}{% flag 'beta' %}new design{% else %}old design{% endflag %}"
    )
    request = RequestFactory().get("/")
    request.user = alice
    assert template.render({}, request) == "new design"
    request.user = bob
    assert template.render({}, request) == "old design"


def test_the_api_lists_the_flags_on_for_the_caller(api_client):
    alice, bob = StudentFactory(), InstructorFactory()
    FeatureFlagFactory(name="beta", users=[alice])
    FeatureFlagFactory(name="teach-v2", roles=["instructor"])
    FeatureFlagFactory(name="launched", everyone=True)
    FeatureFlagFactory(name="killed", everyone=False)
    url = reverse("api:feature-flags")
    api_client.force_authenticate(alice)
    assert api_client.get(url).json() == {"active": ["beta", "launched"]}
    api_client.force_authenticate(bob)
    assert api_client.get(url).json() == {"active": ["launched", "teach-v2"]}
    api_client.force_authenticate(None)
    anonymous = api_client.get(url)
    assert anonymous.status_code == 200 and anonymous.json() == {"active": ["launched"]}


def test_the_api_makes_the_same_queries_for_more_flags(api_client):
    """Flags, their users and groups are cached (waffle); the caller's groups are read once, not per flag."""
    user = ModeratorFactory()
    moderators = Group.objects.get(name=roles.MODERATORS)
    api_client.force_authenticate(user)
    url = reverse("api:feature-flags")

    def queries_with(n: int) -> int:
        for _ in range(n):
            FeatureFlagFactory(groups=[moderators], users=[StudentFactory()], percent=Decimal("20"))
        cache.clear()
        api_client.get(url)  # fills the caches
        with CaptureQueriesContext(connection) as queries:
            assert len(api_client.get(url).json()["active"]) == FeatureFlag.objects.count()
        return len(queries)

    assert queries_with(2) == queries_with(4)


# --- admin: permissions and audit ---------------------------------------------------------------
def test_non_staff_and_staff_without_the_permission_cannot_edit_flags(client):
    flag = FeatureFlagFactory(name="beta")
    client.force_login(StudentFactory())
    response = client.get(reverse("admin:core_featureflag_changelist"))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    client.force_login(InstructorFactory())  # staff (for their courses), no flag permission
    assert client.get(reverse("admin:core_featureflag_changelist")).status_code == 403
    url = reverse("admin:core_featureflag_change", args=[flag.pk])
    response = client.post(url, {"name": "beta", "everyone": "true"})
    assert response.status_code == 403
    flag.refresh_from_db()
    assert flag.everyone is None
    assert not AuditLog.objects.filter(action__startswith="flag.").exists()


def _form(**overrides):
    data = {
        "name": "beta",
        "note": "",
        "everyone": "unknown",
        "percent": "",
        "languages": "",
        "superusers": "on",
    }
    data.update(overrides)
    return data


def test_admin_edits_of_a_flag_are_audited(client):
    admin = AdminFactory()
    student = StudentFactory()
    client.force_login(admin)
    response = client.post(reverse("admin:core_featureflag_add"), _form(roles=["instructor"], users=str(student.pk)))
    assert response.status_code == 302, response.context["adminform"].form.errors
    flag = FeatureFlag.objects.get(name="beta")
    assert flag.roles == ["instructor"] and list(flag.users.all()) == [student]
    created = AuditLog.objects.get(action="flag.created")
    assert created.actor == admin and created.target_id == str(flag.pk)
    assert created.changes["roles"] == [None, ["instructor"]] and created.changes["users"] == [None, [str(student.pk)]]

    response = client.post(
        reverse("admin:core_featureflag_change", args=[flag.pk]), _form(roles=["instructor"], percent="25")
    )
    assert response.status_code == 302
    changed = AuditLog.objects.get(action="flag.changed")
    assert changed.changes == {"percent": [None, "25.0"], "users": [[str(student.pk)], []]}

    response = client.post(reverse("admin:core_featureflag_delete", args=[flag.pk]), {"post": "yes"})
    assert response.status_code == 302 and not FeatureFlag.objects.exists()
    deleted = AuditLog.objects.get(action="flag.deleted")
    assert deleted.target_id == str(flag.pk) and deleted.changes["percent"] == ["25.0", None]


def test_flags_active_for_a_request_and_for_a_user_agree():
    student = StudentFactory()
    FeatureFlagFactory(name="a", users=[student])
    FeatureFlagFactory(name="b", roles=["student"])
    FeatureFlagFactory(name="c", roles=["instructor"])
    request = RequestFactory().get("/")
    request.user = student
    assert flags_active(request) == flags_active(student) == ["a", "b"]


def test_the_drf_permission_refuses_while_the_flag_is_off():
    class NewThing(APIView):
        permission_classes = [IsAuthenticated, FlagRequired("new-api")]

        def get(self, request):
            return Response({"ok": True})

    alice, bob = StudentFactory(), StudentFactory()
    FeatureFlagFactory(name="new-api", users=[alice])
    view = NewThing.as_view()
    for user, status in ((alice, 200), (bob, 403)):
        request = APIRequestFactory().get("/api/v1/new-thing/")
        force_authenticate(request, user=user)
        assert view(request).status_code == status
