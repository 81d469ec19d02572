"""The complaint as plain data, the shape the letter and the PDF are made from, and how the
stored complaint (its JSON) becomes it. Every field is optional until export.

The stored JSON (evidence.models.Complaint.data), each key written by one section of the form:
  complainant, victim, representatives[]   people: PERSON_FIELDS, each a string
  suspects[]: {name, pseudonyms[], details} witnesses[]: {name, contact}   harm: HARM_FIELDS
  tribunal_city, tribunal_basis, partie_civile, place
  facts_account, letter_additions          the person's own words, paragraphs of the letter
  repeated                                 "yes", "no" or "" (not said)
  one key of CONFIRMATIONS each            "yes", "no", "unknown" or absent (never asked)
The letter itself is never stored: it is written from these at every export, so that it
always agrees with the pieces.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from common.dates import long_date

PERSON_FIELDS = (
    "name", "birth_date", "birth_place", "address", "phone", "email", "occupation",
    "relationship", "civility",
)  # fmt: skip
HARM_FIELDS = (
    "health", "school_or_work", "sleep", "social_life", "medical_certificate", "itt_days", "costs",
)  # fmt: skip
TRIBUNAL_BASES = ("facts", "author")
MAX_REPRESENTATIVES = 2
# How the letter agrees with a person: "madame" (née, soussignée), "monsieur" (né, soussigné);
# for a child, a girl or a boy. Empty: the neutral "né(e)", only when nobody said.
CIVILITIES = ("madame", "monsieur")
# Kinship words that say it already, when the civility was not chosen.
_FEMININE = {"mère", "maman", "belle-mère", "grand-mère", "tante", "tutrice", "sœur"}
_MASCULINE = {"père", "papa", "beau-père", "grand-père", "oncle", "tuteur", "frère"}
# Conditions of an offence the facts of the questionnaire cannot tell, which the person
# confirms in the complaint form (evidence.complaint.qualification says which offence needs
# which).
CONFIRMATIONS = (
    "threatened_for_job", "taken_in_private", "real_images", "faked_images", "public_words",
    "private_words", "pupil_at_same_school", "spouse_or_cohabitant", "author_is_adult",
)  # fmt: skip


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
    civility: str = ""  # one of CIVILITIES, or "" when not chosen

    @property
    def written_as(self) -> str:
        """How the letter agrees with the person: the civility chosen, else what their
        relationship already says ("mère"), else "" (the neutral form)."""
        if self.civility in CIVILITIES:
            return self.civility
        word = self.relationship.casefold()
        return "madame" if word in _FEMININE else "monsieur" if word in _MASCULINE else ""


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
    facts_account: str = ""  # the facts in the person's own words
    letter_additions: str = ""  # what the person adds to the letter, in their own words
    repeated: bool | None = None  # it happened more than once; None: not said
    confirmed: frozenset[str] = frozenset()  # the CONFIRMATIONS answered "yes"
    # A whole letter edited by hand before the letter was written anew at each export: shown
    # to the person until they have taken what they want from it; never exported.
    earlier_letter: str = ""

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
        facts_account=_text(data.get("facts_account")),
        letter_additions=_text(data.get("letter_additions")),
        repeated={"yes": True, "no": False}.get(str(data.get("repeated"))),
        confirmed=frozenset(key for key in CONFIRMATIONS if data.get(key) == "yes"),
        earlier_letter=row.letter_text.strip() if row is not None else "",
    )


def person(value: Any) -> Person:
    data = _mapping(value)
    fields = {name: _text(data.get(name)) for name in PERSON_FIELDS}
    fields["birth_date"] = _birth_date(fields["birth_date"])
    if fields["civility"] not in CIVILITIES:
        fields["civility"] = ""
    return Person(**fields)


def suspect(value: Any) -> Suspect:
    data = _mapping(value)
    # Each kept whole, as typed: a pseudonym may hold a comma ("kev, le boss").
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
    # A civility alone (a block where only "Madame" was chosen) is no one.
    return not any(
        getattr(value, name) for name in value.__dataclass_fields__ if name != "civility"
    )


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _list(value: Any) -> list:
    return list(value) if isinstance(value, list | tuple) else []


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""
