"""An evidence file's original as the task worker reads it: its row, waited for a moment, and
its sealed bytes, checked against their fingerprint (evidence/vault/derivatives.py and
evidence/vault/text_reading.py both start from it)."""

from __future__ import annotations

import hashlib
import logging
import time
import uuid

from evidence.models import EvidenceFile
from evidence.sealing import sealed_files

logger = logging.getLogger(__name__)

ROW_WAITS = 20  # × 0.1 s: a task run by another queue a moment before its row is committed


def wait_for_row(file_id: uuid.UUID) -> EvidenceFile | None:
    """The file's row, waited for a moment: a task may run before its row is committed."""
    for _attempt in range(ROW_WAITS):
        file = EvidenceFile.objects.select_related("piece").filter(pk=file_id).first()
        if file is not None:
            return file
        time.sleep(0.1)
    return None


def verified(file: EvidenceFile, otherwise: str) -> bytes | None:
    """The file's original, opened and checked against its fingerprint; None (logged, with
    what will not be done) when it no longer opens or no longer matches."""
    try:
        data = sealed_files.read(file.storage_name)
    except (FileNotFoundError, sealed_files.DecryptionError):
        logger.error("the original of file %s no longer opens: %s", file.pk, otherwise)
        return None
    if hashlib.sha256(data).hexdigest() != file.sha256:
        logger.error("the original of file %s no longer matches its fingerprint", file.pk)
        return None
    return data
