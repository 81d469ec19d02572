"""Encryption at rest for large files (dossier packages), in segments, never whole in memory.

The single-shot envelope of evidence/crypto.py holds a blob in memory; a package of hundreds
of phone screenshots must not. This is the STREAM construction (Hoang, Reyhanitabar, Rogaway,
Vizár): the plaintext is cut into 1 MiB segments, each sealed with AES-GCM under a nonce made
of a random prefix, the segment's index and a last-segment flag, so that segments cannot be
reordered, dropped or the stream cut short without detection. Associated data is the storage
name, as for the other blobs.

Layout: MAGIC (4) | key id (8) | nonce prefix (7) | segment 0 | segment 1 | ...
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import BinaryIO

from cryptography.exceptions import InvalidTag

from evidence.crypto import KEY_ID_SIZE, DecryptionError, Keyring

MAGIC = b"SSS1"
SEGMENT = 1024 * 1024
PREFIX_SIZE = 7
TAG_SIZE = 16
HEADER_SIZE = len(MAGIC) + KEY_ID_SIZE + PREFIX_SIZE


def _nonce(prefix: bytes, index: int, last: bool) -> bytes:
    return prefix + index.to_bytes(4, "big") + (b"\x01" if last else b"\x00")


def _segments(source: BinaryIO, size: int) -> Iterator[tuple[bytes, bool]]:
    """Chunks of `size` bytes with a flag on the last one (an empty source gives one)."""
    chunk = source.read(size)
    while True:
        following = source.read(size)
        yield chunk, not following
        if not following:
            return
        chunk = following


def encrypt_stream(keyring: Keyring, source: BinaryIO, target: BinaryIO, context: bytes) -> None:
    cipher = keyring.cipher()
    prefix = os.urandom(PREFIX_SIZE)
    target.write(MAGIC + keyring.current_key_id + prefix)
    for index, (chunk, last) in enumerate(_segments(source, SEGMENT)):
        target.write(cipher.encrypt(_nonce(prefix, index, last), chunk, context))


def decrypt_stream(keyring: Keyring, source: BinaryIO, context: bytes) -> Iterator[bytes]:
    """The plaintext, segment by segment; DecryptionError as soon as anything is wrong."""
    header = source.read(HEADER_SIZE)
    if len(header) < HEADER_SIZE or not header.startswith(MAGIC):
        raise DecryptionError("not an encrypted evidence stream (bad magic)")
    cipher = keyring.cipher(header[len(MAGIC) : len(MAGIC) + KEY_ID_SIZE])
    prefix = header[len(MAGIC) + KEY_ID_SIZE :]
    for index, (chunk, last) in enumerate(_segments(source, SEGMENT + TAG_SIZE)):
        try:
            yield cipher.decrypt(_nonce(prefix, index, last), chunk, context)
        except InvalidTag:
            raise DecryptionError(
                f"segment {index} failed authentication: the stream was altered, cut short, "
                "or belongs to another name"
            ) from None
