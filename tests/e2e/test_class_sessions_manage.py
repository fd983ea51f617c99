"""Classroom sessions, the trainer's side, in Chromium: editing an upcoming session and cancelling it on
the sessions page (laptop and phone), the trainee seeing the cancellation on a phone, the teaching
dashboard's attendance column, and editing a course note inline.  Screenshots in test-results/
(e2e-sessions-manage-*.png); no console errors (CSP) anywhere."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from courseworx.core.models import Notification
from learning import services
from learning.models import ClassSession, UserNote
from tests.courses.factories import PublishedCourseFactory
from tests.e2e.test_class_sessions import PHONE, log_in, watch
from tests.factories import InstructorFactory, StudentFactory
from tests.learning.factories import ClassSessionFactory, EnrollmentFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
LAPTOP = {"width": 1280, "height": 800}


def test_trainer_edits_and_cancels_a_session(live_server, page, browser, browser_problems, screenshot_dir):
    trainer = InstructorFactory(first_name="Tara", last_name="Trainer")
    course = PublishedCourseFactory(instructor=trainer, title="Forklift Safety")
    trainee = StudentFactory(first_name="Pia", last_name="Phone")
    EnrollmentFactory(course=course, user=trainee)
    starts = (timezone.now() + dt.timedelta(days=2)).replace(hour=9, minute=0, second=0, microsecond=0)
    upcoming = ClassSessionFactory(
        course=course, title="Practical day", starts_at=starts, ends_at=starts + dt.timedelta(hours=3)
    )
    past = timezone.now() - dt.timedelta(days=3)
    ClassSessionFactory(course=course, title="Theory", starts_at=past, ends_at=past + dt.timedelta(hours=2))

    page.set_viewport_size(LAPTOP)
    log_in(page, live_server, trainer)
    page.goto(f"{live_server.url}/teach/{course.slug}/sessions/")
    expect(page.get_by_role("link", name="Edit Practical day")).to_be_visible()
    expect(page.get_by_role("link", name="Edit Theory")).to_have_count(0)  # over: no edit
    page.get_by_role("link", name="Edit Practical day").click()
    expect(page.get_by_role("heading", name="Cancel this session")).to_be_visible()
    page.screenshot(path=str(screenshot_dir / "e2e-sessions-manage-edit-laptop.png"), full_page=True)
    page.fill("#id_room", "Hall B")
    page.fill("#id_start", "10:00")
    page.get_by_role("button", name="Save changes").click()
    expect(page.locator(".alert-success, .toast, [role=status]").first).to_contain_text("Session updated")
    upcoming.refresh_from_db()
    assert upcoming.room == "Hall B" and upcoming.local_start.hour == 10
    assert Notification.objects.filter(user=trainee, title__startswith="Changed:").exists()

    # Cancel on a phone: the reason is required.
    phone_context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    phone = phone_context.new_page()
    problems: list[str] = []
    watch(phone, problems)
    log_in(phone, live_server, trainer)
    phone.goto(f"{live_server.url}/teach/sessions/{upcoming.pk}/edit/")
    assert phone.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]
    phone.screenshot(path=str(screenshot_dir / "e2e-sessions-manage-edit-phone.png"), full_page=True)
    phone.fill("#id_cancel_reason", "The trainer is ill; a new date follows.")
    phone.get_by_role("button", name="Cancel the session").click()
    expect(phone.locator(".session-cancel-reason")).to_contain_text("The trainer is ill")
    assert ClassSession.objects.get(pk=upcoming.pk).status == "cancelled"
    assert phone.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]
    phone.screenshot(path=str(screenshot_dir / "e2e-sessions-manage-list-phone.png"), full_page=True)

    # The trainee, on a phone: the notification's link shows the cancelled session.
    phone_context.clear_cookies()
    log_in(phone, live_server, trainee)
    note = Notification.objects.get(user=trainee, title__startswith="Cancelled:")
    phone.goto(f"{live_server.url}{note.url}")
    expect(phone.locator(".session-cancelled")).to_contain_text("The trainer is ill")
    expect(phone.get_by_role("button", name="Sign in")).to_have_count(0)
    phone.screenshot(path=str(screenshot_dir / "e2e-sessions-manage-trainee-cancelled.png"), full_page=True)
    phone.goto(f"{live_server.url}{course.get_absolute_url()}")
    expect(phone.locator(".class-sessions")).to_contain_text("Cancelled")
    assert problems == []

    page.goto(f"{live_server.url}/teach/{course.slug}/sessions/")
    page.screenshot(path=str(screenshot_dir / "e2e-sessions-manage-list-laptop.png"), full_page=True)
    assert browser_problems == []


def test_teaching_dashboard_rate_and_live_page_of_a_past_session(live_server, page, browser_problems, screenshot_dir):
    trainer = InstructorFactory()
    course = PublishedCourseFactory(instructor=trainer, title="First Aid")
    trainee = EnrollmentFactory(course=course).user
    past = timezone.now() - dt.timedelta(days=1)
    session = ClassSessionFactory(course=course, starts_at=past, ends_at=past + dt.timedelta(hours=2))
    services.attendance_session_mark(
        session=session, user=trainee, actor=trainer, action="sign_in", reason="Paper sheet",
        at=past + dt.timedelta(minutes=1),
    )  # fmt: skip
    page.set_viewport_size(LAPTOP)
    log_in(page, live_server, trainer)
    page.goto(f"{live_server.url}/teach/")
    expect(page.locator(".course-attendance-rate")).to_have_text("100%")
    page.screenshot(path=str(screenshot_dir / "e2e-sessions-manage-teaching-dashboard.png"), full_page=True)
    page.goto(f"{live_server.url}/teach/sessions/{session.pk}/live/")
    expect(page.locator(".session-live-closed")).to_contain_text("This session is over")
    page.screenshot(path=str(screenshot_dir / "e2e-sessions-manage-live-over.png"))
    assert browser_problems == []


def test_student_edits_a_course_note_on_a_phone(live_server, browser, screenshot_dir):
    student = StudentFactory()
    course = PublishedCourseFactory(title="Garden Design")
    EnrollmentFactory(course=course, user=student)
    note = services.note_course_create(user=student, course=course, body="Plant in spring", tags="plan")
    phone = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True).new_page()
    problems: list[str] = []
    watch(phone, problems)
    log_in(phone, live_server, student)
    phone.goto(f"{live_server.url}/learn/{course.slug}/notes/")
    phone.get_by_text("Edit", exact=True).click()
    phone.fill(f"#note-body-{note.pk}", "Plant in autumn")
    phone.fill(f"#note-tags-{note.pk}", "plan, autumn")
    phone.screenshot(path=str(screenshot_dir / "e2e-sessions-manage-note-edit-phone.png"), full_page=True)
    phone.get_by_role("button", name="Save", exact=True).click()
    expect(phone.locator(".card-body p", has_text="Plant in autumn")).to_be_visible()
    phone.get_by_role("link", name="#autumn").first.click()
    expect(phone.locator(".card-body p", has_text="Plant in autumn")).to_be_visible()
    assert sorted(UserNote.objects.get(pk=note.pk).tags.values_list("name", flat=True)) == ["autumn", "plan"]
    assert phone.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]
    assert problems == []


def test_per_trainee_attendance_report(live_server, page, browser_problems, screenshot_dir):
    trainer = InstructorFactory()
    course = PublishedCourseFactory(instructor=trainer, title="Welding Basics")
    past = timezone.now() - dt.timedelta(days=1)
    session = ClassSessionFactory(course=course, starts_at=past, ends_at=past + dt.timedelta(hours=2))
    for i, action in enumerate(["sign_in", "absent", "excuse"]):
        trainee = EnrollmentFactory(course=course, user=StudentFactory(first_name=f"Trainee{i}")).user
        services.attendance_session_mark(
            session=session, user=trainee, actor=trainer, action=action, reason="Sheet",
            at=past + dt.timedelta(minutes=1) if action == "sign_in" else None,
        )  # fmt: skip
    day = session.local_start.date().isoformat()
    log_in(page, live_server, trainer)
    for name, size in (("laptop", LAPTOP), ("phone", PHONE)):
        page.set_viewport_size(size)
        page.goto(f"{live_server.url}/reports/attendance-trainees/?course={course.pk}&date_from={day}&date_to={day}")
        expect(page.get_by_role("heading", name="Attendance per trainee")).to_be_visible()
        expect(page.locator("table")).to_contain_text("Trainee1")
        page.screenshot(path=str(screenshot_dir / f"e2e-sessions-manage-report-{name}.png"), full_page=True)
    assert browser_problems == []
