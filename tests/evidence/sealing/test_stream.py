"""Segmented encryption for large files: round trip, and every kind of tampering refused."""

import io
import os

import pytest

from evidence.sealing.crypto import DecryptionError, Keyring, generate_key
from evidence.sealing.stream import (
    HEADER_SIZE,
    SEGMENT,
    TAG_SIZE,
    SegmentWriter,
    decrypt_stream,
    encrypt_stream,
)

KEYRING = Keyring(generate_key())


def seal(plaintext: bytes, context: bytes = b"exports/abc") -> bytes:
    target = io.BytesIO()
    encrypt_stream(KEYRING, io.BytesIO(plaintext), target, context)
    return target.getvalue()


def open_(blob: bytes, context: bytes = b"exports/abc", keyring: Keyring = KEYRING) -> bytes:
    return b"".join(decrypt_stream(keyring, io.BytesIO(blob), context))


@pytest.mark.parametrize("size", [0, 1, SEGMENT - 1, SEGMENT, SEGMENT + 1, 3 * SEGMENT + 17])
def test_it_round_trips_any_size(size):
    plaintext = os.urandom(size)
    assert open_(seal(plaintext)) == plaintext


def test_it_refuses_a_changed_byte():
    blob = bytearray(seal(os.urandom(SEGMENT + 10)))
    blob[HEADER_SIZE + 5] ^= 1
    with pytest.raises(DecryptionError, match="segment 0"):
        open_(bytes(blob))


def test_it_refuses_a_stream_cut_after_a_whole_segment():
    blob = seal(os.urandom(2 * SEGMENT + 10))
    with pytest.raises(DecryptionError, match="segment 1"):
        open_(blob[: HEADER_SIZE + 2 * (SEGMENT + TAG_SIZE)])


def test_it_refuses_swapped_segments():
    blob = seal(os.urandom(3 * SEGMENT))
    size = SEGMENT + TAG_SIZE
    first = slice(HEADER_SIZE, HEADER_SIZE + size)
    second = slice(HEADER_SIZE + size, HEADER_SIZE + 2 * size)
    swapped = blob[:HEADER_SIZE] + blob[second] + blob[first] + blob[HEADER_SIZE + 2 * size :]
    with pytest.raises(DecryptionError):
        open_(swapped)


def test_it_refuses_another_name_and_an_unknown_key():
    blob = seal(b"dossier")
    with pytest.raises(DecryptionError):
        open_(blob, context=b"exports/other")
    with pytest.raises(DecryptionError, match="unknown key"):
        open_(blob, keyring=Keyring(generate_key()))


@pytest.mark.parametrize(
    "writes",
    [
        [],
        [1, SEGMENT - 1],  # exactly one segment, reached in two writes
        [3, SEGMENT, 5],
        [2 * SEGMENT + 7],  # one write spanning three segments
        [SEGMENT, SEGMENT],
    ],
)
def test_writing_in_any_pieces_gives_the_same_plaintext_back(writes):
    plaintext = os.urandom(sum(writes))
    target = io.BytesIO()
    with SegmentWriter(KEYRING, target, b"exports/abc") as writer:
        offset = 0
        for size in writes:
            assert writer.write(plaintext[offset : offset + size]) == size
            offset += size
            assert writer.tell() == offset
    assert open_(target.getvalue()) == plaintext
    assert len(target.getvalue()) == len(seal(plaintext))  # same segments as a one-shot seal


def test_a_writer_never_closed_leaves_a_stream_that_is_refused():
    target = io.BytesIO()
    writer = SegmentWriter(KEYRING, target, b"exports/abc")
    writer.write(os.urandom(2 * SEGMENT + 10))  # two segments sealed, the rest held back
    with pytest.raises(DecryptionError, match="segment 1"):
        open_(target.getvalue())
