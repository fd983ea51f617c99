"""The course rating, kept in SQL.  Called by community's review services (courses owns the table,
community the reviews, which it passes in: this app never imports community).

One UPDATE with two correlated subqueries over the visible reviews: concurrent reviews can never
leave the average and the count out of step, and nothing is read into Python.
"""

from decimal import Decimal

from django.db.models import Avg, Count, DecimalField, IntegerField, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Cast, Coalesce, Round

from .models import Course


def course_rating_refresh(*, course_id, reviews: QuerySet) -> None:
    """Set Course.rating (average of the `reviews`, 2 decimals; 0 without reviews) and rating_count.

    `reviews`: the visible reviews, a queryset of the owning app with `course_id` and `rating`.
    """
    visible = reviews.filter(course_id=OuterRef("pk")).order_by().values("course_id")
    average = visible.annotate(avg=Round(Avg("rating"), 2)).values("avg")
    count = visible.annotate(n=Count("pk")).values("n")
    Course.objects.filter(pk=course_id).update(
        rating=Coalesce(
            Cast(Subquery(average), output_field=DecimalField(max_digits=3, decimal_places=2)),
            Value(Decimal("0.00")),
            output_field=DecimalField(max_digits=3, decimal_places=2),
        ),
        rating_count=Coalesce(Subquery(count, output_field=IntegerField()), Value(0)),
    )
