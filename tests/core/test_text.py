"""Markdown rendering and sanitising (courseworx.core.text): one module, two policies."""

import pytest

from courseworx.core.text import AUTHOR, COMMUNITY, plain_text, render_markdown

POLICIES = [AUTHOR, COMMUNITY]


@pytest.mark.parametrize("policy", POLICIES, ids=lambda p: p.name)
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
def test_dangerous_html_never_survives(markdown, forbidden, policy):
    html = render_markdown(markdown, policy=policy)
    for needle in forbidden:
        assert needle not in html


def test_authors_get_rich_content():
    html = render_markdown(
        "# Title\n\nSome **bold** and a [link](https://example.com).\n\n```python\nx = 1\n```\n\n"
        "| a | b |\n|---|---|\n| 1 | 2 |\n\n![Diagram](https://example.com/d.png)",
        policy=AUTHOR,
    )
    assert "<h1>Title</h1>" in html
    assert "<strong>bold</strong>" in html
    assert '<a href="https://example.com" rel="noopener noreferrer">link</a>' in html
    assert '<code class="language-python">' in html
    assert "<table>" in html and "<td>1</td>" in html
    assert '<img alt="Diagram" src="https://example.com/d.png">' in html


def test_community_users_get_simple_formatting_only():
    html = render_markdown(
        "# Title\n\nSome **bold**\nand a [link](https://example.com).\n\n```python\nx = 1\n```\n\n"
        "| a | b |\n|---|---|\n| 1 | 2 |\n\n![pixel](https://tracker.example/p.gif)",
        policy=COMMUNITY,
    )
    assert "<h1>" not in html and "Title" in html  # no big headings: the text stays
    assert "<strong>bold</strong><br>" in html  # line breaks kept
    assert '<a href="https://example.com" rel="nofollow noopener noreferrer">link</a>' in html
    assert '<code class="language-python">' in html
    assert "<table" not in html and "<td" not in html
    assert "<img" not in html and "tracker.example" not in html


@pytest.mark.parametrize("policy", POLICIES, ids=lambda p: p.name)
def test_blank_text(policy):
    assert render_markdown("", policy=policy) == ""
    assert render_markdown("  \n ", policy=policy) == ""


def test_policy_is_required():
    with pytest.raises(TypeError):
        render_markdown("text")  # type: ignore[call-arg]


def test_plain_text_for_notifications():
    assert plain_text("Hello **there** &amp; <script>x()</script>[welcome](https://e.example)") == (
        "Hello there & welcome"
    )
    assert plain_text("word " * 100, limit=20) == "word word word word…"
