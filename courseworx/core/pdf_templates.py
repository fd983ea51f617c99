"""Author-written HTML/CSS for PDFs (certificate templates): a sandboxed template language and sanitisers.

Instructors write a certificate's HTML and CSS; students' names and course titles are poured into it;
WeasyPrint turns it into a PDF (through `courseworx.core.pdf.render_pdf`, whose URL fetcher is the last
line of defence).  This module is the first two lines:

**Template language** (`render_template`, `template_problems`): Django's syntax, in a dedicated
`Engine` whose only tags are `if`/`elif`/`else` and `comment`, and whose only filters are the text
filters in `SAFE_FILTERS` (no `safe`, no `autoescape`, `load`, `include`, `extends`, `url`, `debug`,
`now`, `csrf_token`, ...), with autoescape on, no loaders and no libraries.  The context holds plain
strings only (`render_template` refuses anything else), so `{{ student.user.password }}` or
`{{ certificate.enrollment.user.auth_token }}` reach nothing: there are no objects to walk.
`template_problems` lists what the editor must fix: syntax errors, unknown placeholders, attribute
look-ups (`{{ student_name.upper }}`) and literal strings holding markup.

**HTML** (`sanitize_html` at render, `html_problems` on save): an allow-list of tags (`ALLOWED_TAGS`) and
attributes (`ALLOWED_ATTRIBUTES`) — no `<link>`, `<style>`, `<base>`, `<object>`, `<embed>`, `<iframe>`,
`<svg>`, `<script>`, no `rel`/`download` (so no `<a rel=attachment>`), no event handlers; `<img src>`
only for URLs the PDF renderer serves (`courseworx.core.pdf.is_allowed_url`: our static files, the
template's own images, small data: images); `<a href>` only http(s)/mailto; `style` attributes go
through the CSS allow-list.

**CSS** (`sanitize_css` at render, `css_problems` on save, with tinycss2): only `@page` (with its
margin boxes) and `@media`; only the properties in `ALLOWED_PROPERTIES`; only the value functions in
`ALLOWED_FUNCTIONS`; `url()` only for URLs the renderer serves or the image placeholders
(`url("{{ background_image }}")`).  No `@import`, `@font-face`, `@namespace`, custom properties, `var()`,
`attr()`, `image-set()`, or WeasyPrint's `link`/`anchor`/`string-set` properties.  The result never
contains `<`, so it cannot close the `<style>` element it is placed in.

Save-time checks refuse (with messages) rather than silently rewrite, so an author never loses work;
render-time sanitising rewrites (drops what is not allowed), for rows stored before these rules or
written around the model's validation.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from html.parser import HTMLParser

import nh3
import tinycss2
from django.template import Context, Engine, Library, TemplateSyntaxError, defaultfilters, defaulttags
from django.template.base import FilterExpression, VariableNode
from django.template.defaulttags import IfNode, TemplateLiteral
from tinycss2.serializer import serialize_string_value

from .pdf import is_allowed_url

# --- the template language -------------------------------------------------------------------------

SAFE_TAGS = ("if", "comment")
SAFE_FILTERS = ("upper", "lower", "title", "capfirst", "default", "truncatechars", "truncatewords")

register = Library()
for _name in SAFE_TAGS:
    register.tag(_name, defaulttags.register.tags[_name])
for _name in SAFE_FILTERS:
    register.filter(_name, defaultfilters.register.filters[_name])


class _SandboxEngine(Engine):
    default_builtins = []  # not Django's default tags, filters and loader tags


ENGINE = _SandboxEngine(
    loaders=[], libraries={}, builtins=["courseworx.core.pdf_templates"], autoescape=True, string_if_invalid=""
)

_PLACEHOLDER_RE = re.compile(r"^\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}$")


def placeholder_name(value: str) -> str | None:
    """`background_image` for the text `{{ background_image }}` (nothing else around it), else None."""
    match = _PLACEHOLDER_RE.match(value.strip())
    return match[1] if match else None


def render_template(source: str, context: Mapping[str, str]) -> str:
    """Render author-written template text with plain-string values only (TemplateSyntaxError if invalid)."""
    for key, value in context.items():
        if not isinstance(value, str):
            raise TypeError(f"PDF template values must be strings ({key} is {type(value).__name__})")
    return ENGINE.from_string(source).render(Context(dict(context), autoescape=True))


def _condition_expressions(condition) -> Iterable[FilterExpression]:
    if condition is None:
        return
    if isinstance(condition, TemplateLiteral):
        yield condition.value
        return
    yield from _condition_expressions(getattr(condition, "first", None))
    yield from _condition_expressions(getattr(condition, "second", None))


def _expressions(nodelist) -> Iterable[FilterExpression]:
    for node in nodelist.get_nodes_by_type(VariableNode):
        yield node.filter_expression
    for node in nodelist.get_nodes_by_type(IfNode):
        for condition, _nodes in node.conditions_nodelists:
            yield from _condition_expressions(condition)


def template_problems(source: str, placeholders: Iterable[str]) -> list[str]:
    """What is wrong with template text, as messages for the editor (empty when it is fine)."""
    allowed = set(placeholders)
    available = ", ".join("{{ %s }}" % name for name in sorted(allowed))  # noqa: UP031 - braces
    try:
        template = ENGINE.from_string(source)
    except TemplateSyntaxError as exc:
        message = str(exc).split(". Did you forget")[0].rstrip(".?")
        return [
            f"Template error: {message}. Only {{% if %}}/{{% elif %}}/{{% else %}}/{{% endif %}} and "
            f"{{% comment %}} tags and the filters {', '.join(SAFE_FILTERS)} are available."
        ]
    problems = []
    for expression in _expressions(template.nodelist):
        variables = [expression.var]
        for _func, args in expression.filters:
            variables += [arg for _lookup, arg in args]
        for var in variables:
            lookups = getattr(var, "lookups", None)
            literal = getattr(var, "literal", var)
            if lookups is None:
                if isinstance(literal, str) and ("<" in literal or ">" in literal):
                    problems.append("Literal text in {{ }} or {% if %} may not contain < or >; write HTML outside.")
                continue
            name = ".".join(lookups)
            if len(lookups) > 1:
                problems.append(f"“{name}”: placeholders are plain text, they have no attributes. Use {available}.")
            elif lookups[0] not in allowed:
                problems.append(f"Unknown placeholder “{name}”. Available: {available}.")
    return list(dict.fromkeys(problems))


# --- CSS ---------------------------------------------------------------------------------------------


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


ALLOWED_PROPERTIES = _words(
    """
    color opacity visibility
    background background-color background-image background-position background-size background-repeat
    background-origin background-clip background-attachment
    border border-width border-style border-color border-radius border-collapse border-spacing
    border-top border-right border-bottom border-left border-top-width border-right-width border-bottom-width
    border-left-width border-top-style border-right-style border-bottom-style border-left-style border-top-color
    border-right-color border-bottom-color border-left-color border-top-left-radius border-top-right-radius
    border-bottom-left-radius border-bottom-right-radius
    outline outline-width outline-style outline-color outline-offset box-shadow
    margin margin-top margin-right margin-bottom margin-left padding padding-top padding-right padding-bottom
    padding-left width height min-width min-height max-width max-height box-sizing
    display position top right bottom left z-index float clear overflow vertical-align
    flex flex-direction flex-wrap flex-flow flex-grow flex-shrink flex-basis order justify-content align-items
    align-content align-self gap row-gap column-gap
    grid-template-columns grid-template-rows grid-template-areas grid-column grid-row grid-area
    grid-column-start grid-column-end grid-row-start grid-row-end grid-auto-flow grid-auto-rows grid-auto-columns
    font font-family font-size font-style font-weight font-variant font-stretch line-height letter-spacing
    word-spacing text-align text-align-last text-decoration text-decoration-line text-decoration-color
    text-decoration-style text-transform text-indent text-shadow white-space word-break overflow-wrap
    word-wrap hyphens direction unicode-bidi
    list-style list-style-type list-style-position list-style-image
    table-layout caption-side empty-cells
    page-break-before page-break-after page-break-inside break-before break-after break-inside orphans widows
    size page
    content quotes counter-reset counter-increment
    transform transform-origin object-fit object-position image-rendering
    columns column-count column-width column-rule column-rule-width column-rule-style column-rule-color
    column-span column-fill
    """
)
ALLOWED_FUNCTIONS = _words(
    """
    rgb rgba hsl hsla hwb linear-gradient radial-gradient repeating-linear-gradient repeating-radial-gradient
    calc min max clamp counter counters url repeat minmax fit-content
    translate translatex translatey rotate scale scalex scaley skew skewx skewy matrix
    """
)
PAGE_MARGIN_BOXES = frozenset(
    f"{edge}-{pos}"
    for edge, positions in (
        ("top", ("left-corner", "left", "center", "right", "right-corner")),
        ("bottom", ("left-corner", "left", "center", "right", "right-corner")),
        ("left", ("top", "middle", "bottom")),
        ("right", ("top", "middle", "bottom")),
    )
    for pos in positions
)

_URL_HELP = "use a file under /static/ or the template's own images ({{ background_image }}, {{ signature_image }})"


def _css_url(url: str) -> str:
    return f'url("{serialize_string_value(url)}")'


class _CSS:
    """One pass over a stylesheet: keeps what is allowed (serialised), records what is not."""

    def __init__(self, placeholders: Mapping[str, str], file_names: Iterable[str]):
        self.placeholders = placeholders
        self.file_names = frozenset(file_names)
        self.problems: list[str] = []

    def problem(self, message: str) -> None:
        if message not in self.problems:
            self.problems.append(message)

    # values

    def _url(self, raw: str) -> str | None:
        name = placeholder_name(raw)
        if name is not None:
            if name not in self.placeholders:
                self.problem(f"url({raw}): unknown placeholder; {_URL_HELP}.")
                return None
            return self.placeholders[name] or None
        if is_allowed_url(raw, file_names=self.file_names):
            return raw.strip()
        self.problem(f"url({raw[:80]}) is not allowed: {_URL_HELP}.")
        return None

    def value(self, tokens) -> str | None:
        """The serialised value, or None when something in it is not allowed."""
        out = []
        for token in tokens:
            kind = token.type
            if kind in ("whitespace", "ident", "number", "percentage", "dimension", "hash", "string"):
                out.append(token.serialize())
            elif kind == "literal" and token.value in (",", "/", "+", "-", "*"):
                out.append(token.value)
            elif kind == "url":
                url = self._url(token.value)
                if url is None:
                    return None
                out.append(_css_url(url))
            elif kind == "function":
                name = token.lower_name
                if name not in ALLOWED_FUNCTIONS:
                    self.problem(f"The CSS function {name}() is not allowed.")
                    return None
                if name == "url":
                    args = [t for t in token.arguments if t.type not in ("whitespace", "comment")]
                    if len(args) != 1 or args[0].type != "string":
                        self.problem("url() takes one quoted URL.")
                        return None
                    url = self._url(args[0].value)
                    if url is None:
                        return None
                    out.append(_css_url(url))
                    continue
                inner = self.value(token.arguments)
                if inner is None:
                    return None
                out.append(f"{token.name}({inner})")
            elif kind in ("() block", "[] block"):
                inner = self.value(token.content)
                if inner is None:
                    return None
                out.append(f"({inner})" if kind == "() block" else f"[{inner}]")
            elif kind == "error":
                hint = ' (quote URLs with spaces: url("{{ background_image }}"))' if token.kind == "bad-url" else ""
                self.problem(f"Invalid CSS: {token.message}{hint}.")
                return None
            elif kind == "comment":
                continue
            else:
                self.problem(f"Unexpected “{token.serialize()[:40]}” in a CSS value.")
                return None
        return "".join(out).strip()

    # declarations and rules

    def declarations(self, nodes, *, margin_boxes: bool = False) -> list[str]:
        out = []
        for node in nodes:
            if node.type == "declaration":
                name = node.lower_name
                if name not in ALLOWED_PROPERTIES:
                    self.problem(f"The CSS property “{node.name}” is not allowed.")
                    continue
                value = self.value(node.value)
                if value is None:
                    continue
                out.append(f"{name}: {value}{' !important' if node.important else ''};")
            elif node.type == "at-rule" and margin_boxes and node.lower_at_keyword in PAGE_MARGIN_BOXES:
                inner = self.declarations(_blocks(node.content))
                out.append(f"@{node.lower_at_keyword} {{ {' '.join(inner)} }}")
            elif node.type == "at-rule":
                self.problem(f"@{node.at_keyword} is not allowed here.")
            elif node.type == "error":
                self.problem(f"Invalid CSS: {node.message}.")
            elif node.type == "qualified-rule":
                self.problem("Nested CSS rules are not allowed.")
        return out

    def rules(self, nodes) -> list[str]:
        out = []
        for node in nodes:
            if node.type == "qualified-rule":
                selector = tinycss2.serialize(node.prelude).strip()
                if not selector:
                    continue
                declarations = self.declarations(_blocks(node.content))
                if declarations:
                    out.append(f"{selector} {{ {' '.join(declarations)} }}")
            elif node.type == "at-rule" and node.lower_at_keyword == "page" and node.content is not None:
                prelude = tinycss2.serialize(node.prelude).strip()
                inner = self.declarations(_blocks(node.content), margin_boxes=True)
                out.append(f"@page {prelude} {{ {' '.join(inner)} }}".replace("  ", " "))
            elif node.type == "at-rule" and node.lower_at_keyword == "media" and node.content is not None:
                prelude = tinycss2.serialize(node.prelude).strip()
                inner = self.rules(tinycss2.parse_rule_list(node.content, skip_comments=True, skip_whitespace=True))
                out.append(f"@media {prelude} {{ {' '.join(inner)} }}")
            elif node.type == "at-rule":
                self.problem(f"@{node.at_keyword} is not allowed (only @page and @media).")
            elif node.type == "error":
                self.problem(f"Invalid CSS: {node.message}.")
        return out


def _blocks(content):
    return tinycss2.parse_blocks_contents(content or [], skip_comments=True, skip_whitespace=True)


def _finish(css: str) -> str:
    # The stylesheet goes inside <style>: it must never contain "<" (a "</style>" would end it).
    return css.replace("<", "\\3c ")


def sanitize_css(css: str, *, placeholders: Mapping[str, str] | None = None, file_names: Iterable[str] = ()) -> str:
    """The stylesheet with only allowed rules, properties and URLs (placeholders replaced by their URLs)."""
    walker = _CSS(placeholders or {}, file_names)
    rules = walker.rules(tinycss2.parse_stylesheet(css or "", skip_comments=True, skip_whitespace=True))
    return _finish("\n".join(rules))


def css_problems(
    css: str, *, placeholders: Mapping[str, str] | None = None, file_names: Iterable[str] = ()
) -> list[str]:
    walker = _CSS(placeholders or {}, file_names)
    walker.rules(tinycss2.parse_stylesheet(css or "", skip_comments=True, skip_whitespace=True))
    return walker.problems


def _style_attribute(value: str, walker: _CSS) -> str:
    return _finish(" ".join(walker.declarations(_blocks(value))))


# --- HTML --------------------------------------------------------------------------------------------

ALLOWED_TAGS = _words(
    """
    div span p br hr h1 h2 h3 h4 h5 h6 strong b em i u s small sub sup mark blockquote q cite address time abbr
    img a ul ol li dl dt dd table caption colgroup col thead tbody tfoot tr th td
    section header footer main article aside figure figcaption
    """
)
ALLOWED_ATTRIBUTES = {
    "*": frozenset({"class", "id", "style", "title", "lang", "dir"}),
    "img": frozenset({"src", "alt", "width", "height"}),
    "a": frozenset({"href"}),
    "td": frozenset({"colspan", "rowspan"}),
    "th": frozenset({"colspan", "rowspan", "scope"}),
    "col": frozenset({"span"}),
    "colgroup": frozenset({"span"}),
    "ol": frozenset({"start", "type"}),
    "time": frozenset({"datetime"}),
}
# Dropped together with their content when sanitising.
DROPPED_WITH_CONTENT = frozenset(
    {"script", "style", "title", "template", "noscript", "textarea", "select", "svg", "math", "iframe", "object"}
)
LINK_SCHEMES = ("http://", "https://", "mailto:")


def _href_allowed(value: str, link_placeholders: Iterable[str]) -> bool:
    value = value.strip()
    name = placeholder_name(value)
    if name is not None:
        return name in link_placeholders
    return value.lower().startswith(LINK_SCHEMES) or (value.startswith("#") and len(value) > 1)


class _AttributePolicy:
    def __init__(self, placeholders: Mapping[str, str], file_names: Iterable[str], link_placeholders: Iterable[str]):
        self.placeholders = placeholders
        self.file_names = frozenset(file_names)
        self.link_placeholders = frozenset(link_placeholders)
        self.css = _CSS(placeholders, file_names)

    def allowed_attribute(self, tag: str, name: str) -> bool:
        return name in ALLOWED_ATTRIBUTES["*"] or name in ALLOWED_ATTRIBUTES.get(tag, ())

    def src_allowed(self, value: str) -> bool:
        name = placeholder_name(value)
        if name is not None:
            return name in self.placeholders
        return is_allowed_url(value, file_names=self.file_names)

    def filter(self, tag: str, name: str, value: str) -> str | None:
        """nh3's attribute_filter: the value to keep, or None to drop the attribute."""
        if name == "src":
            return value if tag == "img" and self.src_allowed(value) else None
        if name == "href":
            return value if tag == "a" and _href_allowed(value, self.link_placeholders) else None
        if name == "style":
            return _style_attribute(value, self.css) or None
        return value


def sanitize_html(
    html: str,
    *,
    placeholders: Mapping[str, str] | None = None,
    file_names: Iterable[str] = (),
    link_placeholders: Iterable[str] = (),
) -> str:
    """The HTML fragment with only allowed tags, attributes and URLs (nh3).

    `placeholders` are the image placeholders (`{{ background_image }}` in `src` or CSS `url()`) and the
    URLs they stand for; `file_names` the names of the files the renderer serves (see pdf_file_url);
    `link_placeholders` the placeholders an `<a href>` may hold (`{{ verification_url }}`).
    """
    policy = _AttributePolicy(placeholders or {}, file_names, link_placeholders)
    attributes = {tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()}
    return nh3.clean(
        html or "",
        tags=set(ALLOWED_TAGS),
        clean_content_tags=set(DROPPED_WITH_CONTENT),
        attributes=attributes,
        attribute_filter=policy.filter,
        url_schemes={"http", "https", "mailto", "data"},
        link_rel=None,
        strip_comments=True,
    )


class _HTMLChecker(HTMLParser):
    def __init__(self, policy: _AttributePolicy):
        super().__init__(convert_charrefs=True)
        self.policy = policy
        self.problems: list[str] = []

    def problem(self, message: str) -> None:
        if message not in self.problems:
            self.problems.append(message)

    def handle_starttag(self, tag, attrs):
        if tag not in ALLOWED_TAGS:
            self.problem(f"The <{tag}> tag is not allowed.")
            return
        for name, value in attrs:
            value = value or ""
            if not self.policy.allowed_attribute(tag, name):
                self.problem(f"The “{name}” attribute is not allowed on <{tag}>.")
            elif name == "src" and not self.policy.src_allowed(value):
                self.problem(f"<img src=“{value[:80]}”> is not allowed: {_URL_HELP}.")
            elif name == "href" and not _href_allowed(value, self.policy.link_placeholders):
                self.problem(f"<a href=“{value[:80]}”> is not allowed: links must be http(s) or mailto.")
            elif name == "style":
                _style_attribute(value, self.policy.css)

    handle_startendtag = handle_starttag


def html_problems(
    html: str,
    *,
    placeholders: Mapping[str, str] | None = None,
    file_names: Iterable[str] = (),
    link_placeholders: Iterable[str] = (),
) -> list[str]:
    """What in an HTML fragment the sanitiser would remove, as messages for the editor."""
    checker = _HTMLChecker(_AttributePolicy(placeholders or {}, file_names, link_placeholders))
    checker.feed(html or "")
    checker.close()
    return checker.problems + [p for p in checker.policy.css.problems if p not in checker.problems]
