"""Certificate templates: what may be stored (checked on save) and who may change them (issue 12, defect 2).

Rendering with a hostile template is in tests/learning/test_certificate_security.py.
"""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from courses import services
from courses.demo import CERTIFICATE_CSS, CERTIFICATE_HTML
from courses.models import CertificateTemplate, Course
from courseworx.core.models import AuditLog
from tests.courses.factories import CourseFactory
from tests.courses.test_admin import course_form_data
from tests.factories import AdminFactory, InstructorFactory, ReviewerFactory

pytestmark = pytest.mark.django_db

S = Course.Status


# --- what may be stored ------------------------------------------------------------------------------

UNSAFE_HTML = {
    "img-file": '<img src="file:///etc/passwd">',
    "img-http": '<img src="http://169.254.169.254/latest/meta-data/">',
    "img-relative": '<img src="../../etc/passwd">',
    "img-static-traversal": '<img src="/static/%2e%2e/%2e%2e/etc/passwd">',
    "link": '<link rel="attachment" href="file:///etc/passwd">',
    "link-stylesheet": '<link rel="stylesheet" href="http://127.0.0.1:1/x.css">',
    "a-attachment": '<a rel="attachment" href="file:///etc/passwd">x</a>',
    "a-file": '<a href="file:///etc/passwd">x</a>',
    "a-download": '<a download href="https://example.com">x</a>',
    "style-tag": "<style>@import url(file:///etc/passwd);</style>",
    "object": '<object data="file:///etc/passwd"></object>',
    "embed": '<embed src="file:///etc/passwd">',
    "iframe": '<iframe src="http://127.0.0.1/"></iframe>',
    "svg": '<svg><image href="file:///etc/passwd"/></svg>',
    "base": '<base href="file:///etc/">',
    "script": "<script>alert(1)</script>",
    "event-handler": '<p onclick="x()">hi</p>',
    "style-attr-url": '<p style="background: url(file:///etc/passwd)">hi</p>',
    "unknown-placeholder": "<p>{{ student.user.password }}</p>",
    "attribute-lookup": "<p>{{ student_name.upper }}</p>",
    "auth-token": "<p>{{ certificate.enrollment.user.auth_token }}</p>",
    "load-tag": "{% load static %}<img src=\"{% static 'x.png' %}\">",
    "include-tag": '{% include "/etc/passwd" %}',
    "debug-tag": "{% debug %}",
    "autoescape-off": "{% autoescape off %}{{ student_name }}{% endautoescape %}",
    "safe-filter": "<p>{{ student_name|safe }}</p>",
    "literal-markup": '<p>{{ grade|default:"<img src=file:///etc/passwd>" }}</p>',
    "syntax-error": "<p>{% if %}</p>",
}

UNSAFE_CSS = {
    "import": "@import url(file:///etc/passwd);",
    "import-string": '@import "http://127.0.0.1:1/x.css";',
    "font-face": '@font-face { font-family: x; src: url("file:///proc/self/environ"); }',
    "background-http": ".b { background: url(http://127.0.0.1:1/x); }",
    "background-file": '.b { background-image: url("file:///etc/passwd"); }',
    "content-url": '.b::after { content: url("/proc/self/environ"); }',
    "list-style-image": ".b { list-style-image: url(https://example.com/x.png); }",
    "unknown-property": ".b { behavior: url(x.htc); }",
    "link-property": ".b { link: attr(href); }",
    "custom-property": ".b { --x: url(file:///etc/passwd); color: var(--x); }",
    "image-set": '.b { background-image: image-set("file:///etc/passwd" 1x); }',
    "namespace": "@namespace svg url(http://www.w3.org/2000/svg);",
    "nested-import-in-media": "@media print { @import url(file:///etc/passwd); }",
    "unquoted-placeholder-with-spaces": ".b { background: url({{ background_image }}); }",
    "unknown-placeholder": '.b { background: url("{{ secret }}"); }',
}


@pytest.mark.parametrize("case", UNSAFE_HTML, ids=list(UNSAFE_HTML))
def test_unsafe_html_is_refused_with_a_message_and_not_stored(case):
    template = CertificateTemplate(name="Unsafe", html=UNSAFE_HTML[case])
    with pytest.raises(ValidationError) as caught:
        template.full_clean()
    assert caught.value.message_dict["html"]
    with pytest.raises(ValidationError):
        template.save()
    assert not CertificateTemplate.objects.exists()


@pytest.mark.parametrize("case", UNSAFE_CSS, ids=list(UNSAFE_CSS))
def test_unsafe_css_is_refused_with_a_message_and_not_stored(case):
    template = CertificateTemplate(name="Unsafe", html="<p>{{ student_name }}</p>", css=UNSAFE_CSS[case])
    with pytest.raises(ValidationError) as caught:
        template.full_clean()
    assert caught.value.message_dict["css"]
    with pytest.raises(ValidationError):
        template.save()
    assert not CertificateTemplate.objects.exists()


def test_messages_say_what_is_wrong():
    template = CertificateTemplate(
        name="Unsafe",
        html='<link rel="attachment" href="file:///etc/passwd"><p>{{ student.user.password }}</p>',
        css=".a { background: url(http://127.0.0.1:1/x); }",
    )
    with pytest.raises(ValidationError) as caught:
        template.full_clean()
    errors = caught.value.message_dict
    assert any("“student.user.password”" in e and "no attributes" in e for e in errors["html"])
    assert any("url(http://127.0.0.1:1/x) is not allowed" in e for e in errors["css"])
    template.html = '<link rel="attachment" href="file:///etc/passwd">'
    with pytest.raises(ValidationError) as caught:
        template.full_clean()
    assert "The <link> tag is not allowed." in caught.value.message_dict["html"]


SAFE = [
    (CERTIFICATE_HTML, CERTIFICATE_CSS),
    (
        '<div class="c"><img src="/static/img/favicon.svg" alt="" width="40">'
        '<img src="{{ background_image }}" alt=""><img src="{{ signature_image }}">'
        '{% if grade %}<p style="color: #333; margin: 2mm 0">Grade {{ grade|upper }}</p>{% endif %}'
        '{% comment %}note{% endcomment %}<a href="{{ verification_url }}">{{ verification_code }}</a>'
        "<table><tr><td colspan=2>{{ signature_name|default:instructor_name }}</td></tr></table></div>",
        '@page :first { size: A4 portrait; margin: 10mm; @bottom-center { content: "CourseWorx"; } }\n'
        '.c { background: url("{{ background_image }}") no-repeat center / cover, '
        "linear-gradient(135deg, #fff 0%, #eee 100%); font-family: 'DejaVu Serif', serif; }\n"
        ".c::before { content: url('/static/img/favicon.svg'); }\n"
        "@media print { .c { width: calc(100% - 4mm); } }\n"
        ".d { background-image: url(data:image/png;base64,iVBORw0KGgo=); }",
    ),
]


@pytest.mark.parametrize(("html", "css"), SAFE)
def test_legitimate_templates_are_accepted(html, css):
    template = CertificateTemplate(name="Fine", html=html, css=css)
    template.full_clean()
    template.save()
    assert CertificateTemplate.objects.get(pk=template.pk).html == html  # stored as written, nothing lost


# --- who may change them -------------------------------------------------------------------------------


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
    assert not AuditLog.objects.exists()


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


def test_back_to_draft_the_template_is_editable_again(instructor):
    template = _template(instructor)
    course = CourseFactory(instructor=instructor, certificate_template=template, status=S.PUBLISHED)
    assert template.is_locked()
    Course.objects.filter(pk=course.pk).update(status=S.DRAFT)  # e.g. course_version_restore
    template.html = "<h1>Revised {{ student_name }}</h1>"
    services.certificate_template_save(template=template, user=instructor)
    assert CertificateTemplate.objects.get(pk=template.pk).html.startswith("<h1>Revised")


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


def test_the_changelist_runs_a_constant_number_of_queries(client, instructor, django_assert_max_num_queries):
    for n in range(6):
        template = _template(instructor, name=f"T{n}")
        CourseFactory(instructor=instructor, certificate_template=template, status=S.PUBLISHED)
    client.force_login(instructor)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("admin:courses_certificatetemplate_changelist"))
    assert response.status_code == 200 and response.text.count("locked") >= 6


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
