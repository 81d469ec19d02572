"""Reading the publication date a person copies off the screen.

A date such as "14/03/2025 22:47" is absolute and kept as a date (and a time when given).
What a platform often shows instead ("il y a 3 j", "3 d ago", "hier", "mardi") is relative to
a moment nobody recorded: it is kept exactly as typed and flagged, never turned into a guessed
date, since a wrong date can be used to discredit the evidence.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from typing import Literal

Reading = Literal["empty", "absolute", "relative", "unreadable"]


@dataclass(frozen=True)
class PublishedDate:
    raw: str
    reading: Reading
    date: dt.date | None = None
    time: dt.time | None = None

    @property
    def is_absolute(self) -> bool:
        return self.reading == "absolute"


_MONTHS = {
    "janvier": 1, "janv": 1, "jan": 1, "january": 1,
    "fevrier": 2, "fevr": 2, "fev": 2, "feb": 2, "february": 2,
    "mars": 3, "mar": 3, "march": 3,
    "avril": 4, "avr": 4, "apr": 4, "april": 4,
    "mai": 5, "may": 5,
    "juin": 6, "jun": 6, "june": 6,
    "juillet": 7, "juil": 7, "jul": 7, "july": 7,
    "aout": 8, "aug": 8, "august": 8,
    "septembre": 9, "sept": 9, "sep": 9, "september": 9,
    "octobre": 10, "oct": 10, "october": 10,
    "novembre": 11, "nov": 11, "november": 11,
    "decembre": 12, "dec": 12, "december": 12,
}  # fmt: skip
_MONTH = "|".join(sorted(_MONTHS, key=len, reverse=True))
_TIME = (
    r"(?P<hour>\d{1,2})\s*(?:[:h]\s*(?P<minute>\d{2})?(?::(?P<second>\d{2}))?)?"
    r"\s*(?P<ampm>am|pm)?"
)
# Between a date and its time: "14/03/2025 22:47", "14 mars 2025 à 22h47", "… 2025 at 10:47 pm".
_JOIN = r"(?:\s*[,-]?\s*(?:a|at|,)?\s*)"
_NUMERIC = re.compile(
    rf"(?P<day>\d{{1,2}})[/.-](?P<month>\d{{1,2}})[/.-](?P<year>\d{{4}}|\d{{2}})(?:{_JOIN}{_TIME})?"
)
_ISO = re.compile(
    rf"(?P<year>\d{{4}})-(?P<month>\d{{1,2}})-(?P<day>\d{{1,2}})(?:(?:t|\s+){_TIME})?(?::\d{{2}})?"
)
_DAY_MONTH_NAME = re.compile(
    rf"(?:[a-z]+\s+)?(?P<day>\d{{1,2}})(?:er)?\s+(?P<month_name>{_MONTH})\.?\s+(?P<year>\d{{4}})"
    rf"(?:{_JOIN}{_TIME})?"
)
_MONTH_NAME_DAY = re.compile(
    rf"(?:[a-z]+\s*,?\s+)?(?P<month_name>{_MONTH})\.?\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?,?\s+"
    rf"(?P<year>\d{{4}})(?:{_JOIN}{_TIME})?"
)
_ABSOLUTE = (_ISO, _NUMERIC, _DAY_MONTH_NAME, _MONTH_NAME_DAY)

_RELATIVE = re.compile(
    r"\b(?:il y a|ago|hier|avant-hier|yesterday|aujourd ?hui|today|tonight|ce matin|ce soir"
    r"|this morning|maintenant|now|just now|a l.instant|semaine derniere|last week"
    r"|mois dernier|last month|lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche"
    r"|monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b"
    r"|^\s*\d+\s*(?:s|sec|secondes?|seconds?|m|mn|min|minutes?|h|hr|hrs|heures?|hours?|j|jours?"
    r"|d|days?|sem|semaines?|w|wk|weeks?|mois|months?|an|ans|y|yr|years?)\.?\s*$"
)


def read_published(raw: str) -> PublishedDate:
    """Read what the person typed; never guesses a date from a relative one."""
    raw = (raw or "").strip()
    if not raw:
        return PublishedDate(raw, "empty")
    text = _plain(raw)
    for pattern in _ABSOLUTE:
        match = pattern.fullmatch(text)
        if match:
            found = _absolute(raw, match)
            if found is not None:
                return found
    if _RELATIVE.search(text):
        return PublishedDate(raw, "relative")
    return PublishedDate(raw, "unreadable")


def _plain(text: str) -> str:
    """Lower case, no accents, single spaces: "14 Févr. 2025 À 22h47" → "14 fevr. 2025 a 22h47"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    without_accents = "".join(char for char in decomposed if not unicodedata.combining(char))
    return re.sub(r"\s+", " ", without_accents.replace("\u2019", "'")).strip()


def _absolute(raw: str, match: re.Match) -> PublishedDate | None:
    parts = match.groupdict()
    month = _MONTHS[parts["month_name"]] if parts.get("month_name") else int(parts["month"])
    year = int(parts["year"])
    if year < 100:
        year += 2000
    try:
        date = dt.date(year, month, int(parts["day"]))
        time = _time(parts)
    except ValueError:
        return None
    return PublishedDate(raw, "absolute", date, time)


def _time(parts: dict) -> dt.time | None:
    if parts.get("hour") is None:
        return None
    hour, minute = int(parts["hour"]), int(parts.get("minute") or 0)
    second = int(parts.get("second") or 0)  # an exported chat's "18:13:02"
    ampm = parts.get("ampm")
    if ampm:
        if not 1 <= hour <= 12:
            raise ValueError("12-hour clock")
        hour = hour % 12 + (12 if ampm == "pm" else 0)
    return dt.time(hour, minute, second)
