"""Model validation (clean) and the database constraints behind it."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, connection, transaction

from courses.models import Course, CourseContent, QuizQuestion
from tests.courses.factories import (
    ContentFactory,
    CourseFactory,
    QuestionFactory,
    QuizContentFactory,
    SectionFactory,
)

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n%fake but well-formed enough\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00"


def errors_of(obj) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as exc:
        obj.full_clean()
    return exc.value.message_dict


def lesson(**kwargs) -> CourseContent:
    section = kwargs.pop("section", None) or SectionFactory()
    return CourseContent(course=section.course, section=section, title="Lesson", order=99, **kwargs)


# --- uploads ----------------------------------------------------------------------------------


def test_document_needs_a_file():
    assert "file" in errors_of(lesson(kind="document"))


def test_pdf_document_is_accepted_and_typed():
    content = lesson(kind="document", file=SimpleUploadedFile("notes.pdf", PDF))
    content.full_clean()
    assert content.file_type == "application/pdf" and content.file_size == len(PDF)


def test_exe_renamed_pdf_is_refused():
    errors = errors_of(lesson(kind="document", file=SimpleUploadedFile("notes.pdf", EXE)))
    assert errors["file"] == ["The file's content does not match its .pdf extension."]


def test_wrong_extension_is_refused():
    errors = errors_of(lesson(kind="document", file=SimpleUploadedFile("setup.exe", EXE)))
    assert "must be one of" in errors["file"][0]


def test_oversized_file_is_refused(settings):
    limits = {k: dict(v) for k, v in settings.COURSE_UPLOAD_LIMITS.items()}
    limits["document"]["max_bytes"] = 10
    settings.COURSE_UPLOAD_LIMITS = limits
    errors = errors_of(lesson(kind="document", file=SimpleUploadedFile("notes.pdf", PDF)))
    assert "too large" in errors["file"][0]


def test_image_must_be_a_real_image():
    errors = errors_of(lesson(kind="image", file=SimpleUploadedFile("photo.png", b"not an image")))
    assert "valid image" in errors["file"][0]


def test_article_and_quiz_take_no_file():
    errors = errors_of(lesson(kind="article", article_body="x", file=SimpleUploadedFile("a.pdf", PDF)))
    assert errors["file"] == ["This type of lesson does not take a file."]


# --- video --------------------------------------------------------------------------------------


def test_video_needs_file_or_link():
    assert "video_url" in errors_of(lesson(kind="video"))


@pytest.mark.parametrize(
    "url",
    ["https://evil.example.com/watch?v=1", "http://www.youtube.com/watch?v=1", "https://youtube.com.evil.io/x"],
)
def test_video_link_must_be_https_from_allowed_host(url):
    errors = errors_of(lesson(kind="video", video_url=url))
    assert "Video links must be https URLs from" in errors["video_url"][0]


def test_allowed_video_link_passes():
    lesson(kind="video", video_url="https://www.youtube.com/watch?v=abc").full_clean()


def test_video_link_only_on_videos():
    errors = errors_of(lesson(kind="article", article_body="x", video_url="https://vimeo.com/1"))
    assert "video_url" in errors


# --- other lesson rules ---------------------------------------------------------------------------


def test_article_needs_a_body():
    assert errors_of(lesson(kind="article"))["article_body"] == ["Write the article's text."]


def test_section_must_belong_to_the_same_course():
    content = lesson(kind="article", article_body="x")
    content.course = CourseFactory()
    assert errors_of(content)["section"] == ["This section belongs to another course."]


def test_quiz_settings_only_on_quizzes():
    errors = errors_of(lesson(kind="article", article_body="x", max_attempts=3, shuffle_questions=True))
    assert {"max_attempts", "shuffle_questions"} <= set(errors)
    lesson(kind="quiz", max_attempts=3, shuffle_questions=True, time_limit_minutes=10).full_clean()


def test_article_html_is_rendered_and_sanitised_on_save():
    content = ContentFactory(article_body="**bold** <script>alert(1)</script> <a href='#' onclick='x()'>l</a>")
    assert "<strong>bold</strong>" in content.article_html
    assert "<script" not in content.article_html and "alert(1)" not in content.article_html
    assert "onclick" not in content.article_html
    content.article_body = "new <img src=x onerror=alert(1)>"
    content.save(update_fields=["article_body"])
    content.refresh_from_db()
    assert "new" in content.article_html and "onerror" not in content.article_html


# --- quiz questions -----------------------------------------------------------------------------


def question(**kwargs) -> QuizQuestion:
    content = kwargs.pop("content", None) or QuizContentFactory()
    return QuizQuestion(content=content, question="Q?", order=50, **kwargs)


def test_valid_questions():
    question(question_type="single_choice", options=["a", "b"], correct_answers=["a"]).full_clean()
    question(question_type="multiple_choice", options=["a", "b", "c"], correct_answers=["a", "c"]).full_clean()
    question(question_type="text", correct_answers=["Paris", "paris"]).full_clean()
    tf = question(question_type="true_false", correct_answers=["False"])
    tf.full_clean()
    assert tf.options == ["True", "False"]


@pytest.mark.parametrize(
    ("kwargs", "field", "message"),
    [
        ({"question_type": "single_choice", "options": ["a"], "correct_answers": ["a"]}, "options", "two options"),
        ({"question_type": "single_choice", "options": ["a", "b"], "correct_answers": ["c"]}, "correct_answers",
         "among the options"),
        ({"question_type": "single_choice", "options": ["a", "b"], "correct_answers": ["a", "b"]}, "correct_answers",
         "exactly one"),
        ({"question_type": "multiple_choice", "options": ["a", "b"], "correct_answers": []}, "correct_answers",
         "at least one"),
        ({"question_type": "true_false", "options": ["Yes", "No"], "correct_answers": ["Yes"]}, "options",
         "True"),
        ({"question_type": "true_false", "correct_answers": ["True", "False"]}, "correct_answers", "exactly one"),
        ({"question_type": "text", "correct_answers": []}, "correct_answers", "accepted answer"),
        ({"question_type": "single_choice", "options": ["a", "a"], "correct_answers": ["a"]}, "options",
         "different"),
        ({"question_type": "single_choice", "options": "a,b", "correct_answers": ["a"]}, "options", "list"),
    ],
)  # fmt: skip
def test_invalid_questions(kwargs, field, message):
    errors = errors_of(question(**kwargs))
    assert message in errors[field][0]


def test_questions_only_on_quizzes():
    errors = errors_of(question(content=ContentFactory(), options=["a", "b"], correct_answers=["a"]))
    assert errors["content"] == ["Questions belong to quiz lessons only."]


# --- course ---------------------------------------------------------------------------------------


def test_course_clean_dates_and_price():
    course = CourseFactory.build(start_date=datetime.date(2026, 3, 1), end_date=datetime.date(2026, 2, 1),
                                 price=Decimal("-5"), category=None)  # fmt: skip
    course.instructor.save()
    errors = errors_of(course)
    assert errors["end_date"] == ["The end date cannot be before the start date."]
    assert errors["price"] == ["The price cannot be negative."]


def test_course_cannot_be_its_own_prerequisite():
    course = CourseFactory()
    with pytest.raises(ValidationError, match="own prerequisite"):
        course.validate_prerequisites([course])
    course.validate_prerequisites([CourseFactory()])


# --- database constraints (clean bypassed) -------------------------------------------------------


def test_negative_price_is_refused_by_the_database():
    course = CourseFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Course.objects.filter(pk=course.pk).update(price=Decimal("-1"))


def test_end_before_start_is_refused_by_the_database():
    course = CourseFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Course.objects.filter(pk=course.pk).update(
            start_date=datetime.date(2026, 3, 1), end_date=datetime.date(2026, 2, 1)
        )


def _check_deferred_constraints_now() -> None:
    # Ordering constraints are DEFERRABLE INITIALLY DEFERRED on PostgreSQL (checked at COMMIT, which
    # never comes inside a test's transaction): ask for the check now.  SQLite checks at once.
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def test_duplicate_lesson_order_in_a_section_is_refused_by_the_database():
    first = ContentFactory(order=3)
    with pytest.raises(IntegrityError), transaction.atomic():
        CourseContent.objects.bulk_create(
            [CourseContent(course=first.course, section=first.section, title="Dup", kind="article", order=3)]
        )
        _check_deferred_constraints_now()


def test_duplicate_section_order_is_refused_by_the_database():
    section = SectionFactory(order=0)
    with pytest.raises(IntegrityError), transaction.atomic():
        SectionFactory(course=section.course, order=0)
        _check_deferred_constraints_now()


def test_duplicate_question_order_is_refused_by_the_database():
    first = QuestionFactory(order=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        QuestionFactory(content=first.content, order=1)
        _check_deferred_constraints_now()
