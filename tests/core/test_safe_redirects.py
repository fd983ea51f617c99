"""`next=` parameters only ever lead back to this site."""

import pytest
from django.test import RequestFactory
from django.urls import reverse

from courseworx.core.views import safe_next_url
from tests.community.factories import ThreadFactory
from tests.courses.factories import PublishedCourseFactory
from tests.factories import StudentFactory

pytestmark = pytest.mark.django_db

EVIL = ["https://evil.example/phish", "//evil.example/", "/\\evil.example/", "\\\\evil.example", "javascript:alert(1)"]


@pytest.mark.parametrize("value", EVIL)
def test_safe_next_url_refuses_other_hosts(value):
    request = RequestFactory().get("/")
    assert safe_next_url(request, value) == ""


def test_safe_next_url_keeps_local_paths():
    request = RequestFactory().get("/")
    assert safe_next_url(request, "/courses/?q=python") == "/courses/?q=python"


@pytest.mark.parametrize("value", EVIL)
def test_wishlist_toggle_never_redirects_off_site(client, value):
    course = PublishedCourseFactory(price=0)
    client.force_login(StudentFactory())
    response = client.post(reverse("learning:saved_toggle", args=[course.slug]), {"next": value})
    assert response.status_code == 302
    assert response["Location"] == reverse("learning:dashboard")


def test_report_page_cancel_link_stays_on_site(client):
    thread = ThreadFactory()
    client.force_login(thread.course.instructor)  # a member of the course who did not write the thread
    url = reverse("community:flag", args=["thread", thread.pk])
    response = client.get(url, {"next": "/\\evil.example/"})
    assert response.status_code == 200
    assert "evil.example" not in response.content.decode()
