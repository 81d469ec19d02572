"""Receiving many files in one request, each sealed as soon as its last byte has arrived.

A phone's photo picker sends up to EVIDENCE_MAX_FILES_PER_BATCH screenshots in one request.
Django's own handlers keep every file until the view runs (in memory, or in temporary files in
clear on disk: never for evidence). This handler keeps one file at a time: once a file has
arrived it is hashed and checked without decoding its pixels (evidence.intake.images), its
capture time is read (evidence.intake.capture), and it is encrypted and stored
(evidence.sealing.sealed_files) before the next file's first byte is read. Only what the vault
records of it stays (a `Received`). The request's peak memory is therefore that of one file,
its bytes and their encrypted copy (about twice the largest file), whatever the number of files
(bench/intake.py measures it).

The body is parsed before the view runs and before the CSRF check (the token is in the body):
files are sealed before anyone knows whether the request is genuine, so the view claims the
blobs it recorded (`keep`) and `discard_unclaimed` deletes every other one when the request
ends, a refused CSRF token, an error or a form sent twice included. When the batch's answer to
the sensitivity question withholds files, nothing is read: every byte is dropped as it comes.
"""

from __future__ import annotations

from dataclasses import dataclass
from io import BytesIO

from django.core.files.uploadhandler import FileUploadHandler, StopFutureHandlers
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from evidence.intake.capture import CaptureTime, capture_time
from evidence.intake.images import (
    InspectedImage,
    PdfInfo,
    UploadRejected,
    inspect_image,
    sniff_pdf,
    too_large_message,
)
from evidence.sealing import sealed_files

FIELD = "files"
PDF_MAGIC = b"%PDF-"
TOO_MANY = _("Too many files at once: this one was not received.")
BATCH_TOO_LARGE = _("The files sent at once were too big all together: this one was not received.")
STORAGE_FAILED = _("It could not be stored: our storage is full or failing for the moment.")
ANOTHER_UPLOAD = _("Files were already being sent from your account: this one was not received.")
STILL_PREPARING = _(
    "Your previous images are still being prepared: this one was not received. Send it again "
    "in a minute."
)


@dataclass(frozen=True)
class Limits:
    max_file_bytes: int
    max_pixels: int  # of one image (decompression bombs)
    max_files: int
    max_batch_bytes: int
    max_pending_pixels: int  # the worker's budget for this account (services: pending pixels)


@dataclass(frozen=True)
class Received:
    """One file, sealed on arrival: what the vault records of it."""

    name: str  # the person's own file name, kept as metadata only
    storage_name: str
    image: InspectedImage | None = None
    pdf: PdfInfo | None = None
    capture: CaptureTime | None = None  # when it says it was taken, and where that was read

    @property
    def sha256(self) -> str:
        found = self.image or self.pdf
        assert found is not None
        return found.sha256


@dataclass(frozen=True)
class Refused:
    """A file not received, with why, for the person (who chooses it again)."""

    name: str
    code: str
    message: str | Promise


class SealingUploadHandler(FileUploadHandler):
    def __init__(
        self,
        request=None,
        *,
        limits: Limits,
        pending_pixels: int = 0,
        withheld: bool = False,
        busy: bool = False,
    ) -> None:
        super().__init__(request)
        self.limits = limits
        self.pixels = pending_pixels
        self.withheld = withheld  # read nothing: the answer about sexual content says so
        self.busy = busy  # another upload of the same account is under way
        self.received: list[Received] = []
        self.refused: list[Refused] = []
        self.kept: set[str] = set()
        self._buffer: BytesIO | None = None
        self._refusal: tuple[str, str | Promise] | None = None
        self._files = 0
        self._bytes = 0

    # --- Django's upload handler protocol ---------------------------------------------------

    def new_file(self, *args, **kwargs) -> None:
        super().new_file(*args, **kwargs)
        self._refusal = None
        if self.field_name == FIELD and not self.withheld:
            self._files += 1
            if self.busy:
                self._refusal = ("busy", ANOTHER_UPLOAD)
            elif self._files > self.limits.max_files:
                self._refusal = ("too_many", TOO_MANY)
        self._buffer = BytesIO() if self._refusal is None and self._wanted else None
        raise StopFutureHandlers()

    def receive_data_chunk(self, raw_data: bytes, start: int) -> None:
        self._bytes += len(raw_data)
        if self._buffer is None:
            return None  # dropped as it comes
        if start + len(raw_data) > self.limits.max_file_bytes:
            self._drop(("too_large", too_large_message(self.limits.max_file_bytes)))
        elif self._bytes > self.limits.max_batch_bytes:
            self._drop(("batch_too_large", BATCH_TOO_LARGE))
        else:
            self._buffer.write(raw_data)
        return None

    def file_complete(self, file_size: int) -> None:
        """Seal the file now; nothing of it is handed to the form (the view reads `received`)."""
        buffer, self._buffer = self._buffer, None
        if buffer is None:
            if self._refusal is not None:
                self.refused.append(Refused(self.file_name or "", *self._refusal))
            return None
        data = buffer.getvalue()  # the buffer's own bytes, not a copy
        del buffer
        try:
            self.received.append(self._seal(self.file_name or "", data))
        except UploadRejected as rejection:
            self.refused.append(Refused(self.file_name or "", rejection.code, rejection.message))
        except OSError:
            self.refused.append(Refused(self.file_name or "", "storage", STORAGE_FAILED))
        return None

    # --- What the view does with it ------------------------------------------------------------

    def keep(self, storage_names) -> None:
        """The blobs the vault recorded: they stay when the request ends."""
        self.kept.update(storage_names)

    def discard_unclaimed(self) -> None:
        sealed_files.discard(
            item.storage_name for item in self.received if item.storage_name not in self.kept
        )

    # --- Inner workings --------------------------------------------------------------------

    @property
    def _wanted(self) -> bool:
        return self.field_name == FIELD and not self.withheld

    def _drop(self, refusal: tuple[str, str | Promise]) -> None:
        self._buffer = None
        self._refusal = refusal

    def _seal(self, name: str, data: bytes) -> Received:
        """Check without decoding pixels, read the capture time, then encrypt and store."""
        limit = self.limits.max_file_bytes
        if data.startswith(PDF_MAGIC):
            pdf = sniff_pdf(data, max_bytes=limit)
            return Received(name, sealed_files.write(data), pdf=pdf)
        image = inspect_image(data, max_bytes=limit, max_pixels=self.limits.max_pixels)
        if self.pixels + image.pixels > self.limits.max_pending_pixels:
            raise UploadRejected("busy", STILL_PREPARING)
        capture = capture_time(name, data)
        stored = sealed_files.write(data)
        self.pixels += image.pixels
        return Received(name, stored, image=image, capture=capture)
