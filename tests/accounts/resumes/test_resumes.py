"""Resumes: entries and their validation, the opt-in public profile (404 until opted in, e-mail only when
chosen), certificates attached through the section registry, the PDF (user text escaped, nothing fetched),
the API (owner only), GDPR export and deletion."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts import resume_sections
from accounts import services_resumes as services
from accounts.models import Resume, ResumeEntry
from accounts.resume_pdf import resume_html
from accounts.resume_selectors import resume_view
from learning.models import Achievement, GamificationProfile, IssuedCertificate, UserAchievement
from reports.privacy import collect_accounts, personal_data_delete
from tests.factories import StudentFactory
from tests.pdf_utils import pdf_all_bytes, pdf_text, watch_file_opens

pytestmark = pytest.mark.django_db

EVIL = '<script>alert(1)</script><img src="file:///etc/passwd">'


@pytest.fixture
def owner(db):
    return StudentFactory(first_name="Stella", last_name="Student", email="stella@example.com")


def _public(user, **extra):
    services.resume_update(user=user, data={"is_public": True, "headline": "Junior developer", **extra})
    return Resume.objects.get(user=user)


def _certificate(user, title="Python Basics", status="valid"):
    return IssuedCertificate.objects.create(
        user=user, kind="path", code=f"code-{title[:5]}-{status}", holder_name=user.get_full_name(), course_title=title,
        issued_at=timezone.now(), status=status,
        **({"revoked_at": timezone.now(), "revoked_reason": "fraud"} if status == "revoked" else {}),
    )  # fmt: skip


def test_entries_validate_dates_and_order(owner):
    with pytest.raises(ValidationError) as exc:
        services.resume_entry_create(
            user=owner, kind="experience", title="Dev", start_date=dt.date(2024, 1, 1), end_date=dt.date(2023, 1, 1)
        )
    assert "end_date" in exc.value.message_dict
    a = services.resume_entry_create(user=owner, kind="skill", title="Python")
    b = services.resume_entry_create(user=owner, kind="skill", title="SQL")
    assert (a.position, b.position) == (1, 2)
    services.resume_entry_move(entry=b, user=owner, direction="up")
    assert list(ResumeEntry.objects.filter(kind="skill").order_by("position").values_list("title", flat=True)) == [
        "SQL",
        "Python",
    ]
    with pytest.raises(PermissionDenied):
        services.resume_entry_delete(entry=a, user=StudentFactory())


def test_slug_rules(owner):
    other = StudentFactory()
    _public(other, slug="taken-slug")
    with pytest.raises(ValidationError):
        services.resume_update(user=owner, data={"slug": "taken-slug"})
    with pytest.raises(ValidationError):
        services.resume_update(user=owner, data={"slug": "admin"})
    with pytest.raises(ValidationError):
        services.resume_update(user=owner, data={"user": other.pk})


def test_public_profile_only_when_opted_in(client, owner):
    resume = services.resume_get_or_create(user=owner)
    services.resume_entry_create(user=owner, kind="skill", title="Python")
    url = reverse("public_profile", args=[resume.slug])
    assert client.get(url).status_code == 404  # private by default
    assert client.get(reverse("api:public-profile", args=[resume.slug])).status_code == 404
    _public(owner)
    html = client.get(url).content.decode()
    assert "Junior developer" in html and "Python" in html
    assert "stella@example.com" not in html and "noindex" not in html
    assert client.get(reverse("api:public-profile", args=[resume.slug])).json()["email"] == ""
    services.resume_update(user=owner, data={"show_email": True})
    assert "stella@example.com" in client.get(url).content.decode()
    owner.is_active = False
    owner.save()
    assert client.get(url).status_code == 404


def test_preview_of_a_private_resume_is_noindex(client, owner):
    client.force_login(owner)
    assert "noindex" in client.get(reverse("accounts:resume_preview")).content.decode()


def test_certificates_attached_through_the_registry(client, owner):
    _certificate(owner, "Python Basics")
    _certificate(owner, "Revoked Course", status="revoked")
    sections = resume_sections.sections_for(owner)
    assert [s.key for s in sections] == ["certificates"]
    items = sections[0].items
    assert [i.title for i in items] == ["Python Basics"]
    assert items[0].url.endswith(reverse("learning:certificate_verify", args=["code-Pytho-valid"]))
    resume = _public(owner)
    html = client.get(reverse("public_profile", args=[resume.slug])).content.decode()
    assert "Python Basics" in html and "Revoked Course" not in html and "code-Pytho-valid" in html


def test_achievements_attached_unless_their_owner_hid_them(client, owner):
    achievement = Achievement.objects.create(
        slug="resume-first-review", name="First review", criterion_kind=Achievement.Kind.FIRST_REVIEW
    )
    award = UserAchievement.objects.create(user=owner, achievement=achievement, awarded_at=timezone.now())
    section = {s.key: s for s in resume_sections.sections_for(owner)}["achievements"]
    assert [i.title for i in section.items] == ["First review"]
    assert section.items[0].url.endswith(award.get_absolute_url())
    resume = _public(owner)
    assert "First review" in client.get(reverse("public_profile", args=[resume.slug])).content.decode()
    GamificationProfile.objects.update_or_create(user=owner, defaults={"achievements_public": False})
    assert "achievements" not in [s.key for s in resume_sections.sections_for(owner)]
    assert "First review" not in client.get(reverse("public_profile", args=[resume.slug])).content.decode()


def test_registry_takes_any_section(owner):
    def extra(user):
        return resume_sections.ResumeSection(key="x", title="Extra", items=[resume_sections.ResumeItem(title="T")])

    resume_sections.register_section(extra)
    resume_sections.register_section(extra)  # idempotent
    try:
        assert [s.key for s in resume_sections.sections_for(owner)].count("x") == 1
    finally:
        resume_sections.unregister_section(extra)


def test_pdf_escapes_user_text_and_fetches_nothing(client, owner):
    services.resume_update(user=owner, data={"headline": EVIL, "summary": EVIL})
    services.resume_entry_create(user=owner, kind="experience", title=EVIL, organisation=EVIL, description=EVIL)
    html = resume_html(resume_view(Resume.objects.get(user=owner)), show_email=False)
    assert "<script>" not in html and "<img" not in html and "&lt;script&gt;" in html
    client.force_login(owner)
    with watch_file_opens(["/etc/passwd"]) as opened:
        response = client.get(reverse("accounts:resume_pdf"))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert opened == []
    text = pdf_text(response.content)
    assert "<script>alert(1)</script>" in text and "file:///etc/passwd" in text  # printed literally
    assert b"root:x:0:0" not in pdf_all_bytes(response.content)


def test_pages_edit_add_delete(client, owner):
    client.force_login(owner)
    assert client.get(reverse("accounts:resume")).status_code == 200
    response = client.post(
        reverse("accounts:resume_entry_add"),
        {"kind": "education", "title": "BSc", "start_date": "2020-01-01", "end_date": "2019-01-01"},
    )
    assert response.status_code == 200 and "cannot be before" in response.content.decode()
    client.post(reverse("accounts:resume_entry_add"), {"kind": "education", "title": "BSc"})
    entry = ResumeEntry.objects.get(resume__user=owner)
    other = StudentFactory()
    client.force_login(other)
    assert client.get(reverse("accounts:resume_entry_edit", args=[entry.pk])).status_code == 404
    assert client.post(reverse("accounts:resume_entry_delete", args=[entry.pk])).status_code == 404
    client.force_login(owner)
    client.post(reverse("accounts:resume_entry_delete", args=[entry.pk]))
    assert not ResumeEntry.objects.filter(pk=entry.pk).exists()


def test_api_owner_only(api_client, owner):
    api_client.force_authenticate(owner)
    response = api_client.put(reverse("api:me-resume"), {"headline": "Dev", "open_to_work": True}, format="json")
    assert response.status_code == 200 and response.json()["headline"] == "Dev"
    response = api_client.post(reverse("api:me-resume-entries"), {"kind": "skill", "title": "Go", "level": 9})
    assert response.status_code == 400
    response = api_client.post(reverse("api:me-resume-entries"), {"kind": "skill", "title": "Go", "level": 4})
    assert response.status_code == 201
    entry_id = response.json()["id"]
    bad = api_client.patch(
        reverse("api:me-resume-entry", args=[entry_id]), {"start_date": "2024-05-01", "end_date": "2024-01-01"}
    )
    assert bad.status_code == 400
    api_client.force_authenticate(StudentFactory())
    assert api_client.get(reverse("api:me-resume-entry", args=[entry_id])).status_code == 404
    assert api_client.delete(reverse("api:me-resume-entry", args=[entry_id])).status_code == 404


def test_gdpr_export_and_delete(owner):
    _public(owner)
    services.resume_entry_create(user=owner, kind="skill", title="Python")
    exported = collect_accounts(owner)
    assert exported["resume"][0]["headline"] == "Junior developer"
    assert exported["resume_entries"][0]["title"] == "Python"
    personal_data_delete(user=owner)
    assert not Resume.objects.filter(user=owner).exists() and not ResumeEntry.objects.exists()
