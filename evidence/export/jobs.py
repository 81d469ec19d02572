"""Exporting a dossier: the PDF and the package for the police or the procureur, made in the
background (evidence.export.tasks) and stored encrypted until the person downloads them.

The order: collect the rows into plain data, render the PDF into a temporary file, write the
package (ZIP) straight into a sealed stream (it is never plain on disk), seal the PDF, both in
segments into the private storage, then, in one transaction with the dossier locked, append
the export to the custody log with both hashes and mark the export done. Progress is written
as it goes, for the page that polls it. Any failure deletes whatever was already stored and
says why, in words the person understands.

Memory stays flat whatever the number of pieces, but for WeasyPrint's layout (about 1 MB a
page): files are read one at a time, the PDF and the ZIP never sit whole in memory, and the
images wait on disk until they are drawn (see bench/export.py for the figures).

A worker can die mid-export (killed, its machine gone). The running export beats a heartbeat;
one silent for DEAD_AFTER is dead: put back in the queue once, then failed, with a message
and a retry button (revive_dead, which the export's page, the next export request and the
worker's periodic round call). The plain copies an export needs for a moment (the PDF, the
display images) live in a private folder (mode 0700) and are removed whatever happens; a
killed worker cannot remove its own, so the next worker on the machine does
(remove_abandoned_workspaces).
"""

from __future__ import annotations

import datetime as dt
import gc
import hashlib
import logging
import os
import shutil
import socket
import stat
import tempfile
import threading
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

from django.db import DatabaseError, IntegrityError, connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from evidence.export.attestation import server_attestation
from evidence.export.document.collect import collect
from evidence.export.document.data import DossierExport
from evidence.export.document.package import write_package
from evidence.export.document.render import write_dossier_pdf
from evidence.models import Dossier, Export, ExportStatus, ExportStep, Piece
from evidence.sealing import sealed_files
from evidence.vault import custody, derivatives
from evidence.vault.custody import Action

logger = logging.getLogger(__name__)

ACTIVE = (ExportStatus.QUEUED, ExportStatus.RUNNING)
# An export still waiting in the queue after this long was lost (no worker took it): it no
# longer blocks a new one, and is marked failed.
STALE_AFTER = dt.timedelta(hours=1)
# A running export's worker writes a heartbeat this often; silent for DEAD_AFTER, it is dead.
HEARTBEAT_EVERY = dt.timedelta(seconds=5)
DEAD_AFTER = dt.timedelta(seconds=30)
# A run whose worker died is tried again once; the second death fails the export.
MAX_ATTEMPTS = 2
# Where the plain copies of a running export wait (under the system's temporary folder: see
# README, "point TMPDIR at an encrypted disk"), and how their folders are named: by the pid of
# the worker, so that another worker can tell the folders of a dead one.
WORKSPACE = "supportsite-exports"
IMAGES_PREFIX = "export-images-"
# Packages weigh up to hundreds of MB: older finished exports are deleted beyond these.
KEPT_EXPORTS = 3
# A piece deleted while its dossier was being exported takes its files with it: the export
# then starts again from the dossier as it is now, this many times at most.
TRIES_WHEN_PIECES_GO = 3
# Progress (0–100) at the start of each step, in proportion to the time they take (about 85%
# of it is the PDF's, see bench/export.py); the PDF step advances with the pages laid out, the
# package step with the originals written.
PROGRESS = {
    ExportStep.COLLECT: 2,
    ExportStep.PDF: 5,
    ExportStep.PACKAGE: 85,
    ExportStep.SEALING: 97,
}
_MIN_PROGRESS_STEP = 2


class ExportFailed(Exception):
    def __init__(self, code: str, piece: int | None = None) -> None:
        super().__init__(code)
        self.code = code
        self.piece = piece


# --- Starting ------------------------------------------------------------------------------------


def request_export(dossier: Dossier, user, token: uuid.UUID) -> tuple[Export, bool]:
    """(the export, whether it is new). The same token twice, or an export already under way,
    gives the existing export: a double submit never starts two."""
    try:
        with transaction.atomic():
            locked = Dossier.objects.select_for_update().get(pk=dossier.pk)
            existing = locked.exports.filter(token=token).first()
            if existing is not None:
                return existing, False
            _fail_stale(locked.exports.all())
            running = locked.exports.filter(status__in=ACTIVE).first()
            if running is not None:
                return running, False
            return Export.objects.create(dossier=locked, requested_by=user, token=token), True
    except IntegrityError:  # the same token, sent twice at the same instant
        return Export.objects.get(dossier=dossier, token=token), False


def active_export(dossier: Dossier) -> Export | None:
    """The export under way, once lost ones are failed (call revive_dead first)."""
    return dossier.exports.filter(status__in=ACTIVE).first()


def mark_failed(export_id: uuid.UUID, code: str, piece: int | None = None) -> None:
    Export.objects.filter(pk=export_id).exclude(status=ExportStatus.DONE).update(
        status=ExportStatus.FAILED,
        step=ExportStep.FINISHED,
        error=code,
        error_piece=piece,
        finished_at=timezone.now(),
    )


def _fail_stale(exports) -> None:
    """Exports left waiting in the queue for STALE_AFTER (since asked for, or put back)."""
    before = timezone.now() - STALE_AFTER
    lost = exports.filter(status=ExportStatus.QUEUED).filter(
        Q(heartbeat_at__isnull=True, created_at__lt=before) | Q(heartbeat_at__lt=before)
    )
    for export_id in lost.values_list("pk", flat=True):
        mark_failed(export_id, "interrupted")


# --- Dead workers ----------------------------------------------------------------------------


def revive_dead(dossier: Dossier | None = None) -> list[uuid.UUID]:
    """Exports whose worker fell silent (no heartbeat for DEAD_AFTER) are put back in the
    queue, once; a second death fails them ("stopped"). Lost queued ones are failed too.
    Returns the exports put back: the caller queues them (evidence.export.tasks)."""
    dead_before = timezone.now() - DEAD_AFTER
    exports = Export.objects.all() if dossier is None else dossier.exports.all()
    _fail_stale(exports)
    dead = exports.filter(status=ExportStatus.RUNNING).filter(
        Q(heartbeat_at__lt=dead_before) | Q(heartbeat_at__isnull=True, started_at__lt=dead_before)
    )
    return _put_back(dead.values_list("pk", "attempts"))


def revive_orphans_of_this_host() -> list[uuid.UUID]:
    """Exports that a worker of this host was running, whose process is gone (killed): no need
    to wait for their heartbeat to age. For a worker starting up."""
    host = socket.gethostname()
    running = Export.objects.filter(status=ExportStatus.RUNNING, worker__startswith=f"{host}:")
    orphans = [
        (export_id, attempts)
        for export_id, attempts, worker in running.values_list("pk", "attempts", "worker")
        if not _process_exists(_pid_of(worker.rpartition(":")[2]))
    ]
    return _put_back(orphans)


def _put_back(dead) -> list[uuid.UUID]:
    """Each (export, attempt) back in the queue if it may be tried again, else failed. The
    attempt is in each update: if two pages notice the same death, one of them acts."""
    now = timezone.now()
    requeued = []
    for export_id, attempts in dead:
        this_run = Export.objects.filter(
            pk=export_id, status=ExportStatus.RUNNING, attempts=attempts
        )
        if attempts < MAX_ATTEMPTS:
            back = this_run.update(
                status=ExportStatus.QUEUED,
                step=ExportStep.WAITING,
                progress=0,
                heartbeat_at=now,
                worker="",
            )
            if back:
                logger.warning("export %s: its worker died, put back in the queue", export_id)
                requeued.append(export_id)
        elif this_run.update(
            status=ExportStatus.FAILED,
            step=ExportStep.FINISHED,
            error="stopped",
            finished_at=now,
        ):
            logger.warning("export %s: its worker died again, the export failed", export_id)
    return requeued


def record_download(export: Export, user, what: str) -> None:
    """The PDF or the package leaving the vault is an event of the dossier's custody."""
    digest = export.pdf_sha256 if what == "pdf" else export.package_sha256
    with transaction.atomic():
        dossier = Dossier.objects.select_for_update().get(pk=export.dossier_id)
        custody.append(
            dossier,
            Action.EXPORT_DOWNLOADED,
            timezone.now(),
            by=custody.actor(user, dossier.role),
            export=str(export.pk),
            what=what,
            sha256=digest,
        )


def delete_export(export: Export, user) -> None:
    """Delete an export and its files for good: the person has downloaded them, or does not
    want them kept. The custody log keeps the fingerprints of what was deleted. An export
    still under way stops there: its worker finds it gone and discards what it made
    (see _finish)."""
    with transaction.atomic():
        dossier = Dossier.objects.select_for_update().get(pk=export.dossier_id)
        locked = Export.objects.select_for_update().filter(pk=export.pk).first()
        if locked is None:  # deleted meanwhile (a double submit)
            return
        names = locked.blob_names()
        made = {
            what: {"sha256": digest}
            for what, digest in (("pdf", locked.pdf_sha256), ("package", locked.package_sha256))
            if digest
        }
        custody.append(
            dossier,
            Action.EXPORT_DELETED,
            timezone.now(),
            by=custody.actor(user, dossier.role),
            export=str(locked.pk),
            status=locked.status,
            **made,
        )
        locked.delete()
        transaction.on_commit(lambda: sealed_files.discard(names))


# --- Running -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Run:
    """One attempt at an export: every write of the run names it, so that a run given up for
    dead (and perhaps run again elsewhere) changes nothing if it comes back to life."""

    export_id: uuid.UUID
    attempt: int

    def rows(self):
        return Export.objects.filter(
            pk=self.export_id, attempts=self.attempt, status=ExportStatus.RUNNING
        )

    def update(self, **values) -> int:
        return self.rows().update(heartbeat_at=timezone.now(), **values)


def this_worker() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def run_export(export_id: uuid.UUID | str) -> Export | None:
    """Make and store the export's PDF and package. Runs once per attempt: an export that is
    not queued (already run, failed, running elsewhere, or gone with its dossier) is left as
    it is."""
    now = timezone.now()
    claimed = Export.objects.filter(pk=export_id, status=ExportStatus.QUEUED).update(
        status=ExportStatus.RUNNING,
        step=ExportStep.COLLECT,
        progress=PROGRESS[ExportStep.COLLECT],
        started_at=now,
        heartbeat_at=now,
        attempts=F("attempts") + 1,
        worker=this_worker(),
    )
    if not claimed:
        return Export.objects.filter(pk=export_id).first()
    export = Export.objects.select_related("dossier", "requested_by").get(pk=export_id)
    run = _Run(export.pk, export.attempts)
    with _heartbeat(run):
        for attempt in range(1, TRIES_WHEN_PIECES_GO + 1):
            written: list[str] = []
            try:
                _make(export, run, written)
            except ExportFailed as failure:
                sealed_files.discard(written)
                if attempt < TRIES_WHEN_PIECES_GO and _deleted_meanwhile(export, failure):
                    continue
                _fail(run, failure.code, failure.piece)
            except Exception:
                logger.exception("export %s of dossier %s failed", export.pk, export.dossier_id)
                sealed_files.discard(written)
                _fail(run, "unknown")
            break
    return Export.objects.filter(pk=export_id).first()


def _deleted_meanwhile(export: Export, failure: ExportFailed) -> bool:
    """A file was missing because its piece has been deleted since the export read the
    dossier (the person may delete pieces while it runs), not because it was lost."""
    return (
        failure.code == "file"
        and failure.piece is not None
        and not Piece.objects.filter(dossier_id=export.dossier_id, number=failure.piece).exists()
    )


def _snapshot(export: Export) -> DossierExport:
    """The dossier's rows as they are at one instant. Its row is locked while they are read,
    as every change to its pieces and log locks it first (evidence.vault.services): no piece
    nor event can come or go between reading the pieces and reading the custody log, which
    would make a package that contradicts its own log."""
    with transaction.atomic():
        dossier = Dossier.objects.select_for_update().filter(pk=export.dossier_id).first()
        if dossier is None:
            raise ExportFailed("gone")  # erased meanwhile; the export went with it
        return collect(dossier, now=timezone.now())


def _fail(run: _Run, code: str, piece: int | None = None) -> None:
    run.rows().update(
        status=ExportStatus.FAILED,
        step=ExportStep.FINISHED,
        error=code,
        error_piece=piece,
        finished_at=timezone.now(),
    )


@contextmanager
def _heartbeat(run: _Run) -> Iterator[None]:
    """Beat every HEARTBEAT_EVERY while the run lasts, from a thread of its own: the layout of a
    big PDF can keep the progress still for longer than DEAD_AFTER."""
    stop = threading.Event()

    def beat() -> None:
        try:
            while not stop.wait(HEARTBEAT_EVERY.total_seconds()):
                try:
                    run.update()
                except DatabaseError:  # a busy database: the next beat will do
                    logger.warning("export %s: a heartbeat was not written", run.export_id)
        finally:
            connection.close()  # this thread's own connection

    thread = threading.Thread(target=beat, name=f"heartbeat-{run.export_id}", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()


def _make(export: Export, run: _Run, written: list[str]) -> None:
    dossier = export.dossier
    derivatives.make_pending(dossier)  # the PDF shows every image: none may still be waiting
    data = _snapshot(export)
    progress = _Progress(run)

    progress.step(ExportStep.PDF)
    with (
        _private_workspace() as workspace,
        tempfile.TemporaryFile(dir=workspace) as pdf,
        tempfile.TemporaryDirectory(
            prefix=f"{IMAGES_PREFIX}{os.getpid()}-", dir=workspace
        ) as images,
    ):
        # Plain copies live only here: the PDF (a file without a name, gone with the process
        # even if it is killed) and the display images waiting to be drawn (removed when the
        # export ends; after a kill, by the next worker). The package is never plain on
        # disk: it is sealed as it is written.
        with _pages_reported(progress, _expected_pages(data)):
            fetcher = write_dossier_pdf(_watched(data, progress), pdf, image_folder=images)
        gc.collect()  # the layout of hundreds of pages: give its memory back before the ZIP
        if progress.failures:  # WeasyPrint leaves out an image it cannot load: we do not
            raise progress.failures[0]
        if fetcher.refused:
            logger.warning("export %s: %d URLs refused in the PDF", export.pk, len(fetcher.refused))
        pdf_size = pdf.tell()
        pdf.seek(0)
        pdf_sha256 = hashlib.file_digest(pdf, "sha256").hexdigest()

        progress.step(ExportStep.PACKAGE)
        originals = sum(1 for piece in data.pieces for file in piece.files if file.original)
        progress.expect(originals, until=PROGRESS[ExportStep.SEALING])
        try:
            with sealed_files.sealing(written) as (package_name, sealed):
                package = write_package(
                    _watched(data, progress), pdf, sealed, attestation=server_attestation()
                )
            # The PDF is sealed in segments too: that of a big dossier weighs tens of MB.
            progress.step(ExportStep.SEALING)
            pdf.seek(0)
            pdf_name = sealed_files.write_stream(pdf, written)
        except OSError as error:
            raise ExportFailed("storage") from error
    _finish(
        export,
        run,
        data,
        pdf={"name": pdf_name, "sha256": pdf_sha256, "size": pdf_size},
        package={"name": package_name, "sha256": package.sha256, "size": package.size},
    )


def _finish(export: Export, run: _Run, data: DossierExport, *, pdf: dict, package: dict) -> None:
    """Log the export in the custody chain and mark it done, or give up if the dossier (or the
    export) was erased meanwhile, or this run was given up for dead: then the blobs just
    stored go too."""
    finished_at = timezone.now()
    with transaction.atomic():
        dossier = Dossier.objects.select_for_update().filter(pk=export.dossier_id).first()
        if dossier is None or not run.rows().select_for_update().exists():
            transaction.on_commit(lambda: sealed_files.discard([pdf["name"], package["name"]]))
            return
        custody.append(
            dossier,
            Action.DOSSIER_EXPORTED,
            finished_at,
            by=custody.actor(export.requested_by, dossier.role),
            export=str(export.pk),
            reference=data.reference,
            pieces=[piece.number for piece in data.pieces],
            custody_head=data.custody_head,
            pdf={"sha256": pdf["sha256"], "size": pdf["size"]},
            package={"sha256": package["sha256"], "size": package["size"]},
        )
        run.update(
            status=ExportStatus.DONE,
            step=ExportStep.FINISHED,
            progress=100,
            finished_at=finished_at,
            pieces=len(data.pieces),
            pdf_name=pdf["name"],
            pdf_sha256=pdf["sha256"],
            pdf_size=pdf["size"],
            package_name=package["name"],
            package_sha256=package["sha256"],
            package_size=package["size"],
        )
        old = list(
            dossier.exports.filter(status__in=(ExportStatus.DONE, ExportStatus.FAILED))
            .exclude(pk=export.pk)
            .order_by("-created_at")[KEPT_EXPORTS - 1 :]
        )
        names = [name for item in old for name in item.blob_names()]
        Export.objects.filter(pk__in=[item.pk for item in old]).delete()
        transaction.on_commit(lambda: sealed_files.discard(names))


# --- The private workspace -------------------------------------------------------------------


def workspace_root() -> Path:
    return Path(tempfile.gettempdir()) / WORKSPACE


@contextmanager
def _private_workspace() -> Iterator[str]:
    """The folder where an export's plain copies wait: ours alone (mode 0700), never a folder
    someone else made or could read."""
    root = workspace_root()
    root.mkdir(mode=0o700, exist_ok=True)
    found = root.lstat()
    if not stat.S_ISDIR(found.st_mode) or found.st_uid != os.getuid():
        raise ExportFailed("storage") from OSError(f"{root} is not a folder of ours")
    if stat.S_IMODE(found.st_mode) != 0o700:
        root.chmod(0o700)
    yield str(root)


def remove_abandoned_workspaces() -> list[str]:
    """Remove the image folders of exports whose worker is gone (a killed process cleans
    nothing up): the folder's name holds its worker's pid. Returns the folders removed."""
    root = workspace_root()
    if not root.is_dir():
        return []
    removed = []
    for folder in root.glob(f"{IMAGES_PREFIX}*"):
        pid = _pid_of(folder.name.removeprefix(IMAGES_PREFIX).partition("-")[0])
        if pid == os.getpid() or _process_exists(pid):
            continue
        shutil.rmtree(folder, ignore_errors=True)
        removed.append(folder.name)
    if removed:
        logger.warning("removed %d image folders of exports whose worker died", len(removed))
    return removed


def _pid_of(text: str) -> int:
    return int(text) if text.isdigit() else 0


def _process_exists(pid: int) -> bool:
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)  # no signal sent: only asks whether the process exists
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process
        return True
    return True


# --- Progress, and the file loaders that report it -------------------------------------------


class _Progress:
    """Writes the export's step and percentage, at most every few percent (each write is a
    heartbeat too)."""

    def __init__(self, run: _Run) -> None:
        self.run = run
        self.value = PROGRESS[ExportStep.COLLECT]
        self.start = self.value
        self.until = self.value
        self.total = 0
        self.done = 0
        self.failures: list[ExportFailed] = []

    def step(self, step: str) -> None:
        self.value = PROGRESS[step]
        self.run.update(step=step, progress=self.value)

    def expect(self, total: int, *, until: int) -> None:
        self.start, self.until, self.total, self.done = self.value, until, total, 0

    def failed(self, piece: int) -> ExportFailed:
        failure = ExportFailed("file", piece)
        self.failures.append(failure)
        return failure

    def set(self, value: int) -> None:
        if value - self.value >= _MIN_PROGRESS_STEP:
            self.value = value
            self.run.update(progress=value)

    def tick(self) -> None:
        self.done += 1
        if not self.total:
            return
        self.set(self.start + (self.until - self.start) * min(self.done, self.total) // self.total)


def _expected_pages(data: DossierExport) -> int:
    """About how many pages the PDF has: the cover and chapters, a page per piece, the tables."""
    files = sum(len(piece.files) for piece in data.pieces)
    rows = len(data.pieces) + len(data.free_entries)
    return 9 + len(data.pieces) + files // 30 + rows // 20


class _PageReporter(logging.Handler):
    """WeasyPrint names each page it lays out on its progress logger ("weasyprint.progress"):
    the PDF step's progress, for the export running in this thread."""

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.current = threading.local()

    def emit(self, record: logging.LogRecord) -> None:
        watching = getattr(self.current, "watching", None)
        if watching is None or not isinstance(record.msg, str):
            return
        progress, pages = watching
        start, end = PROGRESS[ExportStep.PDF], PROGRESS[ExportStep.PACKAGE]
        laid_out = start + (end - start) * 4 // 5  # drawing the PDF takes the last fifth
        if record.msg.startswith("Step 5") and record.args:
            page = record.args[0] if isinstance(record.args[0], int) else 0
            progress.set(min(start + (laid_out - start) * page // pages, laid_out))
        elif record.msg.startswith("Step 6"):
            progress.set(laid_out)


_page_reporter = _PageReporter()
_progress_logger = logging.getLogger("weasyprint.progress")
_progress_logger.addHandler(_page_reporter)
_progress_logger.setLevel(logging.INFO)
_progress_logger.propagate = False  # a line per page is for the progress bar, not the log


@contextmanager
def _pages_reported(progress: _Progress, pages: int) -> Iterator[None]:
    _page_reporter.current.watching = (progress, max(pages, 1))
    try:
        yield
    finally:
        _page_reporter.current.watching = None


def _watched(data: DossierExport, progress: _Progress) -> DossierExport:
    """The same dossier, its loaders reporting progress, checking each original against the
    fingerprint taken on arrival, and naming the piece when a blob is altered or gone."""
    pieces = []
    for piece in data.pieces:
        files = tuple(
            replace(
                file,
                display=(
                    _loader(file.display, piece.number, progress, count=False)
                    if file.display
                    else None
                ),
                original=(
                    _loader(file.original, piece.number, progress, expected=file.sha256)
                    if file.original
                    else None
                ),
            )
            for file in piece.files
        )
        pieces.append(replace(piece, files=files))
    return replace(data, pieces=tuple(pieces))


def _loader(
    load: Callable[[], bytes],
    number: int,
    progress: _Progress,
    *,
    expected: str = "",
    count: bool = True,
) -> Callable[[], bytes]:
    def watched() -> bytes:
        try:
            data = load()
        except (FileNotFoundError, sealed_files.DecryptionError) as error:
            raise progress.failed(number) from error
        if expected and hashlib.sha256(data).hexdigest() != expected:
            raise progress.failed(number)
        if count:
            progress.tick()
        return data

    return watched
