"""Data Integrity proofs with the `eddsa-rdfc-2022` cryptosuite (W3C "Data Integrity EdDSA Cryptosuites").

Signing: the proof options (type DataIntegrityProof, cryptosuite, created, verificationMethod,
proofPurpose assertionMethod, with the document's @context) and the unsecured document are each
canonicalised (RDFC-1.0) and hashed with SHA-256; Ed25519 signs proofHash + documentHash; `proofValue`
is "z" + base58btc(signature).  Verifying repeats it with the proof's own options and the key its
`verificationMethod` names.  `tests/learning/credentials/test_proofs.py` checks the W3C test vector.
"""

from __future__ import annotations

import copy
import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.utils.translation import gettext as _

from .jsonld import CanonicalizationError, canonicalize, undefined_terms
from .multibase import b58encode, multibase_decode

PROOF_TYPE = "DataIntegrityProof"
CRYPTOSUITE = "eddsa-rdfc-2022"
PROOF_PURPOSE = "assertionMethod"


class ProofError(ValueError):
    """The proof is missing, malformed, made with another key or does not match the document."""


def _hash_data(document: dict, proof_options: dict, loader=None) -> bytes:
    config = {**proof_options, "@context": document.get("@context")}
    config.pop("proofValue", None)
    unsecured = {key: value for key, value in document.items() if key != "proof"}
    return (
        hashlib.sha256(canonicalize(config, loader=loader).encode()).digest()
        + hashlib.sha256(canonicalize(unsecured, loader=loader).encode()).digest()
    )


def sign(document: dict[str, Any], *, private_key: Ed25519PrivateKey, verification_method: str, created: str) -> dict:
    """A copy of `document` with an `eddsa-rdfc-2022` DataIntegrityProof (`created`: an XSD dateTime)."""
    unsecured = {key: value for key, value in copy.deepcopy(document).items() if key != "proof"}
    missing = undefined_terms(unsecured)
    if missing:
        raise ProofError(f"Refusing to sign terms no context defines: {', '.join(missing)}")
    options = {
        "type": PROOF_TYPE,
        "cryptosuite": CRYPTOSUITE,
        "created": created,
        "verificationMethod": verification_method,
        "proofPurpose": PROOF_PURPOSE,
    }
    signature = private_key.sign(_hash_data(unsecured, options))
    return {**unsecured, "proof": {**options, "proofValue": "z" + b58encode(signature)}}


@dataclass
class ProofCheck:
    verification_method: str
    created: str


def verify(
    document: dict[str, Any], *, resolve_key: Callable[[str], Ed25519PublicKey | None], loader=None
) -> ProofCheck:
    """Check the document's proof; returns what it names, or raises ProofError with the reason.

    `resolve_key(verification_method)` returns the public key (None: unknown key)."""
    proof = document.get("proof")
    if isinstance(proof, list):
        if len(proof) != 1:
            raise ProofError(_("Exactly one proof is expected."))
        proof = proof[0]
    if not isinstance(proof, dict):
        raise ProofError(_("The credential has no proof."))
    if proof.get("type") != PROOF_TYPE or proof.get("cryptosuite") != CRYPTOSUITE:
        raise ProofError(
            _("Unsupported proof: expected a %(type)s with the %(suite)s cryptosuite.")
            % {"type": PROOF_TYPE, "suite": CRYPTOSUITE}
        )
    if proof.get("proofPurpose") != PROOF_PURPOSE:
        raise ProofError(_("The proof's purpose is not assertionMethod."))
    method = proof.get("verificationMethod")
    if not isinstance(method, str) or not method:
        raise ProofError(_("The proof names no verification method."))
    created = proof.get("created")
    if created is not None and not isinstance(created, str):
        raise ProofError(_("The proof's created date is not a date."))
    try:
        signature = multibase_decode(proof.get("proofValue"))  # type: ignore[arg-type]
    except ValueError as exc:
        raise ProofError(_("The proof value is not valid: %(error)s") % {"error": exc}) from None
    if len(signature) != 64:
        raise ProofError(_("The proof value is not an Ed25519 signature."))
    public_key = resolve_key(method)
    if public_key is None:
        raise ProofError(_("Unknown verification method: %(method)s") % {"method": method[:200]})
    try:
        unsigned = {key: value for key, value in document.items() if key != "proof"}
        missing = undefined_terms(unsigned, loader=loader)
        if missing:
            raise ProofError(
                _("Terms no context defines (they would not be signed): %(terms)s") % {"terms": ", ".join(missing[:10])}
            )
        data = _hash_data(unsigned, proof, loader)
    except CanonicalizationError as exc:
        raise ProofError(_("The credential is not valid JSON-LD: %(error)s") % {"error": exc}) from None
    try:
        public_key.verify(signature, data)
    except InvalidSignature:
        raise ProofError(
            _("The signature does not match the credential: it was changed or signed by another key.")
        ) from None
    return ProofCheck(verification_method=method, created=created or "")
