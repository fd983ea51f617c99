"""`manage.py seed_demo` builds the demo catalog once, through the workflow services."""

import pytest
from django.core.management import call_command
from PIL import Image

from courses.demo import COURSES, QUIZZES
from courses.models import (
    Category,
    CertificateTemplate,
    Course,
    CourseApprovalRequest,
    CourseContent,
    CourseVersion,
    QuizQuestion,
    Translation,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _counts() -> dict:
    models = (Course, Category, CourseContent, QuizQuestion, CourseVersion, CourseApprovalRequest, Translation)
    return {m.__name__: m.objects.count() for m in models}


def test_seed_demo_twice_builds_the_catalog_once(media, capsys):
    call_command("seed_demo")
    first = _counts()
    call_command("seed_demo")
    assert _counts() == first

    assert Course.objects.count() >= 30
    assert Category.objects.count() >= 8 and Category.objects.filter(parent__isnull=False).exists()
    statuses = set(Course.objects.values_list("status", flat=True))
    assert statuses == set(Course.Status.values)
    assert Course.objects.published().count() >= 20
    assert set(CourseContent.objects.values_list("kind", flat=True)) == set(CourseContent.Kind.values)
    assert set(QuizQuestion.objects.values_list("question_type", flat=True)) == set(QuizQuestion.Type.values)
    # Published through the workflow: each published course has an approval and a version.
    for course in Course.objects.published():
        assert course.versions.exists(), course.slug
        assert course.thumbnail
    assert CertificateTemplate.objects.filter(is_default=True).count() == 1
    assert Course.objects.values("instructor").distinct().count() >= 2
    assert Course.objects.filter(price=0).exists() and Course.objects.filter(price__gt=0).exists()


def test_demo_files_are_valid(media):
    call_command("seed_demo")
    document = CourseContent.objects.filter(kind=CourseContent.Kind.DOCUMENT).first()
    with document.file.open("rb") as fh:
        assert fh.read(5) == b"%PDF-"
    image = CourseContent.objects.filter(kind=CourseContent.Kind.IMAGE).first()
    with image.file.open("rb") as fh, Image.open(fh) as img:
        assert img.format == "PNG"
    assert image.alt_text
    video = CourseContent.objects.filter(kind=CourseContent.Kind.VIDEO).first()
    assert video.video_url.startswith("https://www.youtube.com/watch?v=")

    # Each course's final quiz asks its own questions (issue 14: one asked about another course's subject),
    # and lasts its time limit wherever a length is shown.
    for course in Course.objects.all():
        quiz = course.contents.get(kind=CourseContent.Kind.QUIZ)
        asked = list(quiz.questions.order_by("order").values_list("question", flat=True))
        assert asked == [q[1] for q in QUIZZES[course.slug]], course.slug
        assert quiz.length_seconds == quiz.time_limit_minutes * 60 and quiz.duration_seconds is None


def test_every_demo_course_has_a_quiz_of_its_own():
    assert set(QUIZZES) == {row[0] for row in COURSES}
    texts = [q[1] for questions in QUIZZES.values() for q in questions]
    assert len(texts) == len(set(texts)), "a question shared by two courses is about neither"
    for slug, questions in QUIZZES.items():
        assert len(questions) >= 4, slug
        for qtype, text, options, answers, _explanation in questions:
            if qtype in ("single_choice", "multiple_choice"):
                assert set(answers) <= set(options), (slug, text)
            if qtype == "multiple_choice":  # learning's demo fails a quiz by ticking only the first answer
                assert len(answers) >= 2, (slug, text)
    # A few spot checks that the subject is the course's own.
    assert QUIZZES["python-for-absolute-beginners"][3][3] == ["def"]
    assert all("rule of thirds" not in q[1] for q in QUIZZES["spanish-for-beginners"])
    assert "rule of thirds" in QUIZZES["photography-masterclass"][3][3]
    assert all("Python" not in q[1] for q in QUIZZES["modern-javascript-from-scratch"])


def test_one_demo_course_is_translated_into_french_in_full(media):
    call_command("seed_demo")
    course = Course.objects.get(slug="python-for-absolute-beginners")
    rows = {(t.target, t.target_id, t.field) for t in Translation.objects.filter(course=course, language="fr")}
    assert {("course", course.pk, f) for f in ("title", "short_description", "description")} <= rows
    assert all(("section", s.pk, "title") in rows for s in course.sections.all())
    assert all(("content", c.pk, "title") in rows for c in course.contents.all())
    articles = course.contents.filter(kind=CourseContent.Kind.ARTICLE)
    assert articles and all(("content", a.pk, "article_body") in rows for a in articles)
