"""Encrypted blobs in the private storage: write, read, delete, re-seal under the current key.

Each blob is encrypted with the keyring of settings.EVIDENCE_ENCRYPTION_KEYS and its storage
name as associated data, so a blob copied or swapped under another name does not open.
Names are random (uuid4 hex), never anything the person typed. The storage is looked up at
call time (tests give each test its own).
"""

from __future__ import annotations

import hashlib
import logging
import shutil
import tempfile
import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from functools import lru_cache
from typing import BinaryIO

from django.conf import settings
from django.core.files.base import ContentFile, File
from django.core.files.storage import storages

from evidence.sealing import stream as crypto_stream
from evidence.sealing.crypto import KEY_ID_SIZE, MAGIC, DecryptionError, Keyring

FOLDER = "evidence"
logger = logging.getLogger(__name__)

__all__ = [
    "DecryptionError", "delete", "keyring", "read", "read_stream", "reseal", "reseal_stream",
    "sealing", "write", "write_stream",
]  # fmt: skip


@lru_cache(maxsize=4)
def _keyring_for(encoded_keys: str) -> Keyring:
    return Keyring.from_encoded(encoded_keys)


def keyring() -> Keyring:
    return _keyring_for(settings.EVIDENCE_ENCRYPTION_KEYS)


def _storage():
    return storages["default"]


def new_name() -> str:
    return f"{FOLDER}/{uuid.uuid4().hex}"


def write(plaintext: bytes) -> str:
    """Encrypt and store under a new random name; returns the name."""
    name = new_name()
    blob = keyring().encrypt(plaintext, name.encode("ascii"))
    saved = _storage().save(name, ContentFile(blob))
    if saved != name:  # the name is sealed into the blob: it must be kept exactly
        _storage().delete(saved)
        raise OSError(f"the storage renamed {name} to {saved}")
    return name


def read_blob(name: str) -> bytes | None:
    """The encrypted bytes as stored, or None when the blob is gone."""
    storage = _storage()
    if not storage.exists(name):
        return None
    with storage.open(name, "rb") as blob:
        return blob.read()


def read(name: str) -> bytes:
    """The plaintext; DecryptionError if altered, FileNotFoundError if gone."""
    blob = read_blob(name)
    if blob is None:
        raise FileNotFoundError(name)
    return keyring().decrypt(blob, name.encode("ascii"))


def delete(name: str) -> None:
    if name:
        _storage().delete(name)


def discard(names: Iterable[str]) -> None:
    """Delete blobs nothing refers to any more (after a failure, or once their rows are gone):
    each is tried, a storage error is logged, and the others still go."""
    for name in names:
        try:
            delete(name)
        except OSError:
            logger.exception("could not delete the blob %s", name)


def is_sealed_with_current_key(name: str) -> bool:
    blob = read_blob(name) or b""
    return blob[len(MAGIC) : len(MAGIC) + KEY_ID_SIZE] == keyring().current_key_id


def reseal(name: str) -> str:
    """Re-encrypt a blob with the current key under a new name; returns the new name.

    A new name rather than an overwrite: the old blob stays whole until the caller has
    recorded the new one, so a crash halfway loses nothing.
    """
    plaintext = read(name)
    return write(plaintext)


# --- Large blobs (dossier packages): sealed in segments, never whole in memory ------------------


def write_stream(source: BinaryIO, written: list[str] | None = None) -> str:
    """Encrypt a file (from its current position) in segments into a new random name."""
    with sealing(written) as (name, target):
        shutil.copyfileobj(source, target, crypto_stream.SEGMENT)
    return name


@contextmanager
def sealing(written: list[str] | None = None) -> Iterator[tuple[str, crypto_stream.SegmentWriter]]:
    """(a new random name, a write-only file): what is written is sealed in segments as it
    comes and stored under the name when the block ends; nothing is stored if it fails.

    The name is added to `written` before anything is stored, so that a caller cleaning up
    after a failure also removes a half-written blob.
    """
    name = new_name()
    if written is not None:
        written.append(name)
    with tempfile.TemporaryFile() as sealed:
        writer = crypto_stream.SegmentWriter(keyring(), sealed, name.encode("ascii"))
        yield name, writer
        writer.close()
        sealed.seek(0)
        saved = _storage().save(name, File(sealed, name=name))
    if saved != name:
        _storage().delete(saved)
        raise OSError(f"the storage renamed {name} to {saved}")


def read_stream(name: str) -> Iterator[bytes]:
    """The plaintext of a segmented blob, 1 MiB at a time. FileNotFoundError if gone,
    DecryptionError at the first altered segment."""
    with _storage().open(name, "rb") as blob:
        yield from crypto_stream.decrypt_stream(keyring(), blob, name.encode("ascii"))


def stream_sha256(name: str) -> str:
    """The SHA-256 of a segmented blob's plaintext, every segment authenticated on the way.
    FileNotFoundError if gone, DecryptionError at the first altered segment."""
    digest = hashlib.sha256()
    for chunk in read_stream(name):
        digest.update(chunk)
    return digest.hexdigest()


def stream_is_sealed_with_current_key(name: str) -> bool:
    with _storage().open(name, "rb") as blob:
        header = blob.read(len(crypto_stream.MAGIC) + KEY_ID_SIZE)
    return header[len(crypto_stream.MAGIC) :] == keyring().current_key_id


def reseal_stream(name: str) -> str:
    """Re-encrypt a segmented blob with the current key under a new name (see reseal)."""
    with tempfile.TemporaryFile() as plaintext:
        for chunk in read_stream(name):
            plaintext.write(chunk)
        plaintext.seek(0)
        return write_stream(plaintext)
