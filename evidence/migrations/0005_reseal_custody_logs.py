"""Existing custody logs sealed again in the new form (see evidence/vault/custody.py).

Before, a piece's values were kept in clear in its events, so that a deleted piece's
description, transcript and file names stayed in the log and in every later export; and the
chain was not signed, so that anyone able to write to the database could recompute it. Here
every existing piece gets its own seal, each event's values become commitments (a deleted
piece's with a seal that is thrown away: nothing of it can be read again), the chain is
computed again and signed, and a last event says so, with the head of the log it replaces.
Self-contained on purpose: a migration must not change when the app's code does.
"""

import datetime as dt
import hashlib
import json
import secrets

from django.db import migrations

GENESIS = "0" * 64
PIECE_ACTIONS_WITH_RECORD = ("piece_added",)


def _canonical(value) -> bytes:
    text = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return text.encode("utf-8")


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _commit(seal: str, field: str, value) -> str:
    return _sha256(seal.encode("ascii") + b"\x00" + field.encode("ascii") + b"\x00" + _canonical(value))


def _signer():
    from evidence.sealing.signing import keyring  # keys only, read from settings

    return keyring()


def _file_record(old: dict, seal: str, row) -> dict:
    position = old.get("position")
    return {
        "position": position,
        "name": _commit(seal, f"file{position}.name", old.get("name", "")),
        "sha256": old.get("sha256", ""),
        "size": old.get("size"),
        "mime_type": old.get("mime_type", ""),
        "received_at": old.get("received_at", ""),
        "display_sha256": row.display_sha256 if row is not None else "",
        "thumbnail_sha256": row.thumbnail_sha256 if row is not None else "",
    }


def reseal(apps, schema_editor):
    Dossier = apps.get_model("evidence", "Dossier")
    Piece = apps.get_model("evidence", "Piece")
    EvidenceFile = apps.get_model("evidence", "EvidenceFile")
    CustodyEvent = apps.get_model("evidence", "CustodyEvent")
    signer = None
    for dossier in Dossier.objects.all().iterator():
        events = list(CustodyEvent.objects.filter(dossier=dossier).order_by("seq"))
        if not events or all(event.signature for event in events):
            continue
        signer = signer or _signer()
        pieces = {piece.number: piece for piece in Piece.objects.filter(dossier=dossier)}
        for piece in pieces.values():
            piece.seal = secrets.token_hex(16)
            piece.save(update_fields=["seal"])
        files = {
            (file.piece.number, file.position): file
            for file in EvidenceFile.objects.filter(piece__dossier=dossier).select_related("piece")
        }
        thrown_away = {}  # deleted pieces: a seal nobody keeps

        def seal_of(number):
            if number in pieces:
                return pieces[number].seal
            return thrown_away.setdefault(number, secrets.token_hex(16))

        old_head = events[-1].hash
        prev = GENESIS
        for event in events:
            payload = dict(event.payload)
            number = payload.get("piece")
            action = payload.get("action")
            if action == "piece_added" and isinstance(payload.get("record"), dict):
                seal = seal_of(number)
                payload["record"] = {
                    field: _commit(seal, field, value) for field, value in payload["record"].items()
                }
            if action in ("piece_added", "files_added") and isinstance(payload.get("files"), list):
                seal = seal_of(number)
                payload["files"] = [
                    _file_record(old, seal, files.get((number, old.get("position"))))
                    for old in payload["files"]
                    if isinstance(old, dict)
                ]
            if action == "piece_edited" and isinstance(payload.get("changes"), dict):
                seal = seal_of(number)
                payload["changes"] = {
                    field: {
                        "old": _commit(seal, field, change.get("old")),
                        "new": _commit(seal, field, change.get("new")),
                    }
                    for field, change in payload["changes"].items()
                    if isinstance(change, dict)
                }
            digest = _sha256(prev.encode("ascii") + _canonical(payload))
            signature = signer.sign(digest.encode("ascii"))
            CustodyEvent.objects.filter(pk=event.pk).update(
                payload=payload,
                prev_hash=prev,
                hash=digest,
                key_id=signature.key_id,
                signature=signature.value,
            )
            prev = digest
        seq = events[-1].seq + 1
        payload = {
            "seq": seq,
            "at": dt.datetime.now(dt.UTC).isoformat(timespec="microseconds"),
            "action": "log_resealed",
            "by": {"user": "", "role": ""},
            "replaces_head": old_head,
            "events": len(events),
        }
        digest = _sha256(prev.encode("ascii") + _canonical(payload))
        signature = signer.sign(digest.encode("ascii"))
        CustodyEvent.objects.create(
            dossier=dossier,
            seq=seq,
            payload=payload,
            prev_hash=prev,
            hash=digest,
            key_id=signature.key_id,
            signature=signature.value,
        )


class Migration(migrations.Migration):
    dependencies = [("evidence", "0004_signed_custody_and_sealed_pieces")]

    operations = [migrations.RunPython(reseal, migrations.RunPython.noop)]


