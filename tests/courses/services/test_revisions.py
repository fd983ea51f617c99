"""Revising a live course (services.revisions): a draft copy, reviewed, applied to the live course on approval.

With learners' data (progress on surviving lessons, assignments, submissions): tests/learning/test_revisions.py.
"""

import uuid
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction

from courses import selectors, services
from courses.models import Course, CourseApprovalRequest, CourseContent, CourseSection, CourseVersion, QuizQuestion
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
from tests.factories import AdminFactory, InstructorFactory, StudentFactory

pytestmark = pytest.mark.django_db

S = Course.Status


@pytest.fixture
def live(reviewer):
    """A published course (through the workflow): two sections, an article, a quiz with a question."""
    course = CourseFactory(title="Pottery basics", price="20.00")
    intro = SectionFactory(course=course, title="Intro", order=0)
    more = SectionFactory(course=course, title="More", order=1)
    ContentFactory(section=intro, title="Clay", order=0, article_body="Clay is **wet**.")
    ContentFactory(section=intro, title="Tools", order=1, article_body="A wheel.")
    quiz = QuizContentFactory(section=more, title="Check", order=0)
    QuestionFactory(content=quiz, question="Is clay wet?", options=["Yes", "No"], correct_answers=["Yes"], order=0)
    approve(course, reviewer)
    course.refresh_from_db()
    return course


def structure(course):
    """What students are shown: section titles with their lessons' titles and texts, and quiz questions."""
    return [
        (s.title, [(c.title, c.article_body, [q.question for q in c.questions.order_by("order")])
                   for c in s.contents.order_by("order")])
        for s in course.sections.order_by("order")
    ]  # fmt: skip


def test_start_copies_the_course_into_a_draft_revision(live):
    CollaboratorFactory(course=live)
    revision = services.course_revision_start(course=live, user=live.instructor)

    assert revision.revision_of == live and revision.status == S.DRAFT and revision.is_revision
    assert str(revision) == "Pottery basics (revision)" and str(live) == "Pottery basics"  # in admin lists, selects
    assert revision.slug != live.slug and revision.title == live.title and revision.price == live.price
    assert structure(revision) == structure(live)
    assert list(revision.collaborators.values_list("user", flat=True)) == list(
        live.collaborators.values_list("user", flat=True)
    )
    origins = revision.revision_origins
    assert set(origins["content"].values()) == {str(pk) for pk in live.contents.values_list("pk", flat=True)}
    assert set(origins["content"]) == {str(pk) for pk in revision.contents.values_list("pk", flat=True)}
    assert len(origins["section"]) == 2 and len(origins["question"]) == 1
    assert AuditLog.objects.filter(action="course.revision_start", target_id=str(live.pk)).exists()
    # Nothing changed yet: no item is badged.
    assert selectors.course_revision_changes(revision) == {}


def test_a_revision_is_hidden_from_the_catalog_and_students(client, live):
    revision = services.course_revision_start(course=live, user=live.instructor)
    assert list(Course.objects.published()) == [live]
    assert revision not in selectors.course_list_published(filters={})
    assert revision not in selectors.course_list_for_editor(user=live.instructor)
    client.force_login(StudentFactory())
    assert client.get(f"/courses/{revision.slug}/").status_code == 404
    assert client.get(f"/courses/{revision.slug}/?preview=1").status_code == 404
    assert client.get(f"/learn/{revision.slug}/").status_code in (302, 404)


@pytest.mark.parametrize("who", ["other_instructor", "student", "reviewer"])
def test_only_authors_start_a_revision(live, reviewer, who):
    user = {"other_instructor": InstructorFactory, "student": StudentFactory, "reviewer": lambda: reviewer}[who]()
    with pytest.raises(PermissionDenied):
        services.course_revision_start(course=live, user=user)
    assert not Course.objects.filter(revision_of=live).exists()


def test_co_authors_and_superusers_may_start_one(live):
    co_author = CollaboratorFactory(course=live).user
    revision = services.course_revision_start(course=live, user=co_author)
    services.course_delete(course=revision, user=live.instructor)  # the owner discards it
    assert services.course_revision_start(course=live, user=AdminFactory()).revision_of == live


def test_one_open_revision_and_only_of_a_published_course(live):
    revision = services.course_revision_start(course=live, user=live.instructor)
    with pytest.raises(ConflictError) as caught:
        services.course_revision_start(course=live, user=live.instructor)
    assert caught.value.code == "revision_exists"
    with pytest.raises(ConflictError):
        services.course_revision_start(course=revision, user=live.instructor)
    draft = CourseFactory()
    with pytest.raises(ConflictError):
        services.course_revision_start(course=draft, user=draft.instructor)
    with pytest.raises(IntegrityError), transaction.atomic():  # the database says so too
        CourseFactory(revision_of=live)


def test_live_course_unchanged_until_approval_then_applied(live, reviewer):
    before = structure(live)
    live_ids = set(live.contents.values_list("pk", flat=True))
    revision = services.course_revision_start(course=live, user=live.instructor)
    user = live.instructor
    rev_intro, rev_more = revision.sections.order_by("order")
    clay, tools = rev_intro.contents.order_by("order")
    services.course_update(course=revision, user=user, data={"title": "Pottery in depth", "price": "25.00"})
    services.content_update(content=clay, user=user, data={"article_body": "Clay is **very** wet."})
    tools_origin = revision.revision_origins["content"][str(tools.pk)]
    tools.delete()
    new = services.content_create(section=rev_more, user=user, title="Glazes", kind="article", article_body="Shiny.")
    quiz = rev_more.contents.get(kind="quiz")
    added_question = services.question_create(content=quiz, user=user, question="Is a kiln hot?",
                                              options=["Yes", "No"], correct_answers=["Yes"])  # fmt: skip

    changes = selectors.course_revision_changes(revision)
    assert changes == {
        ("course", revision.pk): "changed",
        ("content", clay.pk): "changed",
        ("content", new.pk): "added",
        ("content", uuid.UUID(tools_origin)): "removed",
        ("question", added_question.pk): "added",
    }

    services.course_submit(course=revision, user=user)
    live.refresh_from_db()
    assert live.title == "Pottery basics" and live.status == S.PUBLISHED and structure(live) == before

    version = services.course_approve(course=revision, reviewer=reviewer, note="Better")

    live.refresh_from_db()
    assert live.status == S.PUBLISHED and live.title == "Pottery in depth" and live.price == Decimal("25.00")
    assert structure(live) == [
        ("Intro", [("Clay", "Clay is **very** wet.", [])]),
        ("More", [("Check", "", ["Is clay wet?", "Is a kiln hot?"]), ("Glazes", "Shiny.", [])]),
    ]
    # The surviving lessons are the same rows; the removed one is gone (nobody had started it).
    assert live_ids - set(live.contents.values_list("pk", flat=True)) == {uuid.UUID(tools_origin)}
    assert CourseContent.objects.get(title="Clay").article_html.count("<strong>very</strong>") == 1
    assert not Course.objects.filter(pk=revision.pk).exists()
    assert version.course == live and version.number == 2
    assert [v.number for v in CourseVersion.objects.filter(course=live)] == [2, 1]
    requests = CourseApprovalRequest.objects.filter(course=live)
    assert requests.count() == 2 and requests.filter(decision="approved").count() == 2
    # Nothing of the revision is left behind.
    assert CourseSection.objects.filter(course__isnull=False).count() == 2 == live.sections.count()
    assert QuizQuestion.objects.count() == 2
    assert AuditLog.objects.filter(action="course.approve", target_id=str(live.pk), changes__revision=str(revision.pk))


def test_changes_requested_on_a_revision_then_resubmitted(live, reviewer):
    revision = services.course_revision_start(course=live, user=live.instructor)
    services.course_update(course=revision, user=live.instructor, data={"short_description": "New blurb"})
    services.course_submit(course=revision, user=live.instructor)
    services.course_request_changes(course=revision, reviewer=reviewer, note="Say more")
    assert Course.objects.get(pk=revision.pk).status == S.CHANGES_REQUESTED
    services.course_update(course=revision, user=live.instructor, data={"short_description": "A longer blurb"})
    services.course_submit(course=revision, user=live.instructor)
    # The reviewer compares with the published course, not with "nothing".
    comparison = selectors.course_review_comparison(course=Course.objects.get(pk=revision.pk))
    assert comparison.label.startswith("Changes from the published course")
    assert [(d["kind"], d["change"], list(d.get("fields", {}))) for d in comparison.diff] == [
        ("course", "changed", ["short_description"])
    ]
    services.course_approve(course=revision, reviewer=reviewer)
    assert Course.objects.get(pk=live.pk).short_description == "A longer blurb"


def test_approving_a_revision_of_a_course_archived_meanwhile_is_refused(live, reviewer):
    revision = services.course_revision_start(course=live, user=live.instructor)
    services.course_submit(course=revision, user=live.instructor)
    services.course_archive(course=live, user=live.instructor)
    with pytest.raises(ConflictError, match="archived"):
        services.course_approve(course=revision, reviewer=reviewer)
    assert Course.objects.get(pk=revision.pk).status == S.IN_REVIEW


def test_revision_changes_of_a_plain_course_compare_with_its_last_version(live):
    assert selectors.course_revision_changes(CourseFactory()) == {}  # never approved: nothing to compare
    version = live.versions.get()
    services.course_version_restore(version=version, user=live.instructor)
    lesson = live.contents.get(title="Clay")
    services.content_update(content=lesson, user=live.instructor, data={"title": "Clay and water"})
    assert selectors.course_revision_changes(live) == {("content", lesson.pk): "changed"}
