"""The demo has classroom sessions: one today, a past one closed (absences computed), one next week; idempotent."""

import pytest
from django.core.management import call_command
from django.utils import timezone

from learning.models import Attendance, ClassSession


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def test_demo_sessions(db, media):
    call_command("seed_demo")
    sessions = list(ClassSession.objects.order_by("starts_at"))
    assert len(sessions) == 3
    assert [s.local_start.date() == timezone.localdate() for s in sessions] == [False, True, False]
    past = sessions[0]
    assert past.closed_at is not None
    assert Attendance.objects.filter(session=past, status="present").count() == 1
    call_command("seed_demo")
    assert ClassSession.objects.count() == 3
