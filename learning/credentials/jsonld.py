"""JSON-LD processing for credentials, offline: only the contexts in `contexts/` are ever loaded.

`canonicalize(document)` is RDF Dataset Canonicalization (RDFC-1.0, which PyLD calls URDNA2015) to
N-Quads.  `undefined_terms(document)` lists properties and types that no context defines: JSON-LD
expansion drops them silently, so a signature would not cover them (a verifier must refuse such a
document; we also refuse to sign one).
"""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

from pyld import jsonld
from pyld.jsonld import JsonLdError

CONTEXTS_DIR = Path(__file__).resolve().parent / "contexts"

VC_V2 = "https://www.w3.org/ns/credentials/v2"
OB_V3 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
MULTIKEY_V1 = "https://w3id.org/security/multikey/v1"

#: The context URLs we serve and their files.
CONTEXTS = {
    VC_V2: "credentials-v2.jsonld",
    OB_V3: "ob-context-3.0.3.json",
    MULTIKEY_V1: "multikey-v1.jsonld",
}

_UNDEFINED = "urn:courseworx:undefined-term#"


class CanonicalizationError(ValueError):
    """The document cannot be canonicalised (an unknown context, invalid JSON-LD)."""


@functools.cache
def _context_document(url: str) -> dict:
    return json.loads((CONTEXTS_DIR / CONTEXTS[url]).read_text(encoding="utf-8"))


def make_document_loader(extra: dict[str, dict] | None = None):
    """A PyLD document loader serving our shipped contexts (plus `extra` {url: document}, for tests)."""
    extra = dict(extra or {})

    def loader(url: str, options: dict | None = None) -> dict:
        if url in extra:
            document = extra[url]
        elif url in CONTEXTS:
            document = _context_document(url)
        else:
            raise JsonLdError(
                f"Context not available offline: {url[:200]}",
                "jsonld.LoadDocumentError",
                code="loading document failed",
            )
        return {"contextUrl": None, "documentUrl": url, "document": document, "contentType": "application/ld+json"}

    return loader


DOCUMENT_LOADER = make_document_loader()


def canonicalize(document: dict[str, Any], *, loader=None) -> str:
    """The RDFC-1.0 canonical N-Quads of a JSON-LD document."""
    try:
        return jsonld.normalize(
            document,
            {"algorithm": "URDNA2015", "format": "application/n-quads", "documentLoader": loader or DOCUMENT_LOADER},
        )
    except (JsonLdError, TypeError, ValueError, RecursionError) as exc:
        raise CanonicalizationError(_reason(exc)) from None


def undefined_terms(document: dict[str, Any], *, loader=None) -> list[str]:
    """Properties and types of `document` that its contexts leave undefined (they would go unsigned)."""
    context = document.get("@context")
    contexts = list(context) if isinstance(context, list) else [context] if context is not None else []
    # First, so that a context which maps every term itself (@vocab) still does.
    probe = {**document, "@context": [{"@vocab": _UNDEFINED}, *contexts]}
    nquads = canonicalize(probe, loader=loader)
    found = []
    for line in nquads.splitlines():
        for part in line.split(" "):
            if part.startswith(f"<{_UNDEFINED}"):
                found.append(part[len(_UNDEFINED) + 1 : -1])
    return sorted(set(found))


def _reason(exc: BaseException) -> str:
    # PyLD wraps the cause ("Could not convert input to RDF dataset" <- "Context not available offline").
    messages = []
    while exc is not None and len(messages) < 5:
        text = str(exc).split("\n", 1)[0].strip()
        if text and text not in messages:
            messages.append(text)
        exc = exc.__cause__ or getattr(exc, "cause", None)  # type: ignore[assignment]
    return " — ".join(messages)[:500] or "Invalid JSON-LD."
