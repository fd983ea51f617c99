"""Reviews: one per enrolment, editable; the course's instructors reply; the course rating is kept
from the visible reviews."""

from __future__ import annotations

from uuid import UUID

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from courses.models import Course
from courses.ratings import course_rating_refresh
from courseworx.core.models import Notification
from courseworx.core.notifications import notification_create
from courseworx.core.text import plain_text
from learning import services as learning_services

from .. import permissions
from ..models import Review
from .guards import user_check_can_post


def _check_review(*, user: User, course: Course) -> None:
    if not permissions.can_review_course(user, course):
        raise PermissionDenied(_("Only students enrolled in this course can review it."))
    user_check_can_post(user=user)


def review_rating_refresh(*, course_id: UUID) -> None:
    """The course's rating and rating count from its visible reviews (one SQL UPDATE, owned by courses).
    Called after every change of a review's rating or visibility, and by the demo data's recount."""
    course_rating_refresh(course_id=course_id, reviews=Review.objects.filter(is_hidden=False))


@transaction.atomic
def review_save(*, user: User, course: Course, rating: int, body: str = "") -> Review:
    """Create the user's review of a course, or change it (one per enrolment)."""

    _check_review(user=user, course=course)
    enrollment = permissions.active_enrollment(user, course)
    if enrollment is None:  # checked above; the enrolment may not have gone since
        raise PermissionDenied(_("Only students enrolled in this course can review it."))
    review = Review.objects.select_for_update().filter(course=course, author=user).first()
    created = review is None
    if review is None:
        review = Review(course=course, author=user, enrollment_id=enrollment.pk)
    review.rating = rating
    review.body = body.strip()
    review.full_clean()
    try:
        with transaction.atomic():
            review.save()
    except IntegrityError as exc:  # a double submit created it meanwhile
        raise ValidationError(_("You have already reviewed this course."), code="duplicate") from exc
    review_rating_refresh(course_id=course.pk)
    if created:
        learning_services.points_review_posted(user_id=user.pk, review_id=review.pk, course_id=course.pk)
    return review


@transaction.atomic
def review_reply(*, user: User, review: Review, reply: str) -> Review:
    if not permissions.can_reply_to_review(user, review):
        raise PermissionDenied(_("Only the course's instructors can reply to its reviews."))
    user_check_can_post(user=user)
    review = Review.objects.select_for_update().get(pk=review.pk)
    review.reply = reply.strip()
    review.replied_by = user if review.reply else None
    review.replied_at = timezone.now() if review.reply else None
    review.full_clean()
    review.save(update_fields=["reply", "replied_by", "replied_at", "updated_at"])
    if review.reply:
        notification_create(
            user=review.author,
            category=Notification.Category.DISCUSSION,
            title=f"The instructor replied to your review of {review.course.title}",
            body=plain_text(review.reply),
            url=reverse("community:course_reviews", kwargs={"slug": review.course.slug}),
        )
    return review
