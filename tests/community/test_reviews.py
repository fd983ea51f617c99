"""Reviews: enrolled students only, once per enrolment (editable), instructor replies, the course
rating kept in SQL, sanitised text, and the page at a constant number of queries."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.template import Context, Template
from django.urls import reverse

from community import services
from community.models import Review
from learning import services as learning_services
from tests.factories import StudentFactory

pytestmark = pytest.mark.django_db


def test_enrolled_student_reviews_once_and_edits(course, enrolled):
    review = services.review_save(user=enrolled, course=course, rating=4, body="Nice")
    course.refresh_from_db()
    assert (course.rating, course.rating_count) == (Decimal("4.00"), 1)
    again = services.review_save(user=enrolled, course=course, rating=2, body="Changed my mind")
    assert again.pk == review.pk
    assert Review.objects.filter(course=course).count() == 1
    course.refresh_from_db()
    assert (course.rating, course.rating_count) == (Decimal("2.00"), 1)


def test_rating_average_of_visible_reviews(course, enrolled):
    services.review_save(user=enrolled, course=course, rating=5)
    for rating in (4, 4):
        other = StudentFactory()
        learning_services.enrollment_create(user=other, course=course)
        services.review_save(user=other, course=course, rating=rating)
    course.refresh_from_db()
    assert (course.rating, course.rating_count) == (Decimal("4.33"), 3)


def test_outsider_and_instructor_cannot_review(course, outsider, instructor):
    with pytest.raises(PermissionDenied):
        services.review_save(user=outsider, course=course, rating=5)
    with pytest.raises(PermissionDenied):
        services.review_save(user=instructor, course=course, rating=5)


def test_rating_out_of_range_is_refused(course, enrolled):
    with pytest.raises(ValidationError):
        services.review_save(user=enrolled, course=course, rating=6)


def test_review_html_is_neutralised(course, enrolled):
    review = services.review_save(
        user=enrolled,
        course=course,
        rating=3,
        body='<script>alert(1)</script><b onclick="x()">hi</b> [a](javascript:alert(1))',
    )
    assert "<script" not in review.body_html and "alert(1)" not in review.body_html
    assert "onclick" not in review.body_html
    assert "javascript:" not in review.body_html
    assert "<b>hi</b>" in review.body_html


def test_instructor_replies_and_author_is_notified(course, enrolled, instructor):
    review = services.review_save(user=enrolled, course=course, rating=5, body="Great")
    services.review_reply(user=instructor, review=review, reply="Thanks <img src=x onerror=alert(1)>!")
    review.refresh_from_db()
    assert "onerror" not in review.reply_html and "Thanks" in review.reply_html
    assert enrolled.notifications.filter(title__contains="replied to your review").exists()


def test_student_cannot_reply(course, enrolled):
    review = services.review_save(user=enrolled, course=course, rating=5)
    with pytest.raises(PermissionDenied):
        services.review_reply(user=enrolled, review=review, reply="me too")


def test_review_page_form_and_post(client, course, enrolled):
    client.force_login(enrolled)
    url = reverse("community:course_reviews", kwargs={"slug": course.slug})
    assert b"Review this course" in client.get(url).content
    response = client.post(reverse("community:review_save", kwargs={"slug": course.slug}), {"rating": 5, "body": "Yes"})
    assert response.status_code == 302
    assert Review.objects.get(author=enrolled).rating == 5


def test_outsider_post_is_refused(client, course, outsider):
    client.force_login(outsider)
    client.post(reverse("community:review_save", kwargs={"slug": course.slug}), {"rating": 5})
    assert not Review.objects.exists()


def test_course_reviews_include_renders(rf, course, enrolled):
    services.review_save(user=enrolled, course=course, rating=4, body="Solid")
    course.refresh_from_db()
    request = rf.get("/")
    request.user = enrolled
    html = Template('{% include "community/includes/course_reviews.html" with course=course %}').render(
        Context({"course": course, "request": request, "user": enrolled})
    )
    assert "Student reviews" in html and "Solid" in html


@pytest.mark.parametrize("size", [2, 12])
def test_reviews_page_constant_queries(client, course, size, django_assert_max_num_queries):
    for _ in range(size):
        user = StudentFactory()
        learning_services.enrollment_create(user=user, course=course)
        services.review_save(user=user, course=course, rating=4, body="ok")
    with django_assert_max_num_queries(10):
        response = client.get(reverse("community:course_reviews", kwargs={"slug": course.slug}))
    assert response.status_code == 200
    page = response.context["page"]
    assert (page.paginator.count, len(page.object_list)) == (size, min(size, 10))  # the reviews are listed
