"""Plain data the exported dossier is made from. The vault's models are turned into these by one
function (evidence.export.document.collect), so that the letter, the PDF and the package are
pure."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from common.dates import in_paris
from evidence.complaint.data import Complaint

# What a piece's place in the chronology rests on: the publication date read off the screen,
# or, when that is relative ("hier") or missing, the latest it can be: the capture, else the
# server's receipt.
Anchor = Literal["publication", "capture", "receipt"]


@dataclass(frozen=True)
class ExportFile:
    """One file of a piece. `display` loads the stored display derivative (decrypted), so the
    PDF never decodes the original; `original` loads the original bytes for the package."""

    original_name: str
    mime_type: str
    size: int
    sha256: str
    width: int | None = None
    height: int | None = None
    display: Callable[[], bytes] | None = None
    original: Callable[[], bytes] | None = None
    # As the custody log sealed them (evidence.vault.integrity.sealed_file).
    position: int = 1
    received_at: str = ""  # ISO 8601, UTC
    display_sha256: str = ""
    thumbnail_sha256: str = ""
    # The text the worker read in the image (OCR), machine-read and unchecked; None if not read.
    ocr_text: str | None = None


@dataclass(frozen=True)
class FollowUp:
    channel: str  # "plateforme", "PHAROS", "3018"...
    date: dt.date | None = None
    reference: str = ""


@dataclass(frozen=True)
class ExportPiece:
    number: int
    kind: str  # screenshot, document, link, message
    title: str
    received_at: dt.datetime  # UTC, set by the server
    platform: str = ""
    url: str = ""
    author_displayed: str = ""
    author_profile_url: str = ""
    target: str = ""
    published_at: dt.datetime | None = None
    published_text: str = ""  # as typed, when not an absolute date
    published_time_known: bool = True  # False: only the day was shown (published_at at 00:00)
    captured_at: dt.datetime | None = None
    added_by: str = ""
    # Added by a helper the owner invited (their account's pseudonym), as the custody log says.
    added_by_helper: bool = False
    added_by_pseudonym: str = ""
    description: str = ""
    transcript: str = ""
    context: str = ""  # what came before or around it
    still_online: str = ""  # yes / no / unknown
    removed: bool = False
    follow_ups: tuple[FollowUp, ...] = ()
    files: tuple[ExportFile, ...] = ()
    # The piece's seal and its values exactly as sealed: they open the commitments of the
    # custody log, so that anyone can check this piece against it (evidence.vault.custody).
    seal: str = ""
    sealed_values: dict = field(default_factory=dict)

    @property
    def dating(self) -> Dating | None:
        """Where the piece stands in the chronology. An exact publication date; else, for a
        date read as relative or unreadable, or none read but a capture time known, the latest
        the content can date from, marked approximate; else none (an undated piece)."""
        if self.published_at:
            return Dating(in_paris(self.published_at).date(), "publication")
        if not (self.published_text or self.captured_at):
            return None
        if self.captured_at:
            return Dating(in_paris(self.captured_at).date(), "capture", self.published_text)
        return Dating(in_paris(self.received_at).date(), "receipt", self.published_text)


@dataclass(frozen=True)
class Dating:
    date: dt.date  # in Paris
    anchor: Anchor
    shown: str = ""  # what the screen showed, when not an absolute date ("hier")

    @property
    def approximate(self) -> bool:
        return self.anchor != "publication"


@dataclass(frozen=True)
class ChronologyEntry:
    date: dt.date
    text: str
    piece_number: int | None = None
    dating: Dating | None = None  # a piece's; None for the person's own entries

    @property
    def approximate(self) -> bool:
        return self.dating is not None and self.dating.approximate


@dataclass(frozen=True)
class Offence:
    """An offence the guidance engine found for the dossier's facts."""

    id: str  # as in guidance/content/offences.yaml: "222-33-2-2", "loi1881-33"
    article: str  # as cited: "Art. 222-33-2-2 du Code pénal", "Loi du 29 juillet 1881, art. 33"
    title: str
    prison_years: float | None
    fine_eur: int | None
    circumstances: tuple[str, ...] = ()  # the aggravating circumstances retained
    source: str = ""
    checked: dt.date | None = None
    confidence: str = ""  # "verified", "secondary", "unverified"
    # The plan could not tell from the facts whether it applies ("only if the images are
    # real"): the person must confirm it in the complaint (evidence.complaint.qualification).
    conditional: bool = False


@dataclass(frozen=True)
class RemovedPiece:
    """A piece its owner deleted: its number is never reused, and the gap is explained."""

    number: int
    removed_at: dt.datetime | None
    event: int  # its event in the custody log


@dataclass(frozen=True)
class CustodyEntry:
    """One event of the custody log, with what is needed to check the chain offline."""

    seq: int
    kind: str
    at: dt.datetime | None  # None when the payload's time does not read (it was altered)
    prev_hash: str
    hash: str
    payload: dict = field(default_factory=dict)
    key_id: str = ""  # the server's signature of `hash` (evidence.sealing.signing)
    signature: str = ""


@dataclass(frozen=True)
class DossierExport:
    reference: str  # short, printed in the running header
    concerns: str  # whom the dossier concerns
    generated_at: dt.datetime
    complaint: Complaint
    pieces: tuple[ExportPiece, ...]
    free_entries: tuple[ChronologyEntry, ...] = ()
    offences: tuple[Offence, ...] = ()
    custody: tuple[CustodyEntry, ...] = ()
    # The guidance facts the dossier was started from, checked ({} when none or invalid).
    facts: Mapping[str, Any] = field(default_factory=dict)

    @property
    def custody_head(self) -> str:
        return self.custody[-1].hash if self.custody else ""

    @property
    def period(self) -> tuple[ChronologyEntry | None, ChronologyEntry | None]:
        """The first and the last entries of the chronology."""
        entries = self.chronology()
        return (entries[0], entries[-1]) if entries else (None, None)

    def chronology(self) -> list[ChronologyEntry]:
        """The account of the facts: each dated piece and each free entry, oldest first."""
        entries = list(self.free_entries)
        for piece in self.pieces:
            dating = piece.dating
            if dating is not None:
                summary = piece.description or piece.title
                entries.append(ChronologyEntry(dating.date, summary, piece.number, dating))
        return sorted(entries, key=lambda e: (e.date, e.piece_number or 0))

    @property
    def removed_pieces(self) -> tuple[RemovedPiece, ...]:
        """The pieces deleted from the dossier, as its custody log records them."""
        kept = {piece.number for piece in self.pieces}
        removed = {}
        for entry in self.custody:
            number = entry.payload.get("piece")
            if entry.kind == "piece_deleted" and isinstance(number, int) and number not in kept:
                removed[number] = RemovedPiece(number, entry.at, entry.seq)
        return tuple(removed[number] for number in sorted(removed))
