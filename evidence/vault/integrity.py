"""Fingerprints of evidence files and the hash-chained custody log, over plain data.

Each custody event stores `seq` (1, 2, 3…), `prev_hash` (the previous event's `hash`, or GENESIS
for the first), `payload` (a JSON-able dict) and `hash` = event_hash(prev_hash, payload). Changing,
removing or moving an event breaks the chain where it happened. The chain cannot show that its
*last* events were cut off: for that, compare its head hash with one published elsewhere (for
example printed in the dossier's integrity annex).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import IO, Any

from django.utils.functional import Promise
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

GENESIS = "0" * 64
_CHUNK_SIZE = 1024 * 1024


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sha256_file(file: IO[bytes], *, chunk_size: int = _CHUNK_SIZE) -> str:
    """Hash from the file's current position to its end without loading it whole."""
    digest = hashlib.sha256()
    while chunk := file.read(chunk_size):
        digest.update(chunk)
    return digest.hexdigest()


def canonical_json(payload: Any) -> bytes:
    """One byte sequence per value, so the same payload always hashes the same.

    NaN and infinities are refused: they are not JSON and would not survive a round trip.
    """
    text = json.dumps(
        payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    )
    return text.encode("utf-8")


def event_hash(prev_hash: str, payload: Mapping[str, Any]) -> str:
    # prev_hash is always 64 hex characters, so plain concatenation is unambiguous.
    return sha256_bytes(prev_hash.encode("ascii") + canonical_json(payload))


def commitment(seal: str, field: str, value: Any) -> str:
    """What the custody log keeps of one value of a piece: SHA-256 of the piece's own random
    seal, the field's name and the value. It proves the value to whoever is given the seal
    (an export's manifest gives it) and reveals nothing once the seal is gone."""
    return sha256_bytes(
        seal.encode("ascii") + b"\x00" + field.encode("ascii") + b"\x00" + canonical_json(value)
    )


def sealed_file(
    seal: str,
    *,
    position: int,
    name: str,
    sha256: str,
    size: int,
    mime_type: str,
    received_at: str,
    display_sha256: str,
    thumbnail_sha256: str,
    ocr_text: str | None = None,
) -> dict[str, Any]:
    """What the custody log keeps of one file: its fingerprints, size, type and receipt time in
    clear, its original name as a commitment, and once the worker has read its image's text
    (`ocr_text`, None until then), that text as a commitment too."""
    record = {
        "position": position,
        "name": commitment(seal, f"file{position}.name", name),
        "sha256": sha256,
        "size": size,
        "mime_type": mime_type,
        "received_at": received_at,
        "display_sha256": display_sha256,
        "thumbnail_sha256": thumbnail_sha256,
    }
    if ocr_text is not None:
        record["ocr_text"] = ocr_text_commitment(seal, position, ocr_text)
    return record


def ocr_text_commitment(seal: str, position: int, text: str) -> str:
    """What the custody log keeps of the text read in a file's image (a "text_read" event)."""
    return commitment(seal, f"file{position}.ocr_text", text)


@dataclass(frozen=True)
class ChainProblem:
    code: str  # altered, unsigned, broken_link, missing, duplicate, reordered
    seq: int
    message: str | Promise


@dataclass(frozen=True)
class FileProblem:
    code: str  # changed, missing
    label: str
    message: str | Promise
    expected: str
    actual: str | None


SignatureCheck = Callable[[Mapping[str, Any]], bool]


def verify_chain(
    events: Iterable[Mapping[str, Any]], *, signed: SignatureCheck | None = None
) -> list[ChainProblem]:
    """Every inconsistency in a custody log, each naming the event's sequence number.

    `signed(event)` says whether the event's signature of its hash is the server's: without
    it, someone able to write the log could recompute a whole chain that links."""
    ordered = sorted(events, key=lambda event: event["seq"])
    seq_by_hash = {event["hash"]: event["seq"] for event in ordered}
    problems: list[ChainProblem] = []
    previous: Mapping[str, Any] | None = None
    for event in ordered:
        seq = event["seq"]
        if event_hash(event["prev_hash"], event["payload"]) != event["hash"]:
            problems.append(_altered(seq))
        elif signed is not None and not signed(event):
            problems.append(_unsigned(seq))
        if previous is not None and seq == previous["seq"]:
            problems.append(_duplicate(seq))
            continue
        expected_seq = previous["seq"] + 1 if previous is not None else 1
        problems.extend(_missing(number) for number in range(expected_seq, seq))
        # After a gap the missing event was the link, so a mismatch there says nothing new.
        if seq == expected_seq:
            expected_prev = previous["hash"] if previous is not None else GENESIS
            if event["prev_hash"] != expected_prev:
                problems.append(_link_problem(seq, seq_by_hash.get(event["prev_hash"])))
        previous = event
    return problems


def verify_files(files: Iterable[tuple[str, str, bytes | None]]) -> list[FileProblem]:
    """Check each (label, expected SHA-256, current bytes or None if gone) against its hash."""
    problems: list[FileProblem] = []
    for label, expected, data in files:
        expected = expected.lower()
        if data is None:
            message = format_lazy(_("{label}: file missing."), label=label)
            problems.append(FileProblem("missing", label, message, expected, None))
            continue
        actual = sha256_bytes(data)
        if actual != expected:
            message = format_lazy(
                _("{label}: file changed (expected {expected}, got {actual})."),
                label=label,
                expected=expected,
                actual=actual,
            )
            problems.append(FileProblem("changed", label, message, expected, actual))
    return problems


def _altered(seq: int) -> ChainProblem:
    message = format_lazy(_("Event {seq}: its content was changed after it was recorded."), seq=seq)
    return ChainProblem("altered", seq, message)


def _unsigned(seq: int) -> ChainProblem:
    message = format_lazy(
        _("Event {seq} is not signed by this server: the log was written again without its key."),
        seq=seq,
    )
    return ChainProblem("unsigned", seq, message)


def _duplicate(seq: int) -> ChainProblem:
    message = format_lazy(_("Event {seq} appears more than once."), seq=seq)
    return ChainProblem("duplicate", seq, message)


def _missing(seq: int) -> ChainProblem:
    message = format_lazy(_("Event {seq} is missing from the log."), seq=seq)
    return ChainProblem("missing", seq, message)


def _link_problem(seq: int, actually_follows: int | None) -> ChainProblem:
    if actually_follows is None:
        message = format_lazy(_("Event {seq}: its link to the event before it is broken."), seq=seq)
        return ChainProblem("broken_link", seq, message)
    message = format_lazy(
        _("Event {seq} is out of place: it was recorded right after event {other}."),
        seq=seq,
        other=actually_follows,
    )
    return ChainProblem("reordered", seq, message)
