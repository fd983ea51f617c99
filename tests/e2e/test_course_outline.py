"""An instructor builds a course through its outline in Chromium: a new course, two sections, an article, a quiz
with a question (its answer ticked), a drag to another section, a keyboard move, a preview, a submission for
review.  Screenshots at 1280×900 and 390×844 go to the test's tmp dir (paths printed).
"""

import re

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import expect

from courses.models import Course, CourseContent, CourseSection
from tests.courses.factories import CategoryFactory
from tests.factories import InstructorFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def csp_violations(context):
    found: list[str] = []
    context.on(
        "console",
        lambda msg: found.append(msg.text) if "Content Security Policy" in msg.text else None,
    )
    return found


def log_in(page, live_server, user) -> None:
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}])


def layout(course) -> list[tuple[str, list[str]]]:
    return [
        (s.title, list(s.contents.order_by("order").values_list("title", flat=True)))
        for s in CourseSection.objects.filter(course=course).order_by("order")
    ]


def shoot(page, path, name: str) -> None:
    target = path / f"outline-{name}.png"
    page.screenshot(path=str(target), full_page=True)
    print(f"screenshot: {target}")


def add_section(page, title: str) -> None:
    page.get_by_label("New section").fill(title)
    page.get_by_role("button", name="Add section").click()
    expect(page.locator(".cw-section-title", has_text=title)).to_be_visible()


def open_add_item(page, section_title: str, kind_label: str) -> None:
    section = page.locator(".cw-section", has=page.locator(".cw-section-title", has_text=section_title))
    section.locator("summary.cw-add-summary").click()
    section.locator(".cw-add-menu a", has_text=kind_label).click()


def test_build_a_course_through_the_outline(live_server, page, browser_problems, csp_violations, tmp_path):
    CategoryFactory(name="Cloud")
    instructor = InstructorFactory(first_name="Olga")
    log_in(page, live_server, instructor)
    page.set_viewport_size({"width": 1280, "height": 900})

    # A new course: "Author courses" in the navbar leads to their list; saving the course opens its outline.
    page.goto(f"{live_server.url}/")
    page.get_by_role("link", name="Author courses").click()
    expect(page.get_by_role("heading", name="Your courses")).to_be_visible()
    page.get_by_role("link", name=re.compile("Add course", re.I)).click()
    page.get_by_label("Title:").fill("Kubernetes Basics")
    page.get_by_label("Description:", exact=True).fill("Run containers in production.")
    page.locator("input[name=_save]").click()
    course = Course.objects.get(title="Kubernetes Basics")
    expect(page).to_have_url(re.compile(rf"/admin/courses/course/{course.pk}/outline/$"))
    expect(page.get_by_text("This course has no sections yet.")).to_be_visible()

    add_section(page, "Basics")
    add_section(page, "Wrap-up")

    # An article, from "+ Add item" in "Basics": its form has only an article's fields.
    open_add_item(page, "Basics", "Article")
    expect(page.get_by_role("heading", name="New article")).to_be_visible()
    assert page.locator("#id_file").count() == 0 and page.locator("#id_pass_mark").count() == 0
    page.get_by_label("Title:").fill("What is a pod?")
    page.get_by_label("Text:").fill("A **pod** is the smallest deployable unit.")
    page.get_by_label("Duration (minutes):").fill("6")
    page.locator("input[name=_save]").click()
    expect(page.locator(".cw-item-title", has_text="What is a pod?")).to_be_visible()

    open_add_item(page, "Basics", "Article")
    page.get_by_label("Title:").fill("Summary")
    page.get_by_label("Text:").fill("What we learned.")
    page.locator("input[name=_save]").click()

    # A quiz with one question, the correct option ticked (not retyped).
    open_add_item(page, "Wrap-up", "Quiz")
    expect(page.get_by_role("heading", name="New quiz")).to_be_visible()
    page.get_by_label("Title:").fill("Check yourself")
    page.locator("#id_questions-0-question").fill("What runs containers?")
    page.locator("#id_questions-0-options_0_text").fill("A pod")
    page.locator("#id_questions-0-options_1_text").fill("A service")
    page.locator("#id_questions-0-options_0_correct").check()
    # Switching the type shows the true/false answer instead of the option rows.
    page.locator("#id_questions-0-question_type").select_option("true_false")
    question = page.locator("#questions-0")
    expect(question.locator(".field-options")).to_be_hidden()
    expect(question.locator(".field-true_false_answer")).to_be_visible()
    page.locator("#id_questions-0-question_type").select_option("single_choice")
    expect(question.locator(".field-options")).to_be_visible()
    expect(question.locator(".field-true_false_answer")).to_be_hidden()
    shoot(page, tmp_path, "quiz-form-1280")
    page.locator("input[name=_save]").click()
    expect(page.locator(".cw-question-text", has_text="What runs containers?")).to_be_visible()
    quiz = CourseContent.objects.get(title="Check yourself")
    assert list(quiz.questions.values_list("options", "correct_answers")) == [(["A pod", "A service"], ["A pod"])]
    assert layout(course) == [("Basics", ["What is a pod?", "Summary"]), ("Wrap-up", ["Check yourself"])]
    shoot(page, tmp_path, "built-1280")

    # Drag "Summary" by its handle onto the quiz: it moves into "Wrap-up" (before or after the quiz, as the
    # drop lands); the announcement, the numbers on the page and the stored order agree.
    summary = page.locator(".cw-item", has_text="Summary")
    quiz_row = page.locator(".cw-item", has_text="Check yourself")
    handle = summary.locator(".cw-handle-item")
    box, target = handle.bounding_box(), quiz_row.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.down()
    for step in range(1, 21):
        page.mouse.move(box["x"] + 5, box["y"] + (target["y"] + 8 - box["y"]) * step / 20)
    page.mouse.up()
    status = page.locator("#outline-status")
    expect(status).to_contain_text(re.compile(r"“Summary” is now item \d of 2 in “Wrap-up”\. Saved\."))
    stored = layout(course)
    assert stored[0] == ("Basics", ["What is a pod?"]) and sorted(stored[1][1]) == ["Check yourself", "Summary"]
    place = stored[1][1].index("Summary") + 1
    assert f"item {place} of 2" in status.inner_text()
    assert page.locator(".cw-section").nth(1).locator(".cw-item-title").all_inner_texts() == stored[1][1]
    assert page.locator(".cw-item [data-number]").all_inner_texts() == ["1.1", "2.1", "2.2"]
    shoot(page, tmp_path, "after-drag-1280")
    if place == 2:  # the keyboard below starts from the top of "Wrap-up"
        page.get_by_role("button", name="Move “Summary” up").click()
        expect(status).to_contain_text("“Summary” is now item 1 of 2 in “Wrap-up”. Saved.")

    # The keyboard: focus "Move “Summary” up" and press Enter: from the top of "Wrap-up" to the end of "Basics";
    # the move is announced and saved, and the focus stays on the button.
    page.get_by_role("button", name="Move “Summary” up").focus()
    page.keyboard.press("Enter")
    expect(page.locator("#outline-status")).to_contain_text("“Summary” is now item 2 of 2 in “Basics”. Saved.")
    assert page.evaluate("() => document.activeElement.getAttribute('aria-label')") == "Move “Summary” up"
    assert layout(course) == [("Basics", ["What is a pod?", "Summary"]), ("Wrap-up", ["Check yourself"])]
    page.get_by_role("button", name="Move “What is a pod?” down").focus()
    page.keyboard.press("Enter")  # a swap within the section
    expect(page.locator("#outline-status")).to_contain_text("“What is a pod?” is now item 2 of 2 in “Basics”. Saved.")
    assert layout(course) == [("Basics", ["Summary", "What is a pod?"]), ("Wrap-up", ["Check yourself"])]
    page.reload()  # the stored order is what the page shows
    numbers = page.locator(".cw-item [data-number]").all_inner_texts()
    assert numbers == ["1.1", "1.2", "2.1"]

    # Preview: the lesson opens in the student's player.
    preview = page.locator(".cw-item", has_text="What is a pod?").get_by_role("link", name=re.compile("Preview"))
    with page.context.expect_page() as new_tab:
        preview.click()
    player = new_tab.value
    player.wait_for_load_state()
    expect(player.get_by_role("heading", name="What is a pod?")).to_be_visible()
    player.close()

    # Submit for review: the outline is then locked (no handles, no move buttons, no "Add item").
    page.get_by_role("link", name="Submit for review").click()
    page.get_by_role("button", name="Submit for review").click()
    expect(page.locator(".cw-banner")).to_contain_text("In review. Editing is locked until a reviewer decides.")
    expect(page.locator("[data-move]")).to_have_count(0)
    expect(page.get_by_text("Add item")).to_have_count(0)
    assert Course.objects.get(pk=course.pk).status == Course.Status.IN_REVIEW
    shoot(page, tmp_path, "in-review-1280")

    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    shoot(page, tmp_path, "in-review-390")
    assert csp_violations == []
    assert browser_problems == []


def test_outline_on_a_phone(live_server, page, browser_problems, tmp_path):
    """The editable outline at 390×844: everything reachable, nothing overflowing sideways."""
    instructor = InstructorFactory()
    course = Course.objects.create(instructor=instructor, title="Phone course", slug="phone-course", description="x")
    section = CourseSection.objects.create(course=course, title="Getting started", order=0)
    CourseContent.objects.create(course=course, section=section, kind="article", title="A rather long lesson title "
                                 "that has to wrap on a phone", article_body="x", order=0)  # fmt: skip
    log_in(page, live_server, instructor)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/admin/courses/course/{course.pk}/outline/")
    expect(page.get_by_role("button", name=re.compile("Move “A rather long"))).to_have_count(2)
    overflow = page.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0
    shoot(page, tmp_path, "editable-390")
    assert browser_problems == []
