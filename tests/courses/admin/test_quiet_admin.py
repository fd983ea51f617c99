"""A quieter admin for instructors: only what they author on their admin home, no staff-only fields on
their course form, the currency as a choice, the navbar's "Author courses" link to their course list."""

import pytest
from django.urls import reverse

from accounts.admin_site import is_author_only
from billing.models import Currency
from courses.models import Course
from tests.courses.admin.helpers import course_form_data
from tests.courses.admin.test_outline import outline_url
from tests.courses.factories import CourseFactory
from tests.factories import AdminFactory, InstructorFactory, ModeratorFactory, ReviewerFactory

pytestmark = pytest.mark.django_db

AUTHORING = {"/admin/courses/course/", "/admin/courses/certificatetemplate/", "/admin/learning/assignment/"}


def admin_index_links(client) -> set[str]:
    response = client.get(reverse("admin:index"))
    assert response.status_code == 200
    return {model["admin_url"] for app in response.context["app_list"] for model in app["models"]}


def test_instructors_admin_home_lists_only_authoring(client):
    client.force_login(InstructorFactory())
    assert admin_index_links(client) == AUTHORING
    page = client.get(reverse("admin:index")).text
    for noise in ("Voice transcripts", "Accessibility reports", "Attendance", "Surveys", "Enrollments"):
        assert noise not in page, noise
    # The pages themselves still answer as before (only the home is quieter).
    assert client.get(reverse("admin:learning_attendance_changelist")).status_code == 200
    # App pages are filtered the same way.
    learning = client.get(reverse("admin:app_list", args=["learning"]))
    assert {m["admin_url"] for app in learning.context["app_list"] for m in app["models"]} == {
        "/admin/learning/assignment/"
    }


@pytest.mark.parametrize("factory", [AdminFactory, ReviewerFactory, ModeratorFactory])
def test_staff_keep_the_full_admin_home(client, factory):
    user = factory()
    client.force_login(user)
    links = admin_index_links(client)
    assert not is_author_only(user)
    assert len(links) > len(AUTHORING) or not links >= AUTHORING


def test_an_instructor_with_a_staff_duty_keeps_it(client):
    user = ReviewerFactory(role="instructor")
    client.force_login(user)
    assert "/admin/courses/coursereviewqueue/" in admin_index_links(client)


def test_staff_only_course_fields_are_hidden_from_authors(client):
    course = CourseFactory()
    client.force_login(course.instructor)
    for url in (reverse("admin:courses_course_add"), reverse("admin:courses_course_change", args=[course.pk])):
        response = client.get(url)
        shown = {f for _name, opts in response.context["adminform"].fieldsets for f in opts["fields"]}
        assert not shown & {"status", "published_at", "is_featured"}, url
        assert "Featured" not in response.text and "Published at" not in response.text
    add = client.get(reverse("admin:courses_course_add"))
    assert "instructor" not in add.context["adminform"].form.fields
    # A superuser still decides them.
    client.force_login(AdminFactory())
    response = client.get(reverse("admin:courses_course_change", args=[course.pk]))
    shown = {f for _name, opts in response.context["adminform"].fieldsets for f in opts["fields"]}
    assert {"status", "published_at", "is_featured"} <= shown


def test_an_author_cannot_feature_their_course_by_posting_it(client):
    course = CourseFactory()
    client.force_login(course.instructor)
    response = client.post(
        reverse("admin:courses_course_change", args=[course.pk]), course_form_data(course, is_featured="on")
    )
    assert response.status_code == 302
    assert Course.objects.get(pk=course.pk).is_featured is False


def test_currency_is_a_choice_of_the_active_currencies(client):
    """The choice comes from billing's active Currency rows (through core's registry), not a setting."""
    Currency.objects.exclude(code__in=["USD", "EUR", "GBP"]).update(active=False)
    course = CourseFactory()
    client.force_login(course.instructor)
    page = client.get(reverse("admin:courses_course_change", args=[course.pk]))
    field = page.context["adminform"].form.fields["currency"]
    assert [code for code, _label in field.choices] == ["EUR", "GBP", "USD"]
    response = client.post(
        reverse("admin:courses_course_change", args=[course.pk]), course_form_data(course, currency="XYZ")
    )
    assert response.status_code == 200 and "currency" in response.context["adminform"].form.errors
    response = client.post(
        reverse("admin:courses_course_change", args=[course.pk]), course_form_data(course, currency="EUR")
    )
    assert response.status_code == 302 and Course.objects.get(pk=course.pk).currency == "EUR"


def test_a_stored_currency_outside_the_list_stays_selectable(client):
    Currency.objects.filter(code="CHF").update(active=False)
    course = CourseFactory(currency="CHF")
    client.force_login(course.instructor)
    page = client.get(reverse("admin:courses_course_change", args=[course.pk]))
    assert "CHF" in [code for code, _ in page.context["adminform"].form.fields["currency"].choices]


def test_saving_a_new_course_opens_its_outline(client):
    client.force_login(InstructorFactory())
    data = course_form_data(CourseFactory.build(category=None), title="Fresh", slug="")
    response = client.post(reverse("admin:courses_course_add"), data)
    course = Course.objects.get(title="Fresh")
    assert response.status_code == 302 and response.url == outline_url(course)


def test_author_courses_link_opens_their_course_list(client):
    client.force_login(InstructorFactory())
    page = client.get("/")
    assert f'href="{reverse("admin:courses_course_changelist")}">Author courses' in page.text
    listing = client.get(reverse("admin:courses_course_changelist"))
    assert listing.context["title"] == "Your courses"
