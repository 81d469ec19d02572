"""The text of a screenshot, read by the task worker once its derivatives are made (OCR).

`make_derivatives` enqueues `read_text` for each image it has made ready: a follow-up task, so
that the display copies of a whole batch come first (their tasks were queued before) and the
review list shows thumbnails while the texts are still being read. `read_for` decrypts the
sealed original (checked against its fingerprint), reads it with evidence.intake.ocr
(Tesseract, French and English, in memory), stores the text encrypted on the file's row and
seals it in the custody log as a commitment (a "text_read" event by the server), so that an
altered text is reported like an altered file (evidence/vault/verification.py, and the package
checker through the manifest).

The text is a help, never evidence of its own: the pages and the PDF say it was read
automatically and must be checked against the image; what it suggests (authors, platform,
dates, evidence.intake.ocr.suggest) is offered to the person, never filled in.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from evidence.intake import ocr
from evidence.intake.images import ImageRejected
from evidence.models import Derivatives, Dossier, EvidenceFile, TextReading
from evidence.vault import custody, originals
from evidence.vault.custody import Action
from evidence.vault.integrity import ocr_text_commitment

logger = logging.getLogger(__name__)
SERVER = {"user": "", "role": "server"}
STALE_AFTER = dt.timedelta(minutes=10)
STALE_BATCH = 20


@task()
def read_text(file_id: str) -> str:
    """The worker's task (see read_for); returns what became of the file."""
    return read_for(uuid.UUID(file_id))


def enqueue(file: EvidenceFile) -> None:
    read_text.enqueue(str(file.pk))


def read_for(file_id: uuid.UUID) -> str:
    """Read and seal the text of one image: "done", "failed", or "skipped" when there is
    nothing to do (already read, not to be read, or the file was deleted meanwhile)."""
    file = originals.wait_for_row(file_id)
    if file is None or file.ocr != TextReading.PENDING:
        return "skipped"
    data = originals.verified(file, "its text is not read")
    if data is None:
        return _mark_failed(file_id)
    try:
        transcript = ocr.transcribe(data, file_name=file.original_name)
    except ImageRejected:
        return _mark_failed(file_id)
    except ocr.OcrUnavailable as error:
        logger.error("no text read for file %s: %s", file_id, error)
        return _mark_failed(file_id)
    return "done" if _record(file_id, transcript) else "skipped"


def read_stale(now: dt.datetime | None = None) -> int:
    """Read the images still waiting STALE_AFTER after they arrived whose derivatives are done,
    at most STALE_BATCH at a time: their task was lost (a worker killed while running it, a
    queue emptied). How many were tried."""
    before = (now or timezone.now()) - STALE_AFTER
    stale = EvidenceFile.objects.filter(ocr=TextReading.PENDING, received_at__lt=before).exclude(
        derivatives=Derivatives.PENDING
    )
    tried = list(stale.order_by("received_at").values_list("pk", flat=True)[:STALE_BATCH])
    for file_id in tried:
        read_for(file_id)
    return len(tried)


def _record(file_id: uuid.UUID, transcript: ocr.Transcript) -> bool:
    """Store the text on the row and seal it in the custody log, or False when the file went
    (its piece deleted) or was read by another worker meanwhile."""
    with transaction.atomic():
        found = EvidenceFile.objects.filter(pk=file_id).values("piece__dossier_id").first()
        if found is None:
            return False
        dossier = Dossier.objects.select_for_update().get(pk=found["piece__dossier_id"])
        file = (
            EvidenceFile.objects.select_for_update()
            .select_related("piece")
            .filter(pk=file_id, ocr=TextReading.PENDING)
            .first()
        )
        if file is None:
            return False
        file.ocr_text = transcript.text
        file.ocr_confidence = transcript.confidence
        file.ocr_read_at = timezone.now()
        file.ocr = TextReading.DONE
        file.save(update_fields=["ocr_text", "ocr_confidence", "ocr_read_at", "ocr"])
        custody.append(
            dossier,
            Action.TEXT_READ,
            file.ocr_read_at,
            by=SERVER,
            piece=file.piece.number,
            files=[
                {
                    "position": file.position,
                    "ocr_text": ocr_text_commitment(file.piece.seal, file.position, file.ocr_text),
                }
            ],
        )
    return True


def _mark_failed(file_id: uuid.UUID) -> str:
    EvidenceFile.objects.filter(pk=file_id, ocr=TextReading.PENDING).update(ocr=TextReading.FAILED)
    return "failed"
