"""Admin smoke tests: every reports changelist opens for an administrator; instructors see their rows only."""

import pytest
from django.urls import reverse

from courses.models import VoiceTranscript
from reports.models import AccessibilityReport
from tests.courses.factories import ContentFactory, PublishedCourseFactory

MODELS = [
    "activitylog",
    "contentanalytics",
    "datapipelinerun",
    "reportexport",
    "reportsubscription",
    "mobileapplog",
    "accessibilityreport",
    "dataexportrequest",
]


@pytest.mark.django_db
@pytest.mark.parametrize("model", MODELS)
def test_changelists_open_for_admin(client, admin_user, model):
    client.force_login(admin_user)
    assert client.get(reverse(f"admin:reports_{model}_changelist")).status_code == 200


@pytest.mark.django_db
def test_instructor_sees_only_own_transcripts_and_issues(client, instructor):
    mine = ContentFactory(course=PublishedCourseFactory(instructor=instructor), title="Mine")
    other = ContentFactory(course=PublishedCourseFactory(), title="Theirs")
    for content in (mine, other):
        VoiceTranscript.objects.create(content=content, text=f"Text of {content.title}")
        AccessibilityReport.objects.create(content=content, course=content.course, source="manual", issue="other")
    client.force_login(instructor)
    page = client.get(reverse("admin:courses_voicetranscript_changelist")).content.decode()
    assert "Mine" in page and "Theirs" not in page
    page = client.get(reverse("admin:reports_accessibilityreport_changelist")).content.decode()
    assert "Mine" in page and "Theirs" not in page
    response = client.post(
        reverse("admin:courses_voicetranscript_add"), {"content": other.pk, "language": "fr", "text": "x"}
    )
    assert response.status_code == 200  # refused with a form error
    assert not VoiceTranscript.objects.filter(language="fr").exists()
