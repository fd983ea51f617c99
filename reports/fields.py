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
