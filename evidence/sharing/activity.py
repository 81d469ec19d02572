"""What the custody log says about the people of a dossier: what each helper did, who left or
was removed, and each opening of each share. Read from the log, never from the rows, so that
it shows what happened even after a helper or a share is gone."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.utils.dateparse import parse_datetime

from evidence.models import Dossier, Role
from evidence.vault import custody
from evidence.vault.custody import Action

_LABELS = dict(Action.choices)
_ROLES = dict(Role.choices)
_WHAT = {"pdf": "PDF", "package": "ZIP", "original": "original"}


@dataclass(frozen=True)
class Done:
    seq: int
    action: str  # in words
    at: dt.datetime | None
    piece: int | None = None
    what: str = ""  # for a download: pdf, package, original


@dataclass(frozen=True)
class Former:
    pseudonym: str
    removed: bool  # by the owner; else they left
    at: dt.datetime | None


def _payloads(dossier: Dossier) -> list[dict[str, Any]]:
    return [
        event.payload for event in dossier.events.order_by("seq") if isinstance(event.payload, dict)
    ]


def _done(payload: dict[str, Any]) -> Done:
    piece = payload.get("piece")
    return Done(
        seq=int(payload.get("seq", 0) or 0),
        action=str(_LABELS.get(payload.get("action"), payload.get("action", "?"))),
        at=parse_datetime(str(payload.get("at", ""))),
        piece=piece if isinstance(piece, int) else None,
        what=str(payload.get("what", "")),
    )


def by_helpers(dossier: Dossier) -> dict[str, list[Done]]:
    """{pseudonym: what they did, oldest first} for every helper who ever acted."""
    found: dict[str, list[Done]] = defaultdict(list)
    for payload in _payloads(dossier):
        by = payload.get("by")
        if isinstance(by, dict) and by.get("helper") is True and by.get("user"):
            found[str(by["user"])].append(_done(payload))
    return dict(found)


def former_helpers(dossier: Dossier, current: set[str]) -> list[Former]:
    """Helpers who are no longer on the dossier, the last time each one went."""
    gone: dict[str, Former] = {}
    for payload in _payloads(dossier):
        action = payload.get("action")
        at = parse_datetime(str(payload.get("at", "")))
        if action == Action.HELPER_REMOVED and payload.get("helper"):
            gone[str(payload["helper"])] = Former(str(payload["helper"]), True, at)
        elif action == Action.HELPER_LEFT and isinstance(payload.get("by"), dict):
            name = str(payload["by"].get("user", ""))
            if name:
                gone[name] = Former(name, False, at)
    return [former for name, former in gone.items() if name not in current]


def share_accesses(dossier: Dossier) -> dict[str, list[Done]]:
    """{share id: each opening and download through it, oldest first}."""
    found: dict[str, list[Done]] = defaultdict(list)
    for payload in _payloads(dossier):
        if payload.get("action") in (Action.SHARE_OPENED, Action.SHARE_DOWNLOADED):
            by = payload.get("by")
            if isinstance(by, dict) and by.get("share"):
                found[str(by["share"])].append(_done(payload))
    return dict(found)


@dataclass(frozen=True)
class Adder:
    """Who added a piece, as its custody event says."""

    name: str
    role: str  # in words
    helper: bool
    at: dt.datetime | None


def adder(events, number: int) -> Adder | None:
    """Who added piece `number`, from the dossier's custody events (None if the log says
    nothing of it)."""
    found = custody.adders(e.payload for e in events if isinstance(e.payload, dict)).get(number)
    if found is None:
        return None
    by = found["by"]
    return Adder(
        name=str(by.get("user", "")),
        role=str(_ROLES.get(by.get("role"), "")),
        helper=by.get("helper") is True,
        at=parse_datetime(str(found["at"])),
    )
