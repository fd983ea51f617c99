"""A set of days, stored as a PostgreSQL int4multirange of day numbers (days since 2000-01-01).

Used by the report rollups (reports.rollups) to answer "was this learner active on any day of the
range?" with one overlap test per row (`days && int4multirange(int4range(a, b))`), whatever the range.
The value is written and read in SQL only; on other databases the column is plain text and unused
(rollups are a PostgreSQL feature: elsewhere the reports are computed live).
"""

import datetime as dt

from django.db import models

EPOCH = dt.date(2000, 1, 1)


def day_number(day: dt.date) -> int:
    return (day - EPOCH).days


class DayRangesField(models.Field):
    description = "A set of days (PostgreSQL int4multirange)"

    def db_type(self, connection):
        return "int4multirange" if connection.vendor == "postgresql" else "text"


@DayRangesField.register_lookup
class Overlaps(models.Lookup):
    """`days__overlaps=(first_day, last_day)`: the set has a day in the range (dates, both inclusive)."""

    lookup_name = "overlaps"

    def get_prep_lookup(self):
        return self.rhs

    def process_rhs(self, compiler, connection):
        first, last = self.rhs
        return "int4multirange(int4range(%s, %s))", [day_number(first), day_number(last) + 1]

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} && {rhs}", [*lhs_params, *rhs_params]


class IntArrayField(models.Field):
    """A PostgreSQL integer[] (bigint[] with big=True), written and read in SQL only by the rollups; plain
    text elsewhere (unused)."""

    description = "An array of integers (PostgreSQL)"

    def __init__(self, *args, big: bool = False, **kwargs):
        self.big = big
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        if self.big:
            kwargs["big"] = True
        return name, path, args, kwargs

    def db_type(self, connection):
        if connection.vendor != "postgresql":
            return "text"
        return "bigint[]" if self.big else "integer[]"


class RunningTotal(models.Func):
    """SQL: the running total `array` holds at the end of `day` (a date), given `days`, the ascending day
    numbers at which the array's entries were taken; 0 before the first.  width_bucket finds the position
    by binary search, so the cost does not depend on the array's length."""

    output_field = models.BigIntegerField()

    def __init__(self, array: str, day: dt.date, days: str = "days"):
        super().__init__(models.F(array), models.F(days), models.Value(day_number(day)))

    def as_sql(self, compiler, connection, **extra):
        (array, array_params), (days, days_params), (day, day_params) = (
            compiler.compile(e) for e in self.get_source_expressions()
        )
        sql = f"COALESCE(({array})[width_bucket({day}::integer, {days})], 0)"
        return sql, (*array_params, *day_params, *days_params)
