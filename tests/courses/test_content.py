"""Markdown rendering and sanitising of lesson text (courses.content)."""

import pytest

from courses.content import render_markdown


@pytest.mark.parametrize(
    ("markdown", "forbidden"),
    [
        ("<script>alert(1)</script>", ["<script", "alert(1)"]),
        ("<a href='#' onclick='steal()'>x</a>", ["onclick", "steal"]),
        ("[click](javascript:alert(1))", ["javascript:"]),
        ("<img src=x onerror=alert(1)>", ["onerror"]),
        ("<iframe src='https://evil.example'></iframe>", ["<iframe", "evil.example"]),
        ("<style>body{display:none}</style>", ["<style", "display:none"]),
        ("<div style='position:fixed'>x</div>", ["style="]),
        ("<form action='/x'><input name=a></form>", ["<form", "<input"]),
    ],
)
def test_dangerous_html_never_survives(markdown, forbidden):
    html = render_markdown(markdown)
    for needle in forbidden:
        assert needle not in html


def test_markdown_is_rendered():
    html = render_markdown("# Title\n\nSome **bold** and a [link](https://example.com).\n\n```python\nx = 1\n```")
    assert "<h1>Title</h1>" in html
    assert "<strong>bold</strong>" in html
    assert '<a href="https://example.com" rel="noopener noreferrer">link</a>' in html
    assert '<code class="language-python">' in html


def test_empty_text():
    assert render_markdown("") == ""
