"""Authoring and review in the admin: scoping, permissions, submit, review queue, versions."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from courses import services
from courses.models import Course, CourseApprovalRequest, CourseContent, CourseSection, CourseVersion
from tests.courses.factories import (
    CollaboratorFactory,
    ContentFactory,
    CourseFactory,
    QuestionFactory,
    QuizContentFactory,
)
from tests.factories import AdminFactory, InstructorFactory, ReviewerFactory

pytestmark = pytest.mark.django_db

S = Course.Status


def change_url(course):
    return reverse("admin:courses_course_change", args=[course.pk])


def course_form_data(course, **overrides):
    """A complete POST for the course change form (inline management forms included)."""
    data = {
        "title": course.title,
        "slug": course.slug,
        "short_description": course.short_description,
        "description": course.description,
        "price": str(course.price),
        "currency": course.currency,
        "level": course.level,
        "language": course.language,
        "category": str(course.category_id or ""),
        "requirements": "",
        "learning_outcomes": "",
        "curriculum_summary": "",
    }
    for prefix in ("sections", "contents", "collaborators"):
        data |= {f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0", f"{prefix}-MAX_NUM_FORMS": "1000"}
    return data | overrides


@pytest.fixture
def course_a():
    course = CourseFactory(title="Course of A")
    ContentFactory(course=course, title="A lesson")
    return course


@pytest.fixture
def course_b():
    return CourseFactory(title="Course of B")


@pytest.fixture
def reviewer():
    return ReviewerFactory()


def test_instructor_sees_only_own_courses(client, course_a, course_b):
    client.force_login(course_a.instructor)
    response = client.get(reverse("admin:courses_course_changelist"))
    assert response.status_code == 200
    assert "Course of A" in response.text
    assert "Course of B" not in response.text


def test_instructor_cannot_open_or_post_to_another_course(client, course_a, course_b):
    client.force_login(course_a.instructor)
    response = client.get(change_url(course_b))
    assert response.status_code == 302 and response.url == reverse("admin:index")

    response = client.post(change_url(course_b), course_form_data(course_b, title="Hijacked"))
    assert response.status_code in (302, 403)
    course_b.refresh_from_db()
    assert course_b.title == "Course of B"

    response = client.post(reverse("admin:courses_course_submit", args=[course_b.pk]))
    assert response.status_code in (302, 403)
    assert Course.objects.get(pk=course_b.pk).status == S.DRAFT


def test_owner_edits_own_course_and_instructor_is_not_editable(client, course_a):
    client.force_login(course_a.instructor)
    other = InstructorFactory()
    data = course_form_data(course_a, title="Renamed", instructor=str(other.pk))
    response = client.post(change_url(course_a), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    course_a.refresh_from_db()
    assert course_a.title == "Renamed" and course_a.instructor != other


def test_co_author_can_edit(client, course_a):
    co_author = CollaboratorFactory(course=course_a).user
    client.force_login(co_author)
    assert client.get(change_url(course_a)).status_code == 200
    response = client.post(change_url(course_a), course_form_data(course_a, title="Co-edited"))
    assert response.status_code == 302
    assert Course.objects.get(pk=course_a.pk).title == "Co-edited"


def test_validation_errors_are_shown_not_swallowed(client, course_a):
    client.force_login(course_a.instructor)
    data = course_form_data(course_a, start_date="2026-05-01", end_date="2026-04-01", price="-1")
    response = client.post(change_url(course_a), data)
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "end date cannot be before" in str(errors["end_date"])
    assert "price" in errors
    assert Course.objects.get(pk=course_a.pk).start_date is None


def test_add_course_defaults_instructor_to_request_user(client):
    instructor = InstructorFactory()
    client.force_login(instructor)
    data = course_form_data(CourseFactory.build(category=None), title="Brand new", slug="")
    data |= {"sections-TOTAL_FORMS": "1", "sections-0-title": "Getting started", "sections-0-order": "0",
             "sections-0-is_published": "on"}  # fmt: skip
    response = client.post(reverse("admin:courses_course_add"), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    course = Course.objects.get(title="Brand new")
    assert course.instructor == instructor and course.slug == "brand-new" and course.status == S.DRAFT
    assert course.sections.get().title == "Getting started"


def test_student_is_redirected_from_admin(client, student, course_a):
    client.force_login(student)
    for url in (reverse("admin:index"), change_url(course_a), reverse("admin:courses_course_changelist")):
        response = client.get(url)
        assert response.status_code == 302 and "/admin/login/" in response.url


def test_published_course_is_read_only_for_its_owner(client, course_a):
    Course.objects.filter(pk=course_a.pk).update(status=S.PUBLISHED)
    client.force_login(course_a.instructor)
    response = client.get(change_url(course_a))
    assert response.status_code == 200
    assert response.context["has_change_permission"] is False
    client.post(change_url(course_a), course_form_data(course_a, title="Live edit"))
    assert Course.objects.get(pk=course_a.pk).title == "Course of A"


def test_changelist_query_count_is_constant(client, django_assert_max_num_queries):
    instructor = InstructorFactory()
    client.force_login(instructor)
    url = reverse("admin:courses_course_changelist")

    def load(n_courses: int) -> int:
        for _ in range(n_courses - Course.objects.filter(instructor=instructor).count()):
            ContentFactory(course=CourseFactory(instructor=instructor))

        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url)
        assert response.status_code == 200
        cl = response.context["cl"]
        assert (cl.result_count, len(cl.result_list)) == (n_courses, n_courses)  # the instructor's courses, shown
        return len(ctx.captured_queries)

    small = load(5)
    large = load(30)
    assert small == large
    with django_assert_max_num_queries(small):
        client.get(url)


# --- submit ---------------------------------------------------------------------------------------


def test_submit_button_page_and_post(client, course_a):
    client.force_login(course_a.instructor)
    page = client.get(change_url(course_a))
    submit_url = reverse("admin:courses_course_submit", args=[course_a.pk])
    assert submit_url in page.text and "Preview as a student" in page.text
    assert f"/courses/{course_a.slug}/?preview=1" in page.text

    response = client.post(submit_url, {"note": "Please review"}, follow=True)
    assert "was submitted for review" in response.text
    course_a.refresh_from_db()
    assert course_a.status == S.IN_REVIEW
    assert CourseApprovalRequest.objects.get().submission_note == "Please review"


def test_submit_errors_are_messages_and_status_unchanged(client):
    course = CourseFactory()
    client.force_login(course.instructor)
    response = client.post(reverse("admin:courses_course_submit", args=[course.pk]), follow=True)
    assert "Add at least one lesson" in response.text
    assert Course.objects.get(pk=course.pk).status == S.DRAFT


def test_submit_action(client, course_a):
    empty = CourseFactory(instructor=course_a.instructor, title="Empty one")
    client.force_login(course_a.instructor)
    response = client.post(
        reverse("admin:courses_course_changelist"),
        {"action": "submit_for_review", "_selected_action": [str(course_a.pk), str(empty.pk)]},
        follow=True,
    )
    assert "“Course of A” was submitted for review" in response.text
    assert "“Empty one”: Add at least one lesson" in response.text
    assert Course.objects.get(pk=course_a.pk).status == S.IN_REVIEW
    assert Course.objects.get(pk=empty.pk).status == S.DRAFT


# --- review queue ---------------------------------------------------------------------------------


def test_reviewer_sees_queue_and_approves(client, course_a, reviewer):
    services.course_submit(course=course_a, user=course_a.instructor, note="v1")
    client.force_login(reviewer)
    index = client.get(reverse("admin:index"))
    assert reverse("admin:courses_coursereviewqueue_changelist") in index.text

    queue = client.get(reverse("admin:courses_coursereviewqueue_changelist"))
    assert queue.status_code == 200 and "Course of A" in queue.text
    review_url = reverse("admin:courses_review", args=[course_a.pk])
    assert review_url in queue.text

    page = client.get(review_url)
    assert page.status_code == 200
    assert "First submission" in page.text and "A lesson" in page.text

    response = client.post(review_url, {"decision": "approve", "note": "Good"})
    assert response.status_code == 302
    course_a.refresh_from_db()
    assert course_a.status == S.PUBLISHED
    assert CourseVersion.objects.get(course=course_a).number == 1


def test_review_request_changes_needs_note(client, course_a, reviewer):
    services.course_submit(course=course_a, user=course_a.instructor)
    client.force_login(reviewer)
    review_url = reverse("admin:courses_review", args=[course_a.pk])
    response = client.post(review_url, {"decision": "request_changes", "note": " "})
    assert response.status_code == 200
    assert response.context["form"].errors["note"] == ["Explain what needs to change."]
    assert Course.objects.get(pk=course_a.pk).status == S.IN_REVIEW

    response = client.post(review_url, {"decision": "request_changes", "note": "More examples"})
    assert response.status_code == 302
    assert Course.objects.get(pk=course_a.pk).status == S.CHANGES_REQUESTED


def test_review_page_shows_diff_against_last_version(client, course_a, reviewer):
    services.course_submit(course=course_a, user=course_a.instructor)
    v1 = services.course_approve(course=course_a, reviewer=reviewer)
    services.course_version_restore(version=v1, user=course_a.instructor)
    services.content_create(section=course_a.sections.get(), user=course_a.instructor, title="Brand new lesson",
                            kind="article", article_body="x")  # fmt: skip
    services.course_submit(course=course_a, user=course_a.instructor)
    client.force_login(reviewer)
    page = client.get(reverse("admin:courses_review", args=[course_a.pk]))
    assert "Changes since version 1" in page.text
    assert "Brand new lesson" in page.text and page.context["diff"][0]["change"] == "added"


def test_reviewer_cannot_review_own_course_in_admin(client, reviewer):
    course = CourseFactory(instructor=reviewer)
    ContentFactory(course=course)
    services.course_submit(course=course, user=reviewer)
    client.force_login(reviewer)
    url = reverse("admin:courses_review", args=[course.pk])
    page = client.get(url)
    assert "another reviewer must decide" in page.text
    client.post(url, {"decision": "approve"})
    assert Course.objects.get(pk=course.pk).status == S.IN_REVIEW


def test_instructors_have_no_review_queue(client, course_a):
    services.course_submit(course=course_a, user=course_a.instructor)
    client.force_login(InstructorFactory())
    assert client.get(reverse("admin:courses_coursereviewqueue_changelist")).status_code == 403
    assert client.get(reverse("admin:courses_review", args=[course_a.pk])).status_code == 403


def test_reviewer_sees_all_courses_read_only(client, course_a, course_b, reviewer):
    client.force_login(reviewer)
    listing = client.get(reverse("admin:courses_course_changelist"))
    assert "Course of A" in listing.text and "Course of B" in listing.text
    page = client.get(change_url(course_b))
    assert page.status_code == 200 and page.context["has_change_permission"] is False


# --- versions ---------------------------------------------------------------------------------


def test_versions_are_immutable_and_restorable_by_authors(client, course_a, reviewer, admin_user):
    services.course_submit(course=course_a, user=course_a.instructor)
    v1 = services.course_approve(course=course_a, reviewer=reviewer)
    url = reverse("admin:courses_courseversion_change", args=[v1.pk])

    client.force_login(admin_user)
    page = client.get(url)
    assert page.status_code == 200 and page.context["has_change_permission"] is False
    assert page.context["has_delete_permission"] is False
    assert client.get(reverse("admin:courses_courseversion_delete", args=[v1.pk])).status_code == 403

    client.force_login(course_a.instructor)
    restore_url = reverse("admin:courses_courseversion_restore", args=[v1.pk])
    assert restore_url in client.get(url).text
    assert client.get(restore_url).status_code == 200
    response = client.post(restore_url)
    assert response.status_code == 302 and response.url == change_url(course_a)
    assert Course.objects.get(pk=course_a.pk).status == S.DRAFT

    client.force_login(InstructorFactory())
    assert client.post(restore_url).status_code in (302, 403)


def test_approval_requests_are_read_only(client, course_a, reviewer):
    services.course_submit(course=course_a, user=course_a.instructor)
    request = CourseApprovalRequest.objects.get()
    client.force_login(reviewer)
    page = client.get(reverse("admin:courses_courseapprovalrequest_change", args=[request.pk]))
    assert page.status_code == 200 and page.context["has_change_permission"] is False


# --- lessons ---------------------------------------------------------------------------------------


def lesson_data(course, section, **overrides):
    data = {
        "course": str(course.pk),
        "section": str(section.pk),
        "title": "Lesson",
        "kind": "article",
        "order": "7",
        "description": "",
        "is_published": "on",
        "is_required": "on",
        "points": "0",
        "alt_text": "",
        "video_url": "",
        "article_body": "",
        "pass_mark": "70",
        "questions-TOTAL_FORMS": "0",
        "questions-INITIAL_FORMS": "0",
    }
    return data | overrides


def test_add_lesson_page_and_article_sanitised(client, course_a):
    client.force_login(course_a.instructor)
    section = course_a.sections.get()
    add_url = f"{reverse('admin:courses_coursecontent_add')}?course={course_a.pk}&kind=article"
    page = client.get(add_url)
    assert page.status_code == 200
    assert list(page.context["adminform"].form.fields["section"].queryset) == [section]

    body = "Hello <script>alert(1)</script> <a href='#' onclick='steal()'>x</a>"
    response = client.post(add_url, lesson_data(course_a, section, title="Article", article_body=body))
    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:courses_course_outline", args=[course_a.pk]))
    lesson = CourseContent.objects.get(title="Article")
    assert "<script" not in lesson.article_html and "onclick" not in lesson.article_html


def test_lesson_in_another_instructors_course_is_refused(client, course_a, course_b):
    client.force_login(course_a.instructor)
    other_section = CourseSection.objects.create(course=course_b, title="B section")
    response = client.post(
        reverse("admin:courses_coursecontent_add"),
        lesson_data(course_b, other_section, article_body="x"),
    )
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "course" in errors and "section" in errors
    assert not CourseContent.objects.filter(course=course_b).exists()


def test_quiz_questions_inline_with_validation(client, course_a):
    quiz = QuizContentFactory(course=course_a, title="Quiz")
    client.force_login(course_a.instructor)
    url = reverse("admin:courses_coursecontent_change", args=[quiz.pk])
    data = lesson_data(course_a, quiz.section, title="Quiz", kind="quiz", order=str(quiz.order))
    data |= {
        "questions-TOTAL_FORMS": "1",
        "questions-0-order": "0",
        "questions-0-question": "Capital of France?",
        "questions-0-question_type": "single_choice",
        "questions-0-options_text": ["Paris", "Lyon", ""],
        "questions-0-points": "1",
        "questions-0-is_active": "on",
    }
    response = client.post(url, data)  # nothing ticked
    assert response.status_code == 200
    assert "Mark at least one correct answer" in response.text
    assert not quiz.questions.exists()

    data["questions-0-options_correct"] = ["0"]  # the first row ticked
    response = client.post(url, data)
    assert response.status_code == 302
    question = quiz.questions.get()
    assert question.options == ["Paris", "Lyon"] and question.correct_answers == ["Paris"]


# --- smoke --------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["instructor", "reviewer", "admin"])
def test_course_admin_pages_render(client, course_a, reviewer, admin_user, who):
    quiz = QuizContentFactory(course=course_a)
    QuestionFactory(content=quiz)
    if who == "reviewer":
        services.course_submit(course=course_a, user=course_a.instructor)
    user = {"instructor": course_a.instructor, "reviewer": reviewer, "admin": admin_user}[who]
    client.force_login(user)
    names = ["course", "coursecontent", "courseapprovalrequest", "courseversion", "category", "tag"]
    for name in names:
        response = client.get(reverse(f"admin:courses_{name}_changelist"))
        assert response.status_code in (200, 403), name
    assert client.get(reverse("admin:courses_coursecontent_change", args=[quiz.pk])).status_code == 200
    assert client.get(change_url(course_a)).status_code == 200
    if who != "reviewer":
        assert client.get(reverse("admin:courses_course_add")).status_code == 200
        assert client.get(reverse("admin:courses_coursecontent_add")).status_code == 200


def test_admin_save_refused_by_the_service_is_a_form_error(client):
    """A superuser choosing an inactive instructor: course_create refuses, the form says so, nothing is saved."""
    client.force_login(AdminFactory())
    inactive = InstructorFactory(is_active=False)
    data = course_form_data(CourseFactory.build(category=None), title="Orphan course", slug="")
    response = client.post(reverse("admin:courses_course_add"), data | {"instructor": str(inactive.pk)})
    assert response.status_code == 200
    assert "Only instructors can create courses." in str(response.context["adminform"].form.non_field_errors())
    assert not Course.objects.filter(title="Orphan course").exists()


def test_admin_change_goes_through_course_update(client, course_a, monkeypatch):
    calls = []
    original = services.course_update
    monkeypatch.setattr(services, "course_update", lambda **kw: calls.append(kw) or original(**kw))
    client.force_login(course_a.instructor)
    response = client.post(change_url(course_a), course_form_data(course_a, title="Through the service"))
    assert response.status_code == 302
    assert [(c["user"], c["data"]) for c in calls] == [(course_a.instructor, {"title": "Through the service"})]
    assert Course.objects.get(pk=course_a.pk).title == "Through the service"
