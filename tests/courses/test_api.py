"""Courses API: public catalog, instructor authoring (scoping, permissions), reviewer decisions."""

import pytest
from rest_framework.test import APIClient

from courses import services
from courses.models import Course, CourseContent, CourseSection, QuizQuestion
from tests.courses.factories import (
    CategoryFactory,
    CollaboratorFactory,
    ContentFactory,
    CourseFactory,
    PublishedCourseFactory,
    QuestionFactory,
    QuizContentFactory,
    SectionFactory,
    TagFactory,
)
from tests.courses.utils import queries_of
from tests.factories import InstructorFactory, ReviewerFactory, StudentFactory

pytestmark = pytest.mark.django_db

API = "/api/v1"
LIST_QUERIES = 4  # count, page of courses, tags, categories (the same at any size)


def client_for(user) -> APIClient:
    api = APIClient()
    api.force_authenticate(user)
    return api


@pytest.fixture
def anon() -> APIClient:
    return APIClient()


@pytest.fixture
def owner():
    return InstructorFactory()


@pytest.fixture
def draft(owner):
    course = CourseFactory(instructor=owner, title="Owner's draft")
    ContentFactory(course=course)
    return course


def _slugs(response) -> list[str]:
    return [c["slug"] for c in response.json()["results"]]


# --- public catalog -------------------------------------------------------------------------------
def test_list_is_public_paginated_and_published_only(anon):
    course = PublishedCourseFactory(tags=[TagFactory(name="SQL", slug="sql")])
    ContentFactory(course=course)
    CourseFactory()
    response = anon.get(f"{API}/courses/")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    item = body["results"][0]
    assert item["slug"] == course.slug
    assert item["lesson_count"] == 1
    assert item["tags"] == [{"name": "SQL", "slug": "sql"}]
    assert item["instructor"]["name"] == course.instructor.get_full_name()
    assert item["is_free"] is True


def test_list_filters_search_and_ordering(anon):
    cat = CategoryFactory(slug="data")
    a = PublishedCourseFactory(category=cat, level="beginner", price=10, description="Learn about regression.")
    b = PublishedCourseFactory(category=cat, level="advanced", price=0)
    PublishedCourseFactory(level="beginner", price=5)
    assert _slugs(anon.get(f"{API}/courses/", {"category": "data", "level": "beginner"})) == [a.slug]
    assert _slugs(anon.get(f"{API}/courses/", {"price": "free"})) == [b.slug]
    assert _slugs(anon.get(f"{API}/courses/", {"search": "regression"})) == [a.slug]
    ordered = _slugs(anon.get(f"{API}/courses/", {"category": "data", "ordering": "-price"}))
    assert ordered == [a.slug, b.slug]


def test_list_rejects_invalid_filter_values(anon):
    response = anon.get(f"{API}/courses/", {"level": "wizard"})
    assert response.status_code == 400
    assert "level" in response.json()["error"]["fields"]


@pytest.mark.parametrize("n", [5, 40])
def test_list_runs_a_constant_number_of_queries(anon, n):
    tags = [TagFactory(), TagFactory()]

    def load(total: int) -> int:
        for _ in range(Course.objects.count(), total):
            ContentFactory(course=PublishedCourseFactory(tags=tags))
        count, response = queries_of(anon, f"{API}/courses/", {"page_size": 50})
        assert len(response.json()["results"]) == total
        return count

    assert load(n) == load(n + 7) == LIST_QUERIES


def test_detail_by_slug_or_id_with_syllabus(anon):
    course = PublishedCourseFactory(learning_outcomes="One\nTwo")
    section = SectionFactory(course=course, order=0)
    ContentFactory(section=section, title="Intro", duration_seconds=90, is_preview=True, order=0)
    for ref in (course.slug, str(course.pk)):
        response = anon.get(f"{API}/courses/{ref}/")
        assert response.status_code == 200
        body = response.json()
        assert body["learning_outcomes"] == ["One", "Two"]
        assert body["syllabus"][0]["lessons"][0] | {"id": None} == {
            "id": None, "title": "Intro", "type": "article", "order": 0, "duration_seconds": 90,
            "is_preview": True, "is_required": True,
        }  # fmt: skip


def test_drafts_are_404_for_anonymous_api_users(anon, draft):
    assert anon.get(f"{API}/courses/{draft.slug}/").status_code == 404
    assert anon.get(f"{API}/courses/{draft.slug}/", {"preview": "1"}).status_code == 404
    assert client_for(draft.instructor).get(f"{API}/courses/{draft.slug}/", {"preview": "1"}).status_code == 200


def test_categories_and_tags(anon):
    parent = CategoryFactory(name="Development")
    CategoryFactory(name="Web", parent=parent)
    PublishedCourseFactory(tags=[TagFactory(name="Python", slug="python")])
    CourseFactory(tags=[TagFactory(name="Unused", slug="unused")])
    categories = anon.get(f"{API}/categories/").json()
    assert {c["name"]: c["parent"] for c in categories}["Web"] == parent.pk
    tags = anon.get(f"{API}/tags/").json()
    assert tags == [{"id": tags[0]["id"], "name": "Python", "slug": "python", "course_count": 1}]


# --- instructors ----------------------------------------------------------------------------------
def test_instructor_creates_updates_and_lists_courses(owner):
    api = client_for(owner)
    category = CategoryFactory(slug="design")
    created = api.post(
        f"{API}/instructor/courses/",
        {
            "title": "Colour theory",
            "description": "All about colour.",
            "price": "15.00",
            "category": "design",
            "level": "beginner",
        },  # fmt: skip
    )
    assert created.status_code == 201, created.json()
    body = created.json()
    assert body["status"] == "draft" and body["slug"] == "colour-theory" and body["category"]["id"] == category.pk
    updated = api.patch(f"{API}/instructor/courses/{body['id']}/", {"title": "Colour theory II"})
    assert updated.status_code == 200 and updated.json()["title"] == "Colour theory II"

    co_authored = CollaboratorFactory(user=owner).course
    CourseFactory()  # someone else's
    listed = {c["id"] for c in api.get(f"{API}/instructor/courses/").json()["results"]}
    assert listed == {body["id"], str(co_authored.pk)}


def test_create_validation_errors_are_field_errors(owner):
    response = client_for(owner).post(f"{API}/instructor/courses/", {"title": "x"})
    assert response.status_code == 400
    fields = response.json()["error"]["fields"]
    assert "title" in fields and "description" in fields


def test_students_get_403_on_instructor_endpoints(draft):
    api = client_for(StudentFactory())
    assert api.get(f"{API}/instructor/courses/").status_code == 403
    assert api.post(f"{API}/instructor/courses/", {"title": "Mine", "description": "x"}).status_code == 403
    assert api.get(f"{API}/instructor/courses/{draft.pk}/").status_code == 403
    assert APIClient().get(f"{API}/instructor/courses/").status_code == 401


def test_another_instructor_cannot_see_or_change_a_course(draft):
    api = client_for(InstructorFactory())
    section = draft.sections.first()
    lesson = draft.contents.first()
    assert api.get(f"{API}/instructor/courses/{draft.pk}/").status_code == 404
    assert api.patch(f"{API}/instructor/courses/{draft.pk}/", {"title": "Hijacked"}).status_code == 404
    assert api.delete(f"{API}/instructor/courses/{draft.pk}/").status_code == 404
    assert api.post(f"{API}/instructor/courses/{draft.pk}/submit/").status_code == 404
    assert api.post(f"{API}/instructor/courses/{draft.pk}/sections/", {"title": "Mine"}).status_code == 404
    assert api.patch(f"{API}/instructor/sections/{section.pk}/", {"title": "Mine"}).status_code == 404
    assert (
        api.post(f"{API}/instructor/sections/{section.pk}/lessons/", {"title": "x", "type": "quiz"}).status_code == 404
    )
    assert api.patch(f"{API}/instructor/lessons/{lesson.pk}/", {"title": "Mine"}).status_code == 404
    draft.refresh_from_db()
    assert draft.title == "Owner's draft"


def test_co_author_edits_but_cannot_delete(draft):
    api = client_for(CollaboratorFactory(course=draft).user)
    assert api.patch(f"{API}/instructor/courses/{draft.pk}/", {"title": "Better title"}).status_code == 200
    response = api.delete(f"{API}/instructor/courses/{draft.pk}/")
    assert response.status_code == 403
    assert Course.objects.filter(pk=draft.pk).exists()


def test_course_in_review_is_visible_but_frozen_409(draft, owner):
    services.course_submit(course=draft, user=owner)
    api = client_for(owner)
    assert api.get(f"{API}/instructor/courses/{draft.pk}/").status_code == 200
    response = api.patch(f"{API}/instructor/courses/{draft.pk}/", {"title": "Sneaky change"})
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "course_locked"
    draft.refresh_from_db()
    assert draft.title == "Owner's draft"
    deleted = api.delete(f"{API}/instructor/courses/{draft.pk}/")
    assert deleted.status_code == 409 and deleted.json()["error"]["code"] == "not_deletable"


def test_owner_deletes_a_draft(draft, owner):
    assert client_for(owner).delete(f"{API}/instructor/courses/{draft.pk}/").status_code == 204
    assert not Course.objects.filter(pk=draft.pk).exists()


def test_authoring_sections_lessons_and_questions(owner):
    api = client_for(owner)
    course = CourseFactory(instructor=owner)
    section = api.post(f"{API}/instructor/courses/{course.pk}/sections/", {"title": "Basics"})
    assert section.status_code == 201, section.json()
    section_id = section.json()["id"]
    assert (
        api.patch(f"{API}/instructor/sections/{section_id}/", {"title": "The basics"}).json()["title"] == "The basics"
    )

    article = api.post(
        f"{API}/instructor/sections/{section_id}/lessons/",
        {"title": "Read me", "type": "article", "article_body": "# Hello\n\n<script>x</script>"},
    )
    assert article.status_code == 201, article.json()
    assert "<script>" not in article.json()["article_html"]
    bad_video = api.post(
        f"{API}/instructor/sections/{section_id}/lessons/",
        {"title": "Clip", "type": "video", "video_url": "https://evil.example.com/v.mp4"},
    )
    assert bad_video.status_code == 400 and "video_url" in bad_video.json()["error"]["fields"]

    quiz = api.post(f"{API}/instructor/sections/{section_id}/lessons/", {"title": "Quiz", "type": "quiz"}).json()
    question = api.post(
        f"{API}/instructor/lessons/{quiz['id']}/questions/",
        {"question": "2 + 2?", "question_type": "single_choice", "options": ["3", "4"], "correct_answers": ["4"]},
    )
    assert question.status_code == 201, question.json()
    wrong = api.post(
        f"{API}/instructor/lessons/{quiz['id']}/questions/",
        {"question": "Pick", "question_type": "single_choice", "options": ["a", "b"], "correct_answers": ["c"]},
    )
    assert wrong.status_code == 400 and "correct_answers" in wrong.json()["error"]["fields"]
    changed = api.patch(f"{API}/instructor/questions/{question.json()['id']}/", {"points": 3})
    assert changed.status_code == 200 and changed.json()["points"] == 3
    assert CourseSection.objects.filter(course=course).count() == 1
    assert CourseContent.objects.filter(course=course).count() == 2
    assert QuizQuestion.objects.filter(content__course=course).count() == 1


def test_submit_and_illegal_transition_message(draft, owner):
    api = client_for(owner)
    response = api.post(f"{API}/instructor/courses/{draft.pk}/submit/", {"note": "Please review"})
    assert response.status_code == 200 and response.json()["status"] == "in_review"
    again = api.post(f"{API}/instructor/courses/{draft.pk}/submit/")
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "invalid_transition"
    assert "cannot be submitted" in again.json()["error"]["message"]


def test_submit_an_empty_quiz_is_a_400_with_the_reason(owner):
    course = CourseFactory(instructor=owner)
    QuizContentFactory(course=course, title="Empty quiz")
    response = client_for(owner).post(f"{API}/instructor/courses/{course.pk}/submit/")
    assert response.status_code == 400
    assert "Empty quiz" in str(response.json()["error"]["fields"])


# --- reviewers ------------------------------------------------------------------------------------
@pytest.fixture
def in_review(draft, owner):
    services.course_submit(course=draft, user=owner)
    return draft


def test_review_queue_is_for_reviewers_only(in_review, owner):
    CourseFactory()  # a draft is not in the queue
    reviewer = client_for(ReviewerFactory())
    queue = reviewer.get(f"{API}/review/courses/")
    assert queue.status_code == 200
    assert [c["id"] for c in queue.json()["results"]] == [str(in_review.pk)]
    assert client_for(owner).get(f"{API}/review/courses/").status_code == 403
    assert client_for(StudentFactory()).post(f"{API}/review/courses/{in_review.pk}/approve/").status_code == 403


def test_reviewer_approves(in_review):
    response = client_for(ReviewerFactory()).post(f"{API}/review/courses/{in_review.pk}/approve/", {"note": "Nice"})
    assert response.status_code == 200
    assert response.json()["status"] == "published" and response.json()["version"] == 1
    in_review.refresh_from_db()
    assert in_review.status == Course.Status.PUBLISHED
    assert APIClient().get(f"{API}/courses/{in_review.slug}/").status_code == 200


def test_request_changes_needs_a_note(in_review):
    api = client_for(ReviewerFactory())
    missing = api.post(f"{API}/review/courses/{in_review.pk}/request-changes/", {})
    assert missing.status_code == 400
    assert "note" in missing.json()["error"]["fields"]
    blank = api.post(f"{API}/review/courses/{in_review.pk}/request-changes/", {"note": "  "})
    assert blank.status_code == 400 and "note" in blank.json()["error"]["fields"]
    done = api.post(f"{API}/review/courses/{in_review.pk}/request-changes/", {"note": "Add captions."})
    assert done.status_code == 200 and done.json()["status"] == "changes_requested"


def test_approving_a_draft_is_an_illegal_transition(draft):
    response = client_for(ReviewerFactory()).post(f"{API}/review/courses/{draft.pk}/approve/")
    assert response.status_code == 409
    error = response.json()["error"]
    assert error["code"] == "invalid_transition"
    assert "cannot be approved" in error["message"]


def test_reviewer_cannot_approve_own_course():
    reviewer = ReviewerFactory()
    course = CourseFactory(instructor=reviewer, status=Course.Status.IN_REVIEW)
    QuestionFactory(content=QuizContentFactory(course=course))
    response = client_for(reviewer).post(f"{API}/review/courses/{course.pk}/approve/")
    assert response.status_code == 403


def test_schema_is_generated_without_errors(anon):
    response = anon.get("/api/schema/")
    assert response.status_code == 200
    text = response.content.decode()
    for path in ("/api/v1/courses/", "/api/v1/instructor/courses/{course_id}/submit/",
                 "/api/v1/review/courses/{course_id}/request-changes/"):  # fmt: skip
        assert path in text
