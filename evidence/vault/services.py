"""The vault's operations: dossiers, pieces and their sealed files, the custody log, checks.

Views call these and nothing else touches the rows or the blobs. The order of an upload:
check and hash every file (evidence.intake.images), write the encrypted blobs, then in one
transaction with the dossier row locked take the next piece number, create the rows and
append the custody event. Any failure deletes the blobs already written: nothing is left
behind, neither a file without its row nor a row without its file.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from common import submissions
from evidence.intake.capture import CaptureTime, capture_time
from evidence.intake.images import (
    InspectedImage,
    PdfInfo,
    UploadRejected,
    inspect_image,
    sniff_pdf,
)
from evidence.models import (
    Batch,
    CustodyEvent,
    Derivatives,
    Dossier,
    EvidenceFile,
    Kind,
    Piece,
    Sensitivity,
    Source,
    TextReading,
)
from evidence.sealing import sealed_files
from evidence.vault import custody, derivatives, witness
from evidence.vault.custody import Action
from evidence.vault.dates import read_published

# Answers for which no file is ever stored: keeping or sending a sexual image of a minor is
# an offence even for the victim (legal-fr.md §1), and "I don't know" gets the same care.
WITHHELD_SENSITIVITIES = (Sensitivity.MINOR, Sensitivity.UNSURE)
# Who can get such images removed, named where we say we kept none (reviewed resources' ids).
WITHHELD_HELP = ("3018", "pharos", "point_de_contact")
FILE_KINDS = (Kind.IMAGE, Kind.PDF)
FILES_ADDED_FORM = "piece_files"  # the add-files form's one-time tokens (common.submissions)
PDF_MIME = "application/pdf"
STILL_PREPARING = _("Your previous images are still being prepared: try again in a minute.")

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Upload:
    """A file as received: the person's own file name (kept as metadata only) and its bytes."""

    name: str
    data: bytes


class StorageUnavailable(Exception):
    """The private storage could not keep a file (full, or failing); nothing was kept."""


class FileRefused(Exception):
    """One of the uploaded files was refused; nothing of the upload was kept."""

    def __init__(self, file_name: str, rejection: UploadRejected) -> None:
        super().__init__(rejection.code)
        self.file_name = file_name
        self.code = rejection.code
        self.message = rejection.message


@dataclass(frozen=True)
class _Prepared:
    upload: Upload
    image: InspectedImage | None = None
    pdf: PdfInfo | None = None


def files_are_withheld(sensitivity: str) -> bool:
    return sensitivity in WITHHELD_SENSITIVITIES


# --- Dossiers --------------------------------------------------------------------------------


def create_dossier(owner, fields: dict[str, Any], *, token: uuid.UUID | None = None) -> Dossier:
    """A new dossier and the first event of its log; the same token twice gives the same one,
    and so does a twin of one this person created a moment ago (common/submissions.py)."""
    if token is not None:
        existing = Dossier.objects.filter(owner=owner, submission_token=token).first()
        if existing is not None:
            return existing
        candidate = custody.dossier_record(Dossier(owner=owner, **fields))
        for recent in owner.dossiers.filter(created_at__gte=submissions.recent()):
            if custody.dossier_record(recent) == candidate:
                return recent
    try:
        with transaction.atomic():
            dossier = Dossier.objects.create(owner=owner, submission_token=token, **fields)
            custody.append(
                dossier,
                Action.DOSSIER_CREATED,
                dossier.created_at,
                by=custody.actor(owner, dossier.role),
                record=custody.dossier_record(dossier),
            )
    except IntegrityError:  # the same form sent twice at the same instant: the other won
        if token is None:
            raise
        return Dossier.objects.get(owner=owner, submission_token=token)
    return dossier


def edit_dossier(dossier: Dossier, user, fields: dict[str, Any]) -> bool:
    """Save the new values and log old and new ones; False when nothing changed."""
    with transaction.atomic():
        locked = _locked(dossier)
        before = custody.dossier_record(locked)
        for name, value in fields.items():
            setattr(locked, name, value)
        field_changes = custody.changes(before, custody.dossier_record(locked))
        if not field_changes:
            return False
        locked.save(update_fields=list(fields))
        custody.append(
            locked,
            Action.DOSSIER_EDITED,
            timezone.now(),
            by=custody.actor(user, locked.role),
            changes=field_changes,
        )
    return True


@dataclass(frozen=True)
class Erasure:
    title: str
    pieces: int
    files: int
    derivatives: int
    events: int
    bytes: int


def erase_dossier(dossier: Dossier) -> Erasure:
    """Delete every blob and every row of the dossier, its log included, and say what went."""
    files = list(EvidenceFile.objects.filter(piece__dossier=dossier))
    names = [name for file in files for _what, name, _hash in file.blobs()]
    # Exported PDFs and packages hold copies of everything: they go too.
    names += [name for export in dossier.exports.all() for name in export.blob_names()]
    summary = Erasure(
        title=dossier.title,
        pieces=dossier.pieces.count(),
        files=len(files),
        derivatives=len(names) - len(files),
        events=dossier.events.count(),
        bytes=sum(file.size for file in files),
    )
    with transaction.atomic():
        Dossier.objects.filter(pk=dossier.pk).delete()
        transaction.on_commit(lambda: _delete_blobs(names))
        transaction.on_commit(lambda: witness.forget(dossier.pk))
    return summary


# --- Pieces ----------------------------------------------------------------------------------


def add_piece(
    dossier: Dossier,
    user,
    fields: dict[str, Any],
    uploads: Sequence[Upload] = (),
    *,
    token: uuid.UUID | None = None,
) -> Piece:
    """Check, seal and record a new piece with its files; raises FileRefused, storing nothing.

    `fields` are the piece's values as typed (published_raw included; the vault reads the
    date itself). When the content is sexual and may show a minor, the files are never
    stored whatever the caller passes: the piece keeps only the facts.
    """
    fields = dict(fields)
    sensitivity = fields.get("sensitivity", Sensitivity.NO)
    withheld = files_are_withheld(sensitivity)
    if withheld:
        uploads = ()
    if token is not None and (existing := _piece_with_token(dossier, token)) is not None:
        return existing
    prepared = _prepare_all(fields["kind"], uploads)
    _check_the_workers_budget(user, prepared)
    provenance = _typed(fields)
    _fill_from_files(fields, provenance, [(item.upload, item.image) for item in prepared])
    fields.update(_published(fields.get("published_raw", "")))
    if token is not None:
        candidate = Piece(dossier=dossier, provenance=provenance, files_withheld=withheld, **fields)
        if (twin := _twin_piece(candidate, user, prepared)) is not None:
            return twin
    written: list[str] = []
    try:
        sealed = _seal_all(prepared, written)
        with transaction.atomic():
            locked = _locked(dossier)
            if token is not None and (existing := _piece_with_token(locked, token)):
                _delete_blobs(written)
                return existing
            received_at = timezone.now()
            locked.last_piece_number += 1
            locked.save(update_fields=["last_piece_number"])
            piece = Piece.objects.create(
                dossier=locked,
                number=locked.last_piece_number,
                received_at=received_at,
                added_by=user,
                files_withheld=withheld,
                provenance=provenance,
                submission_token=token,
                **fields,
            )
            files = _file_rows(piece, sealed, received_at, first_position=1)
            custody.append(
                locked,
                Action.PIECE_ADDED,
                received_at,
                by=custody.actor(user, piece.added_by_role),
                piece=piece.number,
                record=custody.piece_record(piece),
                files=[custody.file_record(file, piece.seal) for file in files],
            )
            _enqueue_derivatives(files)
    except BaseException:
        _delete_blobs(written)
        raise
    return piece


def add_files(
    piece: Piece,
    user,
    uploads: Sequence[Upload],
    sensitivity: str,
    *,
    token: uuid.UUID | None = None,
) -> list:
    """More files for an existing piece (the rest of a thread); same checks, same log. Returns
    the files added: none when the same form was already sent (its token), or when each file
    is already in the piece (the same form sent again after Back)."""
    if files_are_withheld(sensitivity) or not uploads:
        return []
    if submissions.was_sent(token, form=FILES_ADDED_FORM):
        return []
    present = set(piece.files.values_list("sha256", flat=True))
    prepared = [item for item in _prepare_all(piece.kind, uploads) if _sha256(item) not in present]
    if not prepared:
        return []
    _check_the_workers_budget(user, prepared)
    written: list[str] = []
    try:
        sealed = _seal_all(prepared, written)
        with transaction.atomic():
            locked_dossier = _locked(piece.dossier)
            if not submissions.first_time(token, form=FILES_ADDED_FORM, user=user):
                _delete_blobs(written)
                return []
            locked = Piece.objects.select_for_update().get(pk=piece.pk)
            last = locked.files.order_by("-position").values_list("position", flat=True).first()
            received_at = timezone.now()
            files = _file_rows(locked, sealed, received_at, first_position=(last or 0) + 1)
            custody.append(
                locked_dossier,
                Action.FILES_ADDED,
                received_at,
                by=custody.actor(user, locked.added_by_role),
                piece=locked.number,
                files=[custody.file_record(file, locked.seal) for file in files],
            )
            _enqueue_derivatives(files)
    except BaseException:
        _delete_blobs(written)
        raise
    return files


@dataclass(frozen=True)
class NewPiece:
    """A piece to record whose files are already sealed (a batch of screenshots, a chat
    export and the messages chosen in it): its values, where each came from, its files."""

    fields: dict[str, Any]
    provenance: dict[str, str]
    files: Sequence[SealedFile] = ()


def record_pieces(
    dossier: Dossier, user, new: Sequence[NewPiece], *, batch: Batch | None = None
) -> list[Piece]:
    """Record pieces whose files are already sealed, each with its custody event, in one
    transaction with the dossier locked; the derivatives of their images are queued with it.
    If this fails, the sealed blobs are the caller's to delete. A piece whose answer withholds
    files gets none, whatever it is given."""
    with transaction.atomic():
        locked = _locked(dossier)
        received_at = timezone.now()
        created: list[Piece] = []
        files: list[EvidenceFile] = []
        for item in new:
            fields = {**item.fields, **_published(item.fields.get("published_raw", ""))}
            withheld = files_are_withheld(fields.get("sensitivity", Sensitivity.NO))
            fields.setdefault("files_withheld", withheld)
            locked.last_piece_number += 1
            piece = Piece.objects.create(
                dossier=locked,
                number=locked.last_piece_number,
                received_at=received_at,
                added_by=user,
                provenance=dict(item.provenance),
                batch=batch,
                **fields,
            )
            rows = [] if withheld else _file_rows(piece, item.files, received_at, first_position=1)
            custody.append(
                locked,
                Action.PIECE_ADDED,
                received_at,
                by=custody.actor(user, piece.added_by_role),
                piece=piece.number,
                record=custody.piece_record(piece),
                files=[custody.file_record(file, piece.seal) for file in rows],
            )
            created.append(piece)
            files += rows
        locked.save(update_fields=["last_piece_number"])
        _enqueue_derivatives(files)
    return created


def edit_piece(piece: Piece, user, fields: dict[str, Any]) -> bool:
    """Change a piece's details (never its files) and log old and new values."""
    fields = dict(fields)
    if "published_raw" in fields:
        fields.update(_published(fields["published_raw"]))
    with transaction.atomic():
        locked_dossier = _locked(piece.dossier)
        locked = Piece.objects.select_for_update().get(pk=piece.pk)
        before = custody.piece_record(locked)
        provenance = dict(locked.provenance)
        for name, value in fields.items():
            if getattr(locked, name) != value:
                provenance[name] = Source.USER
            setattr(locked, name, value)
        locked.provenance = {name: str(source) for name, source in provenance.items()}
        field_changes = custody.changes(before, custody.piece_record(locked))
        if not field_changes:
            return False
        locked.save()
        custody.append(
            locked_dossier,
            Action.PIECE_EDITED,
            timezone.now(),
            by=custody.actor(user, locked.added_by_role),
            piece=locked.number,
            changes=field_changes,
        )
    return True


def delete_piece(piece: Piece, user) -> CustodyEvent | None:
    """Delete the piece, its files and derivatives; the log keeps a tombstone.

    The tombstone keeps the number (never reused), the files' hashes and the time, so the
    dossier can show that a piece existed and was removed by its owner. None when the piece
    was already deleted meanwhile (the same confirmation sent twice at once).
    """
    with transaction.atomic():
        locked_dossier = _locked(piece.dossier)
        locked = Piece.objects.select_for_update().filter(pk=piece.pk).first()
        if locked is None:
            return None
        files = list(locked.files.all())
        names = [name for file in files for _what, name, _hash in file.blobs()]
        tombstone = custody.append(
            locked_dossier,
            Action.PIECE_DELETED,
            timezone.now(),
            by=custody.actor(user, locked.added_by_role),
            piece=locked.number,
            files=[{"position": file.position, "sha256": file.sha256} for file in files],
        )
        locked.delete()
        transaction.on_commit(lambda: _delete_blobs(names))
    return tombstone


def record_export(file: EvidenceFile, user) -> None:
    """An original leaving the vault (downloaded) is an event of its custody."""
    with transaction.atomic():
        locked_dossier = _locked(file.piece.dossier)
        custody.append(
            locked_dossier,
            Action.EXPORTED,
            timezone.now(),
            by=custody.actor(user, file.piece.added_by_role),
            piece=file.piece.number,
            file={"position": file.position, "sha256": file.sha256},
            what="original",
        )


# --- What a piece still needs -----------------------------------------------------------------


@dataclass(frozen=True)
class CheckItem:
    code: str
    label: str | Promise
    hint: str | Promise
    done: bool


def checklist(piece: Piece) -> list[CheckItem]:
    """What makes a piece weigh (evidence.md), in words, with a hint for each item missing;
    which items are done is the piece's own rule (Piece.checks)."""
    done = piece.checks()
    date_hint: str | Promise = ""
    if not done.get("date", True):
        date_hint = (
            _(
                "The date typed is not an exact date. On the platform, tap or hover the time to "
                "see the full date, and write it like 14/03/2025 22:47."
            )
            if piece.published_raw
            else _("Write the date and time shown on the screen, like 14/03/2025 22:47.")
        )
    words = {
        "date": (_("Exact publication date"), date_hint),
        "where": (
            _("Platform or app") if piece.kind == Kind.CHAT else _("Link, or platform and author"),
            ""
            if piece.kind == Kind.CHAT
            else _("Copy the link of the post or message, or give the platform and the author."),
        ),
        "context": (
            _("Context"),
            _("Say what came before or around it, or add a capture of the whole thread."),
        ),
        "description": (_("Description"), _("Describe in a few words what it shows, as facts.")),
    }
    return [CheckItem(code, *words[code], is_done) for code, is_done in done.items()]


def is_complete(piece: Piece) -> bool:
    return all(piece.checks().values())


def readiness(pieces: QuerySet[Piece]) -> tuple[int, int]:
    """(complete pieces, all pieces), counted from the pieces' `complete` column: no piece is
    opened, except one saved before the column existed, worked out and written once."""
    for piece in pieces.filter(complete__isnull=True).prefetch_related("files"):
        piece.save(update_fields=["complete"])
    counts = pieces.aggregate(total=Count("pk"), complete=Count("pk", filter=Q(complete=True)))
    return counts["complete"], counts["total"]


# --- Inner workings ----------------------------------------------------------------------------


def _locked(dossier: Dossier) -> Dossier:
    return Dossier.objects.select_for_update().get(pk=dossier.pk)


def lock_dossier(dossier: Dossier) -> Dossier:
    """The dossier's row, locked until the transaction ends: what adds to it goes one at a
    time (piece numbers, the custody log)."""
    return _locked(dossier)


def _piece_with_token(dossier: Dossier, token: uuid.UUID) -> Piece | None:
    return Piece.objects.filter(dossier=dossier, submission_token=token).first()


def _twin_piece(candidate: Piece, user, prepared: Sequence[_Prepared]) -> Piece | None:
    """A piece this person added to the dossier a moment ago with the same values and the same
    files: the same form, sent again after Back (common/submissions.py)."""
    values = custody.piece_values(candidate)
    hashes = sorted(_sha256(item) for item in prepared)
    recent = candidate.dossier.pieces.filter(added_by=user, received_at__gte=submissions.recent())
    for piece in recent.prefetch_related("files"):
        same_files = sorted(file.sha256 for file in piece.files.all()) == hashes
        if same_files and custody.piece_values(piece) == values:
            return piece
    return None


def _sha256(item: _Prepared) -> str:
    found = item.image or item.pdf
    assert found is not None
    return found.sha256


def _typed(fields: dict[str, Any]) -> dict[str, str]:
    return {
        name: str(Source.USER)
        for name, value in fields.items()
        if value not in (None, "", False) and name not in ("kind", "sensitivity")
    }


def _published(raw: str) -> dict[str, Any]:
    reading = read_published(raw)
    return {
        "published_raw": reading.raw,
        "published_is_absolute": reading.is_absolute,
        "published_date": reading.date,
        "published_time": reading.time,
    }


def _prepare_all(kind: str, uploads: Sequence[Upload]) -> list[_Prepared]:
    return [_prepare(kind, upload) for upload in uploads]


def _prepare(kind: str, upload: Upload) -> _Prepared:
    """Hash and check one file before anything is written, without decoding an image's pixels
    (evidence.intake.images): the worker makes its derivatives (evidence.vault.derivatives)."""
    max_bytes = settings.EVIDENCE_MAX_UPLOAD_BYTES
    try:
        if kind == Kind.PDF:
            return _Prepared(upload, pdf=sniff_pdf(upload.data, max_bytes=max_bytes))
        image = inspect_image(
            upload.data, max_bytes=max_bytes, max_pixels=settings.EVIDENCE_MAX_PIXELS
        )
        return _Prepared(upload, image=image)
    except UploadRejected as rejection:
        raise FileRefused(upload.name, rejection) from rejection


# Where evidence.intake.capture read a capture time, as the piece's provenance says it.
CAPTURE_SOURCES = {"metadata": Source.METADATA, "file_name": Source.FILE_NAME}


def fill_from_files(
    fields: dict[str, Any], provenance: dict[str, str], captures: Sequence[CaptureTime | None]
) -> None:
    """The capture time and the app the files state (the first file that states them), for
    what the person left empty, each with where it was read; never a guess."""
    found = [capture for capture in captures if capture is not None]
    if not fields.get("captured_at") and found:
        fields["captured_at"] = found[0].moment
        provenance["captured_at"] = str(CAPTURE_SOURCES[found[0].source])
    platform = next((capture.platform for capture in found if capture.platform), None)
    if not fields.get("platform") and platform:
        fields["platform"] = platform
        provenance["platform"] = str(Source.FILE_NAME)


def _fill_from_files(
    fields: dict[str, Any],
    provenance: dict[str, str],
    files: Sequence[tuple[Upload, InspectedImage | None]],
) -> None:
    captures = [
        capture_time(upload.name, upload.data) for upload, image in files if image is not None
    ]
    fill_from_files(fields, provenance, captures)


@dataclass(frozen=True)
class _Sealed:
    """A file of the request, encrypted and stored under `storage_name`."""

    prepared: _Prepared
    storage_name: str

    @property
    def name(self) -> str:
        return self.prepared.upload.name

    @property
    def image(self) -> InspectedImage | None:
        return self.prepared.image

    @property
    def pdf(self) -> PdfInfo | None:
        return self.prepared.pdf


class SealedFile(Protocol):
    """A file already encrypted and stored, checked, ready to be recorded: `_Sealed` here, or a
    file sealed on arrival by evidence.intake.batch_uploads."""

    @property
    def name(self) -> str: ...
    @property
    def storage_name(self) -> str: ...
    @property
    def image(self) -> InspectedImage | None: ...
    @property
    def pdf(self) -> PdfInfo | None: ...


def _seal_all(prepared: Sequence[_Prepared], written: list[str]) -> list[_Sealed]:
    try:
        return [_seal(item, written) for item in prepared]
    except OSError as error:  # the caller deletes what was written
        raise StorageUnavailable(str(error)) from error


def _seal(item: _Prepared, written: list[str]) -> _Sealed:
    """Encrypt and store the original, noting its name as it is written."""
    name = sealed_files.write(item.upload.data)
    written.append(name)
    return _Sealed(item, name)


def _check_the_workers_budget(owner, prepared: Sequence[_Prepared]) -> None:
    """A person's images waiting for the worker may not exceed a budget of pixels: one account
    cannot fill the worker's queue (and memory) for everyone else."""
    asked = sum(item.image.pixels for item in prepared if item.image is not None)
    if not asked:
        return
    if derivatives.pending_pixels(owner) + asked > settings.EVIDENCE_MAX_PENDING_PIXELS:
        name = next(item.upload.name for item in prepared if item.image is not None)
        raise FileRefused(name, UploadRejected("busy", STILL_PREPARING))


def _file_rows(
    piece: Piece, sealed: Sequence[SealedFile], received_at: dt.datetime, *, first_position: int
) -> list[EvidenceFile]:
    rows = []
    for offset, item in enumerate(sealed):
        image, pdf = item.image, item.pdf
        common = {
            "piece": piece,
            "position": first_position + offset,
            "original_name": item.name[:255],
            "storage_name": item.storage_name,
            "received_at": received_at,
        }
        if image is not None:
            row = EvidenceFile(
                **common,
                sha256=image.sha256,
                size=image.size,
                mime_type=image.mime_type,
                width=image.width,
                height=image.height,
                image_format=image.format,
                derivatives=Derivatives.PENDING,
                # An intimate image is never read: its text would be one more copy of it.
                ocr=TextReading.NONE if piece.is_intimate else TextReading.PENDING,
            )
        elif pdf is not None:
            row = EvidenceFile(
                **common,
                sha256=pdf.sha256,
                size=pdf.size,
                mime_type=PDF_MIME,
                page_count=pdf.page_count,
            )
        else:  # kept as it is, neither image nor PDF: a chat export (evidence.intake.chat_import)
            document = item.document  # type: ignore[attr-defined]
            row = EvidenceFile(
                **common, sha256=document.sha256, size=document.size, mime_type=document.mime_type
            )
        row.save(force_insert=True)
        rows.append(row)
    piece.save(update_fields=["complete"])  # more files than one can be a thread's context
    return rows


def _enqueue_derivatives(files: Iterable[EvidenceFile]) -> None:
    """After the files' custody event: queued in the same transaction, committed with it."""
    for file in files:
        if file.derivatives == Derivatives.PENDING:
            derivatives.enqueue(file)


def _delete_blobs(names: Iterable[str]) -> None:
    for name in names:
        try:
            sealed_files.delete(name)
        except OSError:  # a failing storage: say so, and go on with the others
            logger.exception("could not delete the blob %s", name)
