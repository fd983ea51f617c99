"""A live course revised while students learn (learning.revisions with courses.services.revisions):
students see the published course until the revision is approved; then surviving lessons keep their
progress, lessons with learners' data are hidden rather than deleted, assignments follow the revision."""

import pytest
from django.urls import reverse

from courses import selectors
from courses import services as course_services
from courses.models import Course, CourseContent
from learning import services
from learning.models import Assignment, AssignmentSubmission, LessonCompletion
from tests.courses.factories import ContentFactory, CourseFactory, SectionFactory
from tests.factories import ReviewerFactory
from tests.learning.factories import AssignmentFactory, SubmissionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def live(instructor):
    """Published through the workflow: Basics (Welcome, Variables), More (Loops); an assignment."""
    course = CourseFactory(instructor=instructor, title="Python Basics", price=0)
    basics = SectionFactory(course=course, order=0, title="Basics")
    more = SectionFactory(course=course, order=1, title="More")
    ContentFactory(section=basics, order=0, title="Welcome", article_body="Hello.")
    ContentFactory(section=basics, order=1, title="Variables", article_body="x = 1")
    ContentFactory(section=more, order=0, title="Loops", article_body="for x in y")
    course_services.course_submit(course=course, user=instructor)
    course_services.course_approve(course=course, reviewer=ReviewerFactory())
    AssignmentFactory(course=course, title="Essay", points=20)
    course.refresh_from_db()
    return course


def lesson(course, title) -> CourseContent:
    return course.contents.get(title=title)


def copy_of(revision, title) -> CourseContent:
    return revision.contents.get(title=title)


def test_students_see_the_published_course_until_the_revision_is_approved(client, live, student):
    services.enrollment_create(user=student, course=live)
    welcome = lesson(live, "Welcome")
    revision = course_services.course_revision_start(course=live, user=live.instructor)
    course_services.course_update(course=revision, user=live.instructor, data={"title": "Python, revised"})
    course_services.content_update(
        content=copy_of(revision, "Welcome"), user=live.instructor, data={"article_body": "Hello again, **revised**."}
    )
    course_services.course_submit(course=revision, user=live.instructor)

    client.force_login(student)
    page = client.get(live.get_absolute_url()).text
    assert "Python Basics" in page and "Python, revised" not in page
    player = client.get(reverse("learning:lesson", args=[live.slug, welcome.pk])).text
    assert "Hello." in player and "revised" not in player

    course_services.course_approve(course=revision, reviewer=ReviewerFactory())

    page = client.get(live.get_absolute_url()).text
    assert "Python, revised" in page
    player = client.get(reverse("learning:lesson", args=[live.slug, welcome.pk])).text  # same lesson, same URL
    assert "Hello again, <strong>revised</strong>." in player


def test_progress_survives_and_lessons_with_learners_data_are_hidden_not_deleted(live, student):
    services.enrollment_create(user=student, course=live)
    welcome, variables, loops = (lesson(live, t) for t in ("Welcome", "Variables", "Loops"))
    services.lesson_mark_complete(user=student, content=welcome)
    services.lesson_mark_complete(user=student, content=loops)
    revision = course_services.course_revision_start(course=live, user=live.instructor)
    copy_of(revision, "Loops").delete()  # a student finished it: it will be hidden
    copy_of(revision, "Variables").delete()  # nobody started it: it will be deleted
    more = revision.sections.get(title="More")
    more.delete()  # its only lesson was Loops
    course_services.course_submit(course=revision, user=live.instructor)
    course_services.course_approve(course=revision, reviewer=ReviewerFactory())

    assert LessonCompletion.objects.filter(user=student, completed=True).count() == 2
    assert LessonCompletion.objects.get(user=student, content=welcome).completed  # same row, same id
    assert not CourseContent.objects.filter(pk=variables.pk).exists()
    loops.refresh_from_db()
    assert loops.course == live and not loops.is_published and not loops.section.is_published
    assert [(s.title, s.is_published) for s in live.sections.order_by("order")] == [("Basics", True), ("More", False)]
    # Students see the published structure only.
    course = selectors.course_detail(slug=live.slug)
    assert [[c.title for c in s.lessons] for s in course.syllabus] == [["Welcome"]]


def test_assignments_are_copied_diffed_and_applied(live, student):
    essay = live.assignments.get()
    SubmissionFactory(assignment=essay, user=student)
    old_project = AssignmentFactory(course=live, title="Old project")  # no submissions
    SubmissionFactory(assignment=AssignmentFactory(course=live, title="Reflection"), user=student)
    revision = course_services.course_revision_start(course=live, user=live.instructor)
    assert sorted(revision.assignments.values_list("title", flat=True)) == ["Essay", "Old project", "Reflection"]
    assert not AssignmentSubmission.objects.filter(course=revision).exists()

    rev_essay = revision.assignments.get(title="Essay")
    rev_essay.points = 30
    rev_essay.save()
    revision.assignments.filter(title__in=["Old project", "Reflection"]).delete()
    new = AssignmentFactory(course=revision, title="Final project", points=50)

    changes = selectors.course_revision_changes(revision)
    assert changes[("assignment", rev_essay.pk)] == "changed"
    assert changes[("assignment", new.pk)] == "added"
    assert changes[("assignment", old_project.pk)] == "removed"
    diff = selectors.course_review_comparison(course=revision).diff
    essay_change = next(d for d in diff if d["kind"] == "assignment" and d["change"] == "changed")
    assert essay_change["fields"] == {"points": {"old": 20, "new": 30}}

    course_services.course_submit(course=revision, user=live.instructor)
    course_services.course_approve(course=revision, reviewer=ReviewerFactory())

    essay.refresh_from_db()
    assert essay.points == 30 and essay.course == live and essay.submissions.count() == 1  # same row, work kept
    assert Assignment.objects.get(pk=new.pk).course == live
    assert not Assignment.objects.filter(pk=old_project.pk).exists()
    reflection = Assignment.objects.get(title="Reflection")
    assert reflection.course == live and not reflection.is_published  # students' work: hidden, not deleted
    assert not Course.objects.filter(pk=revision.pk).exists()
    assert Assignment.objects.count() == 3
