"""The course page (courses.admin.courses): scoping, permissions, saving through the services, submit."""

import pytest
from django.urls import reverse

from courses import services
from courses.models import Course, CourseApprovalRequest
from tests.courses.admin.helpers import change_url, course_form_data
from tests.courses.factories import (
    CollaboratorFactory,
    ContentFactory,
    CourseFactory,
    QuestionFactory,
    QuizContentFactory,
)
from tests.courses.utils import queries_of
from tests.factories import AdminFactory, InstructorFactory

pytestmark = pytest.mark.django_db

S = Course.Status


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


def test_changelist_query_count_is_constant(client):
    instructor = InstructorFactory()
    client.force_login(instructor)
    url = reverse("admin:courses_course_changelist")

    def load(n_courses: int) -> int:
        for _ in range(n_courses - Course.objects.filter(instructor=instructor).count()):
            ContentFactory(course=CourseFactory(instructor=instructor))
        count, response = queries_of(client, url)
        cl = response.context["cl"]
        assert (cl.result_count, len(cl.result_list)) == (n_courses, n_courses)  # the instructor's courses, shown
        return count

    assert load(5) == load(30)


# --- submit ---------------------------------------------------------------------------------------


def test_submit_button_page_and_post(client, course_a):
    client.force_login(course_a.instructor)
    page = client.get(change_url(course_a))
    submit_url = reverse("admin:courses_course_submit", args=[course_a.pk])
    assert submit_url in page.text and "Preview as a student" in page.text
    assert f'href="/learn/{course_a.slug}/preview/"' in page.text  # the player in preview mode

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


def test_reviewer_sees_all_courses_read_only(client, course_a, course_b, reviewer):
    client.force_login(reviewer)
    listing = client.get(reverse("admin:courses_course_changelist"))
    assert "Course of A" in listing.text and "Course of B" in listing.text
    page = client.get(change_url(course_b))
    assert page.status_code == 200 and page.context["has_change_permission"] is False


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


# --- the review loop on the course page ------------------------------------------------------------


def test_the_reviewers_note_is_a_banner_on_the_course_page(client, course_a, reviewer):
    services.course_submit(course=course_a, user=course_a.instructor)
    client.force_login(course_a.instructor)
    assert "In review." in client.get(change_url(course_a)).text
    services.course_request_changes(course=course_a, reviewer=reviewer, note="Add <b>examples</b> to lesson 1")
    page = client.get(change_url(course_a)).text
    assert "Changes requested by the reviewer" in page
    assert "Add &lt;b&gt;examples&lt;/b&gt; to lesson 1" in page  # escaped
    services.course_submit(course=course_a, user=course_a.instructor)
    assert "Changes requested by the reviewer" not in client.get(change_url(course_a)).text


def test_submit_page_checklist_disables_the_button_until_it_passes(client, course_a):
    client.force_login(course_a.instructor)
    submit_url = reverse("admin:courses_course_submit", args=[course_a.pk])
    page = client.get(submit_url)
    assert all(item.ok for item in page.context["checklist"]) and page.context["ready"]
    assert 'value="Submit for review">' in page.text

    QuizContentFactory(course=course_a, title="Empty quiz")
    page = client.get(submit_url)
    assert not page.context["ready"]
    assert "These quizzes have no questions yet: Empty quiz." in page.text
    assert 'value="Submit for review" disabled' in page.text
    response = client.post(submit_url, follow=True)  # a forced POST is refused by the same rule
    assert "These quizzes have no questions yet: Empty quiz." in response.text
    assert Course.objects.get(pk=course_a.pk).status == S.DRAFT
