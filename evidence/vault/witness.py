"""The custody log's head, recorded outside the database at every event.

A hash chain shows a changed or removed event in its middle, but not its last events cut off:
someone who can write to the database could delete the last event (or the last piece with its
event) and the chain would still link. So once an event is committed, its number, hash and
signature are also written to the private storage, one small object per event
(`custody-heads/<dossier>/<seq>`): nothing there is secret, and it is not in the database.
`verification.verify` compares the log with what was recorded here.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.db import transaction

FOLDER = "custody-heads"
logger = logging.getLogger(__name__)


def _storage():
    return storages["default"]


def _folder(dossier_id) -> str:
    return f"{FOLDER}/{dossier_id}"


def record(dossier_id, seq: int, digest: str, key_id: str, signature: str) -> None:
    name = f"{_folder(dossier_id)}/{seq:08d}"
    body = {"seq": seq, "hash": digest, "key_id": key_id, "signature": signature}
    storage = _storage()
    if storage.exists(name):
        storage.delete(name)
    storage.save(name, ContentFile(json.dumps(body).encode("utf-8")))


def record_on_commit(event) -> None:
    """Record the event's head once the transaction that appends it has committed."""
    values = (event.dossier_id, event.seq, event.hash, event.key_id, event.signature)

    def write() -> None:
        try:
            record(*values)
        except OSError:  # the event stands; verify says it was never recorded outside
            logger.exception("could not record the custody head %s/%s", *values[:2])

    transaction.on_commit(write)


def recorded(dossier_id) -> dict[int, dict[str, Any]]:
    """{seq: {seq, hash, key_id, signature}} of every head recorded for the dossier."""
    storage = _storage()
    try:
        _folders, names = storage.listdir(_folder(dossier_id))
    except FileNotFoundError:
        return {}
    found = {}
    for name in names:
        try:
            with storage.open(f"{_folder(dossier_id)}/{name}", "rb") as blob:
                body = json.loads(blob.read())
            found[int(body["seq"])] = body
        except (OSError, ValueError, KeyError, TypeError):
            found[-1] = {"unreadable": name}
    return found


def forget(dossier_id) -> None:
    """Erasure erases: the recorded heads of an erased dossier go too."""
    storage = _storage()
    try:
        _folders, names = storage.listdir(_folder(dossier_id))
    except FileNotFoundError:
        return
    for name in names:
        storage.delete(f"{_folder(dossier_id)}/{name}")
