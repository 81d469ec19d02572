"""An image's display copy and thumbnail, made by the task worker once its original is sealed.

Decoding a phone's screenshot and resizing it costs a web request up to seconds and hundreds of
MB (a 154 KB PNG of 6300×6300 pixels: 1.4 s and 492 MB); a request only inspects the image
(evidence.intake.images.inspect_image), seals the original and enqueues `make_derivatives`,
which decodes the sealed original (checked against its fingerprint first), seals both
derivatives and records their fingerprints in the custody log (a "derivatives made" event by
the server). An image whose pixels turn out not to decode (a truncated file passes inspection)
keeps its original, marked as unreadable: the piece's page says so. A screenshot made ready
then has its text read, by a follow-up task (evidence/vault/text_reading.py).

The task is enqueued inside the transaction that creates the file's row: with the database
queue it is committed with it, and a queue that does not share the transaction (Redis) may run
it a moment before the commit, hence the short wait for the row.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import uuid

from django.db import transaction
from django.db.models import F, Sum
from django.utils import timezone
from django_tasks import task

from evidence.intake import images
from evidence.models import Derivatives, Dossier, EvidenceFile, TextReading
from evidence.sealing import sealed_files
from evidence.vault import custody, originals, text_reading
from evidence.vault.custody import Action

logger = logging.getLogger(__name__)
SERVER = {"user": "", "role": "server"}


@task()
def make_derivatives(file_id: str) -> str:
    """The worker's task (see make_for); returns what became of the file."""
    return make_for(uuid.UUID(file_id))


def enqueue(file: EvidenceFile) -> None:
    make_derivatives.enqueue(str(file.pk))


def make_for(file_id: uuid.UUID) -> str:
    """Make and seal the derivatives of one image: "ready", "failed", or "skipped" when there
    is nothing to do (already made, or the file was deleted meanwhile)."""
    file = originals.wait_for_row(file_id)
    if file is None or file.derivatives != Derivatives.PENDING:
        return "skipped"
    data = originals.verified(file, "no derivatives")
    if data is None:
        return _mark_failed(file_id)
    try:
        made = images.make_derivatives(data, format=file.image_format)
    except images.ImageRejected:
        return _mark_failed(file_id)
    written: list[str] = []
    try:
        display = _store(made.display, written)
        thumbnail = _store(made.thumbnail, written)
        if not _record(file_id, made, display, thumbnail):
            sealed_files.discard(written)
            return "skipped"
    except BaseException:
        sealed_files.discard(written)
        raise
    if file.ocr == TextReading.PENDING:
        text_reading.enqueue(file)  # its text next, once every image queued before is shown
    return "ready"


def make_pending(dossier: Dossier) -> None:
    """Make every derivative still pending in the dossier, now (the export needs them)."""
    pending = EvidenceFile.objects.filter(
        piece__dossier=dossier, derivatives=Derivatives.PENDING
    ).values_list("pk", flat=True)
    for file_id in list(pending):
        make_for(file_id)


def pending_pixels(owner) -> int:
    """Pixels of this person's images still waiting for the worker: what their uploads have
    asked the worker to decode and not yet been given (the per-account budget)."""
    total = EvidenceFile.objects.filter(
        piece__dossier__owner=owner, derivatives=Derivatives.PENDING
    ).aggregate(pixels=Sum(F("width") * F("height")))["pixels"]
    return total or 0


def _store(data: bytes, written: list[str]) -> str:
    name = sealed_files.write(data)
    written.append(name)
    return name


def _record(file_id: uuid.UUID, made: images.Derivatives, display: str, thumbnail: str) -> bool:
    """Point the row at the derivatives and seal their fingerprints in the custody log, or
    False when the file went (its piece deleted) or was done by another worker meanwhile."""
    display_sha256 = hashlib.sha256(made.display).hexdigest()
    thumbnail_sha256 = hashlib.sha256(made.thumbnail).hexdigest()
    with transaction.atomic():
        found = EvidenceFile.objects.filter(pk=file_id).values("piece__dossier_id").first()
        if found is None:
            return False
        dossier = Dossier.objects.select_for_update().get(pk=found["piece__dossier_id"])
        file = (
            EvidenceFile.objects.select_for_update()
            .select_related("piece")
            .filter(pk=file_id, derivatives=Derivatives.PENDING)
            .first()
        )
        if file is None:
            return False
        file.display_name, file.display_sha256 = display, display_sha256
        file.display_width, file.display_height = made.display_width, made.display_height
        file.thumbnail_name, file.thumbnail_sha256 = thumbnail, thumbnail_sha256
        file.thumbnail_width, file.thumbnail_height = made.thumbnail_width, made.thumbnail_height
        file.derivatives = Derivatives.READY
        file.save()
        custody.append(
            dossier,
            Action.DERIVATIVES_MADE,
            timezone.now(),
            by=SERVER,
            piece=file.piece.number,
            files=[
                {
                    "position": file.position,
                    "display_sha256": display_sha256,
                    "thumbnail_sha256": thumbnail_sha256,
                }
            ],
        )
    return True


def _mark_failed(file_id: uuid.UUID) -> str:
    """Its pixels do not decode, nor does its text then: both are marked so."""
    EvidenceFile.objects.filter(pk=file_id, derivatives=Derivatives.PENDING).update(
        derivatives=Derivatives.FAILED
    )
    EvidenceFile.objects.filter(pk=file_id, ocr=TextReading.PENDING).update(ocr=TextReading.FAILED)
    return "failed"


STALE_AFTER = dt.timedelta(minutes=10)
STALE_BATCH = 20


def make_stale(now: dt.datetime | None = None) -> int:
    """Make the derivatives of images still pending STALE_AFTER after they arrived, at most
    STALE_BATCH at a time: their task was lost (a worker killed while running it, a queue
    emptied). How many were tried."""
    before = (now or timezone.now()) - STALE_AFTER
    stale = EvidenceFile.objects.filter(derivatives=Derivatives.PENDING, received_at__lt=before)
    tried = list(stale.order_by("received_at").values_list("pk", flat=True)[:STALE_BATCH])
    for file_id in tried:
        make_for(file_id)
    return len(tried)
