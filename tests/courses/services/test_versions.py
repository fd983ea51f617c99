"""Versions: snapshots, diffs (courses.selectors) and restoring a version (services.versions)."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from courses import selectors, services
from courses.models import Course, CourseContent, CourseVersion, QuizQuestion
from courseworx.core.models import AuditLog
from tests.courses.factories import (
    ContentFactory,
    CourseFactory,
    QuestionFactory,
    QuizContentFactory,
    SectionFactory,
)
from tests.courses.services.utils import approve, statuses
from tests.factories import InstructorFactory

pytestmark = pytest.mark.django_db

S = Course.Status


# --- versions, diff, restore ------------------------------------------------------------------


def test_versions_1_then_2_and_diff(course, reviewer):
    instructor = course.instructor
    v1 = approve(course, reviewer)
    assert v1.number == 1

    # Revise: restoring v1 reopens the published course as a draft.
    services.course_version_restore(version=v1, user=instructor)
    assert statuses(course) == S.DRAFT
    services.course_update(course=course, user=instructor, data={"title": "Django in depth"})
    section = course.sections.get()
    added = services.content_create(section=section, user=instructor, title="Models", kind="article",
                                    article_body="Fields")  # fmt: skip
    v2 = approve(course, reviewer)

    assert v2.number == 2
    assert v2.snapshot["course"]["title"] == "Django in depth"
    assert len(v2.snapshot["sections"][0]["lessons"]) == 2
    v1.refresh_from_db()
    assert v1.snapshot["course"]["title"] == "Intro to Django"  # untouched

    diff = selectors.course_version_diff(old=v1.snapshot, new=v2.snapshot)
    assert {"kind": "lesson", "change": "added", "id": str(added.pk), "title": "Models"} in diff
    course_change = next(d for d in diff if d["kind"] == "course")
    assert course_change["fields"]["title"] == {"old": "Intro to Django", "new": "Django in depth"}
    assert len(diff) == 2


def test_diff_reports_removed_and_changed_questions():
    quiz = QuizContentFactory()
    q1 = QuestionFactory(content=quiz, question="2+2?", options=["3", "4"], correct_answers=["4"])
    q2 = QuestionFactory(content=quiz)
    q2_id = str(q2.pk)
    old = selectors.course_snapshot(course=quiz.course)
    QuizQuestion.objects.filter(pk=q1.pk).update(question="2+3?")
    q2.delete()
    new = selectors.course_snapshot(course=quiz.course)

    diff = selectors.course_version_diff(old=old, new=new)
    changed = next(d for d in diff if d["change"] == "changed")
    assert changed["kind"] == "question" and changed["fields"] == {"question": {"old": "2+2?", "new": "2+3?"}}
    assert {"kind": "question", "change": "removed", "id": q2_id, "title": q2.question} in diff


def test_diff_against_nothing_lists_everything_as_added(course):
    diff = selectors.course_version_diff(old={}, new=selectors.course_snapshot(course=course))
    assert [(d["kind"], d["change"]) for d in diff] == [("section", "added"), ("lesson", "added")]


def test_restore_brings_back_old_structure_and_leaves_versions_untouched(reviewer):
    course = CourseFactory(title="Original")
    s1 = SectionFactory(course=course, title="Basics", order=0)
    s2 = SectionFactory(course=course, title="More", order=1)
    lesson = ContentFactory(section=s1, title="Lesson A", order=0, article_body="**A**")
    moved = ContentFactory(section=s1, title="Lesson B", order=1)
    quiz = QuizContentFactory(section=s2, title="Quiz", order=0)
    question = QuestionFactory(content=quiz, question="Capital of France?", order=0)
    v1 = approve(course, reviewer)
    snapshot_before = v1.snapshot

    # Change everything: back to draft, then edit, delete, add, move and re-order.
    services.course_version_restore(version=v1, user=course.instructor)
    instructor = course.instructor
    services.course_update(course=course, user=instructor, data={"title": "Changed", "price": "10.00"})
    services.content_update(content=lesson, user=instructor, data={"title": "Renamed", "article_body": "new"})
    services.content_update(content=moved, user=instructor, data={"section": s2, "order": 5})
    services.question_update(question=question, user=instructor, data={"question": "Capital of Spain?",
                             "options": ["Madrid", "Paris"], "correct_answers": ["Madrid"]})  # fmt: skip
    services.section_reorder(course=course, user=instructor, section_ids=[s2.pk, s1.pk])
    extra = services.section_create(course=course, user=instructor, title="Extra")
    services.content_create(section=extra, user=instructor, title="New", kind="article", article_body="x")
    quiz_id = quiz.pk
    quiz.delete()

    restored = services.course_version_restore(version=v1, user=instructor)

    assert restored.status == S.DRAFT
    course.refresh_from_db()
    assert course.title == "Original" and course.price == Decimal("0.00")
    assert selectors.course_snapshot(course=course)["sections"] == snapshot_before["sections"]
    lesson.refresh_from_db()
    assert lesson.title == "Lesson A" and "<strong>A</strong>" in lesson.article_html  # same row, same id
    assert not course.sections.filter(title="Extra").exists()
    assert CourseContent.objects.get(pk=quiz_id).questions.get().question == "Capital of France?"
    v1.refresh_from_db()
    assert v1.snapshot == snapshot_before
    assert CourseVersion.objects.count() == 1
    assert AuditLog.objects.filter(action="course.version_restore").count() == 2


def test_restore_refused_in_review_and_for_strangers(course, reviewer):
    v1 = approve(course, reviewer)
    with pytest.raises(PermissionDenied):
        services.course_version_restore(version=v1, user=InstructorFactory())
    services.course_version_restore(version=v1, user=course.instructor)
    services.course_submit(course=course, user=course.instructor)
    with pytest.raises(ValidationError, match="in review"):
        services.course_version_restore(version=v1, user=course.instructor)
    assert statuses(course) == S.IN_REVIEW


# --- the reviewer's comparison ------------------------------------------------------------------------


def test_after_a_change_request_the_diff_shows_exactly_the_changed_fields(reviewer):
    course = CourseFactory(title="Glass", price="10.00")
    section = SectionFactory(course=course, title="Basics", order=0)
    article = ContentFactory(section=section, title="Sand", order=0, article_body="Line one\nLine two\n")
    untouched = ContentFactory(section=section, title="Heat", order=1)
    quiz = QuizContentFactory(section=section, title="Check", order=2)
    question = QuestionFactory(content=quiz, question="Hot?", options=["Yes", "No"], correct_answers=["Yes"], order=0)
    instructor = course.instructor
    services.course_submit(course=course, user=instructor)
    services.course_request_changes(course=course, reviewer=reviewer, note="Fix the price and the sand lesson")

    services.course_update(course=course, user=instructor, data={"price": "12.00", "short_description": "Better"})
    services.content_update(content=article, user=instructor, data={"article_body": "Line one\nLine 2\n"})
    services.question_update(question=question, user=instructor, data={"options": ["Yes", "No", "Maybe"], "points": 2})
    services.course_submit(course=course, user=instructor)

    comparison = selectors.course_review_comparison(course=course)
    assert comparison.label.startswith("Changes since the last submission")
    assert not comparison.first_submission
    changed = {(d["kind"], d["change"], d["id"]): d.get("fields") for d in comparison.diff}
    assert changed == {
        ("course", "changed", None): {
            "price": {"old": "10.00", "new": "12.00"},
            "short_description": {"old": "A short description.", "new": "Better"},
        },
        ("lesson", "changed", str(article.pk)): {
            "article_body": {"old": "Line one\nLine two\n", "new": "Line one\nLine 2\n"}
        },
        ("question", "changed", str(question.pk)): {
            "options": {"old": ["Yes", "No"], "new": ["Yes", "No", "Maybe"]},
            "points": {"old": 1, "new": 2},
        },
    }
    assert str(untouched.pk) not in {d["id"] for d in comparison.diff}


def test_a_first_submission_lists_everything_as_new(course):
    services.course_submit(course=course, user=course.instructor)
    comparison = selectors.course_review_comparison(course=course)
    assert comparison.first_submission and comparison.label == "First submission: everything is new"
    assert [(d["kind"], d["change"]) for d in comparison.diff] == [("section", "added"), ("lesson", "added")]
