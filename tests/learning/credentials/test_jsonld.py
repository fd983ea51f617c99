"""The offline JSON-LD layer and the eddsa-rdfc-2022 implementation against the W3C test vector."""

import hashlib
import json
import socket
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from learning.credentials import jsonld, multibase, proofs

VECTORS = Path(__file__).parent / "vectors"
EXAMPLES_V2 = "https://www.w3.org/ns/credentials/examples/v2"

# Published digests (the VC 2.0 specification lists the one of its context).
DIGESTS = {
    jsonld.VC_V2: "59955ced6697d61e03f2b2556febe5308ab16842846f5b586d7f1f7adec92734",
    jsonld.OB_V3: "ef2fa9c7846dce233cc166b43639027278be4ee44f00bb1d45c75de2dd0cd761",
    jsonld.MULTIKEY_V1: "ba2c182de2d92f7e47184bcca8fcf0beaee6d3986c527bf664c195bbc7c58597",
}


def _vector_loader():
    return jsonld.make_document_loader(
        {EXAMPLES_V2: json.loads((VECTORS / "credentials-examples-v2.jsonld").read_text())}
    )


@pytest.fixture
def no_network(monkeypatch):
    def refuse(*args, **kwargs):
        raise OSError("network disabled in this test")

    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


def test_the_shipped_contexts_are_the_published_files():
    for url, digest in DIGESTS.items():
        assert hashlib.sha256((jsonld.CONTEXTS_DIR / jsonld.CONTEXTS[url]).read_bytes()).hexdigest() == digest, url


def test_the_w3c_eddsa_rdfc_2022_test_vector_verifies_offline(no_network):
    signed = json.loads((VECTORS / "eddsa-rdfc-2022-signed.json").read_text())
    unsigned = {k: v for k, v in signed.items() if k != "proof"}
    assert jsonld.canonicalize(unsigned, loader=_vector_loader()) == (VECTORS / "eddsa-rdfc-2022-canon.nq").read_text()
    public = multibase.public_key_from_multibase(
        json.loads((VECTORS / "keyPair.json").read_text())["publicKeyMultibase"]
    )
    check = proofs.verify(signed, resolve_key=lambda method: public, loader=_vector_loader())
    assert check.created == "2023-02-24T23:36:38Z"

    signed["name"] = "Alumni Credentiax"
    with pytest.raises(proofs.ProofError, match="does not match"):
        proofs.verify(signed, resolve_key=lambda method: public, loader=_vector_loader())


def test_an_unknown_context_is_refused_not_fetched(no_network):
    document = {"@context": ["https://example.invalid/ctx"], "type": "Thing"}
    with pytest.raises(jsonld.CanonicalizationError, match="not available offline"):
        jsonld.canonicalize(document)


def test_terms_no_context_defines_are_found_and_never_signed():
    document = {
        "@context": [jsonld.VC_V2],
        "type": ["VerifiableCredential"],
        "issuer": "https://issuer.example/",
        "credentialSubject": {"id": "did:example:1", "favouriteColour": "blue"},
    }
    assert jsonld.undefined_terms(document) == ["favouriteColour"]
    with pytest.raises(proofs.ProofError, match="favouriteColour"):
        proofs.sign(
            document, private_key=Ed25519PrivateKey.generate(), verification_method="x", created="2026-01-01T00:00:00Z"
        )


def test_multikey_and_base58_round_trip():
    key = Ed25519PrivateKey.generate()
    encoded = multibase.public_key_multibase(multibase.public_raw(key))
    assert encoded.startswith("z6Mk")  # the Ed25519 Multikey prefix 0xed01
    assert multibase.public_raw(multibase.public_key_from_multibase(encoded)) == multibase.public_raw(key)
    assert multibase.b58decode(multibase.b58encode(b"\0\0abc")) == b"\0\0abc"
    with pytest.raises(ValueError):
        multibase.public_key_from_multibase("z" + multibase.b58encode(b"\x12\x00" + bytes(32)))
