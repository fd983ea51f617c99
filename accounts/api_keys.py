"""API keys: the secret's format, its hash, and the ONE map from API areas to the views they cover.

A key looks like `cwk_3f9a1c2b_<43 url-safe characters>`: `cwk_` + 8 random lower-case hex characters is its
public **prefix** (stored, shown in lists, unique: it names the key), the rest is 32 random bytes.  Only the
SHA-256 of the whole key is stored (`ApiKey.key_hash`): a 256-bit random secret needs no slow hash, and a
look-up by hash is one indexed query.  The full key exists only in the response that creates it.

**Areas.**  A key holds one or more areas and may be read-only (GET/HEAD/OPTIONS only).  An API view belongs
to the area of the app its class lives in (the view's module), unless the view names one itself with an
`api_key_area` attribute.  A view in no area is refused to every key (fail closed).

| area | view modules | e.g. URL prefixes under /api/v1/ (full list in accounts/README.md) |
|---|---|---|
| courses | `courses.*` | courses/, categories/, tags/, instructor/, review/ |
| learning | `learning.*` | enrollments/, lessons/, quiz-attempts/, assignments/, certificates/ ... |
| community | `community.*` | notifications/, threads/, reviews/, conversations/, tickets/ ... |
| billing | `billing.*` | billing/, currencies/, exchange-rates/ |
| reports | `reports.*` | reports/, me/data-requests/, mobile/logs/ |
| admin | `accounts.*`, `courseworx.*` | me/, api-keys/ and the platform's own API (audit trail, webhooks, flags) |

The prefixes overlap (`courses/<slug>/reviews/` is community's), which is why the module decides.
"""

from __future__ import annotations

import hashlib
import secrets
from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

KEY_PREFIX = "cwk_"
PREFIX_RANDOM_CHARS = 8  # hex characters after "cwk_"
SECRET_BYTES = 32
AUTH_KEYWORD = "Api-Key"  # Authorization: Api-Key <key>

READ_ONLY_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

# area -> (label, help text).  Order is the order of the form's check boxes.
AREAS: dict[str, tuple[StrOrPromise, StrOrPromise]] = {
    "courses": (_("Courses"), _("Catalog, course authoring and course review.")),
    "learning": (_("Learning"), _("Enrolments, progress, quizzes, assignments, attendance, certificates.")),
    "community": (_("Community"), _("Notifications, reviews, discussions, messages, tickets, surveys.")),
    "billing": (_("Billing"), _("Plans, checkout, payments, refunds, subscriptions, earnings, currencies.")),
    "reports": (_("Reports"), _("Reports and exports, personal-data requests, mobile logs.")),
    "admin": (_("Account and administration"), _("Your profile, API keys and the platform's administration.")),
}

# The view's module (its top-level package, or a dotted prefix) -> area.
MODULE_AREAS: tuple[tuple[str, str], ...] = (
    ("courses", "courses"),
    ("learning", "learning"),
    ("community", "community"),
    ("billing", "billing"),
    ("reports", "reports"),
    ("accounts", "admin"),
    ("courseworx", "admin"),
)


def area_choices() -> list[tuple[str, StrOrPromise]]:
    return [(code, label) for code, (label, _help) in AREAS.items()]


def view_area(view) -> str | None:
    """The area an API view belongs to (None: no key may call it)."""
    declared = getattr(view, "api_key_area", None)
    if declared:
        return declared
    module = type(view).__module__
    for prefix, area in MODULE_AREAS:
        if module == prefix or module.startswith(prefix + "."):
            return area
    return None


def generate_key() -> tuple[str, str]:
    """(full key, its public prefix)."""
    prefix = KEY_PREFIX + secrets.token_hex(PREFIX_RANDOM_CHARS // 2)
    return f"{prefix}_{secrets.token_urlsafe(SECRET_BYTES)}", prefix


def hash_key(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8", "surrogatepass")).hexdigest()
