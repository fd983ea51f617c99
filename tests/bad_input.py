"""Hypothesis strategies and checks for the bad-input tests (issue 19 §5): tests/*/test_bad_input_*.py.

The examples per test come from the hypothesis profile (tests/conftest.py): `ci` (the default, small) or
`nightly` (HYPOTHESIS_PROFILE=nightly, `make test-nightly`).  Each example runs inside the test's one
database transaction, so the checks compare row counts before and after each request rather than
relying on a rollback per example.

The properties, for every request made with a hostile value:
- never a 5xx;
- a refusal is a 4xx with a clear body: the API's JSON `{"error": {"fields": {name: [...]}}}` naming the
  field (a NUL character anywhere in a JSON body is refused by RejectNulMiddleware as the field `body`),
  a page's form error next to the field;
- a refusal saves nothing (the counts of the models touched are unchanged);
- an acceptance stores what was sent (no silent truncation) and creates exactly what it says.
"""

from __future__ import annotations

import json
from collections.abc import Iterable

from django.db.models import Model
from hypothesis import strategies as st

SCRIPT_PAYLOADS = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "javascript:alert(1)",
    "JaVaScRiPt:alert(document.cookie)",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "{{ 7*7 }}{% debug %}",
    "'; DROP TABLE users; --",
    "../../../../etc/passwd",
]

# Unicode that breaks naive code: astral (emoji, math letters), right-to-left text and marks, combining
# characters, zero-width and byte-order marks, and the C0/C1 control characters (NUL among them).
ASTRAL = "𝔘𝔫𝔦𝔠𝔬𝔡𝔢 😀👩🏽‍💻🇸🇦"
RTL = "مرحبا بالعالم \u202eevil\u202c \u200f"
COMBINING = "e\u0301\u0308\u20dd Z̷̢̧͔a̸̛͍l̵g̸o̴"
ZERO_WIDTH = "\u200b\u200c\u200d\ufeff\u2060"
CONTROL = "".join(chr(c) for c in range(1, 32)) + "\x7f\x85\x9f"

unicode_text = st.one_of(
    st.sampled_from([ASTRAL, RTL, COMBINING, ZERO_WIDTH, CONTROL, *SCRIPT_PAYLOADS]),
    st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), min_size=1, max_size=60),
    st.text(st.characters(min_codepoint=0x10000, max_codepoint=0x10FFFF, exclude_categories=["Cs"]), min_size=1),
)
nul_text = st.builds(lambda a, b: f"{a}\x00{b}", st.text(max_size=10), st.text(max_size=10))
# A lone UTF-16 surrogate: valid in a JSON string ("\ud800"), impossible to encode as UTF-8.
lone_surrogate = st.builds(
    lambda a, c: f"{a}{c}", st.text(max_size=5), st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF)
)
blank_text = st.sampled_from(["", " ", "\t\n", "\u3000", "\u200b"])


def over_long(limit: int) -> st.SearchStrategy[str]:
    """Strings longer than `limit` characters: plain, astral (4 bytes each) or combining characters."""
    return st.tuples(st.integers(limit + 1, limit + 2_000), st.sampled_from(["a", "😀", "e\u0301", "ب"])).map(
        lambda t: (t[1] * t[0])[: max(limit + 1, t[0])]
    )


wrong_type_for_text = st.one_of(
    st.lists(st.text(max_size=5), max_size=3),
    st.dictionaries(st.text(max_size=5), st.text(max_size=5), max_size=3),
    st.booleans(),
)
huge_or_negative = st.one_of(
    st.integers(max_value=-1),
    st.integers(min_value=2**31),
    st.sampled_from([2**63, 2**64, -(2**63) - 1, 10**30, -(10**30)]),
)
many_places = st.decimals(allow_nan=False, allow_infinity=False, places=12).filter(lambda d: d != d.quantize(1))
wrong_type_for_number = st.one_of(
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
    st.booleans(),
    st.sampled_from(["", "ten", "1e400", "NaN", "Infinity", "0x10", "١٢", "1_000"]),
    st.floats(allow_nan=False, allow_infinity=False).filter(lambda f: f != int(f)),
)


def counts(models: Iterable[type[Model]]) -> dict[str, int]:
    return {m._meta.label: m._default_manager.count() for m in models}


def error_fields(response) -> dict:
    """The field errors of an API refusal; fails when the body is not the API's JSON error."""
    assert response["Content-Type"].startswith("application/json"), (response.status_code, response.content[:300])
    body = json.loads(response.content)
    assert "error" in body, body
    return body["error"].get("fields") or {}


def assert_api_refused(response, fields: set[str] | str, before: dict, after: dict) -> None:
    """A 400 naming one of `fields` (or `body` for a NUL in the JSON), and no row written."""
    names = {fields} if isinstance(fields, str) else set(fields)
    assert response.status_code == 400, (response.status_code, response.content[:500])
    found = set(error_fields(response))
    assert found & (names | {"body"}), f"expected a field error on {names}, got {found}"
    assert before == after, f"a refused request changed rows: {before} -> {after}"


def assert_api_clean(response, before: dict, after: dict) -> None:
    """Any outcome but a server error; a refusal is JSON and writes nothing."""
    assert response.status_code < 500, (response.status_code, response.content[:500])
    if response.status_code >= 400:
        error_fields(response)
        assert before == after, f"a refused request changed rows: {before} -> {after}"


def post_json(client, url: str, body, method: str = "post"):
    """Send `body` as JSON with ASCII escapes (\\ud800 survives; the test client's own renderer cannot encode a
    lone surrogate, a real client can send it)."""
    return getattr(client, method)(url, data=json.dumps(body), content_type="application/json")
