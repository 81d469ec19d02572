"""The complaint as plain data, the shape the letter and the PDF are made from, and how the
stored complaint (its JSON) becomes it. Every field is optional until export."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from common.dates import long_date

PERSON_FIELDS = (
    "name", "birth_date", "birth_place", "address", "phone", "email", "occupation",
    "relationship",
)  # fmt: skip
HARM_FIELDS = (
    "health", "school_or_work", "sleep", "social_life", "medical_certificate", "itt_days", "costs",
)  # fmt: skip
TRIBUNAL_BASES = ("facts", "author")
MAX_REPRESENTATIVES = 2


@dataclass(frozen=True)
class Person:
    name: str = ""
    birth_date: str = ""
    birth_place: str = ""
    address: str = ""
    phone: str = ""
    email: str = ""
    occupation: str = ""
    relationship: str = ""  # for a representative: "mère", "père", "tuteur"...


@dataclass(frozen=True)
class Suspect:
    name: str = ""
    pseudonyms: tuple[str, ...] = ()
    details: str = ""  # how the victim knows them: "élève de ma classe", profile URL...


@dataclass(frozen=True)
class Witness:
    name: str
    contact: str = ""


@dataclass(frozen=True)
class Harm:
    health: str = ""
    school_or_work: str = ""
    sleep: str = ""
    social_life: str = ""
    medical_certificate: bool = False
    itt_days: int | None = None
    costs: str = ""

    def is_empty(self) -> bool:
        return (
            not any([self.health, self.school_or_work, self.sleep, self.social_life, self.costs])
            and not self.medical_certificate
        )


@dataclass(frozen=True)
class Complaint:
    """What the complaint form holds; every field optional until export."""

    complainant: Person = field(default_factory=Person)
    victim_is_minor: bool = False
    victim: Person = field(default_factory=Person)  # the minor, when the complainant represents
    representatives: tuple[Person, ...] = ()
    suspects: tuple[Suspect, ...] = ()
    witnesses: tuple[Witness, ...] = ()
    harm: Harm = field(default_factory=Harm)
    tribunal_city: str = ""
    tribunal_basis: str = "facts"  # "facts": place of the facts; "author": author's home
    partie_civile: bool = False
    place: str = ""  # "Fait à …"
    letter_text: str = ""  # the letter as edited by the user; empty: generated

    @property
    def against_x(self) -> bool:
        return not any(s.name or s.pseudonyms for s in self.suspects)


def to_plain(row, *, minor: bool) -> Complaint:
    """The stored complaint (an evidence.models.Complaint row, or None) as plain data. Read
    defensively: a missing or odd value is empty."""
    data = (row.data if row is not None else None) or {}
    if not isinstance(data, Mapping):
        data = {}
    harm = _mapping(data.get("harm"))
    basis = data.get("tribunal_basis")
    return Complaint(
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
        harm=Harm(
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


def person(value: Any) -> Person:
    data = _mapping(value)
    fields = {name: _text(data.get(name)) for name in PERSON_FIELDS}
    fields["birth_date"] = _birth_date(fields["birth_date"])
    return Person(**fields)


def suspect(value: Any) -> Suspect:
    data = _mapping(value)
    pseudonyms = tuple(dict.fromkeys(p for p in map(_text, _list(data.get("pseudonyms"))) if p))
    return Suspect(
        name=_text(data.get("name")), pseudonyms=pseudonyms, details=_text(data.get("details"))
    )


def witness(value: Any) -> Witness:
    data = _mapping(value)
    return Witness(name=_text(data.get("name")), contact=_text(data.get("contact")))


def _birth_date(text: str) -> str:
    """Stored as YYYY-MM-DD (a date field), written out in French for the letter."""
    try:
        return long_date(dt.date.fromisoformat(text), "fr")
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
