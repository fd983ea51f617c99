"""Issue 19 §6: the product's main journeys, end to end in Chromium, through the UI as a person uses it.

Each test is one journey: real clicks and typing on the pages (sign-up and log-in forms included); only the
fixture data a journey starts from (published courses, staff accounts, a classroom session) is created in the
database.  Each journey checks its outcome in the database (enrolment, certificate, payment, course status,
hidden reply, attendance), not only on the page.  Screenshots at the key steps go to
test-results/journeys/<journey>-<step>.png (kept as CI artefacts; test-results/ is gitignored).

Celery runs eagerly in tests (no broker), so a certificate's PDF and a payment's receipt are made before the
page that shows them is loaded.  Two-factor authentication is off (DEBUG=true: OTP_REQUIRED_FOR_STAFF false).
See tests/RELIABILITY.md §6.
"""

import re
from decimal import Decimal
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from billing.models import Payment
from community.models import FlaggedItem, ModerationAction, ThreadReply
from community.services import reply_create, thread_create
from courses.models import Course, CourseApprovalRequest, CourseContent, CourseVersion
from learning.models import Attendance, Enrollment, IssuedCertificate, LessonCompletion, QuizAttempt
from tests.courses.factories import (
    CategoryFactory,
    ContentFactory,
    CourseFactory,
    PublishedCourseFactory,
    QuestionFactory,
    QuizContentFactory,
    SectionFactory,
)
from tests.factories import DEFAULT_PASSWORD, InstructorFactory, ModeratorFactory, ReviewerFactory, StudentFactory
from tests.learning.factories import ClassSessionFactory, EnrollmentFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

LAPTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def shots(screenshot_dir):
    """`shots(page, "journey", "step")` saves test-results/journeys/journey-step.png (full page)."""
    folder = screenshot_dir / "journeys"
    folder.mkdir(parents=True, exist_ok=True)

    def take(page, journey: str, step: str) -> None:
        page.screenshot(path=str(folder / f"{journey}-{step}.png"), full_page=True)

    return take


@pytest.fixture
def laptop(page):
    page.set_viewport_size(LAPTOP)
    return page


def log_in(page, live_server, email: str, password: str = DEFAULT_PASSWORD) -> None:
    """Log in through the login form (a fresh browser session first)."""
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", email)
    page.fill("#id_password", password)
    page.get_by_role("button", name="Log in").click()
    expect(page.locator("#userMenu")).to_be_visible()


def watch(page, problems: list[str]) -> list[str]:
    """What `browser_problems` records, for a second page (another browser context)."""
    page.on("console", lambda msg: problems.append(f"console: {msg.text}") if msg.type == "error" else None)
    page.on("pageerror", lambda exc: problems.append(f"page error: {exc}"))
    page.on("response", lambda resp: problems.append(f"HTTP {resp.status}: {resp.url}") if resp.status >= 400 else None)
    return problems


def alert(page, text):
    return page.get_by_role("alert").filter(has_text=text)


# 1 -------------------------------------------------------------------------------------------------------------


def test_journey_new_student_signs_up_completes_a_free_course_and_verifies_the_certificate(
    live_server, laptop, browser_problems, shots
):
    page = laptop
    instructor = InstructorFactory(first_name="Ines", last_name="Teacher")
    course = PublishedCourseFactory(
        instructor=instructor,
        title="Introduction to Astronomy",
        short_description="Stars, planets and telescopes.",
        price=0,
        category=CategoryFactory(name="Science", slug="science"),
    )
    section = SectionFactory(course=course, order=1, title="The night sky")
    ContentFactory(section=section, order=1, title="Constellations", article_body="Orion is easy to find.")
    ContentFactory(section=section, order=2, title="Planets", article_body="Eight planets orbit the Sun.")
    quiz = QuizContentFactory(section=section, order=3, title="Sky quiz", pass_mark=60)
    QuestionFactory(content=quiz, order=1, question="Largest planet?", options=["Mars", "Jupiter", "Venus"],
                    correct_answers=["Jupiter"])  # fmt: skip
    QuestionFactory(content=quiz, order=2, question="Our star?", options=["Sirius", "Sun", "Vega"],
                    correct_answers=["Sun"])  # fmt: skip
    PublishedCourseFactory(title="Cooking for Beginners", price=0)  # not found by the search below

    # Sign up.
    page.goto(f"{live_server.url}/")
    page.get_by_role("link", name="Sign up").first.click()
    expect(page.get_by_role("heading", name="Create your account")).to_be_visible()
    page.fill("#id_first_name", "Nora")
    page.fill("#id_last_name", "Newcomer")
    page.fill("#id_email", "nora@example.com")
    page.fill("#id_password1", "Telescope-Night-2026")
    page.fill("#id_password2", "Telescope-Night-2026")
    shots(page, "1-free-course", "01-signup-form")
    page.get_by_role("button", name="Sign up").click()
    expect(alert(page, "Welcome to CourseWorx, Nora!")).to_be_visible()

    # Find the course by search (the home page's search box leads to the catalog).
    page.get_by_label("Search courses").fill("astronomy")
    page.get_by_role("button", name="Search", exact=True).click()
    expect(page).to_have_url(re.compile(r"/courses/\?q=astronomy"))
    results = page.locator("main")
    expect(results.get_by_role("link", name="Introduction to Astronomy")).to_be_visible()
    expect(results.get_by_text("Cooking for Beginners")).to_have_count(0)
    shots(page, "1-free-course", "02-search-results")
    results.get_by_role("link", name="Introduction to Astronomy").first.click()
    expect(page.get_by_role("heading", name="Introduction to Astronomy", level=1)).to_be_visible()

    # Enrol for free.
    page.get_by_role("button", name="Enrol for free").click()
    expect(alert(page, "You are enrolled in “Introduction to Astronomy”.")).to_be_visible()  # on the first lesson
    student = Enrollment.objects.get(course=course).user
    assert student.email == "nora@example.com"
    shots(page, "1-free-course", "03-enrolled")

    # Every lesson: mark it complete, follow "next".
    for title, next_title in [("Constellations", "Planets"), ("Planets", "Sky quiz")]:
        expect(page.get_by_role("heading", name=title)).to_be_visible()
        page.get_by_role("button", name="Mark as complete").click()
        expect(page.locator("#completion-box")).to_contain_text("Completed")
        page.locator("a[rel=next]").click()
        expect(page.get_by_role("heading", name=next_title)).to_be_visible()
    assert LessonCompletion.objects.filter(user=student, content__course=course).count() == 2

    # The quiz: start, answer, submit, passed.
    page.get_by_role("button", name=re.compile("Start the quiz")).click()
    expect(page).to_have_url(re.compile(r"/quiz/attempts/[0-9a-f-]+/$"))
    page.get_by_label("Jupiter").check()
    page.get_by_label("Sun", exact=True).check()
    shots(page, "1-free-course", "04-quiz-answered")
    page.get_by_role("button", name="Submit answers").click()
    expect(page).to_have_url(re.compile(r"/result/$"))
    expect(page.get_by_role("status").filter(has_text="Course completed!")).to_be_visible()
    shots(page, "1-free-course", "05-quiz-result")
    attempt = QuizAttempt.objects.get(user=student, content=quiz)
    assert attempt.passed is True and attempt.submitted_at is not None

    enrollment = Enrollment.objects.get(user=student, course=course)
    assert enrollment.status == Enrollment.Status.COMPLETED
    certificate = IssuedCertificate.objects.get(enrollment=enrollment)
    assert certificate.pdf and certificate.revoked_at is None

    # The certificate from "My learning", its PDF, and the public verification page.
    page.get_by_role("status").get_by_role("link", name="My learning").click()
    page.locator("#certificates").get_by_role("link", name="Introduction to Astronomy").click()
    expect(page.get_by_text("Awarded to Nora Newcomer")).to_be_visible()
    expect(page.get_by_text("Valid", exact=True)).to_be_visible()
    shots(page, "1-free-course", "06-certificate")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download PDF").click()
    assert download.value.path().read_bytes().startswith(b"%PDF")
    page.get_by_role("link", name="Public verification page").click()
    expect(page).to_have_url(re.compile(rf"/certificates/verify/{certificate.code}/$"))
    expect(page.get_by_role("status").filter(has_text="This certificate is valid")).to_be_visible()
    expect(page.locator("main dl").first).to_contain_text("Nora Newcomer")
    expect(page.locator("main dl").first).to_contain_text("Introduction to Astronomy")
    shots(page, "1-free-course", "07-verification")
    assert browser_problems == []


# 2 -------------------------------------------------------------------------------------------------------------


def test_journey_student_buys_a_paid_course_through_the_sandbox(live_server, laptop, browser_problems, shots):
    page = laptop
    course = PublishedCourseFactory(title="Advanced Photography", price=Decimal("49.00"), currency="USD")
    ContentFactory(course=course, title="Light and shadow")
    student = StudentFactory(first_name="Paula", last_name="Payer", email="paula@example.com")

    log_in(page, live_server, student.email)
    page.get_by_role("navigation", name="Main navigation").get_by_role("link", name="Courses").click()
    page.get_by_role("link", name="Advanced Photography").first.click()
    page.get_by_role("link", name=re.compile(r"Buy for")).click()

    # The checkout page: the price, then "Continue to payment" (the sandbox provider's hosted page).
    expect(page.get_by_role("heading", name="Checkout")).to_be_visible()
    expect(page.locator("main")).to_contain_text("49.00")
    shots(page, "2-paid-course", "01-checkout")
    page.get_by_role("button", name="Continue to payment").click()
    expect(page).to_have_url(re.compile(r"/billing/sandbox/pay/[0-9a-f-]+/$"))
    payment = Payment.objects.get(user=student)
    assert payment.status == Payment.Status.PENDING and payment.amount == Decimal("49.00")
    assert not Enrollment.objects.filter(user=student, course=course).exists()
    shots(page, "2-paid-course", "02-sandbox")

    # Pay: the sandbox sends its signed webhook and brings the buyer back to the shop.
    page.get_by_role("button", name=re.compile(r"Pay .*\(succeed\)")).click()
    expect(page.get_by_role("heading", name="Payment successful")).to_be_visible()
    shots(page, "2-paid-course", "03-payment-successful")
    payment.refresh_from_db()
    assert payment.status == Payment.Status.SUCCEEDED and payment.receipt_number
    enrollment = Enrollment.objects.get(user=student, course=course)
    assert enrollment.status == Enrollment.Status.ENROLLED and enrollment.source == Enrollment.Source.PURCHASE

    # The receipt is in "My purchases" (made by the receipt task, eager in tests) and is a PDF.
    page.get_by_role("link", name="My purchases").click()
    row = page.locator("tr", has_text="Advanced Photography")
    expect(row).to_contain_text(f"Receipt {payment.receipt_number}")
    shots(page, "2-paid-course", "04-purchases")
    with page.expect_download() as download:
        row.get_by_role("link", name="Receipt").click()
    assert download.value.path().read_bytes().startswith(b"%PDF")
    payment.refresh_from_db()
    assert payment.receipt_pdf

    # And the course is open: "Continue learning" on its page leads to the player.
    page.goto(f"{live_server.url}{course.get_absolute_url()}")
    page.get_by_role("link", name="Continue learning").click()
    expect(page.get_by_role("heading", name="Light and shadow")).to_be_visible()
    shots(page, "2-paid-course", "05-player")
    assert browser_problems == []


# 3 -------------------------------------------------------------------------------------------------------------


def open_add_item(page, section_title: str, kind_label: str) -> None:
    section = page.locator(".cw-section", has=page.locator(".cw-section-title", has_text=section_title))
    section.locator("summary.cw-add-summary").click()
    section.locator(".cw-add-menu a", has_text=kind_label).click()


def test_journey_instructor_creates_a_course_in_the_admin_and_submits_it(live_server, laptop, browser_problems, shots):
    page = laptop
    CategoryFactory(name="Music", slug="music")
    instructor = InstructorFactory(first_name="Ivan", last_name="Author", email="ivan@example.com")

    log_in(page, live_server, instructor.email)
    page.get_by_role("link", name="Author courses").click()
    page.get_by_role("link", name=re.compile("Add course", re.I)).click()
    page.get_by_label("Title:").fill("Guitar for Beginners")
    page.get_by_label("Description:", exact=True).fill("Chords, strumming and your first song.")
    shots(page, "3-author", "01-course-form")
    page.locator("input[name=_save]").click()
    expect(page).to_have_url(re.compile(r"/admin/courses/course/[0-9a-f-]+/outline/$"))  # a new course opens there
    course = Course.objects.get(title="Guitar for Beginners")
    assert course.instructor == instructor and course.status == Course.Status.DRAFT
    assert page.url.endswith(f"/admin/courses/course/{course.pk}/outline/")

    # A section, then an article, a video and a quiz with one question in it.
    page.get_by_label("New section").fill("First chords")
    page.get_by_role("button", name="Add section").click()
    expect(page.locator(".cw-section-title", has_text="First chords")).to_be_visible()

    open_add_item(page, "First chords", "Article")
    page.get_by_label("Title:").fill("Holding the guitar")
    page.get_by_label("Text:").fill("Sit up straight and relax your shoulders.")
    page.locator("input[name=_save]").click()
    expect(page.locator(".cw-item-title", has_text="Holding the guitar")).to_be_visible()

    open_add_item(page, "First chords", "Video")
    expect(page.get_by_role("heading", name="New video")).to_be_visible()
    page.get_by_label("Title:").fill("The E minor chord")
    page.get_by_label("Video link:").fill("https://www.youtube.com/watch?v=dQw4w9WgXcQ")
    shots(page, "3-author", "02-video-form")
    page.locator("input[name=_save]").click()
    expect(page.locator(".cw-item-title", has_text="The E minor chord")).to_be_visible()

    open_add_item(page, "First chords", "Quiz")
    page.get_by_label("Title:").fill("Chord check")
    page.locator("#id_questions-0-question").fill("How many strings does a guitar have?")
    page.locator("#id_questions-0-options_0_text").fill("Six")
    page.locator("#id_questions-0-options_1_text").fill("Four")
    page.locator("#id_questions-0-options_0_correct").check()
    page.locator("input[name=_save]").click()
    expect(page.locator(".cw-question-text", has_text="How many strings does a guitar have?")).to_be_visible()
    shots(page, "3-author", "03-outline")

    lessons = {c.title: c for c in CourseContent.objects.filter(course=course)}
    assert lessons["Holding the guitar"].kind == CourseContent.Kind.ARTICLE
    assert lessons["The E minor chord"].kind == CourseContent.Kind.VIDEO
    assert lessons["The E minor chord"].video_url == "https://www.youtube.com/watch?v=dQw4w9WgXcQ"
    quiz = lessons["Chord check"]
    assert quiz.kind == CourseContent.Kind.QUIZ
    assert list(quiz.questions.values_list("options", "correct_answers")) == [(["Six", "Four"], ["Six"])]
    assert {c.section.title for c in lessons.values()} == {"First chords"}

    # Submit for review: the checklist passes, an optional note, then the course is in review and locked.
    page.get_by_role("link", name="Submit for review").click()
    page.get_by_label("Note for the reviewer (optional)").fill("First version, please have a look.")
    shots(page, "3-author", "04-submit")
    page.get_by_role("button", name="Submit for review").click()
    expect(page.get_by_text("“Guitar for Beginners” was submitted for review.")).to_be_visible()
    expect(page.locator(".cw-banner")).to_contain_text("In review. Editing is locked until a reviewer decides.")
    shots(page, "3-author", "05-in-review")
    course.refresh_from_db()
    assert course.status == Course.Status.IN_REVIEW
    request = CourseApprovalRequest.objects.get(course=course)
    assert request.decision == CourseApprovalRequest.Decision.PENDING and request.submitted_by == instructor
    assert browser_problems == []


# 4 -------------------------------------------------------------------------------------------------------------


def test_journey_reviewer_requests_changes_then_approves(live_server, page, browser, browser_problems, shots):
    instructor = InstructorFactory(first_name="Olga", last_name="Owner", email="olga@example.com")
    reviewer = ReviewerFactory(first_name="Rita", last_name="Reviewer", email="rita@example.com")
    course = CourseFactory(instructor=instructor, title="Watercolour Basics", description="Paint with water.")
    lesson = ContentFactory(course=course, title="Brushes", article_body="Round brushes.")

    # Two browsers side by side: the instructor's and the reviewer's.
    author = page
    author.set_viewport_size(LAPTOP)
    review = browser.new_context(viewport=LAPTOP).new_page()
    review_problems = watch(review, [])

    log_in(author, live_server, instructor.email)
    author.goto(f"{live_server.url}/admin/courses/course/{course.pk}/outline/")
    author.get_by_role("link", name="Submit for review").click()
    author.get_by_role("button", name="Submit for review").click()
    expect(author.get_by_text("“Watercolour Basics” was submitted for review.")).to_be_visible()

    # The reviewer finds it in "Courses awaiting review" and asks for changes (a note is required).
    log_in(review, live_server, reviewer.email)
    review.get_by_role("link", name="Admin", exact=True).click()
    review.get_by_role("link", name="Courses awaiting review").click()
    row = review.locator("tr", has_text="Watercolour Basics")
    row.get_by_role("link", name="Review").click()
    shots(review, "4-review", "01-review-page")
    review.get_by_label("Request changes").check()
    review.get_by_role("button", name="Record decision").click()
    expect(review.locator(".errorlist")).to_be_visible()  # no note: refused, nothing decided
    course.refresh_from_db()
    assert course.status == Course.Status.IN_REVIEW
    review.get_by_label("Request changes").check()
    review.get_by_label("Note for the instructor").fill("Please explain how to clean the brushes.")
    review.get_by_role("button", name="Record decision").click()
    expect(review.get_by_text("Changes were requested for “Watercolour Basics”.")).to_be_visible()
    shots(review, "4-review", "02-changes-requested")
    course.refresh_from_db()
    assert course.status == Course.Status.CHANGES_REQUESTED
    first = CourseApprovalRequest.objects.get(course=course)
    assert first.decision == CourseApprovalRequest.Decision.CHANGES_REQUESTED and first.reviewer == reviewer

    # The instructor sees the note, edits the lesson and resubmits.
    author.goto(f"{live_server.url}/admin/courses/course/{course.pk}/outline/")
    expect(author.get_by_text("Please explain how to clean the brushes.")).to_be_visible()
    shots(author, "4-review", "03-instructor-sees-note")
    author.locator(".cw-item", has_text="Brushes").get_by_role("link", name=re.compile("Brushes")).first.click()
    author.get_by_label("Text:").fill("Round brushes. Rinse them in clean water after painting.")
    author.locator("input[name=_save]").click()
    expect(author.locator(".cw-item-title", has_text="Brushes")).to_be_visible()
    author.get_by_role("link", name="Submit for review").click()
    author.get_by_label("Note for the reviewer (optional)").fill("Added the cleaning.")
    author.get_by_role("button", name="Submit for review").click()
    expect(author.get_by_text("“Watercolour Basics” was submitted for review.")).to_be_visible()
    course.refresh_from_db()
    assert course.status == Course.Status.IN_REVIEW

    # The reviewer sees what changed since the last submission and approves.
    review.get_by_role("link", name="Courses awaiting review").first.click()
    review.locator("tr", has_text="Watercolour Basics").get_by_role("link", name="Review").click()
    expect(review.locator("main, #content").first).to_contain_text("Rinse them in clean water")
    shots(review, "4-review", "04-second-review")
    review.get_by_label("Approve").check()
    review.get_by_role("button", name="Record decision").click()
    expect(review.get_by_text(re.compile(r"“Watercolour Basics” is published \(version 1\)\."))).to_be_visible()
    shots(review, "4-review", "05-approved")
    course.refresh_from_db()
    lesson.refresh_from_db()
    assert course.status == Course.Status.PUBLISHED and course.published_at is not None
    assert "Rinse them" in lesson.article_body
    decisions = list(
        CourseApprovalRequest.objects.filter(course=course).order_by("created_at").values_list("decision", flat=True)
    )
    assert decisions == [CourseApprovalRequest.Decision.CHANGES_REQUESTED, CourseApprovalRequest.Decision.APPROVED]
    assert CourseVersion.objects.filter(course=course, number=1).exists()

    # Published: anyone finds it in the catalog.
    author.context.clear_cookies()
    author.goto(f"{live_server.url}/courses/?q=watercolour")
    expect(author.get_by_role("link", name="Watercolour Basics").first).to_be_visible()
    assert browser_problems == [] and review_problems == []


# 5 -------------------------------------------------------------------------------------------------------------


def test_journey_moderator_hides_a_flagged_reply(live_server, laptop, browser_problems, shots):
    page = laptop
    course = PublishedCourseFactory(title="Public Speaking")
    lesson = ContentFactory(course=course, title="Your first talk")
    flagger = StudentFactory(first_name="Fiona", last_name="Flagger", email="fiona@example.com")
    troll = StudentFactory(first_name="Tom", last_name="Troll")
    asker = StudentFactory(first_name="Alex", last_name="Asker")
    for user in (flagger, troll, asker):
        EnrollmentFactory(user=user, course=course)
    thread = thread_create(user=asker, course=course, lesson=lesson, title="How to handle nerves?",
                           body="My hands shake before a talk.")  # fmt: skip
    reply_create(user=asker, thread=thread, body="Breathing slowly helps me.")
    bad = reply_create(user=troll, thread=thread, body="Buy cheap followers at spam.example now!!!")
    moderator = ModeratorFactory(first_name="Mona", last_name="Moderator", email="mona@example.com")

    # A student opens the lesson's discussion, then the thread, and reports the reply.
    log_in(page, live_server, flagger.email)
    page.goto(f"{live_server.url}/learn/{course.slug}/{lesson.pk}/")
    page.locator(".player-links").get_by_role("link", name="Discussion").click()
    page.get_by_role("link", name=re.compile("How to handle nerves?")).click()
    post = page.locator("div.d-flex.gap-3", has_text="Buy cheap followers").last
    expect(post).to_be_visible()
    shots(page, "5-moderation", "01-thread")
    post.get_by_role("link", name="Report this reply").click()
    page.get_by_label("Spam or advertising").check()
    page.get_by_label(re.compile("Details")).fill("Advertising followers.")
    shots(page, "5-moderation", "02-report-form")
    page.get_by_role("button", name="Send report").click()
    expect(alert(page, "Thank you. A moderator will review this content.")).to_be_visible()
    shots(page, "5-moderation", "03-reported")
    item = FlaggedItem.objects.get(object_id=bad.pk)
    assert item.open_flag_count == 1
    bad.refresh_from_db()
    assert not bad.is_hidden

    # The moderator hides it from the moderation queue (a note is required).
    log_in(page, live_server, moderator.email)
    page.get_by_role("link", name="Admin", exact=True).click()
    page.get_by_role("link", name="Moderation queue items").click()
    page.get_by_role("link", name=re.compile("Buy cheap followers")).click()
    shots(page, "5-moderation", "04-moderation-review")
    page.get_by_label(re.compile("Hide the content")).check()
    page.get_by_label(re.compile("Resolution note")).fill("Spam: hidden.")
    page.get_by_role("button", name="Apply decision").click()
    expect(page.locator(".messagelist")).to_contain_text("Done: the action is logged and the reporters are told")
    shots(page, "5-moderation", "05-hidden")
    bad.refresh_from_db()
    assert bad.is_hidden and bad.hidden_reason == ThreadReply.HiddenReason.MODERATOR
    assert ModerationAction.objects.filter(moderator=moderator, action="hide").count() == 1
    item.refresh_from_db()
    assert item.status == FlaggedItem.Status.RESOLVED
    assert list(item.flags.values_list("flagger__email", "status")) == [("fiona@example.com", "upheld")]

    # Students no longer see it; the other reply is still there.
    log_in(page, live_server, flagger.email)
    page.goto(f"{live_server.url}/discussions/thread/{thread.pk}/")
    expect(page.get_by_text("Breathing slowly helps me.")).to_be_visible()
    expect(page.get_by_text("Buy cheap followers")).to_have_count(0)
    shots(page, "5-moderation", "06-student-view")
    assert browser_problems == []


# 6 -------------------------------------------------------------------------------------------------------------


def test_journey_trainee_signs_in_to_a_classroom_session_by_qr(live_server, laptop, browser, browser_problems, shots):
    trainer = InstructorFactory(first_name="Tara", last_name="Trainer", email="tara@example.com")
    course = PublishedCourseFactory(instructor=trainer, title="First Aid")
    trainee = StudentFactory(first_name="Theo", last_name="Trainee", email="theo@example.com")
    EnrollmentFactory(user=trainee, course=course)
    session = ClassSessionFactory(course=course, title="CPR practice", room="Hall B")

    # The trainer opens the session's live page (the QR code) from their course's sessions.
    trainer_page = laptop
    log_in(trainer_page, live_server, trainer.email)
    trainer_page.goto(f"{live_server.url}/teach/{course.slug}/sessions/")
    trainer_page.get_by_role("link", name=re.compile("Live|QR|Show the code", re.I)).first.click()
    qr = trainer_page.locator("#session-qr img")
    expect(qr).to_be_visible()
    expect(trainer_page.locator(".session-count")).to_have_text("0")
    shots(trainer_page, "6-qr", "01-trainer-live")
    scanned = urlsplit(qr.get_attribute("data-url"))

    # The trainee's phone opens the code's URL, logs in and is signed in.
    phone = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True).new_page()
    phone_problems = watch(phone, [])
    phone.goto(f"{live_server.url}{scanned.path}?{scanned.query}")
    phone.fill("#id_username", trainee.email)
    phone.fill("#id_password", DEFAULT_PASSWORD)
    phone.get_by_role("button", name="Log in").click()
    expect(phone.get_by_text("You're signed in")).to_be_visible()
    shots(phone, "6-qr", "02-trainee-signed-in")
    record = Attendance.objects.get(session=session, user=trainee)
    assert record.status == "present" and record.signed_in_at is not None

    # The trainer's page counts them (htmx polling).
    expect(trainer_page.locator(".session-count")).to_have_text("1", timeout=12_000)
    expect(trainer_page.locator("#session-signed-in")).to_contain_text("Theo Trainee")
    shots(trainer_page, "6-qr", "03-trainer-after")
    assert browser_problems == [] and phone_problems == []
