"""Helpers shared by the community tests: the query-count rule, files to upload, survey answers."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from PIL import Image

from community import services

# The two list sizes every list page and list API is measured at (both within one page of results).
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


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(buffer, format="PNG")
    return buffer.getvalue()


PNG = png_bytes()


def png_file(name: str = "screen.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PNG, content_type="image/png")


def open_ticket(user, **kwargs):
    """A ticket opened through the service (its body holds a script tag that must be neutralised)."""
    return services.ticket_create(user=user, subject="Cannot log in", body="Help <script>x</script>", **kwargs)


def flag_all(users, target, reason: str = "spam") -> list:
    return [services.flag_create(user=u, target=target, reason=reason) for u in users]


def survey_answers(survey, rating: str = "4", choice: str = "Right", text: str = "More <b>exercises</b>") -> dict:
    """Answers for the `survey` fixture's three questions (rating, single choice, text)."""
    q = {q.kind: str(q.pk) for q in survey.questions.all()}
    return {q["rating"]: rating, q["single_choice"]: choice, q["text"]: text}
