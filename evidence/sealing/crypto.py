"""Encryption at rest for evidence files: AES-256-GCM in a small self-describing envelope.

Envelope: MAGIC (4 bytes) | key id (8) | nonce (12) | ciphertext + GCM tag (16).
The caller's context (the storage name) is authenticated as associated data, so a blob copied
or swapped under another name fails to decrypt. The key id names the key that sealed a blob,
so old keys can stay in the keyring while `reencrypt` moves blobs to the current one.
Callers pass keys in; this module never reads settings.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
from collections.abc import Iterable

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

MAGIC = b"SSE1"
KEY_SIZE = 32
KEY_ID_SIZE = 8
NONCE_SIZE = 12
_TAG_SIZE = 16
_HEADER_SIZE = len(MAGIC) + KEY_ID_SIZE + NONCE_SIZE


class DecryptionError(Exception):
    """The blob cannot be opened: not ours, sealed with an unknown key, or altered."""


def generate_key() -> bytes:
    return AESGCM.generate_key(bit_length=KEY_SIZE * 8)


def encode_key(key: bytes) -> str:
    """Text form of a key, safe for an environment variable."""
    return base64.urlsafe_b64encode(_checked_key(key)).decode("ascii")


def decode_key(text: str) -> bytes:
    text = text.strip()
    padded = text + "=" * (-len(text) % 4)  # tolerate stripped padding
    try:
        key = base64.b64decode(padded, altchars=b"-_", validate=True)
    except (binascii.Error, ValueError):
        raise ValueError("an evidence key must be URL-safe base64 text") from None
    return _checked_key(key)


def key_id(key: bytes) -> bytes:
    # A hash of a random 256-bit key reveals nothing about it.
    return hashlib.sha256(key).digest()[:KEY_ID_SIZE]


class Keyring:
    """The current key, which seals new blobs, and older keys kept only to open old blobs."""

    def __init__(self, current: bytes, old: Iterable[bytes] = ()) -> None:
        self._current_id = key_id(_checked_key(current))
        self._ciphers = {key_id(key): AESGCM(_checked_key(key)) for key in old}
        self._ciphers[self._current_id] = AESGCM(current)

    @classmethod
    def from_encoded(cls, value: str) -> Keyring:
        """From "current,old1,old2" as kept in one environment variable."""
        keys = [decode_key(part) for part in value.split(",") if part.strip()]
        if not keys:
            raise ValueError("at least one evidence key is required")
        return cls(keys[0], keys[1:])

    @property
    def current_key_id(self) -> bytes:
        return self._current_id

    def cipher(self, blob_key_id: bytes | None = None) -> AESGCM:
        """The cipher of a key id (default: the current key); DecryptionError if unknown."""
        wanted = self._current_id if blob_key_id is None else blob_key_id
        cipher = self._ciphers.get(wanted)
        if cipher is None:
            raise DecryptionError(f"sealed with an unknown key (id {wanted.hex()})")
        return cipher

    def encrypt(self, plaintext: bytes, context: bytes) -> bytes:
        nonce = os.urandom(NONCE_SIZE)
        sealed = self._ciphers[self._current_id].encrypt(nonce, plaintext, context)
        return MAGIC + self._current_id + nonce + sealed

    def decrypt(self, blob: bytes, context: bytes) -> bytes:
        if len(blob) < _HEADER_SIZE + _TAG_SIZE:
            raise DecryptionError("too short to be an encrypted evidence blob")
        if not blob.startswith(MAGIC):
            raise DecryptionError("not an encrypted evidence blob (bad magic)")
        blob_key_id = blob[len(MAGIC) : len(MAGIC) + KEY_ID_SIZE]
        cipher = self._ciphers.get(blob_key_id)
        if cipher is None:
            raise DecryptionError(f"sealed with an unknown key (id {blob_key_id.hex()})")
        nonce = blob[len(MAGIC) + KEY_ID_SIZE : _HEADER_SIZE]
        try:
            return cipher.decrypt(nonce, blob[_HEADER_SIZE:], context)
        except InvalidTag:
            raise DecryptionError(
                "authentication failed: the blob was altered or belongs to another name"
            ) from None

    def reencrypt(self, blob: bytes, context: bytes) -> bytes:
        """Seal again with the current key (key rotation); the plaintext never changes."""
        return self.encrypt(self.decrypt(blob, context), context)


def _checked_key(key: bytes) -> bytes:
    if len(key) != KEY_SIZE:
        raise ValueError(f"an evidence key must be {KEY_SIZE} bytes, not {len(key)}")
    return key
