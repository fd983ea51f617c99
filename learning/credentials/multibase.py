"""base58btc, Multikey (Ed25519) encodings, and the private keys' encryption at rest.

A Multikey's `publicKeyMultibase` is "z" + base58btc(0xed 0x01 + the 32-byte public key); a proof's
`proofValue` is "z" + base58btc(the 64-byte signature).  Private keys are stored encrypted with
AES-256-GCM under a key derived (HKDF-SHA256) from SECRET_KEY; SECRET_KEY_FALLBACKS still decrypt, so a
rotated SECRET_KEY keeps the signing keys usable until they are re-encrypted (see the README).
"""

from __future__ import annotations

import os

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

_ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_INDEX = {char: i for i, char in enumerate(_ALPHABET)}
ED25519_PUB_PREFIX = b"\xed\x01"
_HKDF_INFO = b"courseworx.credentials.signing-key.v1"


def b58encode(data: bytes) -> str:
    number = int.from_bytes(data, "big")
    out = []
    while number:
        number, rest = divmod(number, 58)
        out.append(_ALPHABET[rest])
    zeros = len(data) - len(data.lstrip(b"\0"))
    return "1" * zeros + "".join(reversed(out))


def b58decode(text: str) -> bytes:
    if len(text) > 200:
        raise ValueError("base58 value too long")
    number = 0
    for char in text:
        if char not in _INDEX:
            raise ValueError("not base58btc")
        number = number * 58 + _INDEX[char]
    body = number.to_bytes((number.bit_length() + 7) // 8, "big") if number else b""
    zeros = len(text) - len(text.lstrip("1"))
    return b"\0" * zeros + body


def multibase_decode(value: str) -> bytes:
    if not isinstance(value, str) or not value.startswith("z"):
        raise ValueError("expected a base58btc multibase value (starting with z)")
    return b58decode(value[1:])


def public_key_multibase(raw: bytes) -> str:
    return "z" + b58encode(ED25519_PUB_PREFIX + raw)


def public_key_from_multibase(value: str) -> Ed25519PublicKey:
    data = multibase_decode(value)
    if len(data) != 34 or not data.startswith(ED25519_PUB_PREFIX):
        raise ValueError("not an Ed25519 Multikey")
    return Ed25519PublicKey.from_public_bytes(data[2:])


def public_raw(key: Ed25519PrivateKey | Ed25519PublicKey) -> bytes:
    public = key.public_key() if isinstance(key, Ed25519PrivateKey) else key
    return public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def private_raw(key: Ed25519PrivateKey) -> bytes:
    return key.private_bytes(serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption())


def _wrapping_key(secret: str) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_HKDF_INFO).derive(secret.encode())


def encrypt_private_key(raw: bytes, *, secret: str, key_id: str) -> bytes:
    """nonce (12 bytes) + AES-GCM(raw private key), bound to the key id."""
    nonce = os.urandom(12)
    return nonce + AESGCM(_wrapping_key(secret)).encrypt(nonce, raw, key_id.encode())


def decrypt_private_key(blob: bytes, *, secrets: list[str], key_id: str) -> Ed25519PrivateKey:
    """The private key, decrypted with the first of `secrets` that works (SECRET_KEY, then its fallbacks)."""
    blob = bytes(blob)
    for secret in secrets:
        try:
            raw = AESGCM(_wrapping_key(secret)).decrypt(blob[:12], blob[12:], key_id.encode())
        except Exception:  # noqa: BLE001, S112 — cryptography's InvalidTag: try the next secret
            continue
        return Ed25519PrivateKey.from_private_bytes(raw)
    raise ValueError("The signing key cannot be decrypted with SECRET_KEY or SECRET_KEY_FALLBACKS.")
