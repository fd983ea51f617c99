"""Class sessions in the admin: trainers see and schedule only their own courses' sessions, through the services."""

import datetime as dt

from django.urls import reverse

from courseworx.core.models import AuditLog
from learning.models import ClassSession
from tests.factories import InstructorFactory
from tests.learning.factories import ClassSessionFactory


def test_instructor_schedules_a_session_in_the_admin(client, instructor, course):
    mine = ClassSessionFactory(course=course, title="Mine")
    ClassSessionFactory(title="Someone else's")
    client.force_login(instructor)
    html = client.get(reverse("admin:learning_classsession_changelist")).content.decode()
    assert "Mine" in html and "Someone else" not in html
    response = client.post(reverse("admin:learning_classsession_add"), {
        "course": course.pk, "title": "Evening lab", "starts_at_0": "2027-02-01", "starts_at_1": "18:00",
        "ends_at_0": "2027-02-01", "ends_at_1": "20:00", "timezone": "Europe/Paris", "room": "Lab",
        "grace_minutes": 10, "status": "scheduled", "allowed_ip_ranges": "",
    })  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:2000]
    created = ClassSession.objects.get(title="Evening lab")
    assert created.course == course and AuditLog.objects.filter(action="class_session.create").exists()
    assert created.local_start.hour == 18 and created.ends_at - created.starts_at == dt.timedelta(hours=2)
    client.force_login(InstructorFactory())
    response = client.get(reverse("admin:learning_classsession_change", args=[mine.pk]))
    assert response.status_code == 302 and "Mine" not in response.content.decode()  # "doesn't exist" redirect
