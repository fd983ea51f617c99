"""Translations of a course (services.translation_save) and their review: a live course's translations
change through a revision, shown in the reviewer's diff and applied when the revision is approved."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from courses import selectors, services
from courses.models import Course, CourseLanguage, Translation
from courses.translations import course_translation_data
from courseworx.core.exceptions import ConflictError
from courseworx.core.models import AuditLog
from tests.courses.factories import (
    CollaboratorFactory,
    ContentFactory,
    CourseFactory,
    QuestionFactory,
    QuizContentFactory,
    SectionFactory,
)
from tests.courses.services.utils import approve
from tests.factories import AdminFactory, InstructorFactory, ReviewerFactory, StudentFactory

pytestmark = pytest.mark.django_db
T = Translation.Target


@pytest.fixture
def draft():
    course = CourseFactory(title="Pottery basics", language="en")
    section = SectionFactory(course=course, title="Intro", order=0)
    ContentFactory(section=section, title="Clay", order=0, article_body="Clay is **wet**.")
    quiz = QuizContentFactory(section=section, title="Check", order=1)
    QuestionFactory(content=quiz, question="Is clay wet?", options=["Yes", "No"], correct_answers=["Yes"])
    return course


def _ids(course):
    section = course.sections.get()
    return section, course.contents.get(title="Clay"), course.contents.get(title="Check")


def texts(course, language="fr"):
    return {(row.target, row.field): row.text for row in Translation.objects.filter(course=course, language=language)}


def test_an_instructor_translates_a_draft_in_one_go(draft):
    section, article, _ = _ids(draft)
    changed = services.translation_save(
        course=draft,
        language="fr",
        values={
            "course": {"title": "Les bases de la poterie", "short_description": "Apprenez la poterie."},
            "sections": {str(section.pk): {"title": "Introduction"}},
            "lessons": {str(article.pk): {"title": "L'argile", "article_body": "L'argile est **humide**."}},
        },
        user=draft.instructor,
    )
    assert changed == 5
    assert texts(draft) == {
        ("course", "title"): "Les bases de la poterie",
        ("course", "short_description"): "Apprenez la poterie.",
        ("section", "title"): "Introduction",
        ("content", "title"): "L'argile",
        ("content", "article_body"): "L'argile est **humide**.",
    }
    assert CourseLanguage.objects.filter(course=draft, language="fr").exists()
    assert AuditLog.objects.filter(action="course.translation_save", target_id=str(draft.pk)).exists()
    # "" removes a translation; fields not sent stay
    services.translation_save(course=draft, language="fr", values={"course": {"title": ""}}, user=draft.instructor)
    assert ("course", "title") not in texts(draft) and ("section", "title") in texts(draft)


def test_removing_every_translation_of_a_language_stops_offering_it(draft):
    values = {"course": {"title": "Poterie"}}
    services.translation_save(course=draft, language="es", values=values, user=draft.instructor)
    services.translation_save(course=draft, language="es", values={"course": {"title": ""}}, user=draft.instructor)
    assert not CourseLanguage.objects.filter(course=draft, language="es").exists()


def test_the_translation_data_lists_originals_beside_translations(draft):
    section, article, quiz = _ids(draft)
    services.translation_save(
        course=draft, language="fr", values={"lessons": {str(article.pk): {"title": "L'argile"}}}, user=draft.instructor
    )
    data = course_translation_data(course=draft, language="fr")
    assert data["lessons"][str(article.pk)]["title"] == "L'argile"
    assert data["originals"]["lessons"][str(article.pk)]["article_body"] == "Clay is **wet**."
    assert "article_body" not in data["lessons"][str(quiz.pk)]  # a quiz has no body to translate
    assert data["originals"]["course"]["title"] == "Pottery basics" and data["course"]["title"] == ""
    assert str(section.pk) in data["sections"]


@pytest.mark.parametrize(
    ("values", "where"),
    [
        ({"course": {"slug": "x"}}, "course.slug"),
        ({"chapters": {}}, "chapters"),
        (
            {"sections": {"6f1c2d9e-0000-4000-8000-000000000000": {"title": "x"}}},
            "sections.6f1c2d9e-0000-4000-8000-000000000000",
        ),
        ({"course": {"title": "a\x00b"}}, "course.title"),
        ({"course": {"title": "x" * 201}}, "course.title"),
        ({"course": {"title": 3}}, "course.title"),
    ],
)
def test_bad_values_are_refused_with_where_they_are(draft, values, where):
    with pytest.raises(ValidationError) as exc:
        services.translation_save(course=draft, language="fr", values=values, user=draft.instructor)
    assert where in exc.value.message_dict
    assert not Translation.objects.filter(course=draft).exists()


def test_a_quiz_has_no_article_body_and_another_course_s_lesson_is_not_one_of_its_own(draft):
    _, _, quiz = _ids(draft)
    other = ContentFactory(title="Elsewhere")
    for values, where in (
        ({"lessons": {str(quiz.pk): {"article_body": "Texte"}}}, f"lessons.{quiz.pk}.article_body"),
        ({"lessons": {str(other.pk): {"title": "Ailleurs"}}}, f"lessons.{other.pk}"),
    ):
        with pytest.raises(ValidationError) as exc:
            services.translation_save(course=draft, language="fr", values=values, user=draft.instructor)
        assert where in exc.value.message_dict


@pytest.mark.parametrize("language", ["en", "xx", ""])
def test_unknown_or_own_language_is_refused(draft, language):
    with pytest.raises(ValidationError) as exc:
        services.translation_save(course=draft, language=language, values={}, user=draft.instructor)
    assert "language" in exc.value.message_dict


def test_only_the_course_s_teachers_and_superusers_translate(draft):
    values = {"course": {"title": "Poterie"}}
    for outsider in (InstructorFactory(), StudentFactory(), ReviewerFactory()):
        with pytest.raises(PermissionDenied):
            services.translation_save(course=draft, language="fr", values=values, user=outsider)
    assert not Translation.objects.exists()
    coauthor = CollaboratorFactory(course=draft).user
    services.translation_save(course=draft, language="fr", values=values, user=coauthor)
    services.translation_save(course=draft, language="de", values={"course": {"title": "Töpfern"}}, user=AdminFactory())
    assert Translation.objects.filter(course=draft).count() == 2


def test_in_review_translations_are_locked(draft):
    services.course_submit(course=draft, user=draft.instructor)
    with pytest.raises(ConflictError) as exc:
        services.translation_save(course=draft, language="fr", values={"course": {"title": "x"}}, user=draft.instructor)
    assert exc.value.code == "course_locked"


# -- review: a live course's translations go through a revision ---------------------------------------
@pytest.fixture
def live(draft):
    section, article, _ = _ids(draft)
    services.translation_save(
        course=draft,
        language="fr",
        values={
            "course": {"title": "Les bases de la poterie"},
            "sections": {str(section.pk): {"title": "Introduction"}},
            "lessons": {str(article.pk): {"title": "L'argile"}},
        },
        user=draft.instructor,
    )
    approve(draft, ReviewerFactory())
    draft.refresh_from_db()
    return draft


def test_a_published_course_s_translation_cannot_be_changed_directly(live):
    with pytest.raises(ConflictError) as exc:
        services.translation_save(
            course=live, language="fr", values={"course": {"title": "Autre"}}, user=live.instructor
        )
    assert exc.value.code == "revision_required"
    assert texts(live)[("course", "title")] == "Les bases de la poterie"


def test_the_approved_version_records_the_translations(live):
    snapshot = live.versions.get().snapshot
    labels = {row["label"]: row["text"] for row in snapshot["items"]["translation"]}
    assert labels["Français: course title"] == "Les bases de la poterie"
    assert labels["Français: section “Intro” title"] == "Introduction"


def test_a_translation_change_goes_live_only_when_its_revision_is_approved(live):
    section, article, _ = _ids(live)
    reviewer = ReviewerFactory()
    revision = services.course_revision_start(course=live, user=live.instructor)
    # The revision carries the translations, attached to its own copies of the section and lesson.
    rev_section, rev_article, _ = _ids(revision)
    assert texts(revision) == texts(live)
    assert Translation.objects.get(course=revision, target=T.SECTION).target_id == rev_section.pk
    new_section = SectionFactory(course=revision, title="Glazes", order=1)
    services.translation_save(
        course=revision,
        language="fr",
        values={
            "course": {"title": "La poterie pour tous"},  # changed
            "sections": {str(new_section.pk): {"title": "Émaux"}},  # added, with a new section
            "lessons": {str(rev_article.pk): {"title": ""}},  # removed
        },
        user=live.instructor,
    )
    # Students still get the live course's translation.
    assert texts(live)[("course", "title")] == "Les bases de la poterie"
    # The reviewer sees exactly the translation changes.
    diff = [
        (e["change"], e["title"]) for e in selectors.course_review_comparison(course=revision).diff
        if e["kind"] == "translation"
    ]  # fmt: skip
    assert sorted(diff) == [
        ("added", "Français: section “Glazes” title"),
        ("changed", "Français: course title"),
        ("removed", "Français: lesson “Clay” title"),
    ]
    changes = selectors.course_revision_changes(revision)
    assert list(changes.values()).count("added") >= 2  # the new section and its translation

    services.course_submit(course=revision, user=live.instructor)
    services.course_approve(course=revision, reviewer=reviewer)

    assert not Course.objects.filter(pk=revision.pk).exists()
    rows = {(r.target, r.target_id, r.field): r.text for r in Translation.objects.filter(course=live)}
    assert rows == {
        (T.COURSE, live.pk, "title"): "La poterie pour tous",
        (T.SECTION, section.pk, "title"): "Introduction",
        (T.SECTION, new_section.pk, "title"): "Émaux",
    }
    assert ("content", "title") not in texts(live)
