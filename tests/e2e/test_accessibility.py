"""Issue 19 §7 in Chromium: axe-core (tests/e2e/vendor/, from npm, never served by the site) on the key pages
of each role must find no serious or critical WCAG 2.1 A/AA violation; and the lesson player and a quiz work
with the keyboard alone.  Screenshots: test-results/a11y-*.png.

axe is injected with `page.evaluate(source)`: that runs through the DevTools protocol, which the page's
Content-Security-Policy does not govern, so the site's strict CSP (no inline script) stays as it is.
"""

import datetime as dt
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from courses.models import QuizQuestion
from courseworx.core.models import Notification
from learning.models import LessonCompletion, QuizAttempt
from tests.courses.factories import (
    CategoryFactory,
    ContentFactory,
    PublishedCourseFactory,
    QuestionFactory,
    QuizContentFactory,
    SectionFactory,
)
from tests.factories import InstructorFactory, StudentFactory
from tests.learning.factories import ClassSessionFactory, EnrollmentFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

AXE = Path(__file__).resolve().parent / "vendor" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING = {"serious", "critical"}
LAPTOP = {"width": 1280, "height": 900}


def log_in(page, live_server, user) -> None:
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.clear_cookies()
    page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}])


def axe_violations(page) -> list[dict]:
    """Run axe on the page as it is; the serious and critical WCAG 2.1 A/AA violations."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(AXE.read_text(encoding="utf-8"))
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})", WCAG_TAGS
    )
    return [v for v in result["violations"] if v["impact"] in BLOCKING]


def describe(label: str, violations: list[dict]) -> str:
    lines = []
    for v in violations:
        targets = [", ".join(map(str, node["target"])) for node in v["nodes"][:5]]
        more = f" (+{len(v['nodes']) - 5} more)" if len(v["nodes"]) > 5 else ""
        lines.append(f"{label}: {v['id']} [{v['impact']}] {v['help']} -> {targets}{more}")
    return "\n".join(lines)


def check(page, label: str, screenshot_dir, found: list[str], checked: list[str]) -> None:
    page.wait_for_load_state("networkidle")
    page.screenshot(path=str(screenshot_dir / f"a11y-{label}.png"), full_page=True)
    violations = axe_violations(page)
    checked.append(label)
    if violations:
        found.append(describe(label, violations))


@pytest.fixture
def school():
    """A published course with an article, a second article and a quiz; an enrolled student with a notification;
    a classroom session running now."""
    instructor = InstructorFactory(first_name="Ines", last_name="Instructor")
    course = PublishedCourseFactory(
        instructor=instructor, title="Python Basics", category=CategoryFactory(name="Code", slug="code")
    )
    section = SectionFactory(course=course, order=1, title="Getting started")
    first = ContentFactory(section=section, order=1, title="Welcome")
    second = ContentFactory(section=section, order=2, title="Variables")
    quiz = QuizContentFactory(section=section, order=3, title="Check yourself")
    QuestionFactory(content=quiz, question="Capital of France?", order=1)
    QuestionFactory(content=quiz, question="Capital of England?", correct_answers=["London"], order=2)
    student = StudentFactory(first_name="Sam", last_name="Student")
    EnrollmentFactory(user=student, course=course)
    Notification.objects.create(
        user=student, category="system", title="New lesson in Python Basics", body="Variables is out.", url="/"
    )
    Notification.objects.create(user=student, category="system", title="Welcome to CourseWorx", body="", url="/")
    starts = timezone.now() - dt.timedelta(minutes=5)
    session = ClassSessionFactory(
        course=course, title="Practical day", starts_at=starts, ends_at=starts + dt.timedelta(hours=2), room="Room 2"
    )
    return {
        "instructor": instructor,
        "course": course,
        "lessons": [first, second],
        "quiz": quiz,
        "student": student,
        "session": session,
    }


def lesson_url(live_server, content) -> str:
    return live_server.url + reverse("learning:lesson", args=[content.course.slug, content.pk])


def test_key_pages_of_each_role_have_no_serious_axe_violations(page, live_server, school, screenshot_dir):
    page.set_viewport_size(LAPTOP)
    found: list[str] = []
    checked: list[str] = []
    course = school["course"]

    # Anonymous visitor, in English and in Arabic (right-to-left).
    for label, path in [
        ("home", "/"),
        ("catalog", "/courses/"),
        ("catalog-filtered", "/courses/?category=code&level=beginner"),
        ("course", course.get_absolute_url()),
        ("signup", reverse("accounts:signup")),
        ("login", reverse("accounts:login")),
    ]:
        page.goto(live_server.url + path)
        check(page, f"anon-{label}", screenshot_dir, found, checked)
    page.context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": "ar", "url": live_server.url}])
    for label, path in [("home", "/"), ("catalog", "/courses/")]:
        page.goto(live_server.url + path)
        expect(page.locator("html")).to_have_attribute("dir", "rtl")
        check(page, f"anon-{label}-ar", screenshot_dir, found, checked)
    page.context.clear_cookies()

    # Student: dashboard, player, quiz (start, questions, result), notifications, the QR sign-in page.
    log_in(page, live_server, school["student"])
    for label, url in [
        ("student-dashboard", live_server.url + reverse("learning:dashboard")),
        ("student-course-home", live_server.url + reverse("learning:course_home", args=[course.slug])),
        ("student-lesson", lesson_url(live_server, school["lessons"][0])),
        ("student-quiz-lesson", lesson_url(live_server, school["quiz"])),
        ("student-notifications", live_server.url + reverse("community:notifications")),
    ]:
        page.goto(url)
        check(page, label, screenshot_dir, found, checked)
    page.goto(lesson_url(live_server, school["quiz"]))
    page.locator("form[action$='/quiz/start/'] button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/quiz/attempts/[0-9a-f-]+/$"))
    check(page, "student-quiz-attempt", screenshot_dir, found, checked)
    page.locator("input[type=radio][value=Paris]").first.check()
    page.locator("form button[type=submit]").last.click()
    expect(page).to_have_url(re.compile(r"/result/$"))
    check(page, "student-quiz-result", screenshot_dir, found, checked)

    # Instructor: dashboard, a report page and the classroom session's live QR page.
    log_in(page, live_server, school["instructor"])
    for label, url in [
        ("instructor-dashboard", live_server.url + reverse("learning:instructor_dashboard")),
        ("instructor-reports", live_server.url + reverse("reports:home")),
        ("instructor-session-live", live_server.url + reverse("learning:session_live", args=[school["session"].pk])),
    ]:
        page.goto(url)
        check(page, label, screenshot_dir, found, checked)
    qr_url = page.locator("#session-qr img").get_attribute("data-url")
    parts = urlsplit(qr_url)

    # The trainee opens the QR's URL: the sign-in page ("You're signed in").
    log_in(page, live_server, school["student"])
    page.goto(f"{live_server.url}{parts.path}?{parts.query}")
    check(page, "student-session-signed-in", screenshot_dir, found, checked)

    print(f"axe checked {len(checked)} pages: {', '.join(checked)}")
    assert not found, "serious/critical WCAG 2.1 A/AA violations:\n" + "\n".join(found)


FOCUS_INFO = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const style = getComputedStyle(el);
  return {
    tag: el.tagName.toLowerCase(), text: (el.innerText || el.value || '').trim(), href: el.getAttribute('href') || '',
    rel: el.getAttribute('rel') || '', type: el.getAttribute('type') || '', name: el.getAttribute('name') || '',
    value: el.value || '', visible: el.matches(':focus-visible'),
    ring: (style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0) || style.boxShadow !== 'none',
  };
}"""


def tab_to(page, wanted, *, key: str = "Tab", limit: int = 80) -> dict:
    """Press Tab (or Shift+Tab) until the focused element satisfies `wanted`; it must show a focus ring."""
    seen = []
    for _ in range(limit):
        page.keyboard.press(key)
        info = page.evaluate(FOCUS_INFO)
        if info and wanted(info):
            assert info["visible"] and info["ring"], f"focus is not visible on {info}"
            return info
        seen.append(info and f"{info['tag']}:{info['text'][:20]}")
    raise AssertionError(f"{key} never reached the element; focus went through {seen}")


def test_player_and_quiz_work_with_the_keyboard_alone(page, live_server, school, screenshot_dir):
    page.set_viewport_size(LAPTOP)
    student, first, second, quiz = school["student"], *school["lessons"], school["quiz"]
    log_in(page, live_server, student)
    page.goto(lesson_url(live_server, first))
    assert page.evaluate(
        """() => [...document.styleSheets].some(sheet => { try { return [...sheet.cssRules].some(
             rule => (rule.selectorText || '').includes(':focus-visible')); } catch (e) { return false; } })"""
    ), "no :focus-visible style"

    # The first Tab reaches "Skip to content"; Enter moves focus to <main>.
    skip = tab_to(page, lambda f: f["href"] == "#main", limit=1)
    assert skip["text"] == "Skip to content"
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.id") == "main"

    # Mark the lesson complete with Enter on the button (htmx swaps in "Completed").
    tab_to(page, lambda f: f["tag"] == "button" and "Mark as complete" in f["text"])
    page.screenshot(path=str(screenshot_dir / "a11y-keyboard-mark-complete-focused.png"))
    page.keyboard.press("Enter")
    expect(page.locator("#completion-box")).to_contain_text("Completed")
    assert LessonCompletion.objects.filter(user=student, content=first).exists()

    # Shift+Tab goes back, Tab forward again to the "next lesson" link; Enter follows it.
    tab_to(page, lambda f: f["rel"] == "next")
    tab_to(page, lambda f: f["rel"] != "next", key="Shift+Tab")
    tab_to(page, lambda f: f["rel"] == "next", key="Tab")
    page.keyboard.press("Enter")
    expect(page).to_have_url(lesson_url(live_server, second))
    tab_to(page, lambda f: f["rel"] == "next")
    page.keyboard.press("Enter")
    expect(page).to_have_url(lesson_url(live_server, quiz))

    # Start the quiz, answer with Space and the arrow keys, submit with Enter.
    tab_to(page, lambda f: f["tag"] == "button" and "quiz" in f["text"].lower())
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/quiz/attempts/[0-9a-f-]+/$"))
    right = {f"q_{q.pk}": q.correct_answers[0] for q in QuizQuestion.objects.filter(content=quiz)}
    answered: list[str] = []
    for _ in right:  # each radio group: Tab into it, Space checks, the arrow keys move to the right option
        group = tab_to(page, lambda f: f["type"] == "radio" and f["name"] not in answered)
        page.keyboard.press("Space")
        for _ in range(5):
            if page.evaluate("() => document.activeElement.value") == right[group["name"]]:
                break
            page.keyboard.press("ArrowDown")
        assert (
            page.evaluate("() => document.activeElement.checked && document.activeElement.value")
            == right[group["name"]]
        )
        answered.append(group["name"])
    page.screenshot(path=str(screenshot_dir / "a11y-keyboard-quiz-answered.png"))
    tab_to(page, lambda f: f["tag"] == "button" and "Submit answers" in f["text"])
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/result/$"))
    page.screenshot(path=str(screenshot_dir / "a11y-keyboard-quiz-result.png"), full_page=True)
    attempt = QuizAttempt.objects.get(user=student, content=quiz)
    assert attempt.submitted_at is not None
    assert attempt.passed is True
