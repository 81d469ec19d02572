"""Checking a dossier against its custody log, without trusting the database alone.

`verify(dossier)` recomputes the chain and checks each event's signature (a chain rewritten
without the server's key does not verify), compares the log with the heads recorded outside
the database (its last events cannot be cut off unseen), replays the log and compares what it
says with every row (each piece's values through their commitments, its receipt time, each
file's fingerprints, receipt time, original name, derivatives and the text read in its image,
the dossier's piece counter), decrypts every stored blob and hashes it, and does the same for
the dossier's exports (every segment of the sealed PDF and package, against the fingerprints
the log sealed); it also names every encrypted value of the dossier's rows that no longer opens
(evidence/sealing/fields.py). Each problem names what differs, in words. `orphan_blobs()`
lists stored blobs no row refers to.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.core.files.storage import storages
from django.utils.functional import Promise
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from evidence.models import (
    ChronologyNote,
    Complaint,
    CustodyEvent,
    Dossier,
    EvidenceFile,
    Export,
    ExportStatus,
    Piece,
)
from evidence.sealing import sealed_files, signing
from evidence.sealing.fields import unreadable
from evidence.vault import custody, witness
from evidence.vault.custody import Action
from evidence.vault.integrity import verify_chain, verify_files

Problem = str | Promise


@dataclass
class Verification:
    events: int = 0
    blobs: int = 0
    head_hash: str = ""
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def verify(dossier: Dossier) -> Verification:
    """Every difference between the dossier's rows, its blobs and its custody log."""
    dossier = Dossier.objects.get(pk=dossier.pk)  # as stored now, not as a caller last saw it
    result = Verification()
    events = list(dossier.events.order_by("seq"))
    result.events = len(events)
    result.head_hash = events[-1].hash if events else ""
    result.problems.extend(_chain_problems(events))
    result.problems.extend(_witness_problems(dossier, events))
    state = custody.replay(event.payload for event in events if isinstance(event.payload, dict))
    pieces = list(dossier.pieces.prefetch_related("files"))
    result.problems.extend(_record_problems(dossier, state, pieces))
    result.problems.extend(_unreadable_problems(dossier, pieces))
    for piece in pieces:
        for file in piece.files.all():
            result.blobs += len(file.blobs())
            result.problems.extend(_blob_problems(piece, file))
    exported = [e for e in events if isinstance(e.payload, dict)]
    for export in dossier.exports.filter(status=ExportStatus.DONE):
        result.blobs += len(export.blob_names())
        result.problems.extend(_export_problems(export, exported))
    return result


# --- The chain, its signatures and its head ----------------------------------------------------


def _chain_problems(events: list[CustodyEvent]) -> list[Problem]:
    keyring = signing.keyring()
    chain = [
        {
            "seq": e.seq,
            "prev_hash": e.prev_hash,
            "payload": e.payload,
            "hash": e.hash,
            "key_id": e.key_id,
            "signature": e.signature,
        }
        for e in events
    ]
    problems: list[Problem] = [
        problem.message
        for problem in verify_chain(
            chain,
            signed=lambda event: keyring.verify(
                event["hash"].encode("ascii"), event["key_id"], event["signature"]
            ),
        )
    ]
    for event in events:
        if not isinstance(event.payload, dict) or event.payload.get("seq") != event.seq:
            problems.append(_event_changed(event.seq))
    return problems


def _event_changed(seq: int) -> Promise:
    return format_lazy(_("Event {seq}: its content was changed after it was recorded."), seq=seq)


def _witness_problems(dossier: Dossier, events: list[CustodyEvent]) -> list[Problem]:
    recorded = witness.recorded(dossier.pk)
    if recorded.pop(-1, None) is not None:
        return [_("A head of the custody log recorded outside the database no longer reads.")]
    by_seq = {event.seq: event for event in events}
    last = max(by_seq, default=0)
    problems: list[Problem] = []
    beyond = [seq for seq in recorded if seq > last]
    if beyond:
        problems.append(
            format_lazy(
                _(
                    "The custody log ends at event {last}, but event {seq} was recorded outside "
                    "the database: its last events were removed."
                ),
                last=last,
                seq=max(beyond),
            )
        )
    for seq, head in sorted(recorded.items()):
        event = by_seq.get(seq)
        if event is not None and head.get("hash") != event.hash:
            problems.append(
                format_lazy(
                    _("Event {seq} differs from the head recorded outside the database."), seq=seq
                )
            )
    return problems


# --- Encrypted values that no longer open ---------------------------------------------------------


def _unreadable_problems(dossier: Dossier, pieces: list[Piece]) -> list[Problem]:
    problems: list[Problem] = []
    for piece in pieces:
        problems += [
            format_lazy(
                _("Piece {number}: “{field}” no longer opens: it was altered in the database."),
                number=piece.number,
                field=name,
            )
            for name in unreadable(piece)
        ]
        for file in piece.files.all():
            for name in unreadable(file):
                message = (
                    _(
                        "Piece {number}, file {position}: the text read in its image no longer "
                        "opens: it was altered in the database."
                    )
                    if name == "ocr_text"
                    else _(
                        "Piece {number}, file {position}: its original name no longer opens: it "
                        "was altered in the database."
                    )
                )
                problems.append(format_lazy(message, number=piece.number, position=file.position))
    complaint = Complaint.objects.filter(dossier=dossier).first()
    if complaint is not None and unreadable(complaint):
        problems.append(_("The complaint no longer opens: it was altered in the database."))
    for note in ChronologyNote.objects.filter(dossier=dossier):
        if unreadable(note):
            problems.append(
                format_lazy(
                    _(
                        "The chronology's note of {date} no longer opens: it was altered in the "
                        "database."
                    ),
                    date=note.date.isoformat(),
                )
            )
    return problems


# --- The rows against the log -------------------------------------------------------------------

# What the log seals of each file, and what is said when a row no longer matches it.
FILE_PROBLEMS = {
    "name": _("Piece {number}, file {position}: its original name differs from the custody log."),
    "received_at": _(
        "Piece {number}, file {position}: its receipt time differs from the custody log."
    ),
    "sha256": _("Piece {number}, file {position}: its fingerprint differs from the custody log."),
    "size": _("Piece {number}, file {position}: its size differs from the custody log."),
    "mime_type": _("Piece {number}, file {position}: its type differs from the custody log."),
    "display_sha256": _(
        "Piece {number}, file {position}: its display copy differs from the custody log."
    ),
    "thumbnail_sha256": _(
        "Piece {number}, file {position}: its thumbnail differs from the custody log."
    ),
    "ocr_text": _(
        "Piece {number}, file {position}: the text read in its image differs from the custody log."
    ),
}


def _record_problems(dossier: Dossier, state: custody.Replayed, pieces: list[Piece]) -> list:
    problems: list[Problem] = []
    if state.dossier is None:
        problems.append(_("The dossier's creation is missing from the custody log."))
    else:
        current = custody.dossier_record(dossier)
        for name in _differing(state.dossier, current):
            problems.append(
                format_lazy(_("The dossier's “{field}” differs from the custody log."), field=name)
            )
    if dossier.last_piece_number != state.last_number:
        problems.append(
            format_lazy(
                _(
                    "The dossier's piece counter says {counter}, but the last piece the custody "
                    "log numbered is {logged}."
                ),
                counter=dossier.last_piece_number,
                logged=state.last_number,
            )
        )
    live = {piece.number: piece for piece in pieces}
    for number, piece in sorted(live.items()):
        if number in state.deleted:
            problems.append(
                format_lazy(
                    _("Piece {number} was deleted in the custody log but is still here."),
                    number=number,
                )
            )
            continue
        if number not in state.pieces:
            problems.append(
                format_lazy(_("Piece {number} is not in the custody log."), number=number)
            )
            continue
        problems.extend(_piece_problems(piece, state))
    for number in sorted(set(state.pieces) - set(live)):
        problems.append(
            format_lazy(
                _("Piece {number} is missing, and the custody log never recorded its deletion."),
                number=number,
            )
        )
    return problems


def _piece_problems(piece: Piece, state: custody.Replayed) -> list[Problem]:
    number = piece.number
    problems: list[Problem] = [
        format_lazy(
            _("Piece {number}: “{field}” differs from the custody log."), number=number, field=name
        )
        for name in _differing(state.pieces[number], custody.piece_record(piece))
    ]
    if state.received.get(number) != custody.utc_iso(piece.received_at):
        problems.append(
            format_lazy(
                _("Piece {number}: its receipt time differs from the custody log."), number=number
            )
        )
    logged = state.files.get(number, {})
    stored = {file.position: custody.file_record(file, piece.seal) for file in piece.files.all()}
    if set(logged) != set(stored):
        problems.append(
            format_lazy(_("Piece {number}: its files differ from the custody log."), number=number)
        )
    for position in sorted(set(logged) & set(stored)):
        for name in _differing(logged[position], stored[position]):
            message = FILE_PROBLEMS.get(name, FILE_PROBLEMS["sha256"])
            problems.append(format_lazy(message, number=number, position=position))
    return problems


def _differing(logged: dict[str, Any], current: dict[str, Any]) -> list[str]:
    names = sorted(set(logged) | set(current))
    return [name for name in names if logged.get(name) != current.get(name)]


# --- The blobs -----------------------------------------------------------------------------------


def _blob_problems(piece: Piece, file: EvidenceFile) -> list[Problem]:
    problems: list[Problem] = []
    for what, name, expected in file.blobs():
        label = _blob_label(piece.number, file.position, what)
        try:
            data = sealed_files.read(name)
        except FileNotFoundError:
            data = None
        except sealed_files.DecryptionError:
            problems.append(_altered_blob(label))
            continue
        problems.extend(problem.message for problem in verify_files([(label, expected, data)]))
    return problems


def _altered_blob(label: Any) -> Promise:
    return format_lazy(_("{label}: the stored file was altered (it no longer opens)."), label=label)


def _blob_label(number: int, position: int, what: str) -> Promise:
    if what == "display":
        text = _("Piece {number}, file {position}, display copy")
    elif what == "thumbnail":
        text = _("Piece {number}, file {position}, thumbnail")
    else:
        text = _("Piece {number}, file {position}")
    return format_lazy(text, number=number, position=position)


def _export_problems(export: Export, events: list[CustodyEvent]) -> list[Problem]:
    """An export's PDF and package against the fingerprints its event sealed, every segment."""
    when = export.finished_at or export.created_at
    label_pdf = format_lazy(_("The PDF of the export of {date}"), date=_day(when))
    label_package = format_lazy(_("The package of the export of {date}"), date=_day(when))
    sealed = next(
        (
            e.payload
            for e in events
            if e.payload.get("action") == Action.DOSSIER_EXPORTED
            and e.payload.get("export") == str(export.pk)
        ),
        None,
    )
    if sealed is None:
        return [format_lazy(_("{label} is not in the custody log."), label=label_package)]
    problems: list[Problem] = []
    for label, name, row_sha, key in (
        (label_pdf, export.pdf_name, export.pdf_sha256, "pdf"),
        (label_package, export.package_name, export.package_sha256, "package"),
    ):
        logged = sealed.get(key, {}).get("sha256") if isinstance(sealed.get(key), dict) else None
        if logged != row_sha:
            problems.append(_fingerprint_differs(label))
            continue
        try:
            actual = sealed_files.stream_sha256(name)
        except FileNotFoundError:
            problems.append(format_lazy(_("{label}: file missing."), label=label))
            continue
        except sealed_files.DecryptionError:
            problems.append(_altered_blob(label))
            continue
        if actual != row_sha:
            problems.append(_fingerprint_differs(label))
    return problems


def _fingerprint_differs(label: Any) -> Promise:
    return format_lazy(_("{label}: its fingerprint differs from the custody log."), label=label)


def _day(moment: dt.datetime) -> str:
    return moment.date().isoformat()


# --- Blobs no row refers to ----------------------------------------------------------------------


def orphan_blobs() -> list[str]:
    """Stored blobs that no file and no export refers to: left by a crash, or planted."""
    storage = storages["default"]
    try:
        _folders, names = storage.listdir(sealed_files.FOLDER)
    except FileNotFoundError:
        return []
    known: set[str] = set()
    for file in EvidenceFile.objects.only("storage_name", "display_name", "thumbnail_name"):
        known.update(name for _what, name, _sha in file.blobs())
    for export in Export.objects.only("pdf_name", "package_name"):
        known.update(export.blob_names())
    stored = {f"{sealed_files.FOLDER}/{name}" for name in names}
    return sorted(stored - known)
