"""The course outline in the admin: the page, re-ordering (drag, keyboard, no JavaScript), sections, locks."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from courses import services
from courses.models import Course, CourseContent, CourseSection
from tests.courses.factories import (
    CollaboratorFactory,
    ContentFactory,
    CourseFactory,
    QuestionFactory,
    QuizContentFactory,
    SectionFactory,
)
from tests.factories import AdminFactory, InstructorFactory, ReviewerFactory, StudentFactory
from tests.learning.factories import AssignmentFactory

pytestmark = pytest.mark.django_db


def outline_url(course):
    return reverse("admin:courses_course_outline", args=[course.pk])


def reorder_url(course):
    return reverse("admin:courses_course_outline_reorder", args=[course.pk])


@pytest.fixture
def course():
    """Two sections: "One" (a1, a2, quiz) and "Two" (b1); an assignment."""
    course = CourseFactory(title="Outlined")
    one = SectionFactory(course=course, title="One", order=0)
    two = SectionFactory(course=course, title="Two", order=1)
    ContentFactory(section=one, title="a1", order=0)
    ContentFactory(section=one, title="a2", order=1)
    quiz = QuizContentFactory(section=one, title="quiz", order=2)
    QuestionFactory(content=quiz, question="Capital of France?", options=["Paris", "Lyon"], correct_answers=["Paris"])
    ContentFactory(section=two, title="b1", order=0)
    AssignmentFactory(course=course, title="Essay", is_published=False)
    return course


def lesson(title) -> CourseContent:
    return CourseContent.objects.get(title=title)


def layout(course) -> list[tuple[str, list[tuple[str, int]]]]:
    """[(section title, [(lesson title, order), ...]), ...] as stored, sections by order."""
    return [
        (s.title, [(c.title, c.order) for c in s.contents.order_by("order")])
        for s in CourseSection.objects.filter(course=course).order_by("order")
    ]


def payload(*sections) -> dict:
    return {"sections": [{"id": str(s.pk), "items": [str(c.pk) for c in items]} for s, items in sections]}


def post_json(client, url, data):
    return client.post(url, json.dumps(data), content_type="application/json")


# --- the page ---------------------------------------------------------------------------------------


def test_outline_shows_every_kind_of_item_in_one_tree(client, course):
    client.force_login(course.instructor)
    response = client.get(outline_url(course))
    assert response.status_code == 200
    text = response.text
    for title in ("One", "Two", "a1", "a2", "quiz", "b1", "Capital of France?", "Essay"):
        assert title in text, title
    positions = [text.index(f'data-title="{t}"') for t in ("One", "a1", "a2", "quiz", "Two", "b1")]
    assert positions == sorted(positions) and positions[-1] < text.index("Essay")
    assert 'class="cw-correct"' in text  # the correct option is marked
    # Editing tools: move buttons, "+ Add item" with the types (no certificate), add section, preview links.
    assert 'data-move="item"' in text and 'data-move="section"' in text
    add = reverse("admin:courses_coursecontent_add")
    assert f"{add}?course={course.pk}&amp;section=" in text and "kind=quiz" in text and "kind=certificate" not in text
    assert f"{reverse('admin:learning_assignment_add')}?course={course.pk}" in text
    assert reverse("learning:lesson_preview", args=[course.slug, lesson("a1").pk]) in text  # preview mode
    assert "vendor/sortablejs/Sortable.min.js" in text and "courses/outline.js" in text


def test_outline_page_query_count_does_not_grow_with_the_course(client, course):
    client.force_login(course.instructor)
    client.get(outline_url(course))  # warm up (session, permissions)
    with CaptureQueriesContext(connection) as small:
        assert client.get(outline_url(course)).status_code == 200
    section = SectionFactory(course=course, title="Three", order=2)
    for i in range(5):
        quiz = QuizContentFactory(section=section, title=f"more {i}", order=i)
        QuestionFactory(content=quiz)
    AssignmentFactory(course=course)
    with CaptureQueriesContext(connection) as large:
        assert "more 4" in client.get(outline_url(course)).text
    assert len(large.captured_queries) == len(small.captured_queries)


def test_new_course_and_change_page_lead_to_the_outline(client, course):
    client.force_login(course.instructor)
    change = client.get(reverse("admin:courses_course_change", args=[course.pk]))
    assert outline_url(course) in change.text and "Open the course outline" in change.text
    listing = client.get(reverse("admin:courses_course_changelist"))
    assert f'<a href="{outline_url(course)}">Outlined</a>' in listing.text


def test_reviewer_sees_the_outline_read_only(client, course):
    services.course_submit(course=course, user=course.instructor)
    client.force_login(ReviewerFactory())
    response = client.get(outline_url(course))
    assert response.status_code == 200 and "a1" in response.text
    assert 'data-move="item"' not in response.text and "Add item" not in response.text
    assert "courses/outline.js" not in response.text


def test_another_author_gets_404_everywhere(client, course):
    client.force_login(InstructorFactory())
    section = course.sections.first()
    before = layout(course)
    assert client.get(outline_url(course)).status_code == 404
    full = payload(*[(s, list(s.contents.all())) for s in course.sections.all()])
    assert post_json(client, reorder_url(course), full).status_code == 404
    move = reverse("admin:courses_course_outline_move", args=[course.pk])
    assert client.post(move, {"target": "item", "id": lesson("a1").pk, "direction": "down"}).status_code == 404
    add_section = reverse("admin:courses_course_section_add", args=[course.pk])
    assert client.post(add_section, {"title": "Hijack"}).status_code == 404
    edit = reverse("admin:courses_course_section_edit", args=[course.pk, section.pk])
    assert client.post(edit, {"title": "Hijack"}).status_code == 404
    delete = reverse("admin:courses_course_section_delete", args=[course.pk, section.pk])
    assert client.post(delete).status_code == 404
    assert layout(course) == before
    assert not CourseSection.objects.filter(title="Hijack").exists()


def test_co_author_may_reorder(client, course):
    co_author = CollaboratorFactory(course=course).user
    client.force_login(co_author)
    one, two = course.sections.order_by("order")
    response = post_json(
        client, reorder_url(course), payload((two, [lesson("b1")]), (one, [lesson("a1"), lesson("a2"), lesson("quiz")]))
    )
    assert response.status_code == 200
    assert [s for s, _ in layout(course)] == ["Two", "One"]


def test_students_and_visitors_never_reach_it(client, course):
    assert client.get(outline_url(course)).status_code == 302  # to the admin login
    client.force_login(StudentFactory())
    response = post_json(client, reorder_url(course), {"sections": []})
    assert response.status_code == 302
    assert layout(course)[0][1][0] == ("a1", 0)


# --- re-ordering --------------------------------------------------------------------------------------


def test_swap_two_items_gives_a_gapless_order(client, course):
    client.force_login(course.instructor)
    one, two = course.sections.order_by("order")
    response = post_json(
        client, reorder_url(course), payload((one, [lesson("a2"), lesson("a1"), lesson("quiz")]), (two, [lesson("b1")]))
    )
    assert response.status_code == 200 and response.json()["ok"] is True
    assert layout(course) == [("One", [("a2", 0), ("a1", 1), ("quiz", 2)]), ("Two", [("b1", 0)])]


def test_move_across_sections_and_swap_sections_in_one_request(client, course):
    client.force_login(course.instructor)
    one, two = course.sections.order_by("order")
    data = payload((two, [lesson("b1"), lesson("a1")]), (one, [lesson("quiz"), lesson("a2")]))
    response = post_json(client, reorder_url(course), data)
    assert response.status_code == 200
    assert layout(course) == [("Two", [("b1", 0), ("a1", 1)]), ("One", [("quiz", 0), ("a2", 1)])]
    assert lesson("a1").section_id == two.pk and lesson("a1").course_id == course.pk
    assert [s.order for s in CourseSection.objects.filter(course=course).order_by("order")] == [0, 1]


def test_emptying_a_section(client, course):
    client.force_login(course.instructor)
    one, two = course.sections.order_by("order")
    data = payload((one, [lesson("a1"), lesson("a2"), lesson("quiz"), lesson("b1")]), (two, []))
    assert post_json(client, reorder_url(course), data).status_code == 200
    assert layout(course) == [("One", [("a1", 0), ("a2", 1), ("quiz", 2), ("b1", 3)]), ("Two", [])]


@pytest.mark.parametrize(
    ("case", "status", "code"),
    [
        ("foreign item", 400, "not_in_course"),
        ("foreign section", 400, "not_in_course"),
        ("duplicate", 400, "invalid"),
        ("missing item", 409, "outline_changed"),
        ("not json", 400, "invalid"),
        ("bad id", 400, "invalid"),
        ("wrong shape", 400, "invalid"),
    ],
)
def test_bad_orders_are_refused_and_change_nothing(client, course, case, status, code):
    other = ContentFactory(course=CourseFactory(instructor=course.instructor), title="elsewhere")
    client.force_login(course.instructor)
    one, two = course.sections.order_by("order")
    a1, a2, quiz, b1 = lesson("a1"), lesson("a2"), lesson("quiz"), lesson("b1")
    before = layout(course)
    data = {
        "foreign item": payload((one, [a1, a2, quiz, other]), (two, [b1])),
        "foreign section": payload((one, [a1, a2, quiz]), (two, [b1]), (other.section, [])),
        "duplicate": payload((one, [a1, a2, quiz, a1]), (two, [b1])),
        "missing item": payload((one, [a1, a2]), (two, [b1])),
        "bad id": {"sections": [{"id": "nope", "items": []}]},
        "wrong shape": {"sections": "all"},
    }.get(case)
    if case == "not json":
        response = client.post(reorder_url(course), "{not json", content_type="application/json")
    else:
        response = post_json(client, reorder_url(course), data)
    assert response.status_code == status, response.content
    assert response.json()["code"] == code and response.json()["message"]
    assert layout(course) == before


def test_reorder_is_refused_while_the_course_is_in_review(client, course):
    services.course_submit(course=course, user=course.instructor)
    client.force_login(course.instructor)
    one, two = course.sections.order_by("order")
    before = layout(course)
    response = post_json(
        client, reorder_url(course), payload((two, [lesson("b1")]), (one, [lesson("a1"), lesson("a2"), lesson("quiz")]))
    )
    assert response.status_code == 403 and response.json()["code"] == "permission_denied"
    assert layout(course) == before
    page = client.get(outline_url(course))
    assert "In review" in page.text and 'data-move="item"' not in page.text


def test_reorder_needs_post(client, course):
    client.force_login(course.instructor)
    assert client.get(reorder_url(course)).status_code == 405


def test_move_buttons_without_javascript(client, course):
    """Up from the top of a section goes to the end of the previous one; the page comes back at the item."""
    client.force_login(course.instructor)
    move = reverse("admin:courses_course_outline_move", args=[course.pk])
    b1 = lesson("b1")
    response = client.post(move, {"target": "item", "id": b1.pk, "direction": "up"})
    assert response.status_code == 302 and response.url == f"{outline_url(course)}#item-{b1.pk}"
    assert layout(course) == [("One", [("a1", 0), ("a2", 1), ("quiz", 2), ("b1", 3)]), ("Two", [])]
    client.post(move, {"target": "item", "id": lesson("a1").pk, "direction": "down"})
    assert layout(course)[0][1][:2] == [("a2", 0), ("a1", 1)]
    two = CourseSection.objects.get(title="Two")
    client.post(move, {"target": "section", "id": two.pk, "direction": "up"})
    assert [s for s, _ in layout(course)] == ["Two", "One"]
    # Past the first place: nothing changes, no error.
    client.post(move, {"target": "section", "id": two.pk, "direction": "up"})
    assert [s for s, _ in layout(course)] == ["Two", "One"]


# --- sections -------------------------------------------------------------------------------------


def test_add_edit_and_delete_sections(client, course):
    client.force_login(course.instructor)
    response = client.post(reverse("admin:courses_course_section_add", args=[course.pk]), {"title": "Three"})
    three = CourseSection.objects.get(title="Three")
    assert response.url == f"{outline_url(course)}#section-{three.pk}" and three.order == 2
    edit = reverse("admin:courses_course_section_edit", args=[course.pk, three.pk])
    assert client.get(edit).status_code == 200
    response = client.post(edit, {"title": "Three, renamed", "description": "More", "is_published": ""})
    three.refresh_from_db()
    assert response.status_code == 302 and three.title == "Three, renamed" and not three.is_published

    one = CourseSection.objects.get(title="One")
    refused = client.post(reverse("admin:courses_course_section_delete", args=[course.pk, one.pk]), follow=True)
    assert "still has lessons" in refused.text and CourseSection.objects.filter(pk=one.pk).exists()
    client.post(reverse("admin:courses_course_section_delete", args=[course.pk, three.pk]))
    assert not CourseSection.objects.filter(pk=three.pk).exists()
    assert [s for s, _ in layout(course)] == ["One", "Two"]


def test_section_without_title_is_refused(client, course):
    client.force_login(course.instructor)
    response = client.post(reverse("admin:courses_course_section_add", args=[course.pk]), {"title": " "}, follow=True)
    assert "Give the new section a title" in response.text
    assert course.sections.count() == 2


def test_sections_cannot_be_changed_in_review(client, course):
    services.course_submit(course=course, user=course.instructor)
    client.force_login(course.instructor)
    one = course.sections.get(title="One")
    client.post(reverse("admin:courses_course_section_add", args=[course.pk]), {"title": "Late"})
    client.post(reverse("admin:courses_course_section_edit", args=[course.pk, one.pk]), {"title": "Late"})
    assert not CourseSection.objects.filter(title="Late").exists()


def test_superuser_sees_every_outline(client, course):
    client.force_login(AdminFactory())
    assert client.get(outline_url(course)).status_code == 200
    assert Course.objects.get(pk=course.pk).status == Course.Status.DRAFT


def test_regression_the_outline_says_in_review_and_changes_requested_once(client, course):
    """Issue 19 §6 (browser journeys): the outline showed its status line and the review banner, both saying
    the same ("In review: the outline is locked…" + "In review. Editing is locked…"; "Changes requested: edit
    the course…" + the reviewer's note with "Make the changes, then submit…")."""
    reviewer = ReviewerFactory()
    services.course_submit(course=course, user=course.instructor)
    client.force_login(course.instructor)
    page = client.get(outline_url(course)).text
    assert page.count("locked until") == 1 and "Editing is locked until a reviewer decides." in page
    assert 'class="cw-note' not in page

    services.course_request_changes(course=course, reviewer=reviewer, note="Add a summary.")
    page = client.get(outline_url(course)).text
    assert "Changes requested by the reviewer" in page and "Add a summary." in page
    assert page.count("submit the course for review again") == 1
    assert "Changes requested: edit the course" not in page

    # Without a reviewer's note (the status set by hand), the outline's own line still says what to do.
    Course.objects.filter(pk=course.pk).update(status=Course.Status.DRAFT)
    services.course_submit(course=course, user=course.instructor)
    Course.objects.filter(pk=course.pk).update(status=Course.Status.CHANGES_REQUESTED)
    course.approval_requests.update(decision="approved")
    page = client.get(outline_url(course)).text
    assert "Changes requested: edit the course, then submit it for review again." in page
