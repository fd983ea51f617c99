"""Text people write, made safe: Markdown rendered to HTML, then sanitised with nh3 (an allow-list
sanitiser).  The one place for it, with two policies:

- `AUTHOR`: course content written by instructors (lesson articles, course descriptions): headings,
  tables, images, definition lists, `extra` Markdown.
- `COMMUNITY`: what any user writes (discussions, replies, reviews, messages, tickets, internal docs):
  no images (tracking pixels), no tables, nothing beyond simple formatting; line breaks are kept
  (`nl2br`) and links get `nofollow`.

Markdown lets writers type raw HTML, so the rendered output is never trusted: only the policy's tags
and attributes survive, only http(s)/mailto URLs are kept, `<script>`/`<style>`/`<iframe>`... are
removed with their content, event handlers (onclick=...) and `javascript:` URLs never survive.
Store the result (models render on save); templates may then print it as safe.
"""

from dataclasses import dataclass
from html import unescape

import markdown
import nh3

URL_SCHEMES = frozenset({"http", "https", "mailto"})
# Removed together with everything inside them (the other disallowed tags keep their text).
CLEAN_CONTENT_TAGS = frozenset({"script", "style", "iframe", "object", "embed", "template", "noscript"})


@dataclass(frozen=True)
class Policy:
    name: str
    extensions: tuple[str, ...]
    tags: frozenset[str]
    attributes: dict[str, frozenset[str]]
    link_rel: str
    clean_content_tags: frozenset[str] = CLEAN_CONTENT_TAGS
    url_schemes: frozenset[str] = URL_SCHEMES


AUTHOR = Policy(
    name="author",
    extensions=("extra", "sane_lists", "smarty"),
    tags=frozenset(
        {
            "a",
            "abbr",
            "b",
            "blockquote",
            "br",
            "code",
            "dd",
            "del",
            "div",
            "dl",
            "dt",
            "em",
            "figcaption",
            "figure",
            "h1",
            "h2",
            "h3",
            "h4",
            "h5",
            "h6",
            "hr",
            "i",
            "img",
            "ins",
            "kbd",
            "li",
            "mark",
            "ol",
            "p",
            "pre",
            "s",
            "samp",
            "small",
            "span",
            "strong",
            "sub",
            "sup",
            "table",
            "tbody",
            "td",
            "tfoot",
            "th",
            "thead",
            "tr",
            "u",
            "ul",
        }
    ),  # fmt: skip
    attributes={
        "a": frozenset({"href", "title"}),
        "abbr": frozenset({"title"}),
        "img": frozenset({"src", "alt", "title", "width", "height"}),
        "td": frozenset({"colspan", "rowspan", "align"}),
        "th": frozenset({"colspan", "rowspan", "align", "scope"}),
        "ol": frozenset({"start"}),
        "code": frozenset({"class"}),  # fenced code: class="language-python"
    },
    link_rel="noopener noreferrer",
)

COMMUNITY = Policy(
    name="community",
    extensions=("fenced_code", "sane_lists", "smarty", "nl2br"),
    tags=frozenset(
        {
            "a",
            "b",
            "blockquote",
            "br",
            "code",
            "del",
            "em",
            "h3",
            "h4",
            "h5",
            "h6",
            "hr",
            "i",
            "li",
            "ol",
            "p",
            "pre",
            "s",
            "strong",
            "sub",
            "sup",
            "ul",
        }
    ),  # fmt: skip
    attributes={"a": frozenset({"href", "title"}), "ol": frozenset({"start"}), "code": frozenset({"class"})},
    link_rel="nofollow noopener noreferrer",
    clean_content_tags=CLEAN_CONTENT_TAGS | {"textarea", "select"},
)


def sanitize_html(html: str, *, policy: Policy) -> str:
    """Keep only what `policy` allows of `html`."""
    return nh3.clean(
        html,
        tags=set(policy.tags),
        clean_content_tags=set(policy.clean_content_tags),
        attributes={tag: set(names) for tag, names in policy.attributes.items()},
        url_schemes=set(policy.url_schemes),
        link_rel=policy.link_rel,
    )


def render_markdown(text: str, *, policy: Policy) -> str:
    """Markdown -> safe HTML under `policy` ("" for blank text)."""
    if not text or not text.strip():
        return ""
    html = markdown.markdown(text, extensions=list(policy.extensions), output_format="html")
    return sanitize_html(html, policy=policy)


def plain_text(text: str, limit: int = 200, *, policy: Policy = COMMUNITY) -> str:
    """Markdown -> text for notifications and e-mails: tags stripped, whitespace collapsed, shortened."""
    cleaned = unescape(nh3.clean(render_markdown(text, policy=policy), tags=set())).strip()
    cleaned = " ".join(cleaned.split())
    return cleaned if len(cleaned) <= limit else cleaned[: limit - 1].rstrip() + "…"
