"""Dates written out in words, in one place: Django's own month names (its catalogs), and the
French "1er" for the first day of a month. The letter and the PDF are always in French, their
times in Paris time (the integrity annex adds UTC); the plan speaks the visitor's language."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.utils import translation
from django.utils.formats import date_format

NNBSP = "\u202f"  # narrow no-break space: before ; : ! ? and inside « » in French
PARIS = ZoneInfo("Europe/Paris")  # the time French authorities read, whatever the server's


def long_date(day: dt.date, lang: str) -> str:
    """1er janvier 2027 / 1 January 2027."""
    with translation.override(lang):
        text = date_format(day, "j F Y")
    if lang == "fr" and day.day == 1:
        text = "1er" + text[1:]
    return text


def french_date(day: dt.date) -> str:
    """The date as the letter and the PDF write it: « 1er janvier 2027 »."""
    return long_date(day, "fr")


def in_paris(moment: dt.datetime) -> dt.datetime:
    """The moment in Paris time (a naive moment is taken as already there)."""
    return moment.astimezone(PARIS) if moment.tzinfo else moment.replace(tzinfo=PARIS)


def french_datetime(moment: dt.datetime) -> str:
    """« 1er janvier 2027 à 9 h 05 », in Paris time."""
    return _written(in_paris(moment))


def french_datetime_utc(moment: dt.datetime) -> str:
    """« 1er janvier 2027 à 8 h 05 UTC », for the integrity annex."""
    return f"{_written(moment.astimezone(dt.UTC))}\u00a0UTC"


def _written(moment: dt.datetime) -> str:
    # "9 h 05" held together by no-break spaces, as French typography wants.
    return f"{french_date(moment.date())} à {moment.hour}\u00a0h\u00a0{moment:%M}"
