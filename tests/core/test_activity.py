"""Activity capture: apps record through courseworx.core.activity; reports stores (its registered handler)."""

import pytest

from courseworx.core import activity
from reports.models import ActivityLog
from reports.services import activity_log

pytestmark = pytest.mark.django_db


def test_reports_is_the_registered_handler_and_stores_the_event(student):
    row = activity.activity_record(user=student, event="lesson_view", data={"x": 1})
    assert ActivityLog.objects.get() == row
    assert (row.user_id, row.event, row.data) == (student.pk, "lesson_view", {"x": 1})


def test_unknown_event_is_refused(student):
    with pytest.raises(ValueError, match="Unknown activity event"):
        activity.activity_record(user=student, event="nonsense")
    assert not ActivityLog.objects.exists()


def test_without_a_handler_recording_fails_loudly(student, monkeypatch):
    monkeypatch.setattr(activity, "_handler", None)
    with pytest.raises(RuntimeError, match="No activity handler"):
        activity.activity_record(user=student, event="lesson_view")
    activity.activity_handler_register(activity_log)
    assert activity.activity_record(user=student, event="lesson_view") is not None
