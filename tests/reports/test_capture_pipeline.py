"""Analytics capture (one INSERT per event) and the content-analytics pipeline."""

import datetime as dt

import pytest
from django.contrib.auth.signals import user_logged_in
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from learning.models import Enrollment, LessonCompletion
from reports import services
from reports.models import ActivityLog, ContentAnalytics, DataPipelineRun
from reports.pipelines import content_analytics_refresh, run_pipeline

pytestmark = pytest.mark.django_db


def test_activity_log_is_one_insert(world):
    with CaptureQueriesContext(connection) as ctx:
        services.activity_log(user=world.s1, event="lesson_view", course_id=world.alpha.pk, content_id=world.a1.pk)
    assert len(ctx.captured_queries) == 1 and ctx.captured_queries[0]["sql"].upper().startswith("INSERT")
    with pytest.raises(ValueError):
        services.activity_log(user=world.s1, event="nonsense")


def test_login_is_recorded(client, student, rf):
    user_logged_in.send(sender=type(student), request=rf.get("/"), user=student)
    assert ActivityLog.objects.filter(user=student, event="login").count() == 1


def test_batch_capture(world):
    n = services.activity_log_many(
        [{"user": world.s1, "event": "lesson_view", "course_id": world.alpha.pk}, {"user": None, "event": "bogus"}]
    )
    assert n == 1


def test_content_analytics_pipeline(world):
    w = world
    # a1: s1 (600 s, done), s3 (1200 s, done), s4 (1800 s, done); 4 March views by 3 people + 1 in Feb.
    # Drop-off: s3 is inactive since long ago, not completed, last lesson a1.
    Enrollment.objects.filter(user=w.s3, course=w.alpha).update(
        last_content=w.a1, last_accessed_at=timezone.now() - dt.timedelta(days=30)
    )
    LessonCompletion.objects.create(user=w.s2, content=w.a1, course=w.alpha, time_spent_seconds=0)
    run = content_analytics_refresh()
    assert run.status == "succeeded" and run.finished_at and run.rows == 3  # a1, b1 and the quiz
    a1 = ContentAnalytics.objects.get(content=w.a1)
    assert (a1.views, a1.unique_viewers, a1.learners, a1.completions) == (5, 3, 4, 3)
    assert a1.average_time_seconds == 900 and float(a1.completion_rate) == 75.0
    assert (a1.drop_offs, float(a1.drop_off_rate)) == (1, 25.0)
    # Running again updates in place.
    content_analytics_refresh()
    assert ContentAnalytics.objects.count() == 3 and DataPipelineRun.objects.count() == 2


def test_failed_pipeline_is_recorded():
    def boom():
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        run_pipeline("test", boom)
    run = DataPipelineRun.objects.get(name="test")
    assert run.status == "failed" and "disk full" in run.error and run.finished_at
