"""Issue 15 §4 in Chromium: a learner's notes page with tags (add a course note, filter by a tag) on a
phone and a laptop, and an instructor's lesson-analytics page (Chart.js bar chart drawn by the static
reports/charts.js under the strict CSP, and the table).  No console errors (a CSP violation is one).
Screenshots go to test-results/ (the `screenshot_dir` fixture)."""

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from learning import services
from learning.models import LessonCompletion
from reports.models import ActivityLog
from tests.courses.factories import CategoryFactory, ContentFactory, PublishedCourseFactory, SectionFactory
from tests.factories import InstructorFactory, StudentFactory
from tests.learning.factories import EnrollmentFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1280, "height": 900}


def log_in(page, live_server, user) -> None:
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}])


def course_with_lessons(instructor, n: int):
    course = PublishedCourseFactory(instructor=instructor, title="Python Basics")
    section = SectionFactory(course=course, order=1, title="Getting started")
    titles = ["Welcome", "Variables", "Loops", "Functions", "Modules", "Testing"]
    return course, [ContentFactory(section=section, order=i + 1, title=titles[i]) for i in range(n)]


@pytest.mark.parametrize("viewport", [PHONE, LAPTOP], ids=["phone", "laptop"])
def test_notes_page_with_tags(page, live_server, browser_problems, screenshot_dir, viewport):
    student = StudentFactory()
    course, lessons = course_with_lessons(InstructorFactory(), 3)
    EnrollmentFactory(user=student, course=course)
    services.note_save(user=student, content=lessons[1], body="Names are labels, not boxes.", tags="basics, exam")
    services.note_save(user=student, content=lessons[2], body="for … else runs when no break.", tags="loops")
    page.set_viewport_size(viewport)
    log_in(page, live_server, student)
    page.goto(live_server.url + reverse("learning:course_notes", args=[course.slug]))

    page.get_by_label("Note on the course").fill("Plan: one lesson a day, quiz on Fridays.")
    page.get_by_label("Tags").first.fill("Plan, Exam")
    page.get_by_role("button", name="Add note").click()
    expect(page.get_by_text("Note added to the course.")).to_be_visible()
    expect(page.get_by_role("heading", name="Course note")).to_be_visible()
    expect(page.get_by_role("link", name="#exam 2")).to_be_visible()

    page.get_by_role("link", name="#exam 2").click()
    expect(page.get_by_role("paragraph").filter(has_text="Plan: one lesson a day")).to_be_visible()
    expect(page.get_by_text("Names are labels")).to_be_visible()
    expect(page.get_by_text("for … else")).to_have_count(0)
    name = "phone" if viewport is PHONE else "laptop"
    page.screenshot(path=str(screenshot_dir / f"notes-tags-{name}.png"), full_page=True)
    assert browser_problems == []


def test_instructor_lesson_analytics_page(page, live_server, browser_problems, screenshot_dir):
    instructor = InstructorFactory()
    course, lessons = course_with_lessons(instructor, 6)
    students = [StudentFactory() for _ in range(10)]
    for s in students:
        EnrollmentFactory(user=s, course=course)
    reached = [10, 8, 7, 5, 4, 2]
    now = timezone.now()
    for lesson, n in zip(lessons, reached, strict=True):
        for j, s in enumerate(students[:n]):
            done = j < n - 1
            LessonCompletion.objects.create(
                user=s, content=lesson, course=course, completed=done, completed_at=now if done else None
            )
            for _ in range(1 + j % 3):
                ActivityLog.objects.create(
                    user=s, event=ActivityLog.Event.LESSON_VIEW, course=course, content=lesson, created_at=now
                )
    page.set_viewport_size(LAPTOP)
    log_in(page, live_server, instructor)
    page.goto(live_server.url + reverse("learning:instructor_dashboard"))
    page.get_by_role("link", name="lesson analytics of Python Basics").click()
    expect(page.get_by_role("heading", name="Lesson analytics")).to_be_visible()
    drawn = page.wait_for_function("() => window.Chart && Chart.getChart(document.getElementById('chart-lessons'))")
    assert drawn
    rows = page.locator("tbody tr")
    expect(rows).to_have_count(6)
    expect(rows.nth(1)).to_contain_text("−2")  # 10 reached lesson 1, 8 lesson 2
    page.wait_for_timeout(600)  # the chart's animation
    page.screenshot(path=str(screenshot_dir / "lesson-analytics-laptop.png"), full_page=True)
    page.set_viewport_size(PHONE)
    page.reload()
    page.wait_for_function("() => window.Chart && Chart.getChart(document.getElementById('chart-lessons'))")
    page.wait_for_timeout(600)
    page.screenshot(path=str(screenshot_dir / "lesson-analytics-phone.png"), full_page=True)
    assert browser_problems == []


def test_course_page_lists_every_category(page, live_server, browser_problems, screenshot_dir):
    primary = CategoryFactory(name="Data Analysis", slug="data-analysis")
    second = CategoryFactory(name="Business", slug="business")
    course = PublishedCourseFactory(title="SQL for Data Analysis", category=primary, categories=[second])
    ContentFactory(section=SectionFactory(course=course, order=1), order=1)
    page.set_viewport_size(LAPTOP)
    page.goto(live_server.url + course.get_absolute_url())
    facts = page.locator(".course-categories")
    expect(facts).to_contain_text("Data Analysis, Business")  # the primary first
    page.screenshot(path=str(screenshot_dir / "course-categories-laptop.png"))
    facts.get_by_role("link", name="Business").click()
    expect(page.get_by_role("link", name="SQL for Data Analysis").first).to_be_visible()
    assert browser_problems == []
