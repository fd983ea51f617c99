"""Instructor API, the whole course (courses/api/authoring.py): sections, lessons and questions with
delete, re-order and move; revisions of published courses; the certificate template; denials."""

import pytest
from rest_framework.test import APIClient

from courses import services
from courses.models import CertificateTemplate, Course, CourseContent, CourseSection, QuizQuestion
from tests.courses.factories import (
    CollaboratorFactory,
    ContentFactory,
    CourseFactory,
    PublishedCourseFactory,
    QuestionFactory,
    QuizContentFactory,
    SectionFactory,
)
from tests.factories import AdminFactory, InstructorFactory, StudentFactory
from tests.querycount import assert_same_queries_at_two_sizes, count_queries

pytestmark = pytest.mark.django_db

API = "/api/v1/instructor"
TEMPLATE_HTML = "<h1>{{ student_name }}</h1><p>{{ course_title }}</p>"


def client_for(user) -> APIClient:
    api = APIClient()
    api.force_authenticate(user)
    return api


@pytest.fixture
def owner():
    return InstructorFactory()


@pytest.fixture
def api(owner) -> APIClient:
    return client_for(owner)


@pytest.fixture
def course(owner):
    return CourseFactory(instructor=owner)


def _section_ids(course) -> list[str]:
    return [str(pk) for pk in course.sections.order_by("order").values_list("pk", flat=True)]


def _lesson_ids(section) -> list[str]:
    return [str(pk) for pk in section.contents.order_by("order").values_list("pk", flat=True)]


def _error(response) -> dict:
    return response.json()["error"]


# --- sections ------------------------------------------------------------------------------------
def test_sections_create_update_reorder_and_delete(api, course):
    first = api.post(f"{API}/courses/{course.pk}/sections/", {"title": "Basics"}, format="json").json()
    second = api.post(f"{API}/courses/{course.pk}/sections/", {"title": "Advanced"}, format="json").json()
    assert (first["order"], second["order"]) == (0, 1)
    changed = api.patch(f"{API}/sections/{second['id']}/", {"description": "Deeper"}, format="json")
    assert changed.status_code == 200 and changed.json()["description"] == "Deeper"

    reordered = api.post(
        f"{API}/courses/{course.pk}/sections/reorder/", {"ids": [second["id"], first["id"]]}, format="json"
    )
    assert reordered.status_code == 200, reordered.json()
    assert [s["id"] for s in reordered.json()] == [second["id"], first["id"]]
    assert _section_ids(course) == [second["id"], first["id"]]

    assert api.delete(f"{API}/sections/{second['id']}/").status_code == 204
    assert _section_ids(course) == [first["id"]]
    assert CourseSection.objects.get(pk=first["id"]).order == 0


def test_section_reorder_must_list_every_section_once(api, course):
    a, b = SectionFactory(course=course), SectionFactory(course=course)
    url = f"{API}/courses/{course.pk}/sections/reorder/"
    for ids in ([str(a.pk)], [str(a.pk), str(a.pk), str(b.pk)], [str(a.pk), str(SectionFactory().pk)]):
        response = api.post(url, {"ids": ids}, format="json")
        assert response.status_code == 400, ids
    assert api.post(url, {"ids": ["not-a-uuid"]}, format="json").status_code == 400
    assert api.post(url, {"ids": "nope"}, format="json").status_code == 400
    assert _section_ids(course) == [str(a.pk), str(b.pk)]


def test_a_section_with_lessons_is_not_deleted(api, course):
    lesson = ContentFactory(course=course)
    response = api.delete(f"{API}/sections/{lesson.section_id}/")
    assert response.status_code == 400 and _error(response)["code"] == "section_not_empty"
    assert CourseSection.objects.filter(pk=lesson.section_id).exists()


# --- lessons -------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"type": "article"}, "article_body"),
        ({"type": "video"}, "video_url"),
        ({"type": "video", "video_url": "https://evil.example.com/v.mp4"}, "video_url"),
        ({"type": "document"}, "file"),
        ({"type": "image"}, "file"),
        ({"type": "article", "article_body": "x", "max_attempts": 3}, "max_attempts"),
        ({"type": "quiz", "pass_mark": 101}, "pass_mark"),
        ({"type": "certificate"}, "type"),
        ({"type": "article", "article_body": "a\x00b"}, "body"),
        ({"type": "article", "article_body": "x", "points": 10**30}, "points"),
        ({"type": "article", "article_body": "x", "order": 2**63}, "order"),
    ],
)
def test_lessons_are_validated_per_type_like_the_admin(api, course, payload, field):
    section = SectionFactory(course=course)
    response = api.post(f"{API}/sections/{section.pk}/lessons/", {"title": "L", **payload}, format="json")
    assert response.status_code == 400, response.content
    assert field in _error(response)["fields"]
    assert not section.contents.exists()


def test_lessons_of_each_type_are_created_changed_and_deleted(api, course):
    section = SectionFactory(course=course)
    url = f"{API}/sections/{section.pk}/lessons/"
    article = api.post(url, {"title": "Read", "type": "article", "article_body": "Hi"}, format="json")
    video = api.post(url, {"title": "Watch", "type": "video", "video_url": "https://www.youtube.com/watch?v=abc"})
    quiz = api.post(url, {"title": "Check", "type": "quiz", "pass_mark": 80, "max_attempts": 2}, format="json")
    assert [r.status_code for r in (article, video, quiz)] == [201, 201, 201], video.content
    assert quiz.json()["max_attempts"] == 2

    lesson_id = article.json()["id"]
    changed = api.patch(f"{API}/lessons/{lesson_id}/", {"article_body": "**Bold**"}, format="json")
    assert changed.status_code == 200 and "<strong>Bold</strong>" in changed.json()["article_html"]
    wrong = api.patch(f"{API}/lessons/{lesson_id}/", {"time_limit_minutes": 5}, format="json")
    assert wrong.status_code == 400 and "time_limit_minutes" in _error(wrong)["fields"]
    retyped = api.patch(f"{API}/lessons/{lesson_id}/", {"type": "quiz"}, format="json")
    assert retyped.status_code == 400 and "type" in _error(retyped)["fields"]
    assert CourseContent.objects.get(pk=lesson_id).kind == "article"

    assert api.delete(f"{API}/lessons/{lesson_id}/").status_code == 204
    assert not CourseContent.objects.filter(pk=lesson_id).exists()
    assert [c.order for c in section.contents.order_by("order")] == [0, 1]


def test_lessons_reorder_and_move_to_another_section(api, course):
    one, two = SectionFactory(course=course), SectionFactory(course=course)
    a, b, c = (ContentFactory(section=one) for _ in range(3))
    d = ContentFactory(section=two)
    response = api.post(f"{API}/sections/{one.pk}/lessons/reorder/", {"ids": [str(c.pk), str(a.pk), str(b.pk)]})
    assert response.status_code == 200 and [x["id"] for x in response.json()] == [str(c.pk), str(a.pk), str(b.pk)]

    moved = api.post(f"{API}/lessons/{a.pk}/move/", {"section": str(two.pk), "position": 0}, format="json")
    assert moved.status_code == 200, moved.json()
    assert moved.json()["section"] == str(two.pk) and moved.json()["order"] == 0
    assert _lesson_ids(one) == [str(c.pk), str(b.pk)]
    assert _lesson_ids(two) == [str(a.pk), str(d.pk)]
    assert [x.order for x in one.contents.order_by("order")] == [0, 1]

    last = api.post(f"{API}/lessons/{c.pk}/move/", {"section": str(two.pk)}, format="json")
    assert last.status_code == 200 and _lesson_ids(two) == [str(a.pk), str(d.pk), str(c.pk)]


def test_a_lesson_is_not_moved_into_another_course(api, course, owner):
    lesson = ContentFactory(course=course)
    elsewhere = SectionFactory(course=CourseFactory(instructor=owner))
    response = api.post(f"{API}/lessons/{lesson.pk}/move/", {"section": str(elsewhere.pk)}, format="json")
    assert response.status_code == 400 and "section" in _error(response)["fields"]
    huge = api.post(f"{API}/lessons/{lesson.pk}/move/", {"section": str(lesson.section_id), "position": 10**40})
    assert huge.status_code == 400 and "position" in _error(huge)["fields"]
    assert CourseContent.objects.get(pk=lesson.pk).section_id == lesson.section_id


# --- questions -----------------------------------------------------------------------------------
def test_questions_create_change_reorder_and_delete(api, course):
    quiz = QuizContentFactory(course=course)
    url = f"{API}/lessons/{quiz.pk}/questions/"
    q1 = api.post(url, {"question": "2+2?", "options": ["3", "4"], "correct_answers": ["4"]}, format="json")
    q2 = api.post(url, {"question": "Sky blue?", "question_type": "true_false", "correct_answers": ["True"]})
    q3 = api.post(url, {"question": "Say hi", "question_type": "text", "correct_answers": ["hi"]}, format="json")
    assert [r.status_code for r in (q1, q2, q3)] == [201, 201, 201], q2.content
    assert q2.json()["options"] == ["True", "False"]
    ids = [q1.json()["id"], q2.json()["id"], q3.json()["id"]]

    changed = api.patch(f"{API}/questions/{ids[0]}/", {"options": ["3", "4", "5"]}, format="json")
    assert changed.status_code == 200 and changed.json()["options"] == ["3", "4", "5"]
    reordered = api.post(f"{url}reorder/", {"ids": [ids[2], ids[0], ids[1]]}, format="json")
    assert [q["id"] for q in reordered.json()] == [ids[2], ids[0], ids[1]]

    assert api.delete(f"{API}/questions/{ids[0]}/").status_code == 204
    remaining = list(quiz.questions.order_by("order").values_list("pk", "order"))
    assert [(str(pk), order) for pk, order in remaining] == [(ids[2], 0), (ids[1], 1)]


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"options": ["a", "b"], "correct_answers": ["c"]}, "correct_answers"),
        ({"options": ["a"], "correct_answers": ["a"]}, "options"),
        ({"options": ["a", "a"], "correct_answers": ["a"]}, "options"),
        ({"question_type": "text", "options": ["a"], "correct_answers": ["a"]}, "options"),
        ({"options": ["a\x00", "b"], "correct_answers": ["b"]}, "body"),
        ({"options": ["a", "b"], "correct_answers": ["a"], "points": 10**30}, "points"),
    ],
)
def test_questions_are_validated_like_the_admin(api, course, payload, field):
    quiz = QuizContentFactory(course=course)
    response = api.post(f"{API}/lessons/{quiz.pk}/questions/", {"question": "Q?", **payload}, format="json")
    assert response.status_code == 400, response.content
    assert field in _error(response)["fields"]
    assert not quiz.questions.exists()


def test_questions_only_in_quizzes(api, course):
    article = ContentFactory(course=course)
    payload = {"question": "Q?", "options": ["a", "b"], "correct_answers": ["a"]}
    response = api.post(f"{API}/lessons/{article.pk}/questions/", payload, format="json")
    assert response.status_code == 400 and "content" in _error(response)["fields"]


# --- who may ---------------------------------------------------------------------------------------
def _urls(course) -> list[tuple[str, str, dict]]:
    section = SectionFactory(course=course)
    lesson = QuizContentFactory(section=section)
    question = QuestionFactory(content=lesson)
    return [
        ("post", f"{API}/courses/{course.pk}/sections/", {"title": "X"}),
        ("post", f"{API}/courses/{course.pk}/sections/reorder/", {"ids": [str(section.pk)]}),
        ("patch", f"{API}/sections/{section.pk}/", {"title": "X"}),
        ("post", f"{API}/sections/{section.pk}/lessons/", {"title": "X", "type": "quiz"}),
        ("post", f"{API}/sections/{section.pk}/lessons/reorder/", {"ids": [str(lesson.pk)]}),
        ("patch", f"{API}/lessons/{lesson.pk}/", {"title": "X"}),
        ("post", f"{API}/lessons/{lesson.pk}/move/", {"section": str(section.pk)}),
        (
            "post",
            f"{API}/lessons/{lesson.pk}/questions/",
            {"question": "Q", "options": ["a", "b"], "correct_answers": ["a"]},
        ),  # fmt: skip
        ("post", f"{API}/lessons/{lesson.pk}/questions/reorder/", {"ids": [str(question.pk)]}),
        ("patch", f"{API}/questions/{question.pk}/", {"points": 2}),
        ("put", f"{API}/courses/{course.pk}/certificate-template/", {"template": None}),
        ("patch", f"{API}/courses/{course.pk}/", {"short_description": "Changed"}),
        ("delete", f"{API}/questions/{question.pk}/", {}),
        ("delete", f"{API}/lessons/{lesson.pk}/", {}),
        ("delete", f"{API}/sections/{section.pk}/", {}),
    ]


def _snapshot(course) -> tuple:
    return (
        Course.objects.filter(pk=course.pk).values_list("short_description", flat=True).get(),
        list(CourseSection.objects.filter(course=course).values_list("pk", "title", "order")),
        list(CourseContent.objects.filter(course=course).values_list("pk", "title", "order", "section_id")),
        list(QuizQuestion.objects.filter(content__course=course).values_list("pk", "points", "order")),
    )


def test_another_instructor_gets_404_and_changes_nothing(course):
    urls = _urls(course)
    before = _snapshot(course)
    other = client_for(InstructorFactory())
    for method, url, data in urls:
        response = getattr(other, method)(url, data, format="json")
        assert response.status_code == 404, (method, url)
        assert _error(response)["code"] == "not_found"
    for url in {u for _m, u, _d in urls if "reorder" not in u and "move" not in u}:
        assert other.get(url).status_code == 404, url
    assert _snapshot(course) == before


def test_students_403_and_anonymous_401(course):
    urls = _urls(course)
    before = _snapshot(course)
    student, anonymous = client_for(StudentFactory()), APIClient()
    for method, url, data in urls:
        assert getattr(student, method)(url, data, format="json").status_code == 403, url
        assert getattr(anonymous, method)(url, data, format="json").status_code in (401, 403), url
    assert _snapshot(course) == before


def test_co_authors_and_superusers_edit(course):
    co_author = CollaboratorFactory(course=course).user
    for user in (co_author, AdminFactory()):
        response = client_for(user).post(f"{API}/courses/{course.pk}/sections/", {"title": f"By {user.pk}"})
        assert response.status_code == 201
    assert course.sections.count() == 2


# --- published courses: through a revision, as in the admin -------------------------------------
def test_published_course_is_409_revision_required_then_edited_through_its_revision(owner, api):
    live = PublishedCourseFactory(instructor=owner)
    lesson = ContentFactory(course=live)
    urls = _urls(live)
    before = _snapshot(live)
    for method, url, data in urls:
        response = getattr(api, method)(url, data, format="json")
        assert response.status_code == 409, (method, url, response.content)
        assert _error(response)["code"] == "revision_required"
        assert "revision" in _error(response)["message"]
    assert _snapshot(live) == before

    started = api.post(f"{API}/courses/{live.pk}/revision/")
    assert started.status_code == 201, started.content
    revision = Course.objects.get(pk=started.json()["id"])
    assert revision.revision_of_id == live.pk and revision.status == Course.Status.DRAFT
    again = api.post(f"{API}/courses/{live.pk}/revision/")
    assert again.status_code == 409 and _error(again)["code"] == "revision_exists"

    copy = revision.contents.get(title=lesson.title)
    changed = api.patch(f"{API}/lessons/{copy.pk}/", {"title": "Better"}, format="json")
    assert changed.status_code == 200
    assert CourseContent.objects.get(pk=lesson.pk).title == lesson.title  # students keep the live course


def test_course_in_review_is_409_course_locked(owner, api, course):
    section = SectionFactory(course=course)
    ContentFactory(section=section)
    services.course_submit(course=course, user=owner)
    response = api.post(f"{API}/courses/{course.pk}/sections/", {"title": "Late"}, format="json")
    assert response.status_code == 409 and _error(response)["code"] == "course_locked"
    assert course.sections.count() == 1
    assert api.post(f"{API}/courses/{course.pk}/revision/").status_code == 409  # not published: edit it


def test_others_cannot_start_a_revision(owner):
    live = PublishedCourseFactory(instructor=owner)
    assert client_for(InstructorFactory()).post(f"{API}/courses/{live.pk}/revision/").status_code == 404
    assert client_for(StudentFactory()).post(f"{API}/courses/{live.pk}/revision/").status_code == 403
    assert not Course.objects.filter(revision_of=live).exists()


# --- certificate templates -----------------------------------------------------------------------
def test_certificate_template_choice(owner, api, course):
    mine = CertificateTemplate.objects.create(name="Mine", html=TEMPLATE_HTML, owner=owner)
    site = CertificateTemplate.objects.create(name="Site", html=TEMPLATE_HTML)
    theirs = CertificateTemplate.objects.create(name="Theirs", html=TEMPLATE_HTML, owner=InstructorFactory())
    listed = api.get(f"{API}/certificate-templates/")
    assert listed.status_code == 200
    names = {t["name"]: t["is_own"] for t in listed.json()}
    assert names == {"Mine": True, "Site": False}

    url = f"{API}/courses/{course.pk}/certificate-template/"
    chosen = api.put(url, {"template": str(mine.pk)}, format="json")
    assert chosen.status_code == 200 and chosen.json()["template"]["id"] == str(mine.pk)
    refused = api.put(url, {"template": str(theirs.pk)}, format="json")
    assert refused.status_code == 400 and "template" in _error(refused)["fields"]
    course.refresh_from_db()
    assert course.certificate_template_id == mine.pk
    assert api.put(url, {"template": str(site.pk)}, format="json").status_code == 200
    assert api.put(url, {"template": None}, format="json").json()["template"] is None
    course.refresh_from_db()
    assert course.certificate_template_id is None
    assert api.get(url).json() == {"course": str(course.pk), "template": None}


def test_certificate_templates_are_for_instructors():
    assert client_for(StudentFactory()).get(f"{API}/certificate-templates/").status_code == 403
    assert APIClient().get(f"{API}/certificate-templates/").status_code in (401, 403)


# --- lists: the same number of queries at any size ----------------------------------------------
def test_authoring_lists_run_a_constant_number_of_queries(owner, api):
    def load(n):
        CertificateTemplate.objects.all().delete()
        course = CourseFactory(instructor=owner)
        section = SectionFactory(course=course)
        for _ in range(n - 1):
            SectionFactory(course=course)
        quiz = QuizContentFactory(section=section)
        for _ in range(n - 1):
            ContentFactory(section=section)
        for _ in range(n):
            QuestionFactory(content=quiz)
            CertificateTemplate.objects.create(name=f"T{n}", html=TEMPLATE_HTML, owner=owner)
        counts = {}
        for name, url in (
            ("sections", f"{API}/courses/{course.pk}/sections/"),
            ("lessons", f"{API}/sections/{section.pk}/lessons/"),
            ("questions", f"{API}/lessons/{quiz.pk}/questions/"),
        ):
            response, counts[name] = count_queries(lambda url=url: api.get(url))
            assert len(response.json()) == n, name
        response, counts["templates"] = count_queries(lambda: api.get(f"{API}/certificate-templates/"))
        assert len(response.json()) == n
        return counts

    assert_same_queries_at_two_sizes(load)


def test_schema_documents_the_authoring_endpoints():
    text = APIClient().get("/api/schema/").content.decode()
    for path in (
        "/api/v1/instructor/courses/{course_id}/sections/reorder/",
        "/api/v1/instructor/lessons/{lesson_id}/move/",
        "/api/v1/instructor/lessons/{lesson_id}/questions/reorder/",
        "/api/v1/instructor/courses/{course_id}/revision/",
        "/api/v1/instructor/certificate-templates/",
        "revision_required",
    ):
        assert path in text
