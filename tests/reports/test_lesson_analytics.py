"""reports.lesson_analytics and the instructors' lesson-analytics page (reports.teaching): per lesson
views, learners, completions, completion rate and drop-off from the lesson before, in SQL with the same
number of queries at any number of lessons; only the course's teachers see it (others: 404).  The admin's
ContentAnalytics pipeline stores the same figures (one computation)."""

import pytest
from django.urls import reverse
from django.utils import timezone

from learning.models import Enrollment, LessonCompletion
from reports.lesson_analytics import course_lesson_analytics
from reports.models import ActivityLog, ContentAnalytics
from reports.pipelines import content_analytics_refresh
from tests.courses.factories import CollaboratorFactory, ContentFactory, PublishedCourseFactory, SectionFactory
from tests.factories import InstructorFactory, StudentFactory
from tests.learning.factories import EnrollmentFactory
from tests.querycount import assert_same_queries_at_two_sizes, count_queries

pytestmark = pytest.mark.django_db


def build(n_lessons: int, course=None):
    """A course whose lesson i is reached by (n_lessons - i) of n_lessons learners, completed by one
    fewer, and viewed twice per learner."""
    course = course or PublishedCourseFactory(instructor=InstructorFactory())
    section = SectionFactory(course=course, order=1, title="Part one")
    lessons = [ContentFactory(section=section, order=i + 1, title=f"Lesson {i + 1}") for i in range(n_lessons)]
    students = [StudentFactory() for _ in range(n_lessons)]
    for s in students:
        EnrollmentFactory(user=s, course=course)
    for i, lesson in enumerate(lessons):
        reached = students[: n_lessons - i]
        for j, s in enumerate(reached):
            done = j < len(reached) - 1
            LessonCompletion.objects.create(
                user=s, content=lesson, course=course, completed=done, completed_at=timezone.now() if done else None
            )
            for _ in range(2):
                ActivityLog.objects.create(
                    user=s,
                    event=ActivityLog.Event.LESSON_VIEW,
                    course=course,
                    content=lesson,
                    created_at=timezone.now(),
                )
    return course, lessons


def test_figures_and_drop_off_per_lesson():
    course, lessons = build(3)
    EnrollmentFactory(user=StudentFactory(), course=course)  # enrolled, never started
    EnrollmentFactory(user=StudentFactory(), course=course, status=Enrollment.Status.DROPPED)  # not counted
    rows = course_lesson_analytics(course=course)
    assert [r.content.pk for r in rows] == [lesson.pk for lesson in lessons]
    assert [(r.figures.views, r.figures.learners, r.figures.completions) for r in rows] == [
        (6, 3, 2),
        (4, 2, 1),
        (2, 1, 0),
    ]
    assert [r.reached_before for r in rows] == [4, 3, 2]
    assert [r.drop_off for r in rows] == [1, 1, 1]
    assert [str(r.drop_off_rate) for r in rows] == ["25.00", "33.33", "50.00"]
    assert [str(r.figures.completion_rate) for r in rows] == ["66.67", "50.00", "0.00"]


def test_the_admin_pipeline_stores_the_same_figures():
    course, lessons = build(3)
    content_analytics_refresh(course_ids=[course.pk])
    rows = {r.content.pk: r.figures for r in course_lesson_analytics(course=course)}
    for stored in ContentAnalytics.objects.filter(course=course):
        live = rows[stored.content_id]
        assert (stored.views, stored.learners, stored.completions, stored.completion_rate) == (
            live.views, live.learners, live.completions, live.completion_rate,
        )  # fmt: skip


def test_queries_do_not_grow_with_lessons():
    def load(n):
        course, _ = build(n)
        rows, queries = count_queries(lambda: course_lesson_analytics(course=course))
        assert len(rows) == n
        return queries

    assert_same_queries_at_two_sizes(load)


def test_the_page_shows_chart_and_table_to_teachers_only(client):
    course, lessons = build(2)
    url = reverse("reports:course_lesson_analytics", args=[course.slug])
    client.force_login(course.instructor)
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="chart-lessons"' in html and 'id="report-charts"' in html and "reports/charts.js" in html
    assert "Lesson 1" in html and "Lesson 2" in html and "<script>" not in html.replace('<script src="', "")
    assert [(r.figures.views, r.drop_off) for r in page.context["rows"]] == [(4, 0), (2, 1)]
    client.force_login(CollaboratorFactory(course=course).user)
    assert client.get(url).status_code == 200

    for outsider in (InstructorFactory(), StudentFactory()):
        client.force_login(outsider)
        assert client.get(url).status_code == 404
    assert client.get(reverse("reports:course_lesson_analytics", args=["no-such-course"])).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302  # to the login page


def test_the_teaching_dashboard_links_to_it(client):
    course, _ = build(1)
    client.force_login(course.instructor)
    html = client.get(reverse("learning:instructor_dashboard")).content.decode()
    assert reverse("reports:course_lesson_analytics", args=[course.slug]) in html


def test_the_page_queries_do_not_grow_with_lessons(client):
    instructor = InstructorFactory()
    client.force_login(instructor)

    def load(n):
        course, _ = build(n, PublishedCourseFactory(instructor=instructor))
        url = reverse("reports:course_lesson_analytics", args=[course.slug])
        response, queries = count_queries(lambda: client.get(url))
        assert len(response.context["rows"]) == n
        return queries

    assert_same_queries_at_two_sizes(load)
