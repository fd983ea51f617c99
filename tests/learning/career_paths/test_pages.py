"""Career path pages: catalog and path page (drafts are 404s for students), join/leave, the free enrolment
from the path page, the member's refusal message, the dashboard panel and certificate, query counts."""

import pytest
from django.urls import reverse

from learning import services
from learning.models import CareerPath, Enrollment, UserCareerPath
from tests.factories import AdminFactory, InstructorFactory, StudentFactory
from tests.querycount import assert_same_queries_at_two_sizes, count_queries

from .helpers import complete, make_path

pytestmark = pytest.mark.django_db


def test_catalog_lists_published_paths_only(client, student):
    make_path(1, title="Published path")
    make_path(1, title="Secret draft", published=False)
    client.force_login(student)
    page = client.get(reverse("learning:career_paths")).content.decode()
    assert "Published path" in page and "Secret draft" not in page
    assert "Published path" in client.get(reverse("learning:career_paths"), {"q": "publ"}).content.decode()
    empty = client.get(reverse("learning:career_paths"), {"q": "nothing here"})
    assert empty.status_code == 200 and "No career path matches" in empty.content.decode()
    assert client.get(reverse("learning:career_paths"), {"q": "x\x00y"}).status_code == 400  # NUL: never a 500


def test_a_draft_path_is_a_404_for_students_and_visitors_but_a_preview_for_authors(client, student):
    path, _ = make_path(1, published=False)
    url = reverse("learning:career_path", args=[path.slug])
    assert client.get(url).status_code == 404
    client.force_login(student)
    assert client.get(url).status_code == 404
    assert client.post(reverse("learning:career_path_join", args=[path.slug])).status_code == 404
    assert client.get(reverse("learning:career_path", args=["no-such-path"])).status_code == 404
    client.force_login(InstructorFactory())
    assert client.get(url).status_code == 404
    client.force_login(AdminFactory())
    preview = client.get(url)
    assert preview.status_code == 200 and "Draft" in preview.content.decode()


def test_visitors_see_the_path_and_are_asked_to_log_in(client):
    path, (a, b) = make_path(2, description="**Bold** <script>alert(1)</script>")
    page = client.get(reverse("learning:career_path", args=[path.slug])).content.decode()
    assert a.course.title in page and b.course.title in page and "Log in to join" in page
    assert "<strong>Bold</strong>" in page and "<script>alert(1)</script>" not in page  # sanitised Markdown
    assert client.post(reverse("learning:career_path_join", args=[path.slug])).status_code == 302
    assert not UserCareerPath.objects.exists()


def test_join_enrol_and_leave_from_the_path_page(client, student):
    path, (a, b) = make_path(2)
    client.force_login(student)
    url = reverse("learning:career_path", args=[path.slug])
    response = client.post(reverse("learning:career_path_join", args=[path.slug]), follow=True)
    assert "You joined" in response.content.decode()
    page = response.content.decode()
    assert "Enrol for free" in page and "Locked" in page and f"Complete {a.course.title} first" in page
    # Skipping ahead is refused with the reason (the course's own enrolment rule).
    refused = client.post(reverse("learning:career_path_enrol", args=[path.slug, b.course_id]), follow=True)
    assert "comes later in your career path" in refused.content.decode()
    assert not Enrollment.objects.filter(user=student, course=b.course).exists()
    enrolled = client.post(reverse("learning:career_path_enrol", args=[path.slug, a.course_id]))
    assert enrolled.status_code == 302 and Enrollment.objects.filter(user=student, course=a.course).exists()
    page = client.get(url).content.decode()
    assert f"Continue: {a.course.title}" in page
    left = client.post(reverse("learning:career_path_leave", args=[path.slug]), follow=True)
    assert "You left" in left.content.decode() and not UserCareerPath.objects.filter(user=student).exists()
    # A course of another path is not enrolled in through this one.
    _other, (elsewhere,) = make_path(1)
    assert client.post(reverse("learning:career_path_enrol", args=[path.slug, elsewhere.course_id])).status_code == 404


def test_the_course_page_enrolment_is_refused_with_the_message(client, student):
    path, (_a, b) = make_path(2)
    services.career_path_join(user=student, path=path)
    client.force_login(student)
    response = client.post(reverse("learning:enrol", args=[b.course.slug]), follow=True)
    assert "comes later in your career path" in response.content.decode()
    assert not Enrollment.objects.filter(user=student, course=b.course).exists()


def test_dashboard_panel_and_the_path_certificate(client, student, django_capture_on_commit_callbacks):
    path, (a,) = make_path(1, title="Cloud engineer")
    other, _ = make_path(2, title="Security analyst")
    services.career_path_join(user=student, path=path)
    services.career_path_join(user=student, path=other)
    complete(student, a.course, django_capture_on_commit_callbacks)
    client.force_login(student)
    page = client.get(reverse("learning:dashboard")).content.decode()
    assert "My career paths" in page and "Security analyst" in page and "0 of 2" in page
    certificate = UserCareerPath.objects.get(user=student, path=path).certificate
    assert reverse("learning:certificate_detail", args=[certificate.pk]) in page  # listed with the others
    detail = client.get(reverse("learning:certificate_detail", args=[certificate.pk]))
    assert detail.status_code == 200 and "Cloud engineer" in detail.content.decode()
    assert client.get(reverse("learning:certificate_download", args=[certificate.pk])).status_code == 200
    path_page = client.get(reverse("learning:career_path", args=[path.slug])).content.decode()
    assert "View your certificate" in path_page
    # Someone else's dashboard shows none of it.
    client.force_login(StudentFactory())
    assert "My career paths" not in client.get(reverse("learning:dashboard")).content.decode()


def _paths(n, user):
    CareerPath.objects.all().delete()
    for i in range(n):
        path, _ = make_path(2, slug=f"qc-{n}-{i}")
        services.career_path_join(user=user, path=path)


def test_catalog_and_path_page_queries_do_not_grow(client, student):
    client.force_login(student)

    def catalog(n):
        _paths(n, student)
        response, queries = count_queries(lambda: client.get(reverse("learning:career_paths")))
        assert len(response.context["paths"]) == n
        return queries

    assert_same_queries_at_two_sizes(catalog)

    def path_page(n):
        CareerPath.objects.all().delete()
        path, _ = make_path(n, slug=f"big-{n}")
        services.career_path_join(user=student, path=path)
        response, queries = count_queries(lambda: client.get(reverse("learning:career_path", args=[path.slug])))
        assert len(response.context["progress"].rows) == n
        return queries

    assert_same_queries_at_two_sizes(path_page)

    def dashboard(n):
        _paths(n, student)
        response, queries = count_queries(lambda: client.get(reverse("learning:dashboard")))
        assert response.status_code == 200
        return queries

    assert_same_queries_at_two_sizes(dashboard)
