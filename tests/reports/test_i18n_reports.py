"""Reports in French: titles, column labels, KPIs and chart titles follow the language; the API's field names
(JSON keys, row fields) do not."""

import csv
import io

import pytest
from django.conf import settings
from django.urls import reverse
from rest_framework.test import APIClient

from tests.factories import InstructorFactory

from .conftest import MARCH

pytestmark = pytest.mark.django_db


def test_report_page_shows_french_labels(client, world, admin_user):
    client.force_login(admin_user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    html = client.get(reverse("reports:report", args=["completion"]), MARCH).content.decode()
    assert "Achèvement des cours et certification" in html  # title
    assert "Taux d&#x27;achèvement (%)" in html and "Jours moy. pour terminer" in html  # column labels
    assert "Certificats délivrés" in html  # a KPI
    assert "Inscriptions et achèvements (10 premiers cours)" in html  # a chart title (also in the JSON)
    assert "Completion rate (%)" not in html and "Avg. days to complete" not in html

    response = client.get(reverse("reports:report_csv", args=["completion"]), MARCH)
    header = next(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert header[:2] == ["Cours", "Formateur"] and "Taux d'achèvement (%)" in header

    home = client.get(reverse("reports:home")).content.decode()
    assert "Meilleurs étudiants" in home and "Top performing students" not in home


def test_report_api_keys_stay_english_in_french(world, admin_user):
    api = APIClient()
    api.force_authenticate(admin_user)
    body = api.get(reverse("api:report-detail", args=["completion"]), MARCH, HTTP_ACCEPT_LANGUAGE="fr").json()
    assert {"report", "title", "summary", "charts", "results"} <= set(body)
    assert {"title", "enrolments", "completion_rate", "avg_days"} <= set(body["results"][0])
    assert body["title"] == "Achèvement des cours et certification"


def test_webhook_event_descriptions_in_french(client):
    client.force_login(InstructorFactory())
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    html = client.get(reverse("core:webhooks")).content.decode()
    assert "enrollment.created" in html and "Un certificat a été délivré pour une inscription terminée." in html
