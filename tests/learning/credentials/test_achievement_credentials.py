"""Achievement awards (gamification) exported as Open Badges 3.0 credentials: signed, verifiable offline,
tamper-evident, downloadable by their holder only."""

import copy
import json

import pytest
from django.urls import reverse
from django.utils import timezone

from learning import credentials_selectors as cs
from learning import services
from learning.models import Achievement, CredentialStatusEntry, UserAchievement
from tests.factories import StudentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def award(student):
    achievement = Achievement.objects.create(
        slug="test-five-lessons", name="Five lessons", description="Complete five lessons.",
        criterion_kind=Achievement.Kind.LESSONS_COMPLETED, threshold=5,
    )  # fmt: skip
    return UserAchievement.objects.create(user=student, achievement=achievement, awarded_at=timezone.now())


def test_an_achievement_credential_is_an_ob3_badge_that_verifies_and_fails_when_changed(award, signing_key):
    credential = services.achievement_credential(award=award)
    assert credential["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    achievement = credential["credentialSubject"]["achievement"]
    assert achievement["achievementType"] == "Badge" and achievement["name"] == "Five lessons"
    assert credential["id"] == f"urn:uuid:{award.pk}"
    assert cs.credential_structure_problems(credential) == []
    assert cs.credential_verify(credential).verified

    tampered = copy.deepcopy(credential)
    tampered["credentialSubject"]["achievement"]["name"] = "Fiv3 lessons"
    assert not cs.credential_verify(tampered).verified
    # its place in the status list is stable and of its own kind
    entry = CredentialStatusEntry.objects.get(object_id=award.pk)
    assert entry.kind == CredentialStatusEntry.Kind.ACHIEVEMENT
    assert services.achievement_credential(award=award)["credentialStatus"] == credential["credentialStatus"]


def test_the_holder_downloads_it_and_nobody_else_does(client, api_client, award, student, signing_key):
    url = reverse("learning:achievement_credential", args=[award.pk])
    api_url = reverse("api:learning-achievement-credential", args=[award.pk])
    assert client.get(url).status_code == 302  # anonymous: to the login page
    other = StudentFactory()
    client.force_login(other)
    assert client.get(url).status_code == 404
    api_client.force_authenticate(other)
    assert api_client.get(api_url).status_code == 404

    client.force_login(student)
    response = client.get(url)
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    assert cs.credential_verify(json.loads(response.content)).verified
    api_client.force_authenticate(student)
    assert api_client.get(api_url).json()["id"] == f"urn:uuid:{award.pk}"
