import pytest
from django.urls import reverse

from learning import services
from learning.models import IssuedCertificate
from tests.learning.factories import AssignmentFactory

pytestmark = pytest.mark.django_db

MODELS = [
    "enrollment",
    "lessoncompletion",
    "quizattempt",
    "assignment",
    "assignmentsubmission",
    "attendance",
    "issuedcertificate",
    "coursestats",
]


@pytest.mark.parametrize("model", MODELS)
def test_admin_changelists_load(admin_client, enrollment, model):
    assert admin_client.get(reverse(f"admin:learning_{model}_changelist")).status_code == 200


def test_instructor_sees_only_own_assignments(client, instructor, course):
    AssignmentFactory(course=course, title="Mine")
    AssignmentFactory(title="Someone else's")
    client.force_login(instructor)
    html = client.get(reverse("admin:learning_assignment_changelist")).content.decode()
    assert "Mine" in html and "Someone else" not in html


def test_revoke_action_needs_a_reason(admin_client, enrollment, student, lessons, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        for lesson in lessons[:3]:
            services.lesson_mark_complete(user=student, content=lesson)
    certificate = IssuedCertificate.objects.get()
    url = reverse("admin:learning_issuedcertificate_changelist")
    data = {"action": "revoke", "_selected_action": [certificate.pk]}
    assert "Revoke" in admin_client.post(url, data).content.decode()
    admin_client.post(url, {**data, "confirm": "1", "reason": "Fraud"})
    certificate.refresh_from_db()
    assert certificate.status == "revoked" and certificate.revoked_reason == "Fraud"
