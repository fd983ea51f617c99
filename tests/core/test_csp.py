"""Content-Security-Policy (django-csp): the header on pages, API and admin, and no inline script or style.

The policy is strict (settings.CONTENT_SECURITY_POLICY): no 'unsafe-inline' or 'unsafe-eval', so every
template must keep its behaviour in static JS files and its looks in static CSS.  The scanners below fail
on any inline <script>, <style>, style="" attribute, on*= handler or javascript: URL, in our templates, in
the third-party templates we render, and in the HTML of the main pages as served.  tests/e2e/test_csp.py
loads the pages in Chromium and fails on any violation the browser reports.
"""

import os
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.contrib import admin
from django.template import engines
from django.template.loader import get_template
from django.urls import reverse

from courseworx.core.api.docs import REDOC_CSP_UPDATE
from courseworx.core.api.renderers import BROWSABLE_API_CSP_UPDATE
from courseworx.settings import _embed_frame_sources
from learning.embeds import embed_url
from tests.courses.factories import PublishedCourseFactory, QuestionFactory, QuizContentFactory, SectionFactory
from tests.factories import AdminFactory, StudentFactory
from tests.learning.factories import EnrollmentFactory

BASE_DIR = Path(settings.BASE_DIR)
HEADER = "Content-Security-Policy"

# --- the header -----------------------------------------------------------------------------------

STRICT_DIRECTIVES = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}
UNSAFE = ("'unsafe-inline'", "'unsafe-eval'", "'unsafe-hashes'", "*", "http:", "https:")


def policy_of(response) -> dict[str, list[str]]:
    header = response.headers.get(HEADER)
    assert header, f"no {HEADER} header on {response.request['PATH_INFO']} ({response.status_code})"
    policy = {}
    for part in header.split(";"):
        tokens = part.split()
        if tokens:
            assert tokens[0] not in policy, f"{tokens[0]} twice in {header}"
            policy[tokens[0]] = tokens[1:]
    return policy


def assert_strict(response) -> dict[str, list[str]]:
    policy = policy_of(response)
    for directive, sources in STRICT_DIRECTIVES.items():
        assert policy.get(directive) == sources, f"{directive}: {policy.get(directive)} (expected {sources})"
    for directive, sources in policy.items():
        assert not set(sources) & set(UNSAFE), f"{directive} allows {sources}"
    return policy


@pytest.fixture
def quiz_lesson(db):
    course = PublishedCourseFactory(title="CSP course")
    lesson = QuizContentFactory(section=SectionFactory(course=course), time_limit_minutes=10)
    QuestionFactory(content=lesson)
    return lesson


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["home", "courses:catalog", "accounts:login", "accounts:signup"])
def test_public_pages_have_the_strict_policy(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 200
    assert_strict(response)


def test_course_page_and_player_have_the_strict_policy(client, quiz_lesson):
    course = quiz_lesson.course
    assert_strict(client.get(reverse("courses:detail", args=[course.slug])))
    student = StudentFactory()
    EnrollmentFactory(user=student, course=course)
    client.force_login(student)
    response = client.get(reverse("learning:lesson", args=[course.slug, quiz_lesson.pk]))
    assert response.status_code == 200
    assert_strict(response)


@pytest.mark.django_db
def test_api_responses_have_the_strict_policy(api_client):
    response = api_client.get("/api/v1/courses/", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert_strict(response)
    denied = api_client.get("/api/v1/enrollments/")
    assert denied.status_code in (401, 403)
    assert_strict(denied)


@pytest.mark.django_db
def test_admin_pages_have_the_strict_policy(client, quiz_lesson):
    assert_strict(client.get(reverse("admin:login")))
    client.force_login(AdminFactory())
    for url in (
        reverse("admin:index"),
        reverse("admin:courses_course_changelist"),
        reverse("admin:courses_course_change", args=[quiz_lesson.course.pk]),
        reverse("admin:courses_category_add") + "?_popup=1&_to_field=id",
        reverse("admin:django_celery_beat_periodictask_add"),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert_strict(response)


def test_frame_src_allows_exactly_the_embedded_video_players(client, db):
    policy = assert_strict(client.get(reverse("home")))
    players = {
        "{0.scheme}://{0.netloc}".format(urlsplit(embed_url(url)))
        for url in (
            "https://www.youtube.com/watch?v=rfscVS0vtbw",
            "https://youtu.be/rfscVS0vtbw",
            "https://vimeo.com/76979871",
        )
    }
    assert set(policy["frame-src"]) == players == {"https://www.youtube-nocookie.com", "https://player.vimeo.com"}


def test_frame_src_follows_the_video_hosts_setting():
    assert _embed_frame_sources(["vimeo.com"]) == ["https://player.vimeo.com"]
    assert _embed_frame_sources(["youtu.be"]) == ["https://www.youtube-nocookie.com"]
    assert _embed_frame_sources(["example.com"]) == []  # the policy then says frame-src 'none'


@pytest.mark.parametrize(
    ("report_uri", "expected"), [("", None), ("https://csp.example.com/report", "https://csp.example.com/report")]
)
def test_report_uri_comes_from_the_environment(report_uri, expected):
    code = (
        "import django; django.setup(); from csp.utils import build_policy; "
        "print([p for p in build_policy().split('; ') if p.startswith('report-uri')])"
    )
    env = {"DJANGO_SETTINGS_MODULE": "courseworx.settings", "DEBUG": "true", "CSP_REPORT_URI": report_uri}
    result = subprocess.run(  # settings are read once per process: a fresh one sees the variable
        [sys.executable, "-c", code],
        cwd=BASE_DIR,
        env={**_base_env(), **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == (f"['report-uri {expected}']" if expected else "[]")


def _base_env() -> dict:
    keep = ("PATH", "HOME", "LANG", "DATABASE_URL", "VIRTUAL_ENV")
    return {k: v for k, v in os.environ.items() if k in keep}


# --- pages with a documented exception ------------------------------------------------------------


@pytest.mark.django_db
def test_swagger_ui_runs_under_the_strict_policy_with_its_script_from_a_url(client):
    response = client.get(reverse("api-docs"))
    assert response.status_code == 200
    assert_strict(response)
    html = response.content.decode()
    assert inline_problems(html) == []
    script_url = re.search(r'<script src="([^"]*script=[^"]*)"', html).group(1).replace("&amp;", "&")
    script = client.get(script_url)
    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")
    assert "SwaggerUIBundle(" in script.content.decode()


@pytest.mark.django_db
def test_redoc_allows_inline_styles_but_no_inline_script(client):
    response = client.get(reverse("api-redoc"))
    assert response.status_code == 200
    policy = policy_of(response)
    assert policy["style-src"] == ["'self'", "'unsafe-inline'"] == ["'self'", *REDOC_CSP_UPDATE["style-src"]]
    assert policy["worker-src"] == ["'self'", "blob:"]
    assert policy["script-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    html = response.content.decode()
    assert inline_problems(html) == []
    assert "fonts.googleapis.com" not in html


@pytest.mark.django_db
def test_browsable_api_allows_inline_styles_but_no_inline_script(client):
    client.force_login(StudentFactory())
    response = client.get("/api/v1/courses/", HTTP_ACCEPT="text/html")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    policy = policy_of(response)
    assert policy["style-src"] == ["'self'", *BROWSABLE_API_CSP_UPDATE["style-src"]]
    assert policy["script-src"] == ["'self'"]
    html = response.content.decode()
    assert [p for p in inline_problems(html) if "style" not in p] == []


# --- no inline script or style in the templates ---------------------------------------------------

# A <script> is inline unless it has a src; JSON data blocks (json_script) are not run, so they are fine.
INLINE_PATTERNS = {
    "inline <script>": re.compile(
        r"<script\b(?![^>]*\ssrc\s*=)(?![^>]*\stype\s*=\s*[\"']application/json)[^>]*>", re.I
    ),
    "<style> element": re.compile(r"<style\b", re.I),
    "style attribute": re.compile(r"<[a-z][^<>]*\sstyle\s*=", re.I),
    "on*= event handler": re.compile(r"<[a-z][^<>]*\son[a-z]+\s*=", re.I),
    "javascript: URL": re.compile(r"javascript\s*:", re.I),
    "htmx hx-on (eval)": re.compile(r"\shx-on[:-]", re.I),
    "htmx js: expression (eval)": re.compile(r"\shx-(?:vals|vars|headers)\s*=\s*[\"']\s*js:", re.I),
}


DJANGO_COMMENTS = re.compile(r"{%\s*comment\s*%}.*?{%\s*endcomment\s*%}|{#.*?#}", re.S)


def inline_problems(text: str) -> list[str]:
    """Inline code in HTML or in a template's source (Django comments are not output: they are left out)."""
    text = DJANGO_COMMENTS.sub(lambda m: "\n" * m.group(0).count("\n"), text)
    problems = []
    for what, pattern in INLINE_PATTERNS.items():
        for match in pattern.finditer(text):
            line = text.count("\n", 0, match.start()) + 1
            problems.append(f"line {line}: {what}: {match.group(0)[:80]!r}")
    return problems


@pytest.mark.parametrize(
    "bad",
    [
        "<script>alert(1)</script>",
        '<script type="text/javascript">x()</script>',
        "<style>body{}</style>",
        '<div class="a" style="width: 5%">',
        '<select name="s" onchange="this.form.submit()">',
        "<form\n  method=post onsubmit='return confirm()'>",
        '<a href="javascript:void(0)">',
        '<button hx-on:click="go()">',
        "<div hx-vals='js:{a: b()}'>",
    ],
)
def test_the_scanner_finds_inline_code(bad):
    assert inline_problems(bad), bad


@pytest.mark.parametrize(
    "good",
    [
        '<script src="/static/js/courseworx.js"></script>',
        '<script\n  id="x" src="/static/a.js" data-x="{}"></script>',
        '<script id="report-charts" type="application/json">{"a": 1}</script>',
        '<div class="cw-pct-5" data-autosubmit data-confirm="Sure?">The button is on the right</div>',
        '<a href="/onboarding/">Styles</a> <select data-onchange="x">',
    ],
)
def test_the_scanner_accepts_external_code_and_data(good):
    assert inline_problems(good) == []


# Rendered only by WeasyPrint into PDFs (no browser, no CSP): a <style> is how they are styled.
PDF_TEMPLATES = {"billing/templates/billing/receipt_pdf.html", "reports/templates/reports/pdf/report.html"}


def our_templates() -> list[Path]:
    roots = [BASE_DIR / "templates", *BASE_DIR.glob("*/templates"), *BASE_DIR.glob("courseworx/*/templates")]
    found = sorted(p for root in roots for p in root.rglob("*.html"))
    assert len(found) > 100
    return found


def test_no_template_has_inline_script_or_style():
    offenders = {}
    for path in our_templates():
        name = str(path.relative_to(BASE_DIR))
        if name in PDF_TEMPLATES:
            continue
        problems = inline_problems(path.read_text(encoding="utf-8"))
        if problems:
            offenders[name] = problems
    assert offenders == {}, "move these into static JS/CSS files (see courseworx/core/README.md, CSP)"


def test_the_pdf_exceptions_are_still_pdf_only_templates():
    for name in PDF_TEMPLATES:
        assert (BASE_DIR / name).is_file(), f"{name} is gone: drop it from PDF_TEMPLATES"
        assert "{% extends" not in (BASE_DIR / name).read_text(encoding="utf-8")


def test_no_python_code_writes_inline_styles_or_handlers():
    """format_html()/mark_safe() in admin columns, widgets and template tags are HTML too."""
    patterns = [INLINE_PATTERNS["style attribute"], INLINE_PATTERNS["on*= event handler"]]
    offenders = []
    for app in ("accounts", "courses", "learning", "billing", "community", "reports", "courseworx"):
        for path in (BASE_DIR / app).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if any(pattern.search(line) for pattern in patterns):
                    offenders.append(f"{path.relative_to(BASE_DIR)}:{number}: {line.strip()}")
    assert offenders == []


# Third-party templates we render: each one with inline code is replaced by ours, or harmless here.
THIRD_PARTY_ALLOWED = {
    # Its <style> is only written when a ModelAdmin hides both action bars: see the test below.
    "admin/change_list.html": "a ModelAdmin with actions_on_top and actions_on_bottom off",
    # DRF's AdminRenderer is not enabled (REST_FRAMEWORK's renderers: JSON and the browsable API).
    "rest_framework/admin.html": "AdminRenderer is not used",
}
# DRF's browsable API pages allow inline styles (courseworx/core/api/renderers.py), not scripts.
STYLE_ONLY_ALLOWED_PREFIXES = ("rest_framework/",)


def third_party_templates() -> dict[str, Path]:
    """Template name -> file, for the templates of installed apps that live outside this repository."""
    found = {}
    engine = engines["django"].engine
    for loader in engine.template_loaders:
        for directory in loader.get_dirs():
            directory = Path(directory).resolve()
            if directory.is_relative_to(BASE_DIR.resolve()) and "site-packages" not in directory.parts:
                continue
            for path in directory.rglob("*.html"):
                found.setdefault(str(path.relative_to(directory)), path)
    assert "admin/base.html" in found
    return found


def test_third_party_templates_with_inline_code_are_overridden_or_harmless():
    offenders = {}
    for name, path in third_party_templates().items():
        problems = inline_problems(path.read_text(encoding="utf-8"))
        if name.startswith(STYLE_ONLY_ALLOWED_PREFIXES):
            problems = [p for p in problems if "style" not in p]
        if not problems or name in THIRD_PARTY_ALLOWED:
            continue
        origin = Path(get_template(name).origin.name).resolve()
        if "site-packages" in origin.parts:
            offenders[name] = problems
    assert offenders == {}, "override these templates (under templates/) without the inline code"


def test_no_model_admin_hides_both_action_bars():
    """Django's change_list.html writes an inline <style> when both action bars are off."""
    hidden = [
        type(model_admin).__name__
        for model_admin in admin.site._registry.values()
        if not model_admin.actions_on_top and not model_admin.actions_on_bottom
    ]
    assert hidden == []


# --- the main pages as served ----------------------------------------------------------------------


def test_served_pages_have_no_inline_code(client, quiz_lesson):
    course = quiz_lesson.course
    student = StudentFactory()
    EnrollmentFactory(user=student, course=course)
    client.force_login(student)
    start = client.post(reverse("learning:quiz_start", args=[course.slug, quiz_lesson.pk]))
    assert start.status_code == 302
    pages = [
        reverse("home"),
        reverse("courses:catalog"),
        reverse("courses:detail", args=[course.slug]),
        reverse("learning:lesson", args=[course.slug, quiz_lesson.pk]),
        start["Location"],  # the quiz attempt, with its timer
        reverse("learning:dashboard"),
    ]
    instructor_pages = [reverse("reports:report", args=["engagement"]), reverse("learning:instructor_dashboard")]
    admin_pages = [
        reverse("admin:courses_course_change", args=[course.pk]),
        reverse("admin:courses_category_add") + "?_popup=1&_to_field=id",
    ]
    for user, urls in ((student, pages), (course.instructor, instructor_pages), (AdminFactory(), admin_pages)):
        client.force_login(user)
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, url
            assert inline_problems(response.content.decode()) == [], url
