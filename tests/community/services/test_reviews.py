"""Reviews (community.services.reviews): enrolled students only, once per enrolment (editable),
instructor replies, the course rating kept in SQL, sanitised text."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

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


def test_rating_refresh_recounts_from_the_visible_reviews(course, enrolled, members):
    services.review_save(user=enrolled, course=course, rating=5)
    services.review_save(user=members[0], course=course, rating=1)
    Review.objects.filter(author=members[0]).update(is_hidden=True)  # behind the service's back
    type(course).objects.filter(pk=course.pk).update(rating=Decimal("0.00"), rating_count=0)
    services.review_rating_refresh(course_id=course.pk)
    course.refresh_from_db()
    assert (course.rating, course.rating_count) == (Decimal("5.00"), 1)
