"""Helpers shared by the community tests: files to upload, tickets, flags, survey answers.  (The query-count
rule is shared by every app: tests/querycount.py.)"""

from __future__ import annotations

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from community import services


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
