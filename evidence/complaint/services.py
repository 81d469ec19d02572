"""The complaint as saved with a dossier: its sections and how they are stored (the plain data
the letter and the PDF are made from is in evidence/complaint/data.py).

Every field is optional until export: each section of the form is saved on its own, merged
into the stored data. A section sent from a page older than the last save is refused (the
person is told, and keeps what they typed) rather than silently overwriting another tab's work.
The letter is not stored: it is written from the complaint at every export.

Who changed the complaint or the chronology, and when, is an event of the custody log; what
they typed is not (it is encrypted in its rows).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone

from evidence.complaint.data import MAX_REPRESENTATIVES, TRIBUNAL_BASES, to_plain
from evidence.models import ChronologyNote, Complaint, Dossier
from evidence.vault import custody
from evidence.vault.custody import Action

__all__ = ["MAX_REPRESENTATIVES", "TRIBUNAL_BASES", "OutOfDate", "stored", "to_plain"]


def stored(dossier: Dossier) -> Complaint:
    """The dossier's complaint row, or an unsaved empty one (nothing is written by reading)."""
    found = Complaint.objects.filter(dossier=dossier).first()
    return found if found is not None else Complaint(dossier=dossier)


class OutOfDate(Exception):
    """The form was sent from a page older than the last save."""


def save_section(
    dossier: Dossier,
    values: Mapping[str, Any],
    *,
    version: int,
    user=None,
    section: str = "",
) -> Complaint:
    """Merge one section's values into the stored data; OutOfDate when `version` is old.
    With `user`, a change is an event of the custody log (who, when, which section)."""
    with transaction.atomic():
        locked_dossier = Dossier.objects.select_for_update().get(pk=dossier.pk)
        row = _locked(dossier)
        if row.version != version:
            raise OutOfDate
        merged = {**(row.data or {}), **values}
        changed = merged != (row.data or {})
        row.data = merged
        row.version += 1
        row.save()
        if user is not None and changed:
            custody.append(
                locked_dossier,
                Action.COMPLAINT_EDITED,
                timezone.now(),
                by=custody.actor(user, locked_dossier.role),
                section=section,
            )
    return row


def note_recorded(dossier: Dossier, user, action: str) -> None:
    """A chronology entry added, changed or deleted: who and when. Call inside the transaction
    that changes the entry."""
    locked = Dossier.objects.select_for_update().get(pk=dossier.pk)
    custody.append(locked, action, timezone.now(), by=custody.actor(user, locked.role))


def edit_note(note: ChronologyNote, user, fields: Mapping[str, Any]) -> None:
    with transaction.atomic():
        note_recorded(note.dossier, user, Action.NOTE_EDITED)
        for name, value in fields.items():
            setattr(note, name, value)
        note.save()


def delete_note(note: ChronologyNote, user) -> None:
    with transaction.atomic():
        note_recorded(note.dossier, user, Action.NOTE_DELETED)
        note.delete()


def forget_earlier_letter(dossier: Dossier) -> Complaint:
    """Delete the whole letter the person had edited by hand, once they have taken what they
    wanted from it: the letter is now written from the complaint at every export."""
    with transaction.atomic():
        row = _locked(dossier)
        row.letter_text = ""
        row.version += 1
        row.save()
    return row


def _locked(dossier: Dossier) -> Complaint:
    row, _created = Complaint.objects.select_for_update().get_or_create(dossier=dossier)
    return row
