"""Community template tags (community/templatetags/community.py) and the includes other apps' pages use."""

import pytest
from django.template import Context, Template

from community import services

pytestmark = pytest.mark.django_db


def test_course_reviews_include_renders(rf, course, enrolled):
    services.review_save(user=enrolled, course=course, rating=4, body="Solid")
    course.refresh_from_db()
    request = rf.get("/")
    request.user = enrolled
    html = Template('{% include "community/includes/course_reviews.html" with course=course %}').render(
        Context({"course": course, "request": request, "user": enrolled})
    )
    assert "Student reviews" in html and "Solid" in html
