"""Certificate templates: what may be stored (checked on save) and who may change them (services.certificate_templates).

The admin's side is tests/courses/admin/test_catalog.py.

Rendering with a hostile template is in tests/learning/test_certificate_security.py.
"""

import pytest
from django.core.exceptions import ValidationError

from courses import services
from courses.demo import CERTIFICATE_CSS, CERTIFICATE_HTML
from courses.models import CertificateTemplate, Course
from tests.courses.factories import CourseFactory
from tests.factories import InstructorFactory

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


@pytest.fixture
def instructor():
    return InstructorFactory()


def test_back_to_draft_the_template_is_editable_again(instructor):
    template = _template(instructor)
    course = CourseFactory(instructor=instructor, certificate_template=template, status=S.PUBLISHED)
    assert template.is_locked()
    Course.objects.filter(pk=course.pk).update(status=S.DRAFT)  # e.g. course_version_restore
    template.html = "<h1>Revised {{ student_name }}</h1>"
    services.certificate_template_save(template=template, user=instructor)
    assert CertificateTemplate.objects.get(pk=template.pk).html.startswith("<h1>Revised")
