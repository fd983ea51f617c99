"""Byte ranges on private lesson files: a video lesson can be sought (206 Partial Content)."""

import pytest
from django.urls import reverse

from courseworx.core.ranges import parse_range
from tests.factories import StudentFactory
from tests.learning.factories import EnrollmentFactory

from .test_private_media import PDF, _paid_lesson


@pytest.mark.parametrize(
    "header,expected",
    [
        ("bytes=0-9", (0, 9)),
        ("bytes=10-", (10, 99)),
        ("bytes=-10", (90, 99)),
        ("bytes=-500", (0, 99)),  # a suffix longer than the file: all of it
        ("bytes=90-500", (90, 99)),  # an end past the file: cut at its end
        ("bytes=100-", False),  # starts after the end: not satisfiable
        ("bytes=-0", False),
        ("bytes=5-2", None),  # invalid: ignored, the whole file
        ("bytes=0-1,5-6", None),  # several ranges: the whole file
        ("items=0-1", None),
        ("bytes=-", None),
        ("", None),
    ],
)
def test_parse_range(header, expected):
    assert parse_range(header, 100) == expected


@pytest.mark.django_db
def test_a_lesson_file_is_served_in_parts_to_who_may_open_it(client):
    lesson = _paid_lesson()
    url = reverse("learning:lesson_file", args=[lesson.course.slug, lesson.pk])
    client.force_login(StudentFactory())
    assert client.get(url, HTTP_RANGE="bytes=0-3").status_code == 404  # not enrolled: no part either
    student = StudentFactory()
    EnrollmentFactory(user=student, course=lesson.course)
    client.force_login(student)

    whole = client.get(url)
    assert whole.status_code == 200 and whole["Accept-Ranges"] == "bytes"

    part = client.get(url, HTTP_RANGE="bytes=5-12")
    assert part.status_code == 206
    assert b"".join(part.streaming_content) == PDF[5:13]
    assert part["Content-Range"] == f"bytes 5-12/{len(PDF)}" and part["Content-Length"] == "8"
    assert part["Content-Type"] == "application/pdf" and part["Content-Disposition"].startswith("inline")
    assert part["Cache-Control"] == "private, no-store"

    tail = client.get(url, HTTP_RANGE="bytes=-4")
    assert tail.status_code == 206 and b"".join(tail.streaming_content) == PDF[-4:]

    past = client.get(url, HTTP_RANGE=f"bytes={len(PDF)}-")
    assert past.status_code == 416 and past["Content-Range"] == f"bytes */{len(PDF)}"

    changed = client.get(url, HTTP_RANGE="bytes=0-3", HTTP_IF_RANGE='"old"')  # no validators: the whole file
    assert changed.status_code == 200 and b"".join(changed.streaming_content) == PDF
