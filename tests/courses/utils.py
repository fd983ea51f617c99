"""Helpers shared by the course tests.

Query counts are compared at two list sizes (the same number, not an upper bound): a page whose count
grows with its rows fails, and so does one whose count merely changes.
"""

from django.db import connection
from django.test.utils import CaptureQueriesContext


def queries_of(client, url: str, data: dict | None = None) -> tuple[int, object]:
    """(number of queries, response) of one GET, which must succeed."""
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, data or {})
    assert response.status_code == 200, url
    return len(ctx.captured_queries), response
