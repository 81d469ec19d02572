"""Encryption at rest for large files (dossier packages), in segments, never whole in memory.

The single-shot envelope of evidence/sealing/crypto.py holds a blob in memory; a package of hundreds
of phone screenshots must not. This is the STREAM construction (Hoang, Reyhanitabar, Rogaway,
Vizár): the plaintext is cut into 1 MiB segments, each sealed with AES-GCM under a nonce made
of a random prefix, the segment's index and a last-segment flag, so that segments cannot be
reordered, dropped or the stream cut short without detection. Associated data is the storage
name, as for the other blobs.

Layout: MAGIC (4) | key id (8) | nonce prefix (7) | segment 0 | segment 1 | ...
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from typing import BinaryIO

from cryptography.exceptions import InvalidTag

from evidence.sealing.crypto import KEY_ID_SIZE, DecryptionError, Keyring

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


class SegmentWriter:
    """A write-only file that seals whatever is written to it into `target`, a segment at a
    time, so that a producer (zipfile, for a package) can write straight into the sealed
    form: the plaintext is never whole in memory nor anywhere on disk.

    A full segment is held back until more data comes, since only then is it known not to be
    the last. close() seals the last one; a writer never closed leaves a stream cut short,
    which decryption refuses.
    """

    def __init__(self, keyring: Keyring, target: BinaryIO, context: bytes) -> None:
        self._cipher = keyring.cipher()
        self._prefix = os.urandom(PREFIX_SIZE)
        self._target = target
        self._context = context
        self._pending = bytearray()
        self._index = 0
        self._size = 0
        self.closed = False
        target.write(MAGIC + keyring.current_key_id + self._prefix)

    def write(self, data: bytes) -> int:
        if self.closed:
            raise ValueError("write to a closed SegmentWriter")
        self._pending += data
        self._size += len(data)
        if len(self._pending) > SEGMENT:
            view = memoryview(self._pending)
            start = 0
            while len(self._pending) - start > SEGMENT:  # more follows: not the last segment
                self._seal(view[start : start + SEGMENT], last=False)
                start += SEGMENT
            view.release()
            del self._pending[:start]
        return len(data)

    def tell(self) -> int:
        """Bytes of plaintext written so far (zipfile asks)."""
        return self._size

    def flush(self) -> None:
        self._target.flush()

    def close(self) -> None:
        if not self.closed:
            self._seal(bytes(self._pending), last=True)
            self._pending = bytearray()
            self.closed = True

    def __enter__(self) -> SegmentWriter:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    def _seal(self, chunk, *, last: bool) -> None:
        nonce = _nonce(self._prefix, self._index, last)
        self._target.write(self._cipher.encrypt(nonce, chunk, self._context))
        self._index += 1


def encrypt_stream(keyring: Keyring, source: BinaryIO, target: BinaryIO, context: bytes) -> None:
    with SegmentWriter(keyring, target, context) as writer:
        shutil.copyfileobj(source, writer, SEGMENT)


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
