"""Issue 19 §5: hostile input to the course authoring API (courses/api/authoring.py) — course create and
update, section, lesson and quiz question — is refused with a 400 naming the field and writes nothing;
any text at all never gives a 500.  Strategies and checks: tests/bad_input.py."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from rest_framework.test import APIClient

from courses.models import Course, CourseContent, CourseSection, QuizQuestion
from tests.bad_input import (
    assert_api_clean,
    assert_api_refused,
    blank_text,
    counts,
    huge_or_negative,
    lone_surrogate,
    many_places,
    nul_text,
    over_long,
    post_json,
    unicode_text,
    wrong_type_for_number,
    wrong_type_for_text,
)
from tests.courses.factories import ContentFactory, CourseFactory, QuestionFactory, QuizContentFactory, SectionFactory
from tests.factories import InstructorFactory

pytestmark = pytest.mark.django_db

API = "/api/v1/instructor"
MODELS = (Course, CourseSection, CourseContent, QuizQuestion)
VALID_COURSE = {"title": "Python basics", "description": "Learn Python.", "price": "0.00"}


@pytest.fixture
def owner():
    return InstructorFactory()


@pytest.fixture
def api(owner) -> APIClient:
    client = APIClient()
    client.force_authenticate(owner)
    return client


@pytest.fixture
def course(owner):
    return CourseFactory(instructor=owner)


def _send(api, method: str, url: str, payload) -> tuple:
    before = counts(MODELS)
    response = post_json(api, url, payload, method=method)
    return response, before, counts(MODELS)


# --- course -------------------------------------------------------------------------------------
text_fields = st.sampled_from(["title", "short_description", "description", "requirements", "learning_outcomes"])


@given(field=text_fields, value=st.one_of(nul_text, lone_surrogate, wrong_type_for_text, st.none()))
def test_course_create_refuses_bad_text(api, field, value):
    response, before, after = _send(api, "post", f"{API}/courses/", {**VALID_COURSE, field: value})
    assert_api_refused(response, field, before, after)


@given(value=st.one_of(over_long(200), blank_text))
def test_course_create_refuses_over_long_or_blank_titles(api, value):
    response, before, after = _send(api, "post", f"{API}/courses/", {**VALID_COURSE, "title": value})
    assert_api_refused(response, "title", before, after)


@given(
    field=st.sampled_from(["price", "duration_minutes", "max_students"]),
    value=st.one_of(huge_or_negative, wrong_type_for_number, many_places.map(str)),
)
def test_course_create_refuses_bad_numbers(api, field, value):
    if field == "price" and isinstance(value, int) and value < 0:
        value = str(value)
    response, before, after = _send(api, "post", f"{API}/courses/", {**VALID_COURSE, field: value})
    if response.status_code == 201:  # a value that fits (0.5 as a price, 40 minutes): stored exactly, not rounded
        stored = getattr(Course.objects.get(pk=response.json()["id"]), field)
        assert Decimal(str(stored)) == Decimal(str(value)), (stored, value)
        return
    assert_api_refused(response, field, before, after)


@given(
    field=st.sampled_from(["slug", "currency", "level", "language", "category", "tags", "start_date"]),
    value=st.one_of(unicode_text, wrong_type_for_text, huge_or_negative),
)
def test_course_create_odd_choices_and_references_never_500(api, field, value):
    response, before, after = _send(api, "post", f"{API}/courses/", {**VALID_COURSE, field: value})
    assert_api_clean(response, before, after)
    if response.status_code == 400:
        assert_api_refused(response, field, before, after)


@given(title=unicode_text, description=unicode_text)
def test_course_create_any_unicode_is_stored_as_sent_or_refused(api, title, description):
    response, before, after = _send(
        api, "post", f"{API}/courses/", {**VALID_COURSE, "title": title, "description": description}
    )
    assert_api_clean(response, before, after)
    if response.status_code == 201:
        stored = Course.objects.get(pk=response.json()["id"])
        assert (stored.title, stored.description) == (title.strip(), description.strip())


@given(field=text_fields, value=st.one_of(nul_text, wrong_type_for_text, over_long(20_000)))
def test_course_update_refuses_bad_text_and_changes_nothing(api, course, field, value):
    if field == "title":
        value = value if not isinstance(value, str) or "\x00" in value else "x" * 201
    original = Course.objects.filter(pk=course.pk).values().get()
    response, before, after = _send(api, "patch", f"{API}/courses/{course.pk}/", {field: value})
    if response.status_code == 200:  # a long description is allowed: stored in full
        assert field != "title" and Course.objects.get(pk=course.pk).__dict__[field] == value.strip()
        return
    assert_api_refused(response, field, before, after)
    assert Course.objects.filter(pk=course.pk).values().get() == original


# --- sections -----------------------------------------------------------------------------------
@given(
    payload=st.one_of(
        st.fixed_dictionaries(
            {"title": st.one_of(nul_text, over_long(200), blank_text, wrong_type_for_text, st.none())}
        ),
        st.fixed_dictionaries(
            {"title": st.just("Basics"), "order": st.one_of(huge_or_negative, wrong_type_for_number)}
        ),
        st.fixed_dictionaries(
            {"title": st.just("Basics"), "is_published": st.one_of(unicode_text, st.lists(st.booleans()))}
        ),
    )
)
def test_section_create_refuses_bad_input(api, course, payload):
    response, before, after = _send(api, "post", f"{API}/courses/{course.pk}/sections/", payload)
    if response.status_code == 201:  # a big but valid order, or a boolean-like string ("yes", "1")
        return
    assert_api_refused(response, set(payload) - {"title"} or {"title"}, before, after)


# --- lessons ------------------------------------------------------------------------------------
@given(
    extra=st.one_of(
        st.fixed_dictionaries({"type": st.one_of(unicode_text, wrong_type_for_text, st.none())}),
        st.fixed_dictionaries(
            {"type": st.just("article"), "article_body": st.one_of(nul_text, wrong_type_for_text, st.none())}
        ),
        st.fixed_dictionaries({"type": st.just("video"), "video_url": st.one_of(unicode_text, wrong_type_for_text)}),
        st.fixed_dictionaries(
            {"type": st.just("quiz"), "pass_mark": st.one_of(huge_or_negative, wrong_type_for_number)}
        ),
        st.fixed_dictionaries(
            {"type": st.just("quiz"), "time_limit_minutes": st.one_of(huge_or_negative, wrong_type_for_number)}
        ),
        st.fixed_dictionaries({"type": st.just("article"), "article_body": st.just("x"), "order": huge_or_negative}),
        st.fixed_dictionaries(
            {"type": st.just("article"), "article_body": st.just("x"), "duration_seconds": huge_or_negative}
        ),
        st.fixed_dictionaries(
            {"type": st.just("quiz"), "max_attempts": st.one_of(huge_or_negative, wrong_type_for_number)}
        ),
    )
)
def test_lesson_create_refuses_bad_input(api, course, extra):
    section = SectionFactory(course=course)
    response, before, after = _send(api, "post", f"{API}/sections/{section.pk}/lessons/", {"title": "L", **extra})
    if response.status_code == 201:
        return  # e.g. an order that fits, a time limit of 10**6 minutes (bounded: checked by the refusal cases)
    assert_api_refused(response, set(extra) | {"type", "video_url", "article_body"}, before, after)


# --- quiz questions -----------------------------------------------------------------------------
@given(
    extra=st.one_of(
        st.fixed_dictionaries(
            {
                "options": st.one_of(
                    wrong_type_for_text,
                    st.lists(st.one_of(st.integers(), st.none(), st.lists(st.text())), min_size=1, max_size=4),
                )
            }
        ),
        st.fixed_dictionaries(
            {
                "options": st.just(["a", "b"]),
                "correct_answers": st.one_of(
                    st.text(max_size=5),
                    st.dictionaries(st.text(max_size=3), st.text(max_size=3)),
                    st.lists(st.integers(), min_size=1),
                ),
            }
        ),
        st.fixed_dictionaries(
            {
                "options": st.just(["a", "b"]),
                "correct_answers": st.just(["a"]),
                "points": st.one_of(huge_or_negative, wrong_type_for_number),
            }
        ),
        st.fixed_dictionaries(
            {
                "options": st.just(["a", "b"]),
                "correct_answers": st.just(["a"]),
                "question_type": st.one_of(unicode_text, wrong_type_for_text),
            }
        ),
        st.fixed_dictionaries(
            {
                "options": st.lists(st.one_of(nul_text, over_long(500)), min_size=2, max_size=2, unique=True),
                "correct_answers": st.just(["a"]),
            }
        ),
    )
)
def test_question_create_refuses_bad_input(api, course, extra):
    quiz = QuizContentFactory(course=course)
    response, before, after = _send(api, "post", f"{API}/lessons/{quiz.pk}/questions/", {"question": "Q?", **extra})
    if response.status_code == 201:
        return  # points that fit
    assert_api_refused(response, set(extra) | {"options", "correct_answers"}, before, after)


@given(question=st.one_of(unicode_text, over_long(5_000)), option=unicode_text)
def test_question_any_unicode_never_500(api, course, question, option):
    quiz = QuizContentFactory(course=course)
    payload = {"question": question, "options": [option, "other"], "correct_answers": [option]}
    response, before, after = _send(api, "post", f"{API}/lessons/{quiz.pk}/questions/", payload)
    assert_api_clean(response, before, after)


# --- regression tests of the defects found (issue 19 §5) --------------------------------------------
@pytest.mark.parametrize("order", [3, "3", "٣"])  # "٣": Arabic-Indic three, which DRF's IntegerField reads as 3
def test_regression_a_taken_order_is_a_field_error_on_order(api, course, order):
    """Was: 400 with `non_field_errors` ("… with this Course and Order already exists") from the unique
    (course, order) constraint, for sections, lessons and questions alike."""
    section = SectionFactory(course=course, order=3)
    lesson = ContentFactory(section=section, order=3)
    quiz = QuizContentFactory(section=section, order=4)
    QuestionFactory(content=quiz, order=3)
    for url, payload in [
        (f"{API}/courses/{course.pk}/sections/", {"title": "Another"}),
        (f"{API}/sections/{section.pk}/lessons/", {"title": "L", "type": "article", "article_body": "x"}),
        (f"{API}/lessons/{quiz.pk}/questions/", {"question": "Q?", "options": ["a", "b"], "correct_answers": ["a"]}),
    ]:
        response, before, after = _send(api, "post", url, {**payload, "order": order})
        assert_api_refused(response, "order", before, after)
        assert response.json()["error"]["codes"]["order"] == ["order_taken"]
    moved = api.patch(f"{API}/lessons/{quiz.pk}/", {"order": order}, format="json")
    assert moved.status_code == 400 and "order" in moved.json()["error"]["fields"]
    assert lesson.order == 3 and CourseContent.objects.get(pk=quiz.pk).order == 4


# --- updates of sections, lessons and questions ------------------------------------------------------
bad_patch_value = st.one_of(nul_text, lone_surrogate, wrong_type_for_text, huge_or_negative, st.none(), over_long(300))


@given(
    target=st.sampled_from(["section", "lesson", "question"]),
    field=st.sampled_from(["title", "question", "order", "points", "pass_mark", "is_published", "options", "type"]),
    value=bad_patch_value,
)
def test_updates_refuse_bad_values_and_change_nothing(api, course, target, field, value):
    section = SectionFactory(course=course)
    quiz = QuizContentFactory(section=section)
    question = QuestionFactory(content=quiz)
    obj, url = {
        "section": (section, f"{API}/sections/{section.pk}/"),
        "lesson": (quiz, f"{API}/lessons/{quiz.pk}/"),
        "question": (question, f"{API}/questions/{question.pk}/"),
    }[target]
    original = type(obj).objects.filter(pk=obj.pk).values().get()
    response, before, after = _send(api, "patch", url, {field: value})
    assert_api_clean(response, before, after)
    if response.status_code == 200:
        # Accepted: the field is not one of this object's (ignored), or the value fits it and is stored whole.
        stored = type(obj).objects.filter(pk=obj.pk).values().get()
        if isinstance(value, str) and field in stored and field in ("title", "question"):
            assert stored[field] == value.strip()
        return
    assert response.status_code == 400, response.content
    assert type(obj).objects.filter(pk=obj.pk).values().get() == original
