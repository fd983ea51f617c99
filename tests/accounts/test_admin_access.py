"""Who may use the admin, and what they see there."""

import pytest
from django.urls import reverse

from accounts import roles
from accounts.models import AdminNote, User
from tests.factories import STAFF_FACTORIES, InstructorFactory, StudentFactory, UserFactory
from tests.querycount import assert_same_queries_at_two_sizes, count_queries

pytestmark = pytest.mark.django_db

ADMIN_INDEX = reverse("admin:index")
USER_LIST = reverse("admin:accounts_user_changelist")


def user_change_url(user) -> str:
    return reverse("admin:accounts_user_change", args=[user.pk])


def admin_model_names(response) -> set[str]:
    return {model["object_name"] for app in response.context["app_list"] for model in app["models"]}


def test_student_is_sent_to_the_admin_login(client):
    client.force_login(StudentFactory())
    for url in (ADMIN_INDEX, USER_LIST):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("admin:login"))
        assert f"next={url}" in response.url


def test_anonymous_is_sent_to_the_admin_login(client):
    response = client.get(ADMIN_INDEX)
    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))


def test_instructor_reaches_the_admin_but_not_the_users(client):
    client.force_login(InstructorFactory())
    index = client.get(ADMIN_INDEX)
    assert index.status_code == 200
    assert "User" not in admin_model_names(index)
    assert f'href="{USER_LIST}"' not in index.content.decode()
    assert ">Users<" not in index.content.decode()

    assert client.get(USER_LIST).status_code == 403
    assert client.get(user_change_url(StudentFactory())).status_code == 403


def test_superuser_sees_and_opens_the_users(admin_client):
    index = admin_client.get(ADMIN_INDEX)
    assert index.status_code == 200
    assert "User" in admin_model_names(index)
    assert f'href="{USER_LIST}"' in index.content.decode()
    assert admin_client.get(USER_LIST).status_code == 200


@pytest.mark.parametrize(
    ("who", "index_status", "list_status"),
    [
        ("student", 302, 302),
        ("instructor", 200, 403),
        (roles.MODERATORS, 200, 200),
        (roles.REVIEWERS, 200, 200),
        (roles.SUPPORT, 200, 200),
        (roles.FINANCE, 200, 200),
        ("superuser", 200, 200),
    ],
)
def test_who_may_open_the_user_list(client, who, index_status, list_status):
    factories = {
        "student": StudentFactory,
        "instructor": InstructorFactory,
        "superuser": lambda: UserFactory(admin=True),
        **STAFF_FACTORIES,
    }
    client.force_login(factories[who]())
    assert client.get(ADMIN_INDEX).status_code == index_status
    assert client.get(USER_LIST).status_code == list_status


def test_staff_with_view_permission_get_a_read_only_user_page(client, moderator):
    client.force_login(moderator)
    target = StudentFactory()
    response = client.get(user_change_url(target))
    assert response.status_code == 200
    assert response.context["has_change_permission"] is False
    assert 'name="_save"' not in response.content.decode()
    # A read-only viewer cannot change anything by posting.
    response = client.post(user_change_url(target), {"email": target.email, "first_name": "Hacked"})
    assert response.status_code == 403
    target.refresh_from_db()
    assert target.first_name != "Hacked"


def test_admin_note_inline_is_shown_on_the_user_change_page(admin_client):
    target = StudentFactory()
    AdminNote.objects.create(user=target, body="Asked for a refund twice.")
    response = admin_client.get(user_change_url(target))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Staff notes (never shown to the user)" in html
    assert 'name="admin_notes-TOTAL_FORMS"' in html
    assert "Asked for a refund twice." in html


def user_change_post_data(user, **overrides) -> dict:
    data = {
        "email": user.email,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "phone": "",
        "role": user.role,
        "is_active": "on",
        "admin_notes-TOTAL_FORMS": "1",
        "admin_notes-INITIAL_FORMS": "0",
        "admin_notes-MIN_NUM_FORMS": "0",
        "admin_notes-MAX_NUM_FORMS": "1000",
        "admin_notes-0-body": "",
        "admin_notes-0-user": str(user.pk),
        "_save": "Save",
    }
    data.update(overrides)
    return data


def test_admin_adds_a_note_and_becomes_its_author(admin_client, admin_user):
    target = StudentFactory()
    response = admin_client.post(
        user_change_url(target), user_change_post_data(target, **{"admin_notes-0-body": "Called about billing."})
    )
    assert response.status_code == 302, response.context and response.context["adminform"].form.errors
    note = AdminNote.objects.get(user=target)
    assert note.body == "Called about billing."
    assert note.author == admin_user


def test_support_staff_can_add_notes_but_not_edit_the_user(client, make_staff):
    support = make_staff(roles.SUPPORT)
    client.force_login(support)
    target = StudentFactory()
    response = client.get(user_change_url(target))
    assert response.status_code == 200
    assert 'name="admin_notes-TOTAL_FORMS"' in response.content.decode()

    response = client.get(reverse("admin:accounts_adminnote_add"))
    assert response.status_code == 200
    response = client.post(reverse("admin:accounts_adminnote_add"), {"user": str(target.pk), "body": "Refund sent."})
    assert response.status_code == 302
    assert AdminNote.objects.get(user=target).author == support


def test_admin_creates_an_instructor_who_gets_staff_access(admin_client):
    response = admin_client.post(
        reverse("admin:accounts_user_add"),
        {
            "email": "New.Teacher@Example.com",
            "first_name": "New",
            "last_name": "Teacher",
            "role": User.Role.INSTRUCTOR,
            "usable_password": "true",
            "password1": "Teach3r-Passw0rd",
            "password2": "Teach3r-Passw0rd",
            "admin_notes-TOTAL_FORMS": "0",
            "admin_notes-INITIAL_FORMS": "0",
            "_save": "Save",
        },
    )
    assert response.status_code == 302
    teacher = User.objects.get(email="new.teacher@example.com")
    assert teacher.role == User.Role.INSTRUCTOR
    assert teacher.is_staff


def test_user_list_runs_the_same_queries_at_two_sizes(admin_client):
    others = User.objects.count()  # the admin (and any user the migrations made)

    def load(n):
        UserFactory.create_batch(others + n - User.objects.count())
        response, queries = count_queries(lambda: admin_client.get(USER_LIST))
        assert response.status_code == 200
        assert len(response.context["cl"].result_list) == others + n == User.objects.count()
        return queries

    assert_same_queries_at_two_sizes(load)


def test_user_list_search_by_email(admin_client):
    UserFactory(email="findme@example.com")
    UserFactory(email="other@example.com")
    response = admin_client.get(USER_LIST, {"q": "findme"})
    assert [u.email for u in response.context["cl"].result_list] == ["findme@example.com"]
