"""Career paths in the admin: staff author them (the inline refuses a later or removed prerequisite, choices are
the path's own courses), publish through the service; instructors and students have no access; the
changelist runs the same queries at two sizes."""

import pytest
from django.urls import reverse

from learning.models import CareerPath, PathCourse
from tests.factories import AdminFactory, InstructorFactory, StudentFactory
from tests.querycount import assert_same_queries_at_two_sizes, count_queries

from .helpers import course_with_lesson, make_path

pytestmark = pytest.mark.django_db


def _inline_data(path, rows, extra=None):
    data = {
        "title": path.title, "slug": path.slug, "summary": "", "description": "", "target_role": "",
        "estimated_hours": "", "certificate_template": "",
        "path_courses-TOTAL_FORMS": str(len(rows)), "path_courses-INITIAL_FORMS": str(len(rows)),
        "path_courses-MIN_NUM_FORMS": "0", "path_courses-MAX_NUM_FORMS": "1000",
    }  # fmt: skip
    for i, (entry, position, prerequisites) in enumerate(rows):
        data.update({
            f"path_courses-{i}-id": str(entry.pk), f"path_courses-{i}-path": str(path.pk),
            f"path_courses-{i}-course": str(entry.course_id), f"path_courses-{i}-position": str(position),
            f"path_courses-{i}-is_required": "on",
            f"path_courses-{i}-prerequisites": [str(p.pk) for p in prerequisites],
        })  # fmt: skip
    data.update(extra or {})
    return data


def test_staff_edit_prerequisites_and_a_later_one_is_refused(client):
    client.force_login(AdminFactory())
    path, (a, b) = make_path(2, chained=False)
    url = reverse("admin:learning_careerpath_change", args=[path.pk])
    form = client.get(url)
    assert form.status_code == 200
    choices = {str(pk) for pk, _label in form.context["inline_admin_formsets"][0].formset.forms[0].fields[
        "prerequisites"].choices if pk}  # fmt: skip
    assert choices == {str(a.pk), str(b.pk)}  # only this path's courses
    refused = client.post(url, _inline_data(path, [(a, 10, [b]), (b, 20, [])]))
    assert refused.status_code == 200 and "comes after" in refused.content.decode()
    assert not a.prerequisites.exists()
    # Moving b before a in the same save makes b an allowed prerequisite of a.
    saved = client.post(url, _inline_data(path, [(a, 30, [b]), (b, 20, [])]))
    assert saved.status_code == 302, saved.context and saved.context["inline_admin_formsets"][0].formset.errors
    assert list(a.prerequisites.all()) == [b]
    removed = client.post(url, _inline_data(path, [(a, 30, [b]), (b, 20, [])], {"path_courses-1-DELETE": "on"}))
    assert removed.status_code == 200 and "being removed" in removed.content.decode()


def test_publish_action_goes_through_the_service(client):
    client.force_login(AdminFactory())
    empty = CareerPath.objects.create(slug="empty", title="Empty path")
    path, _ = make_path(1, published=False)
    response = client.post(
        reverse("admin:learning_careerpath_changelist"),
        {"action": "publish", "_selected_action": [str(path.pk), str(empty.pk)]},
        follow=True,
    )
    assert "1 career path(s) published" in response.content.decode()
    assert "at least one" in response.content.decode()
    path.refresh_from_db(), empty.refresh_from_db()
    assert path.is_published and not empty.is_published


@pytest.mark.parametrize("factory", [InstructorFactory, StudentFactory])
def test_instructors_and_students_cannot_author_paths(client, factory):
    path, _ = make_path(1)
    client.force_login(factory())
    assert client.get(reverse("admin:learning_careerpath_changelist")).status_code in (302, 403)
    assert client.get(reverse("admin:learning_careerpath_change", args=[path.pk])).status_code in (302, 403)


def test_changelist_queries_do_not_grow(client):
    client.force_login(AdminFactory())

    def load(n):
        CareerPath.objects.all().delete()
        for i in range(n):
            path, _ = make_path(1, slug=f"adm-{n}-{i}")
            PathCourse.objects.create(path=path, course=course_with_lesson(), position=99)
        response, queries = count_queries(lambda: client.get(reverse("admin:learning_careerpath_changelist")))
        assert response.context["cl"].result_count == n
        return queries

    assert_same_queries_at_two_sizes(load)
