"""Verifiable credentials (Open Badges 3.0): the cryptography and JSON-LD parts, free of the database.

- `jsonld`: the offline document loader (the contexts shipped in `contexts/`) and RDFC-1.0 canonicalisation;
- `multibase`: base58btc, Multikey encoding of Ed25519 public keys, the private keys' encryption at rest;
- `proofs`: DataIntegrityProof with the `eddsa-rdfc-2022` cryptosuite (sign, verify);
- `builder`: an OpenBadgeCredential from a plain `CredentialSubjectData`, and the Bitstring status list.

Services (`learning.services.credentials`) and selectors (`learning.credentials_selectors`) put the rows
(keys, status indexes, certificates) into these functions.  See learning/README.md, "Credentials".
"""
