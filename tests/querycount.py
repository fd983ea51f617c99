"""The query-count rule of the test suite: a list page, list API or admin changelist runs the SAME number
of SQL queries with SMALL rows and with LARGE rows (an upper bound is not enough: a query per row can stay
under it).

    def load(n):
        ...  # bring the list to n rows
        response, queries = count_queries(lambda: client.get(url))
        assert len(response.context["rows"]) == n  # the list measured did grow
        return queries

    assert_same_queries_at_two_sizes(load)

Every list is held to it: `tests/querycount_coverage.py` records which routes were measured this way and,
after a run of the whole suite, fails the run when a list API route or a paginated page was not.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.signals import request_started
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import Resolver404, resolve

# The two list sizes every list is measured at (both within one page of results).
SMALL, LARGE = 2, 7

# The view names (`namespace:name`) of the requests measured by assert_same_queries_at_two_sizes in this
# process: read by tests/querycount_coverage.py at the end of the run.
MEASURED: set[str] = set()


def _record_request(sender, environ=None, **kwargs) -> None:
    if not environ:
        return
    try:
        match = resolve(environ.get("PATH_INFO", ""))
    except Resolver404:
        return
    if match.view_name:
        MEASURED.add(match.view_name)


def count_queries(fetch: Callable[[], Any]) -> tuple[Any, int]:
    """(what `fetch()` returned, the number of SQL queries it ran)."""
    with CaptureQueriesContext(connection) as ctx:
        result = fetch()
    return result, len(ctx.captured_queries)


def assert_same_queries_at_two_sizes(load: Callable[[int], Any]) -> Any:
    """The query-count rule: a list costs the SAME number of queries with SMALL and LARGE rows.

    `load(n)` brings the list to n rows, fetches it, checks that the n rows are shown and returns its
    query count (or a dict of counts, one per list).  It runs once at SMALL first to fill per-process
    caches (content types...), which are not part of the comparison.  The routes it requested count as
    measured (tests/querycount_coverage.py) once the comparison has passed.
    """
    load(SMALL)
    seen_before = set(MEASURED)
    request_started.connect(_record_request, dispatch_uid="tests.querycount")
    try:
        small, large = load(SMALL), load(LARGE)
    finally:
        request_started.disconnect(dispatch_uid="tests.querycount")
    if small != large:
        MEASURED.intersection_update(seen_before)
    assert small == large, f"queries at {SMALL} rows: {small}; at {LARGE} rows: {large} (a query per row?)"
    return small
