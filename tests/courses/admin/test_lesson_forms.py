"""The lesson page reached from the outline: one type's fields, saving through the services and back to the
outline, quiz questions with ticked answers, durations in minutes, uploads kept across validation errors."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from courses import services
from courses.models import CourseContent, QuizQuestion
from courseworx.core.pending_uploads import PENDING_PREFIX, pending_upload_store
from courseworx.core.storage import private_storage
from tests.courses.factories import ContentFactory, CourseFactory, QuestionFactory, QuizContentFactory, SectionFactory
from tests.factories import InstructorFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def course():
    course = CourseFactory(title="Forms")
    SectionFactory(course=course, title="Basics", order=0)
    return course


@pytest.fixture(autouse=True)
def private_root(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = str(tmp_path / "private")
    settings.MEDIA_ROOT = str(tmp_path / "media")


def add_url(course, kind):
    section = course.sections.get()
    return f"{reverse('admin:courses_coursecontent_add')}?course={course.pk}&section={section.pk}&kind={kind}"


def outline_url(course):
    return reverse("admin:courses_course_outline", args=[course.pk])


def lesson_post(course, **fields):
    data = {
        "course": str(course.pk),
        "section": str(course.sections.get().pk),
        "title": "A lesson",
        "description": "",
        "is_published": "on",
        "is_required": "on",
        "points": "0",
        "duration_minutes": "",
        "questions-TOTAL_FORMS": "0",
        "questions-INITIAL_FORMS": "0",
    }
    return data | fields


def form_fields(response) -> set[str]:
    return set(response.context["adminform"].form.fields)


COMMON = {"course", "section", "title", "description", "is_published", "is_required", "is_preview", "points",
          "duration_minutes"}  # fmt: skip


@pytest.mark.parametrize(
    ("kind", "own"),
    [
        ("article", {"article_body"}),
        ("video", {"file", "video_url", "captions"}),
        ("document", {"file"}),
        ("image", {"file", "alt_text"}),
        ("quiz", {"pass_mark", "max_attempts", "time_limit_minutes", "shuffle_questions", "manual_grading"}),
    ],
)
def test_each_type_shows_only_its_fields(client, course, kind, own):
    client.force_login(course.instructor)
    response = client.get(add_url(course, kind))
    assert response.status_code == 200
    assert form_fields(response) == COMMON | own
    inlines = [f.formset.prefix for f in response.context["inline_admin_formsets"]]
    assert inlines == (["questions"] if kind == "quiz" else [])


def test_an_existing_lesson_shows_its_type_only(client, course):
    video = ContentFactory(
        section=course.sections.get(), kind="video", article_body="", video_url="https://www.youtube.com/watch?v=x"
    )
    client.force_login(course.instructor)
    response = client.get(reverse("admin:courses_coursecontent_change", args=[video.pk]))
    assert form_fields(response) == COMMON - {"course"} | {"file", "video_url", "captions"}
    assert "article_body" not in response.text


def test_the_picker_offers_real_lesson_types_only(client, course):
    client.force_login(course.instructor)
    response = client.get(f"{reverse('admin:courses_coursecontent_add')}?course={course.pk}")
    assert response.status_code == 200
    for kind in ("article", "video", "document", "image", "quiz"):
        assert f"kind={kind}" in response.text
    assert "kind=certificate" not in response.text
    # A certificate type asked for by hand gets the picker too, not a form.
    response = client.get(add_url(course, "certificate"))
    assert "adminform" not in response.context and "kind=certificate" not in response.text


def test_saving_returns_to_the_outline_through_the_service(client, course, monkeypatch):
    calls = []
    original = services.content_create
    monkeypatch.setattr(services, "content_create", lambda **kw: calls.append(kw) or original(**kw))
    client.force_login(course.instructor)
    response = client.post(
        add_url(course, "article"), lesson_post(course, title="Intro", article_body="Hello", duration_minutes="12")
    )
    lesson = CourseContent.objects.get(title="Intro")
    assert response.status_code == 302 and response.url == f"{outline_url(course)}#item-{lesson.pk}"
    assert calls and calls[0]["user"] == course.instructor and lesson.kind == "article"
    assert lesson.duration_seconds == 12 * 60 and lesson.order == 0

    # Editing comes back to the outline too; the minutes are shown as minutes.
    url = reverse("admin:courses_coursecontent_change", args=[lesson.pk])
    assert client.get(url).context["adminform"].form["duration_minutes"].value() == 12
    response = client.post(url, lesson_post(course, title="Intro, edited", article_body="Hello", duration_minutes="12"))
    assert response.status_code == 302 and response.url.startswith(outline_url(course))
    lesson.refresh_from_db()
    assert lesson.title == "Intro, edited" and lesson.duration_seconds == 720


def test_save_and_add_another_goes_to_the_picker_of_the_same_section(client, course):
    client.force_login(course.instructor)
    response = client.post(add_url(course, "article"), lesson_post(course, article_body="x", _addanother="1"))
    section = course.sections.get()
    assert response.url == f"{reverse('admin:courses_coursecontent_add')}?course={course.pk}&section={section.pk}"


def test_deleting_a_lesson_returns_to_the_outline_and_renumbers(client, course):
    section = course.sections.get()
    first = ContentFactory(section=section, order=0, title="first")
    ContentFactory(section=section, order=1, title="second")
    client.force_login(course.instructor)
    response = client.post(reverse("admin:courses_coursecontent_delete", args=[first.pk]), {"post": "yes"})
    assert response.status_code == 302 and response.url == outline_url(course)
    assert list(section.contents.values_list("title", "order")) == [("second", 0)]


def test_a_quiz_and_its_questions_in_one_save_with_ticked_answers(client, course):
    client.force_login(course.instructor)
    data = lesson_post(course, title="Check", pass_mark="70")
    data |= {
        "questions-TOTAL_FORMS": "3",
        "questions-0-question": "Pick the primes",
        "questions-0-question_type": "multiple_choice",
        "questions-0-options_text": ["2", "4", "5", ""],
        "questions-0-options_correct": ["0", "2"],
        "questions-0-points": "2",
        "questions-0-is_active": "on",
        "questions-1-question": "The sky is blue",
        "questions-1-question_type": "true_false",
        "questions-1-true_false_answer": "True",
        "questions-1-points": "1",
        "questions-1-is_active": "on",
        "questions-2-question": "Capital of Italy?",
        "questions-2-question_type": "text",
        "questions-2-correct_answers": "Rome\nRoma",
        "questions-2-points": "1",
        "questions-2-is_active": "on",
    }
    response = client.post(add_url(course, "quiz"), data)
    assert response.status_code == 302, response.context["inline_admin_formsets"][0].formset.errors
    quiz = CourseContent.objects.get(title="Check")
    questions = list(quiz.questions.order_by("order"))
    assert [(q.order, q.question_type) for q in questions] == [(0, "multiple_choice"), (1, "true_false"), (2, "text")]
    assert questions[0].options == ["2", "4", "5"] and questions[0].correct_answers == ["2", "5"]
    assert questions[1].options == ["True", "False"] and questions[1].correct_answers == ["True"]
    assert questions[2].options == [] and questions[2].correct_answers == ["Rome", "Roma"]


def test_question_errors_show_next_to_the_ticks(client, course):
    quiz = QuizContentFactory(section=course.sections.get(), title="Quiz")
    client.force_login(course.instructor)
    data = lesson_post(course, title="Quiz", pass_mark="70") | {
        "questions-TOTAL_FORMS": "1",
        "questions-0-question": "One of these",
        "questions-0-question_type": "single_choice",
        "questions-0-options_text": ["A", "B"],
        "questions-0-options_correct": ["0", "1"],
        "questions-0-points": "1",
        "questions-0-is_active": "on",
    }
    response = client.post(reverse("admin:courses_coursecontent_change", args=[quiz.pk]), data)
    assert response.status_code == 200
    errors = response.context["inline_admin_formsets"][0].formset.forms[0].errors
    assert "exactly one correct answer" in str(errors["options"]) and "correct_answers" not in errors
    assert not quiz.questions.exists()


def test_existing_questions_show_their_ticks(client, course):
    quiz = QuizContentFactory(section=course.sections.get(), title="Quiz")
    QuestionFactory(content=quiz, question="Q?", options=["Yes", "No", "Maybe"], correct_answers=["No"])
    client.force_login(course.instructor)
    response = client.get(reverse("admin:courses_coursecontent_change", args=[quiz.pk]))
    html = response.text
    assert 'value="No"' in html
    assert (
        'type="radio" name="questions-0-options_correct" value="1" id="id_questions-0-options_1_correct" checked'
        in html
    )


def test_lessons_of_a_course_in_review_cannot_be_edited_or_added(client, course):
    lesson = ContentFactory(section=course.sections.get(), title="Locked")
    services.course_submit(course=course, user=course.instructor)
    client.force_login(course.instructor)
    url = reverse("admin:courses_coursecontent_change", args=[lesson.pk])
    client.post(url, lesson_post(course, title="Changed", article_body="x"))
    assert CourseContent.objects.get(pk=lesson.pk).title == "Locked"
    response = client.post(add_url(course, "article"), lesson_post(course, title="Sneaked in", article_body="x"))
    assert response.status_code == 200 and "course" in response.context["adminform"].form.errors
    assert not CourseContent.objects.filter(title="Sneaked in").exists()
    assert (
        client.post(reverse("admin:courses_coursecontent_delete", args=[lesson.pk]), {"post": "yes"}).status_code == 403
    )
    assert CourseContent.objects.filter(pk=lesson.pk).exists()


def test_another_authors_lesson_is_out_of_reach(client, course):
    lesson = ContentFactory(section=course.sections.get(), title="Theirs")
    client.force_login(InstructorFactory())
    response = client.get(reverse("admin:courses_coursecontent_change", args=[lesson.pk]))
    assert response.status_code == 302  # the admin's answer for an object outside the user's queryset
    client.post(reverse("admin:courses_coursecontent_change", args=[lesson.pk]), lesson_post(course, title="Mine"))
    assert CourseContent.objects.get(pk=lesson.pk).title == "Theirs"


# --- uploads kept across validation errors ------------------------------------------------------------


def test_an_upload_survives_a_validation_error(client, course, django_capture_on_commit_callbacks):
    client.force_login(course.instructor)
    upload = SimpleUploadedFile("notes.pdf", PDF, content_type="application/pdf")
    response = client.post(add_url(course, "document"), lesson_post(course, title="", file=upload))
    assert response.status_code == 200
    form = response.context["adminform"].form
    assert "title" in form.errors and "file" not in form.errors
    assert "Kept from your last try" in response.text and "notes.pdf" in response.text
    token = form.fields["file"].widget.kept_token
    assert token and f'name="file__kept" value="{token}"' in response.text

    # Sent again with the title and the token only (the browser does not send the file again).
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(add_url(course, "document"), lesson_post(course, title="Notes", file__kept=token))
    assert response.status_code == 302, response.context["adminform"].form.errors
    lesson = CourseContent.objects.get(title="Notes")
    with lesson.file.open("rb") as stored:
        assert stored.read() == PDF
    assert lesson.file_type == "application/pdf" and lesson.file_size == len(PDF)
    assert not lesson.file.name.startswith(PENDING_PREFIX)
    # The kept copy is gone once the lesson is saved.
    assert private_storage().listdir(PENDING_PREFIX) == ([], [])


def test_a_bad_upload_is_not_kept(client, course):
    client.force_login(course.instructor)
    fake = SimpleUploadedFile("notes.pdf", b"MZ not a pdf", content_type="application/pdf")
    response = client.post(add_url(course, "document"), lesson_post(course, title="", file=fake))
    form = response.context["adminform"].form
    assert "file" in form.errors and not form.fields["file"].widget.kept_token
    assert "Kept from your last try" not in response.text


def test_someone_elses_kept_upload_cannot_be_attached(client, course):
    other = InstructorFactory()
    token = pending_upload_store(upload=SimpleUploadedFile("secret.pdf", PDF), user=other)
    client.force_login(course.instructor)
    response = client.post(add_url(course, "document"), lesson_post(course, title="Notes", file__kept=token))
    assert response.status_code == 200
    assert "file" in response.context["adminform"].form.errors  # "Upload the document file."
    assert not CourseContent.objects.filter(title="Notes").exists()


def test_a_forged_token_is_ignored(client, course):
    client.force_login(course.instructor)
    response = client.post(
        add_url(course, "document"), lesson_post(course, title="Notes", file__kept="courses/x.pdf:forged")
    )
    assert response.status_code == 200 and "file" in response.context["adminform"].form.errors
    assert QuizQuestion.objects.count() == 0
