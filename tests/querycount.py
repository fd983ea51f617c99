"""The query-count rule of the test suite: a list page, list API or admin changelist runs the SAME number
of SQL queries with SMALL rows and with LARGE rows (an upper bound is not enough: a query per row can stay
under it).

    def load(n):
        ...  # bring the list to n rows
        response, queries = count_queries(lambda: client.get(url))
        assert len(response.context["rows"]) == n  # the list measured did grow
        return queries

    assert_same_queries_at_two_sizes(load)
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext

# The two list sizes every list is measured at (both within one page of results).
SMALL, LARGE = 2, 7


def count_queries(fetch: Callable[[], Any]) -> tuple[Any, int]:
    """(what `fetch()` returned, the number of SQL queries it ran)."""
    with CaptureQueriesContext(connection) as ctx:
        result = fetch()
    return result, len(ctx.captured_queries)


def assert_same_queries_at_two_sizes(load: Callable[[int], Any]) -> Any:
    """The query-count rule: a list costs the SAME number of queries with SMALL and LARGE rows.

    `load(n)` brings the list to n rows, fetches it, checks that the n rows are shown and returns its
    query count (or a dict of counts, one per list).  It runs once at SMALL first to fill per-process
    caches (content types...), which are not part of the comparison.
    """
    load(SMALL)
    small, large = load(SMALL), load(LARGE)
    assert small == large, f"queries at {SMALL} rows: {small}; at {LARGE} rows: {large} (a query per row?)"
    return small
