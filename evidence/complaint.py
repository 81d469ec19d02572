"""The complaint as saved with a dossier: its sections, how they are stored, and how they become
the plain data the letter and the PDF are made from (evidence.dossier.model.Complaint).

Every field is optional until export: each section of the form is saved on its own, merged
into the stored data. A section sent from a page older than the last save is refused (the
person is told, and keeps what they typed) rather than silently overwriting another tab's work.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.db import transaction

from evidence.dossier import model as plain
from evidence.dossier.letter import french_date
from evidence.models import Complaint, Dossier

PERSON_FIELDS = (
    "name", "birth_date", "birth_place", "address", "phone", "email", "occupation",
    "relationship",
)  # fmt: skip
HARM_FIELDS = (
    "health", "school_or_work", "sleep", "social_life", "medical_certificate", "itt_days", "costs",
)  # fmt: skip
TRIBUNAL_BASES = ("facts", "author")
MAX_REPRESENTATIVES = 2


def stored(dossier: Dossier) -> Complaint:
    """The dossier's complaint row, or an unsaved empty one (nothing is written by reading)."""
    found = Complaint.objects.filter(dossier=dossier).first()
    return found if found is not None else Complaint(dossier=dossier)


class OutOfDate(Exception):
    """The form was sent from a page older than the last save."""


def save_section(dossier: Dossier, values: Mapping[str, Any], *, version: int) -> Complaint:
    """Merge one section's values into the stored data; OutOfDate when `version` is old."""
    with transaction.atomic():
        row = _locked(dossier)
        if row.version != version:
            raise OutOfDate
        row.data = {**(row.data or {}), **values}
        row.version += 1
        row.save()
    return row


def save_letter(dossier: Dossier, text: str, generated: str, *, version: int) -> Complaint:
    """Keep the person's own letter; the generated text (unchanged) is not kept as an edit, so
    that the letter keeps following the complaint."""
    text = normalise_letter(text)
    with transaction.atomic():
        row = _locked(dossier)
        if row.version != version:
            raise OutOfDate
        row.letter_text = "" if text == normalise_letter(generated) else text
        row.version += 1
        row.save()
    return row


def reset_letter(dossier: Dossier) -> Complaint:
    with transaction.atomic():
        row = _locked(dossier)
        row.letter_text = ""
        row.version += 1
        row.save()
    return row


def normalise_letter(text: str) -> str:
    """Line ends as a textarea may send them (CRLF), trailing spaces and blank ends removed."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return "\n".join(line.rstrip() for line in lines).strip()


def _locked(dossier: Dossier) -> Complaint:
    row, _created = Complaint.objects.select_for_update().get_or_create(dossier=dossier)
    return row


# --- From the stored data to the plain dataclasses ---------------------------------------------


def to_plain(row: Complaint | None, *, minor: bool) -> plain.Complaint:
    """The stored complaint as plain data. Read defensively: a missing or odd value is empty."""
    data = (row.data if row is not None else None) or {}
    if not isinstance(data, Mapping):
        data = {}
    harm = _mapping(data.get("harm"))
    basis = data.get("tribunal_basis")
    return plain.Complaint(
        complainant=person(data.get("complainant")),
        victim_is_minor=minor,
        victim=person(data.get("victim")),
        representatives=tuple(
            p for p in (person(r) for r in _list(data.get("representatives"))) if not _empty(p)
        )[:MAX_REPRESENTATIVES],
        suspects=tuple(
            s for s in (suspect(s) for s in _list(data.get("suspects"))) if not _empty(s)
        ),
        witnesses=tuple(
            w for w in (witness(w) for w in _list(data.get("witnesses"))) if w.name or w.contact
        ),
        harm=plain.Harm(
            health=_text(harm.get("health")),
            school_or_work=_text(harm.get("school_or_work")),
            sleep=_text(harm.get("sleep")),
            social_life=_text(harm.get("social_life")),
            medical_certificate=harm.get("medical_certificate") is True,
            itt_days=harm.get("itt_days") if isinstance(harm.get("itt_days"), int) else None,
            costs=_text(harm.get("costs")),
        ),
        tribunal_city=_text(data.get("tribunal_city")),
        tribunal_basis=basis if basis in TRIBUNAL_BASES else "facts",
        partie_civile=data.get("partie_civile") is True,
        place=_text(data.get("place")),
        letter_text=row.letter_text if row is not None else "",
    )


def person(value: Any) -> plain.Person:
    data = _mapping(value)
    fields = {name: _text(data.get(name)) for name in PERSON_FIELDS}
    fields["birth_date"] = _birth_date(fields["birth_date"])
    return plain.Person(**fields)


def suspect(value: Any) -> plain.Suspect:
    data = _mapping(value)
    pseudonyms = tuple(dict.fromkeys(p for p in map(_text, _list(data.get("pseudonyms"))) if p))
    return plain.Suspect(
        name=_text(data.get("name")), pseudonyms=pseudonyms, details=_text(data.get("details"))
    )


def witness(value: Any) -> plain.Witness:
    data = _mapping(value)
    return plain.Witness(name=_text(data.get("name")), contact=_text(data.get("contact")))


def _birth_date(text: str) -> str:
    """Stored as YYYY-MM-DD (a date field), written out in French for the letter."""
    try:
        return french_date(dt.date.fromisoformat(text))
    except ValueError:
        return text


def _empty(value) -> bool:
    return not any(getattr(value, name) for name in value.__dataclass_fields__)


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _list(value: Any) -> list:
    return list(value) if isinstance(value, list | tuple) else []


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""
