"""Mentorships in the admin (read-only, constant query count) and in personal data (export, deletion)."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts import services_resumes as resumes
from accounts.models import Resume
from learning import services
from learning.models import MentorProfile, Mentorship, MentorshipSession
from reports.privacy import collect_learning, personal_data_delete
from tests.factories import StudentFactory
from tests.querycount import assert_same_queries_at_two_sizes, count_queries

pytestmark = pytest.mark.django_db


def test_admin_changelists_same_queries_at_two_sizes(admin_client, mentor):
    def load(n):
        while Mentorship.objects.count() < n:
            services.mentorship_request(student=StudentFactory(), mentor=mentor, message="hi")
        while Resume.objects.count() < n:
            resumes.resume_get_or_create(user=StudentFactory())
        counts = {}
        for name in ("admin:learning_mentorship_changelist", "admin:accounts_resume_changelist"):
            response, counts[name] = count_queries(lambda name=name: admin_client.get(reverse(name)))
            assert response.context["cl"].result_count == n
        return counts

    assert_same_queries_at_two_sizes(load)


def test_admin_is_read_only(admin_client, accepted):
    url = reverse("admin:learning_mentorship_change", args=[accepted.pk])
    assert admin_client.get(url).status_code == 200
    assert admin_client.get(reverse("admin:learning_mentorship_add")).status_code == 403


def test_export_and_deletion(accepted, mentor, student):
    services.mentorship_session_create(
        mentorship=accepted, actor=mentor, scheduled_at=timezone.now() + dt.timedelta(days=1),
        shared_notes="ours", private_notes="mine",
    )  # fmt: skip
    mine = collect_learning(student)
    assert mine["mentorships"][0]["message"] == "Help me plan my career."
    assert mine["mentoring_sessions"][0]["shared_notes"] == "ours"
    assert "private_notes" not in mine["mentoring_sessions"][0] and mine["mentoring_private_notes"] == []
    assert collect_learning(mentor)["mentoring_private_notes"][0]["private_notes"] == "mine"
    personal_data_delete(user=student)
    assert not Mentorship.objects.exists() and not MentorshipSession.objects.exists()
    assert MentorProfile.objects.filter(mentor=mentor).exists()  # the mentor's own profile stays
