"""A paginator for report rows that gets a page and the total number of rows in one query.

A report's rows are an aggregation over many source rows; Django's Paginator would run it twice (a
COUNT over the grouped query, then the page).  `COUNT(*) OVER ()` on the page's query gives the total
with the page, so the aggregation runs once.  An empty or out-of-range page, or a combined (UNION)
query, falls back to Django's way.
"""

from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.db.models import Count, Window

TOTAL = "_report_total"
# No report has this many rows; a larger OFFSET (page=99999999999999999999) would overflow PostgreSQL's
# bigint, so such a page is simply empty (a 404 from the API, the last page on the site).
MAX_OFFSET = 10**12


class ReportPaginator(Paginator):
    def page(self, number):
        qs = self.object_list
        if self._counted() or getattr(qs.query, "combinator", None):
            return super().page(number)
        try:
            number = int(number)
        except (TypeError, ValueError):
            raise PageNotAnInteger("That page number is not an integer") from None
        if number < 1:
            raise EmptyPage("That page number is less than 1")
        bottom = (number - 1) * self.per_page
        if bottom > MAX_OFFSET:
            raise EmptyPage("That page contains no results")
        rows = list(qs.annotate(**{TOTAL: Window(Count("*"))})[bottom : bottom + self.per_page])
        if not rows:
            if number == 1:
                self.__dict__["count"] = 0
                return self._get_page([], 1, self)
            raise EmptyPage("That page contains no results")
        self.__dict__["count"] = rows[0][TOTAL]
        for row in rows:
            del row[TOTAL]
        return self._get_page(rows, number, self)

    def get_page(self, number):
        try:
            wanted = int(number)
        except (TypeError, ValueError):
            wanted = 1
        if wanted >= 1:
            try:
                return self.page(wanted)
            except EmptyPage:
                pass
        return super().get_page(number)

    def _counted(self) -> bool:
        return "count" in self.__dict__
