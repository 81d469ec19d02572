"""Signatures by the server (Ed25519): the custody log's events and the exported manifests.

Hashes chain the custody log, so that an event cannot change without breaking the links after
it; but anyone who can write to the database can recompute a whole chain. Each event's hash is
therefore also signed with a key that is not in the database (EVIDENCE_SIGNING_KEYS, kept like
the encryption keys), and so is every exported manifest. Anyone can check a signature with the
public key alone, with our tools or with OpenSSL (`openssl pkeyutl -verify -pubin -rawin`).

Keys are kept as "current,older,…" (URL-safe base64 of each 32-byte private key): the first
signs, the others still verify what they signed before a rotation. A key is named by its id,
the first 8 bytes of the SHA-256 of its raw public key, in hex.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings

SIGNATURE_SIZE = 64


@dataclass(frozen=True)
class Signature:
    key_id: str
    value: str  # hex, 128 characters

    @property
    def raw(self) -> bytes:
        return bytes.fromhex(self.value)


def key_id(public: Ed25519PublicKey) -> str:
    raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).digest()[:8].hex()


def public_pem(public: Ed25519PublicKey) -> str:
    return public.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode("ascii")


def load_public_pem(text: str | bytes) -> Ed25519PublicKey:
    """A public key in PEM (as the package and the site give it); ValueError otherwise."""
    data = text.encode("ascii") if isinstance(text, str) else text
    key = serialization.load_pem_public_key(data)
    if not isinstance(key, Ed25519PublicKey):
        raise ValueError("not an Ed25519 public key")
    return key


def verify_with(public: Ed25519PublicKey, data: bytes, signature_hex: str) -> bool:
    try:
        raw = bytes.fromhex(signature_hex)
    except (TypeError, ValueError):
        return False
    if len(raw) != SIGNATURE_SIZE:
        return False
    try:
        public.verify(raw, data)
    except InvalidSignature:
        return False
    return True


def generate_encoded_key() -> str:
    raw = Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.Raw,
        serialization.PrivateFormat.Raw,
        serialization.NoEncryption(),
    )
    return base64.urlsafe_b64encode(raw).decode("ascii")


def decode_key(text: str) -> Ed25519PrivateKey:
    text = text.strip()
    try:
        raw = base64.b64decode(text + "=" * (-len(text) % 4), altchars=b"-_", validate=True)
    except (binascii.Error, ValueError):
        raise ValueError("a signing key must be URL-safe base64 text") from None
    if len(raw) != 32:
        raise ValueError(f"a signing key must be 32 bytes, not {len(raw)}")
    return Ed25519PrivateKey.from_private_bytes(raw)


class SigningKeyring:
    """The current key, which signs, and older ones kept to verify what they signed."""

    def __init__(self, current: Ed25519PrivateKey, old: Iterable[Ed25519PrivateKey] = ()):
        self._current = current
        self.current_key_id = key_id(current.public_key())
        self._public = {key_id(key.public_key()): key.public_key() for key in old}
        self._public[self.current_key_id] = current.public_key()

    @classmethod
    def from_encoded(cls, value: str) -> SigningKeyring:
        keys = [decode_key(part) for part in value.split(",") if part.strip()]
        if not keys:
            raise ValueError("at least one signing key is required")
        return cls(keys[0], keys[1:])

    def sign(self, data: bytes) -> Signature:
        return Signature(self.current_key_id, self._current.sign(data).hex())

    def public_key(self, wanted: str | None = None) -> Ed25519PublicKey | None:
        return self._public.get(wanted or self.current_key_id)

    def public_keys(self) -> dict[str, Ed25519PublicKey]:
        return dict(self._public)

    def verify(self, data: bytes, signing_key_id: str, signature_hex: str) -> bool:
        public = self._public.get(signing_key_id)
        return public is not None and verify_with(public, data, signature_hex)


@lru_cache(maxsize=4)
def _keyring_for(encoded: str) -> SigningKeyring:
    return SigningKeyring.from_encoded(encoded)


def keyring() -> SigningKeyring:
    return _keyring_for(settings.EVIDENCE_SIGNING_KEYS)
