"""`manage.py seed_demo` fills the community once: reviews, threads, open flags, tickets in every
status, surveys with answers."""

from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db.models import Avg

from community.models import (
    DiscussionThread,
    FlaggedItem,
    InternalDoc,
    Review,
    SupportTicket,
    Survey,
    ThreadReply,
)
from courses.models import Course
from learning.models import Enrollment

pytestmark = pytest.mark.django_db


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _counts() -> dict:
    models = (Review, DiscussionThread, ThreadReply, FlaggedItem, SupportTicket, Survey, InternalDoc)
    return {m.__name__: m.objects.count() for m in models}


def test_seed_demo_community_once(media, capsys):
    call_command("seed_demo")
    first = _counts()
    assert first["Review"] >= 5 and first["DiscussionThread"] >= 5 and first["ThreadReply"] >= 8
    assert FlaggedItem.objects.filter(status="open").count() >= 2
    assert DiscussionThread.objects.filter(is_hidden=True, hidden_reason="flags").exists()
    assert set(SupportTicket.objects.values_list("status", flat=True)) == {"open", "pending", "resolved", "closed"}
    assert Survey.objects.filter(response_count__gt=0).exists()
    call_command("seed_demo")
    assert _counts() == first


def test_seed_demo_catalog_counters_are_the_rows(media, capsys):
    """The catalog never invents figures: every published course's rating, rating count and learner
    count are those of its real reviews and enrolments, and most courses have several reviews."""

    call_command("seed_demo")
    published = list(Course.objects.published())
    assert len(published) >= 20
    reviewed = 0
    for course in published:
        visible = Review.objects.filter(course=course, is_hidden=False)
        average = visible.aggregate(avg=Avg("rating"))["avg"]
        expected = Decimal(str(average)).quantize(Decimal("0.01")) if average is not None else Decimal("0.00")
        assert course.rating_count == visible.count(), course.slug
        assert course.rating == expected, course.slug
        assert course.enrollment_count == Enrollment.objects.active().filter(course=course).count(), course.slug
        assert course.completion_count == Enrollment.objects.filter(course=course, status="completed").count()
        # Every review is by a learner really enrolled in the course.
        assert not Review.objects.filter(course=course).exclude(enrollment__course=course).exists()
        assert not visible.exclude(author__enrollments__course=course).exists()
        reviewed += visible.count() >= 2
    assert reviewed >= len(published) * 0.8
    assert set(Review.objects.values_list("rating", flat=True)) >= {2, 3, 4, 5}
    # Nothing else has a counter it cannot back with rows.
    for course in Course.objects.exclude(status=Course.Status.PUBLISHED):
        assert course.rating_count == Review.objects.filter(course=course, is_hidden=False).count()
        assert course.enrollment_count == Enrollment.objects.active().filter(course=course).count()
