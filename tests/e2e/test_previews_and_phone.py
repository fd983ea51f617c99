"""Issue 14 in Chromium, at a phone's 390×844 and a laptop's 1280×900:

- an author previews their draft course in the player (preview badge, outline, quiz questions; nothing recorded);
- a visitor opens a free-preview lesson from the course page;
- the phone fixes: the player's outline button at the top, the quiz timer that stays in view and its compact
  figures, notifications whose time never overlaps "Mark read", the bell's count next to the bell.

Screenshots go to the test's pytest tmp dir (`tmp_path`; pytest keeps the last runs' dirs under
/tmp/pytest-of-<user>/), named after the page and the viewport.
"""

import re

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import expect

from courses import previews
from courses.models import Course
from courseworx.core.models import Notification
from courseworx.core.notifications import notification_create
from learning.models import Enrollment, LessonCompletion, QuizAttempt
from tests.courses.factories import (
    ContentFactory,
    CourseFactory,
    PublishedCourseFactory,
    QuestionFactory,
    QuizContentFactory,
    SectionFactory,
)
from tests.factories import InstructorFactory, StudentFactory
from tests.learning.factories import EnrollmentFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1280, "height": 900}
BANNER = "you are seeing this course as a student would; progress is not recorded"


def log_in(page, live_server, user) -> None:
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}])


def box(locator) -> dict:
    found = locator.bounding_box()
    assert found is not None, locator
    return found


def overlap(a: dict, b: dict) -> bool:
    return not (
        a["x"] + a["width"] <= b["x"]
        or b["x"] + b["width"] <= a["x"]
        or a["y"] + a["height"] <= b["y"]
        or b["y"] + b["height"] <= a["y"]
    )


@pytest.fixture
def draft():
    course = CourseFactory(title="Kiln Safety", instructor=InstructorFactory(first_name="Ines"))
    intro = SectionFactory(course=course, title="Before you start", order=1)
    ContentFactory(section=intro, order=1, title="Protective gear", article_body="Wear **gloves** near the kiln.")
    ContentFactory(section=intro, order=2, title="Ventilation")
    end = SectionFactory(course=course, title="Check yourself", order=2)
    quiz = QuizContentFactory(section=end, order=1, title="Safety quiz", time_limit_minutes=15, duration_seconds=600)
    QuestionFactory(content=quiz, question="What do you wear near a hot kiln?", options=["Gloves", "Sandals"],
                    correct_answers=["Gloves"])  # fmt: skip
    return course


@pytest.mark.parametrize("viewport", [PHONE, LAPTOP], ids=["390x844", "1280x900"])
def test_an_author_previews_a_draft_in_the_player(live_server, page, browser_problems, tmp_path, draft, viewport):
    size = f"{viewport['width']}x{viewport['height']}"
    page.set_viewport_size(viewport)
    log_in(page, live_server, draft.instructor)
    page.goto(f"{live_server.url}{previews.course_preview_url(draft)}")

    banner = page.locator("#preview-banner")
    expect(banner).to_be_visible()
    expect(banner).to_contain_text(BANNER)
    expect(banner).to_contain_text("Draft")
    expect(page.get_by_role("heading", name="Protective gear", level=1)).to_be_visible()
    toggle = page.get_by_role("button", name="Course outline")
    lessons = page.get_by_role("navigation", name="Lessons")
    if viewport == PHONE:
        # The outline is one tap away at the top of the screen, not below the lesson.
        expect(toggle).to_be_visible()
        assert box(toggle)["y"] < 300
        expect(lessons).to_be_hidden()
        page.screenshot(path=str(tmp_path / f"preview-lesson-{size}.png"), full_page=True)
        toggle.click()
        expect(page.locator("#player-outline")).to_have_class(re.compile(r"\bcollapse show\b"))  # opened
        expect(lessons).to_be_visible()
        expect(toggle).to_have_attribute("aria-expanded", "true")
        page.screenshot(path=str(tmp_path / f"preview-outline-open-{size}.png"), full_page=True)
    else:
        expect(toggle).to_be_hidden()
        expect(lessons).to_be_visible()
        assert box(page.locator("#player-outline"))["y"] < 200  # beside the lesson, from the top
        page.screenshot(path=str(tmp_path / f"preview-lesson-{size}.png"), full_page=True)
    expect(page.get_by_text("0 of 3 lessons · not recorded in preview")).to_be_visible()

    lessons.get_by_role("link", name="Safety quiz").click()
    expect(page).to_have_url(f"{live_server.url}{previews.lesson_preview_url(draft.contents.get(title='Safety quiz'))}")
    expect(page.get_by_text("Quiz · 15 min time limit")).to_be_visible()  # the limit, not the 10-minute estimate
    expect(page.get_by_text("What do you wear near a hot kiln?")).to_be_visible()
    expect(page.get_by_role("button", name="Start the quiz")).to_be_disabled()
    stats = page.locator(".quiz-stats")
    assert box(stats)["height"] < (200 if viewport == PHONE else 120), "the quiz's four figures take two short rows"
    page.screenshot(path=str(tmp_path / f"preview-quiz-{size}.png"), full_page=True)

    assert not LessonCompletion.objects.exists() and not QuizAttempt.objects.exists()
    assert not Enrollment.objects.exists()
    assert browser_problems == []


def test_a_visitor_opens_a_free_preview_lesson(live_server, page, browser_problems, tmp_path):
    course = PublishedCourseFactory(title="Pottery at Home")
    section = SectionFactory(course=course, title="Getting started", order=1)
    ContentFactory(section=section, order=1, title="Meet your clay", is_preview=True,
                   article_body="Clay is **earth and water**.")  # fmt: skip
    ContentFactory(section=section, order=2, title="Throwing a bowl")
    page.set_viewport_size(PHONE)

    page.goto(f"{live_server.url}{course.get_absolute_url()}")
    syllabus = page.locator("#syllabus")
    expect(syllabus.get_by_role("link", name="Throwing a bowl")).to_have_count(0)  # only free previews are links
    syllabus.get_by_role("link", name="Meet your clay").click()

    expect(page.get_by_role("heading", name="Meet your clay", level=1)).to_be_visible()
    expect(page.get_by_text("Clay is earth and water.")).to_be_visible()
    expect(page.get_by_text("This lesson is open to everyone.")).to_be_visible()
    expect(page.get_by_role("button", name="Mark as complete")).to_have_count(0)
    expect(page.get_by_role("link", name="Enrol to continue")).to_have_attribute("href", course.get_absolute_url())
    page.screenshot(path=str(tmp_path / "free-preview-visitor-390x844.png"), full_page=True)
    page.get_by_role("button", name="Course outline").click()
    expect(page.locator("#player-outline")).to_have_class(re.compile(r"\bcollapse show\b"))
    expect(page.get_by_role("navigation", name="Lessons").get_by_text("Throwing a bowl")).to_be_visible()
    page.screenshot(path=str(tmp_path / "free-preview-outline-390x844.png"), full_page=True)
    assert browser_problems == []


def test_phone_layouts_of_notifications_bell_and_quiz(live_server, page, browser_problems, tmp_path):
    student = StudentFactory(first_name="Stella")
    for n in range(3):
        notification_create(
            user=student, category=Notification.Category.ENROLLMENT, email=False,
            title=f"Payment received: Subscription: Web developer track (monthly) #{n}",
            body="Thank you! Your receipt is in My purchases.", url="/my/learning/",
        )  # fmt: skip
    course = PublishedCourseFactory(title="Timed Course")
    quiz = QuizContentFactory(section=SectionFactory(course=course), title="Long quiz", time_limit_minutes=10)
    for n in range(8):
        QuestionFactory(content=quiz, question=f"Question number {n} about the course's own subject?")
    EnrollmentFactory(user=student, course=course)
    log_in(page, live_server, student)

    for viewport in (PHONE, LAPTOP):
        size = f"{viewport['width']}x{viewport['height']}"
        page.set_viewport_size(viewport)
        page.goto(f"{live_server.url}/notifications/")
        items = page.locator("#notification-list > li")
        expect(items).to_have_count(3)
        for i in range(3):
            item = items.nth(i)
            title, time, button = item.locator(".fw-semibold a"), item.locator("time"), item.get_by_role("button")
            assert not overlap(box(time), box(button)), f"time overlaps 'Mark read' at {size}"
            assert not overlap(box(title), box(button))
            # The title has the item's width (it used to share it with the time and the button and wrapped
            # every two or three words): at least 70% of the row, so a phone's line holds several words.
            assert box(item.locator(".fw-semibold"))["width"] > 0.7 * box(item)["width"], size
        page.screenshot(path=str(tmp_path / f"notifications-{size}.png"), full_page=False)

    page.set_viewport_size(PHONE)
    page.locator(".navbar-toggler").click()
    expect(page.locator("#mainNav")).to_have_class(re.compile(r"\bcollapse show\b"))  # the menu is open
    bell = page.locator("#nav-bell a")
    expect(bell).to_be_visible()
    expect(bell).to_have_attribute("aria-label", "Notifications: 3 unread")
    expect(bell).to_contain_text("Notifications")
    count = bell.locator(".badge:visible")
    expect(count).to_have_text("3")
    icon = box(bell.locator(".bi-bell-fill"))
    assert box(count)["x"] - (icon["x"] + icon["width"]) < 150, "the count sits next to the bell"
    assert box(count)["x"] + box(count)["width"] < PHONE["width"] - 100, "not at the screen's edge"
    page.screenshot(path=str(tmp_path / "bell-menu-390x844.png"), full_page=False)

    page.goto(f"{live_server.url}/learn/{course.slug}/{quiz.pk}/")
    assert box(page.locator(".quiz-stats"))["height"] < 200
    page.get_by_role("button", name="Start the quiz").click()
    timer = page.get_by_role("timer")
    expect(timer).to_be_visible()
    page.get_by_role("button", name="Submit answers").scroll_into_view_if_needed()
    top = box(timer)["y"]
    assert 0 <= top < 80, f"the timer scrolled out of view ({top})"
    page.screenshot(path=str(tmp_path / "quiz-timer-scrolled-390x844.png"), full_page=False)
    assert Course.objects.filter(pk=course.pk).exists()
    assert browser_problems == []
