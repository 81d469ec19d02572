"""The custody log of a dossier: appending events, and what each event seals.

An event's payload holds its own `seq` and server time (`at`, UTC), the `action`, who acted,
and the values concerned: the record of a piece when it is added, old and new values when it
is edited, the fingerprints of its files when it is deleted, the commitment of the text the
worker read in an image ("text_read"). Replaying the payloads gives what the dossier's rows
must hold now, which is how `verification.verify` notices a row changed behind the log's back.
Appending must happen inside the transaction that locked the dossier.

A piece's values are sealed as *commitments*, never in clear: SHA-256 of the piece's own random
seal, the field's name and its value. The rows (and an export's manifest, which gives the seal)
open them; once a piece is deleted, its row and seal go and the log keeps only what the delete
page promises: the number, the files' fingerprints and the times. Files are sealed with their
fingerprints, size, type, receipt time and derivatives' fingerprints in clear, their original
name as a commitment.

Who acted (`by`) is {user, role}: the account's pseudonym and its role for the dossier (the
person targeted, a parent, a trusted helper), with `"helper": true` when a helper acted (their
role is then the one the owner gave them), or {role: "recipient", share} for the recipient of
a read-only share, who has no account.

Each event's hash is signed with the server's key (evidence.sealing.signing), and once the
transaction commits, the new head is recorded outside the database (evidence.vault.witness).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.contrib.auth import get_user_model
from django.db import models
from django.utils.translation import gettext_lazy as _

from evidence.models import CustodyEvent, Dossier, EvidenceFile, Helper, Piece, TextReading
from evidence.sealing import signing
from evidence.vault import witness
from evidence.vault.integrity import GENESIS, commitment, event_hash, sealed_file


class Action(models.TextChoices):
    DOSSIER_CREATED = "dossier_created", _("Dossier created")
    DOSSIER_EDITED = "dossier_edited", _("Dossier changed")
    PIECE_ADDED = "piece_added", _("Piece added")
    FILES_ADDED = "files_added", _("Files added to a piece")
    PIECE_EDITED = "piece_edited", _("Piece details changed")
    PIECE_DELETED = "piece_deleted", _("Piece deleted")
    EXPORTED = "exported", _("Original downloaded")
    DOSSIER_EXPORTED = "dossier_exported", _("Dossier exported (PDF and package)")
    EXPORT_DOWNLOADED = "export_downloaded", _("Exported dossier downloaded")
    EXPORT_DELETED = "export_deleted", _("Exported dossier deleted from the vault")
    SHARED = "shared", _("Shared")  # reserved in early logs; sharing uses the actions below
    LOG_RESEALED = "log_resealed", _("Custody log sealed again: values as commitments, signed")
    DERIVATIVES_MADE = "derivatives_made", _("Display copy and thumbnail made")
    TEXT_READ = "text_read", _("Text read automatically in the image")
    # The chronology and the complaint (their values are encrypted rows: only who and when).
    NOTE_ADDED = "note_added", _("Chronology entry added")
    NOTE_EDITED = "note_edited", _("Chronology entry changed")
    NOTE_DELETED = "note_deleted", _("Chronology entry deleted")
    COMPLAINT_EDITED = "complaint_edited", _("Complaint changed")
    # Helpers (evidence/sharing/invitations.py) and read-only shares (shares.py).
    INVITATION_MADE = "invitation_made", _("Helper invited")
    INVITATION_WITHDRAWN = "invitation_withdrawn", _("Invitation withdrawn")
    HELPER_JOINED = "helper_joined", _("Helper joined the dossier")
    HELPER_CHANGED = "helper_changed", _("What a helper may do was changed")
    HELPER_REMOVED = "helper_removed", _("Helper removed from the dossier")
    HELPER_LEFT = "helper_left", _("Helper left the dossier")
    SHARE_MADE = "share_made", _("Read-only share made")
    SHARE_REVOKED = "share_revoked", _("Read-only share revoked")
    SHARE_OPENED = "share_opened", _("Read-only share opened with its code")
    SHARE_DOWNLOADED = "share_downloaded", _("Downloaded through a read-only share")


DOSSIER_FIELDS = ("title", "concerns", "person_name", "person_age_band", "role", "facts")
PIECE_FIELDS = (
    "kind", "title", "platform", "url", "author_displayed", "author_profile_url", "target",
    "published_raw", "published_is_absolute", "published_date", "published_time",
    "captured_at", "added_by_role", "description", "transcript", "context", "sensitivity",
    "intimate_consent", "files_withheld",
    "reported_to_platform", "reported_to_platform_on", "platform_reference",
    "reported_to_pharos", "reported_to_pharos_on", "pharos_reference",
    "reported_to_3018", "reported_to_3018_on", "reference_3018",
    "still_online", "removed", "provenance",
)  # fmt: skip


def utc_iso(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).isoformat(timespec="microseconds")


def sealed_value(value: Any) -> Any:
    """A value as the log keeps it: JSON types only, dates in ISO 8601, datetimes in UTC."""
    if isinstance(value, dt.datetime):
        return utc_iso(value)
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return value


def dossier_record(dossier: Dossier) -> dict[str, Any]:
    return {field: sealed_value(getattr(dossier, field)) for field in DOSSIER_FIELDS}


def piece_values(piece: Piece) -> dict[str, Any]:
    """The piece's values as sealed (JSON types), in clear: what an export's manifest opens."""
    return {field: sealed_value(getattr(piece, field)) for field in PIECE_FIELDS}


def piece_record(piece: Piece) -> dict[str, str]:
    return {
        field: commitment(piece.seal, field, value) for field, value in piece_values(piece).items()
    }


def file_record(file: EvidenceFile, seal: str) -> dict[str, Any]:
    return sealed_file(
        seal,
        position=file.position,
        name=file.original_name,
        sha256=file.sha256,
        size=file.size,
        mime_type=file.mime_type,
        received_at=utc_iso(file.received_at),
        display_sha256=file.display_sha256,
        thumbnail_sha256=file.thumbnail_sha256,
        ocr_text=(file.ocr_text or "") if file.ocr == TextReading.DONE else None,
    )


def changes(before: dict[str, Any], after: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """{field: {"old": …, "new": …}} for every field whose sealed value changed."""
    return {
        field: {"old": before.get(field), "new": value}
        for field, value in after.items()
        if before.get(field) != value
    }


def actor(user, role: str) -> dict[str, str]:
    return {"user": user.get_username() if user is not None else "", "role": role}


# Who acted through a read-only share: its recipient, who has no account (evidence/sharing/).
RECIPIENT = "recipient"


def share_actor(share_id: Any) -> dict[str, str]:
    return {"user": "", "role": RECIPIENT, "share": str(share_id)}


def as_the_dossier_knows_them(dossier: Dossier, by: Any) -> Any:
    """Who acted, as the dossier knows them: a helper's actions are recorded as a helper's,
    `"helper": true` with their role on the dossier (victim, parent, helper) whatever role the
    caller passed, so that no caller can forget it; anyone else's as given."""
    if not isinstance(by, dict) or not by.get("user"):
        return by
    username = get_user_model().USERNAME_FIELD
    helper = (
        Helper.objects.filter(dossier=dossier, **{f"user__{username}": by["user"]})
        .values("role")
        .first()
    )
    if helper is None:
        return by
    return {**by, "role": helper["role"], "helper": True}


def append(dossier: Dossier, action: str, at: dt.datetime, **details: Any) -> CustodyEvent:
    """Add the next event. Call inside transaction.atomic, the dossier row locked."""
    last = dossier.events.order_by("-seq").only("seq", "hash").first()
    seq = last.seq + 1 if last else 1
    prev_hash = last.hash if last else GENESIS
    if "by" in details:
        details["by"] = as_the_dossier_knows_them(dossier, details["by"])
    payload = {"seq": seq, "at": utc_iso(at), "action": str(action), **details}
    digest = event_hash(prev_hash, payload)
    signature = signing.keyring().sign(digest.encode("ascii"))
    event = CustodyEvent.objects.create(
        dossier=dossier,
        seq=seq,
        payload=payload,
        prev_hash=prev_hash,
        hash=digest,
        key_id=signature.key_id,
        signature=signature.value,
    )
    witness.record_on_commit(event)
    return event


def adders(payloads: Iterable[dict[str, Any]]) -> dict[int, dict[str, Any]]:
    """Who added each piece, and when, as its PIECE_ADDED event says: {number: {"by": {user,
    role, helper?}, "at": ISO 8601}}. The log, not the row, answers: signed, and kept when the
    helper's account or their place on the dossier is gone."""
    found: dict[int, dict[str, Any]] = {}
    for payload in payloads:
        piece = payload.get("piece")
        if payload.get("action") == Action.PIECE_ADDED and isinstance(piece, int):
            by = payload.get("by")
            found[piece] = {"by": by if isinstance(by, dict) else {}, "at": payload.get("at", "")}
    return found


class Replayed:
    """What the log says the dossier holds now: its record, and each live piece's record,
    receipt time and files (by position), by piece number; the numbers of deleted pieces; and
    the highest number ever given."""

    def __init__(self) -> None:
        self.dossier: dict[str, Any] | None = None
        self.pieces: dict[int, dict[str, Any]] = {}
        self.received: dict[int, str] = {}
        self.files: dict[int, dict[int, dict[str, Any]]] = {}
        self.deleted: set[int] = set()
        self.last_number = 0


_PIECE_ACTIONS = (
    Action.PIECE_ADDED, Action.FILES_ADDED, Action.PIECE_EDITED, Action.PIECE_DELETED,
    Action.DERIVATIVES_MADE, Action.TEXT_READ,
)  # fmt: skip


def replay(payloads: Iterable[dict[str, Any]]) -> Replayed:
    state = Replayed()
    for payload in payloads:
        action = payload.get("action")
        piece = payload.get("piece")
        number = piece if isinstance(piece, int) else 0
        if action in _PIECE_ACTIONS and not number:
            continue  # a piece event without its number says nothing about any piece
        if action == Action.DOSSIER_CREATED:
            state.dossier = dict(payload.get("record", {}))
        elif action == Action.DOSSIER_EDITED and state.dossier is not None:
            _apply(state.dossier, payload.get("changes", {}))
        elif action == Action.PIECE_ADDED:
            state.pieces[number] = dict(payload.get("record", {}))
            state.received[number] = str(payload.get("at", ""))
            state.files[number] = _by_position(payload.get("files", []))
            state.last_number = max(state.last_number, number)
        elif action == Action.FILES_ADDED and number in state.files:
            state.files[number].update(_by_position(payload.get("files", [])))
        elif action == Action.PIECE_EDITED and number in state.pieces:
            _apply(state.pieces[number], payload.get("changes", {}))
        elif action == Action.DERIVATIVES_MADE and number in state.files:
            for position, made in _by_position(payload.get("files", [])).items():
                if position in state.files[number]:
                    state.files[number][position].update(
                        display_sha256=made.get("display_sha256", ""),
                        thumbnail_sha256=made.get("thumbnail_sha256", ""),
                    )
        elif action == Action.TEXT_READ and number in state.files:
            for position, read in _by_position(payload.get("files", [])).items():
                if position in state.files[number]:
                    state.files[number][position]["ocr_text"] = read.get("ocr_text", "")
        elif action == Action.PIECE_DELETED:
            state.pieces.pop(number, None)
            state.files.pop(number, None)
            state.received.pop(number, None)
            state.deleted.add(number)
    return state


def _by_position(files: Any) -> dict[int, dict[str, Any]]:
    if not isinstance(files, list):
        return {}
    return {
        file["position"]: dict(file)
        for file in files
        if isinstance(file, dict) and isinstance(file.get("position"), int)
    }


def _apply(record: dict[str, Any], field_changes: dict[str, Any]) -> None:
    for field, change in field_changes.items():
        record[field] = change.get("new") if isinstance(change, dict) else None
