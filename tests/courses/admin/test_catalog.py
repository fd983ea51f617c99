"""Certificate templates in the admin (courses.admin.catalog): who sees and changes them, copies, the rules shown.

What may be stored is tested in tests/courses/services/test_certificate_templates.py.
"""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from courses import services
from courses.models import CertificateTemplate, Course
from courseworx.core.models import AuditLog
from tests.courses.admin.helpers import course_form_data
from tests.courses.factories import CourseFactory
from tests.courses.utils import queries_of
from tests.factories import AdminFactory, InstructorFactory, ReviewerFactory

pytestmark = pytest.mark.django_db

S = Course.Status


def _template(owner, **fields) -> CertificateTemplate:
    return CertificateTemplate.objects.create(
        name=fields.pop("name", "Mine"), owner=owner, html="<h1>{{ student_name }}</h1>", **fields
    )


def _change_url(template):
    return reverse("admin:courses_certificatetemplate_change", args=[template.pk])


def _form(template, **overrides):
    data = {
        "name": template.name,
        "html": template.html,
        "css": template.css,
        "orientation": template.orientation,
        "signature_name": template.signature_name,
        "signature_title": template.signature_title,
    }
    return data | overrides


@pytest.fixture
def instructor():
    return InstructorFactory()


def test_instructor_creates_a_template_they_own_and_cannot_make_it_the_default(client, instructor):
    client.force_login(instructor)
    data = {"name": "Mine", "html": "<h1>{{ student_name }}</h1>", "css": "", "orientation": "portrait",
            "is_default": "on", "signature_name": "", "signature_title": ""}  # fmt: skip
    response = client.post(reverse("admin:courses_certificatetemplate_add"), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    template = CertificateTemplate.objects.get(name="Mine")
    assert template.owner == instructor and template.is_default is False


def test_unsafe_html_in_the_admin_is_a_form_error_and_nothing_changes(client, instructor):
    template = _template(instructor)
    client.force_login(instructor)
    response = client.post(_change_url(template), _form(template, html='<img src="file:///etc/passwd">'))
    assert response.status_code == 200
    assert "is not allowed" in str(response.context["adminform"].form.errors["html"])
    assert CertificateTemplate.objects.get(pk=template.pk).html == "<h1>{{ student_name }}</h1>"


@pytest.mark.parametrize("status", [S.DRAFT, S.CHANGES_REQUESTED])
def test_owner_edits_a_template_while_its_courses_are_drafts(client, instructor, status):
    template = _template(instructor)
    CourseFactory(instructor=instructor, certificate_template=template, status=status)
    client.force_login(instructor)
    assert client.get(_change_url(template)).context["has_change_permission"] is True
    response = client.post(_change_url(template), _form(template, html="<h2>{{ student_name }}</h2>"))
    assert response.status_code == 302
    assert CertificateTemplate.objects.get(pk=template.pk).html == "<h2>{{ student_name }}</h2>"
    # Only the admin's own record of the edit; the service writes none for a draft's template.
    assert list(AuditLog.objects.values_list("action", flat=True)) == ["admin.change"]


@pytest.mark.parametrize("status", [S.IN_REVIEW, S.PUBLISHED, S.ARCHIVED])
def test_a_template_used_by_a_course_in_review_or_published_is_locked_for_its_owner(client, instructor, status):
    template = _template(instructor)
    CourseFactory(instructor=instructor, certificate_template=template, status=S.DRAFT)  # another course
    CourseFactory(instructor=instructor, certificate_template=template, status=status, title="Live course")
    client.force_login(instructor)
    response = client.get(_change_url(template))
    assert response.status_code == 200 and response.context["has_change_permission"] is False
    assert "Live course" in response.text and "changes only through the course" in response.text

    response = client.post(_change_url(template), _form(template, html="<h1>Changed {{ student_name }}</h1>"))
    assert response.status_code == 403
    assert CertificateTemplate.objects.get(pk=template.pk).html == "<h1>{{ student_name }}</h1>"
    # The service refuses too (a stale form, a script).
    template.html = "<h1>Changed</h1>"
    with pytest.raises(PermissionDenied):
        services.certificate_template_save(template=template, user=instructor)
    assert CertificateTemplate.objects.get(pk=template.pk).html == "<h1>{{ student_name }}</h1>"


def test_a_superuser_may_edit_a_locked_template_and_it_is_audited(client, instructor):
    admin = AdminFactory()
    template = _template(instructor)
    CourseFactory(instructor=instructor, certificate_template=template, status=S.PUBLISHED)
    client.force_login(admin)
    response = client.post(_change_url(template), _form(template, html="<h1>Fixed {{ student_name }}</h1>"))
    assert response.status_code == 302
    template.refresh_from_db()
    assert template.html == "<h1>Fixed {{ student_name }}</h1>" and template.owner == instructor
    audit = AuditLog.objects.get(action="courses.certificate_template_change")
    assert audit.actor == admin and audit.changes["html"] == ["<h1>{{ student_name }}</h1>", template.html]


def test_another_instructors_template_is_invisible_and_unchangeable(client, instructor):
    other = _template(InstructorFactory(), name="Theirs")
    client.force_login(instructor)
    listing = client.get(reverse("admin:courses_certificatetemplate_changelist"))
    assert listing.status_code == 200 and "Theirs" not in listing.text
    response = client.get(_change_url(other))
    assert response.status_code == 302 and response.url == reverse("admin:index")
    client.post(_change_url(other), _form(other, name="Hijacked"))
    assert CertificateTemplate.objects.get(pk=other.pk).name == "Theirs"
    other.name = "Hijacked"
    with pytest.raises(PermissionDenied):
        services.certificate_template_save(template=other, user=instructor)


def test_site_and_default_templates_are_read_only_for_instructors(client, instructor):
    site = _template(None, name="Site template", is_default=True)
    client.force_login(instructor)
    response = client.get(_change_url(site))
    assert response.status_code == 200 and response.context["has_change_permission"] is False
    assert client.post(_change_url(site), _form(site, name="Mine now")).status_code == 403
    # Their own template cannot become the default either.
    mine = _template(instructor)
    mine.is_default = True
    services.certificate_template_save(template=mine, user=instructor)
    assert CertificateTemplate.objects.get(pk=mine.pk).is_default is False


def test_reviewers_see_every_template_read_only(client, instructor):
    template = _template(instructor, name="Under review")
    CourseFactory(instructor=instructor, certificate_template=template, status=S.IN_REVIEW)
    client.force_login(ReviewerFactory())
    assert "Under review" in client.get(reverse("admin:courses_certificatetemplate_changelist")).text
    response = client.get(_change_url(template))
    assert response.status_code == 200 and response.context["has_change_permission"] is False
    assert client.post(_change_url(template), _form(template, name="Changed")).status_code == 403


def test_instructors_cannot_delete_templates(client, instructor):
    template = _template(instructor)
    client.force_login(instructor)
    url = reverse("admin:courses_certificatetemplate_delete", args=[template.pk])
    assert client.post(url, {"post": "yes"}).status_code == 403
    assert CertificateTemplate.objects.filter(pk=template.pk).exists()


def test_an_editable_copy_of_a_locked_template(client, instructor):
    template = _template(instructor, name="Live")
    CourseFactory(instructor=instructor, certificate_template=template, status=S.PUBLISHED)
    client.force_login(instructor)
    response = client.post(
        reverse("admin:courses_certificatetemplate_changelist"),
        {"action": "make_copy", "_selected_action": [str(template.pk)]},
    )
    assert response.status_code == 302
    copy = CertificateTemplate.objects.get(name="Copy of Live")
    assert copy.owner == instructor and copy.html == template.html and not copy.is_locked()
    assert client.get(_change_url(copy)).context["has_change_permission"] is True


def test_the_changelist_runs_a_constant_number_of_queries(client, instructor):
    client.force_login(instructor)

    def load(n: int) -> int:
        for i in range(CertificateTemplate.objects.count(), n):
            template = _template(instructor, name=f"T{i}")
            CourseFactory(instructor=instructor, certificate_template=template, status=S.PUBLISHED)
        count, response = queries_of(client, reverse("admin:courses_certificatetemplate_changelist"))
        assert response.text.count("locked") >= n
        return count

    assert load(2) == load(6)


def test_the_admin_pages_show_the_rules_as_text_and_every_field(client, instructor):
    client.force_login(instructor)
    page = client.get(reverse("admin:courses_certificatetemplate_add")).text
    assert "&lt;link&gt;, &lt;style&gt;" in page and "<style>, " not in page
    assert 'name="html"' in page and 'name="css"' in page and 'name="signature_title"' in page
    template = _template(instructor)
    CourseFactory(instructor=instructor, certificate_template=template, status=S.PUBLISHED)
    page = client.get(_change_url(template)).text
    assert "&lt;h1&gt;{{ student_name }}&lt;/h1&gt;" in page and "Signature title" in page


def test_instructors_see_and_may_pick_the_default_template(client, instructor):
    default = _template(AdminFactory(), name="House style", is_default=True)
    course = CourseFactory(instructor=instructor, certificate_template=default)
    client.force_login(instructor)
    assert "House style" in client.get(reverse("admin:courses_certificatetemplate_changelist")).text
    assert client.get(_change_url(default)).context["has_change_permission"] is False
    url = reverse("admin:courses_course_change", args=[course.pk])
    response = client.post(url, course_form_data(course, title="Renamed", certificate_template=str(default.pk)))
    assert response.status_code == 302, response.context["adminform"].form.errors
    course.refresh_from_db()
    assert course.title == "Renamed" and course.certificate_template == default
    # Another instructor's template is not a choice.
    theirs = _template(InstructorFactory(), name="Theirs")
    response = client.post(url, course_form_data(course, certificate_template=str(theirs.pk)))
    assert response.status_code == 200 and "certificate_template" in response.context["adminform"].form.errors
