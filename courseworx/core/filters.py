"""Date and date-time filters that cannot crash a query: use these instead of django-filter's own.

django-filter's date-time fields keep whatever fixed UTC offset the client typed.  Python accepts
offsets up to ±23:59, PostgreSQL only up to ±15:59, so `?created_after=2026-01-01T00:00:00-23:59`
reached the database and answered 500.  And a date at either end of Python's calendar (0001-01-01,
9999-12-31) overflows as soon as a report adds or subtracts a day.  Here, in one place:

- a UTC offset must lie within ±14:00 (the widest any real time zone uses), and an aware value is
  converted to UTC before it reaches a query;
- dates (and the date part of date-times) must lie within `DATE_MIN`..`DATE_MAX`, far from both
  Python's and PostgreSQL's limits, so a day or a year of arithmetic on them never overflows.

Both are form validation errors with a clear message: a 400 with field messages from the API (DRF's
DjangoFilterBackend), an ignored-and-shown filter on pages.  DRF serializer fields need none of this:
`serializers.DateTimeField` already converts to the current time zone and reports overflows.
"""

import datetime as dt
import re

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django_filters.fields import IsoDateTimeField as _IsoDateTimeField

DATE_MIN = dt.date(1900, 1, 1)
DATE_MAX = dt.date(2999, 12, 31)
MAX_UTC_OFFSET = dt.timedelta(hours=14)

DATE_RANGE_MESSAGE = f"Enter a date between {DATE_MIN.isoformat()} and {DATE_MAX.isoformat()}."
OFFSET_MESSAGE = "Enter a UTC offset between -14:00 and +14:00 (or a time in UTC, ending in Z)."
# A typed offset Python itself cannot represent (+24:00 and beyond) gets the same message, not "invalid".
_TYPED_OFFSET = re.compile(r"\d[T ]\d[^+-]*[+-](\d\d):?(\d\d)\s*$")


def check_date(value: dt.date | None) -> dt.date | None:
    if value is not None and not DATE_MIN <= value <= DATE_MAX:
        raise ValidationError(DATE_RANGE_MESSAGE, code="date_out_of_range")
    return value


def check_typed_offset(value) -> None:
    match = _TYPED_OFFSET.search(value) if isinstance(value, str) else None
    if match and dt.timedelta(hours=int(match[1]), minutes=int(match[2])) > MAX_UTC_OFFSET:
        raise ValidationError(OFFSET_MESSAGE, code="offset_out_of_range")


def check_datetime(value: dt.datetime | None) -> dt.datetime | None:
    """`value` within range, converted to UTC when it is aware (a ValidationError otherwise)."""
    if value is None:
        return None
    offset = value.utcoffset()
    if offset is not None and abs(offset) > MAX_UTC_OFFSET:
        raise ValidationError(OFFSET_MESSAGE, code="offset_out_of_range")
    check_date(value.date())
    return value.astimezone(dt.UTC) if offset is not None else value


class DateField(forms.DateField):
    def to_python(self, value):
        return check_date(super().to_python(value))


class DateTimeField(forms.DateTimeField):
    def to_python(self, value):
        check_typed_offset(value)
        return check_datetime(super().to_python(value))


class IsoDateTimeField(_IsoDateTimeField):
    def to_python(self, value):
        check_typed_offset(value)
        return check_datetime(super().to_python(value))


class DateFilter(django_filters.DateFilter):
    field_class = DateField


class DateTimeFilter(django_filters.DateTimeFilter):
    field_class = DateTimeField


class IsoDateTimeFilter(django_filters.IsoDateTimeFilter):
    field_class = IsoDateTimeField
