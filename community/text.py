"""User-written text: Markdown rendered to HTML, then sanitised with nh3 (an allow-list sanitiser).

Stricter than lesson articles (courses.content): no images (tracking pixels), no tables, no raw
HTML beyond simple inline formatting.  `<script>`, `<style>`, `<iframe>` are dropped with their
content; event handlers (onclick=...) and `javascript:` URLs never survive; links get
rel="nofollow noopener noreferrer".
"""

from html import unescape

import markdown
import nh3

MARKDOWN_EXTENSIONS = ["fenced_code", "sane_lists", "smarty", "nl2br"]

ALLOWED_TAGS = {
    "a", "b", "blockquote", "br", "code", "del", "em", "h3", "h4", "h5", "h6", "hr", "i", "li", "ol", "p",
    "pre", "s", "strong", "sub", "sup", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}, "code": {"class"}}
URL_SCHEMES = {"http", "https", "mailto"}
CLEAN_CONTENT_TAGS = {"script", "style", "iframe", "object", "embed", "template", "noscript", "textarea", "select"}


def sanitize_user_html(html: str) -> str:
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        clean_content_tags=CLEAN_CONTENT_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="nofollow noopener noreferrer",
    )


def render_user_markdown(text: str) -> str:
    """Markdown -> safe HTML.  Store the result; templates may then print it with |safe."""
    if not text or not text.strip():
        return ""
    html = markdown.markdown(text, extensions=MARKDOWN_EXTENSIONS, output_format="html")
    return sanitize_user_html(html)


def plain_text(text: str, limit: int = 200) -> str:
    """Text for notifications and e-mails: tags stripped, shortened."""
    cleaned = unescape(nh3.clean(render_user_markdown(text), tags=set())).strip()
    cleaned = " ".join(cleaned.split())
    return cleaned if len(cleaned) <= limit else cleaned[: limit - 1].rstrip() + "…"
