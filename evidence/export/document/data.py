"""Plain data the exported dossier is made from. The vault's models are turned into these by one
function (evidence.export.document.collect), so that the letter, the PDF and the package are
pure."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from evidence.complaint.data import Complaint


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
    def date(self) -> dt.datetime | None:
        """The date the piece stands at in the chronology: publication, else capture."""
        return self.published_at or self.captured_at


@dataclass(frozen=True)
class ChronologyEntry:
    date: dt.date
    text: str
    piece_number: int | None = None


@dataclass(frozen=True)
class Offence:
    article: str
    title: str
    prison_years: float | None
    fine_eur: int | None
    note: str = ""
    source: str = ""
    checked: str = ""


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

    @property
    def custody_head(self) -> str:
        return self.custody[-1].hash if self.custody else ""

    @property
    def period(self) -> tuple[dt.date | None, dt.date | None]:
        dates = [p.date.date() for p in self.pieces if p.date] + [e.date for e in self.free_entries]
        return (min(dates), max(dates)) if dates else (None, None)

    def chronology(self) -> list[ChronologyEntry]:
        """The account of the facts: each dated piece and each free entry, oldest first."""
        entries = list(self.free_entries)
        for piece in self.pieces:
            if piece.date:
                summary = piece.description or piece.title
                entries.append(ChronologyEntry(piece.date.date(), summary, piece.number))
        return sorted(entries, key=lambda e: (e.date, e.piece_number or 0))
