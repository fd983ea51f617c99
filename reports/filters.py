"""The report filters, shared by every report page, CSV/PDF export, export job, subscription and the API.

The FilterSet filters the *courses* a report covers (already limited to the caller's scope by
reports.permissions.report_courses): `course` and `instructor` narrow them.  The date range, the period
(day/week) and the sort are read from the validated form into `ReportParams` (they do not filter
courses: each report applies the range to the dates its figures are about).
"""

import datetime as dt
from dataclasses import dataclass, field

import django_filters
from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from courses.models import Course
from courses.permissions import course_teachers_q, courses_taught_q
from courseworx.core.filters import DateFilter

from . import conf
from .permissions import has_full_scope, report_courses
from .rollups import rollups_as_of as look_up

PERIOD_CHOICES = [("day", _("Per day")), ("week", _("Per week"))]


def _date_widget():
    return forms.DateInput(attrs={"type": "date"})


class ReportFilter(django_filters.FilterSet):
    # The core filter keeps dates far from the calendar's ends: the reports add and subtract days.
    date_from = DateFilter(method="filter_noop", label=_("From"), widget=_date_widget())
    date_to = DateFilter(method="filter_noop", label=_("To"), widget=_date_widget())
    course = django_filters.ModelChoiceFilter(
        queryset=Course.objects.none(), method="filter_course", label=_("Course"), empty_label=_("All courses")
    )
    instructor = django_filters.ModelChoiceFilter(
        queryset=User.objects.none(),
        method="filter_instructor",
        label=_("Instructor"),
        empty_label=_("All instructors"),
    )
    period = django_filters.ChoiceFilter(
        choices=PERIOD_CHOICES, method="filter_noop", label=_("Group by"), empty_label=None
    )
    sort = django_filters.CharFilter(method="filter_noop", label=_("Sort"), max_length=40)

    class Meta:
        model = Course
        fields: list[str] = []

    def __init__(self, data=None, *args, user=None, report: str = "", **kwargs):
        courses = report_courses(user, report)
        super().__init__(data, *args, queryset=courses, **kwargs)
        self.user, self.report = user, report
        self.filters["course"].queryset = courses.order_by("title").only("id", "title")
        self.filters["instructor"].queryset = (
            User.objects.filter(course_teachers_q(courses))
            .order_by("last_name", "first_name")
            .only("id", "first_name", "last_name", "email")
        )

    def filter_noop(self, queryset: QuerySet, name: str, value) -> QuerySet:
        return queryset

    def filter_course(self, queryset: QuerySet, name: str, value: Course) -> QuerySet:
        return queryset.filter(pk=value.pk)

    def filter_instructor(self, queryset: QuerySet, name: str, value: User) -> QuerySet:
        return queryset.filter(courses_taught_q(value))

    def clean_range(self) -> tuple[dt.date, dt.date]:
        data = self.form.cleaned_data if self.form.is_valid() else {}
        today = timezone.localdate()
        date_to = data.get("date_to") or today
        date_from = data.get("date_from") or (date_to - dt.timedelta(days=conf.default_range_days() - 1))
        if date_from > date_to:
            date_from, date_to = date_to, date_from
        return date_from, date_to


@dataclass
class ReportParams:
    """What a report query needs: the range (dates, inclusive), the courses (None = every course, no
    filter at all) and presentation choices."""

    report: str
    date_from: dt.date
    date_to: dt.date
    courses: QuerySet | None
    period: str = "day"
    sort: str = ""
    filters: dict = field(default_factory=dict)
    # Set when the viewer sees the report only for themselves (an instructor): money reports also
    # keep to the viewer's own earnings on co-authored courses.
    own_user_id: object = None
    # Set when the whole-site figures are read from the rollups (reports/rollups.py): their moment.
    rollups_as_of: dt.datetime | None = None
    # What one request already computed (the first page's rows), reused by the charts.
    cache: dict = field(default_factory=dict, compare=False, repr=False)

    @property
    def use_rollups(self) -> bool:
        return self.rollups_as_of is not None and self.courses is None

    @property
    def start(self) -> dt.datetime:
        return timezone.make_aware(dt.datetime.combine(self.date_from, dt.time.min))

    @property
    def end(self) -> dt.datetime:
        """Exclusive end: midnight after `date_to`."""
        return timezone.make_aware(dt.datetime.combine(self.date_to + dt.timedelta(days=1), dt.time.min))

    def course_ids(self) -> list | None:
        """The ids of the courses in scope (None = every course), read once per request.

        A list, not a subquery: the scope is a few courses (an instructor's, or one), and PostgreSQL
        estimates `course_id = ANY(<ids>)` from its statistics, where it took `IN (SELECT ... WHERE
        instructor = x OR <co-author subquery>)` for half of all courses and, at 1M enrolments, chose
        plans that rescanned millions of rows per student (EXPLAIN: top students 109 s)."""
        if self.courses is None:
            return None
        if "course_ids" not in self.cache:
            self.cache["course_ids"] = list(self.courses.order_by().values_list("pk", flat=True))
        return self.cache["course_ids"]

    def query_string(self) -> dict:
        """The filters as query-string values (stored by export jobs and subscriptions)."""
        values = {"date_from": self.date_from.isoformat(), "date_to": self.date_to.isoformat()}
        values.update({k: v for k, v in self.filters.items() if v not in (None, "")})
        if self.period != "day":
            values["period"] = self.period
        if self.sort:
            values["sort"] = self.sort
        return values


_LOOK_UP = object()


def report_params(*, user, report: str, data, rollups_as_of=_LOOK_UP) -> tuple[ReportParams, ReportFilter]:
    """Validate the query string for `report` as seen by `user` (invalid values are ignored and shown).

    `rollups_as_of`: the rollups' moment when the caller already looked it up (a page of several reports)."""
    filterset = ReportFilter(data or None, user=user, report=report)
    valid = filterset.is_valid()
    cleaned = filterset.form.cleaned_data if valid else {}
    date_from, date_to = filterset.clean_range()
    narrowed = bool(cleaned.get("course") or cleaned.get("instructor"))
    courses = filterset.qs if valid else filterset.queryset
    if has_full_scope(user, report) and not narrowed:
        courses = None  # every course: no course condition at all (cheaper, and keeps course-less events)
    full = has_full_scope(user, report)
    params = ReportParams(
        own_user_id=None if full else getattr(user, "pk", None),
        report=report,
        date_from=date_from,
        date_to=date_to,
        courses=courses,
        period=cleaned.get("period") or "day",
        sort=(cleaned.get("sort") or "").strip(),
        filters={
            "course": str(cleaned["course"].pk) if cleaned.get("course") else "",
            "instructor": str(cleaned["instructor"].pk) if cleaned.get("instructor") else "",
        },
    )
    if courses is None:
        if rollups_as_of is _LOOK_UP:
            rollups_as_of = look_up()
        params.rollups_as_of = rollups_as_of
    return params, filterset
