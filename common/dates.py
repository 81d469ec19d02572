"""Dates written out in words, in one place: Django's own month names (its catalogs), and the
French "1er" for the first day of a month. The letter and the PDF are always in French; the
plan speaks the visitor's language."""

from __future__ import annotations

import datetime as dt

from django.utils import translation
from django.utils.formats import date_format

NNBSP = "\u202f"  # narrow no-break space: before ; : ! ? and inside « » in French


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


def french_datetime(moment: dt.datetime) -> str:
    """« 1er janvier 2027 à 14 h 05 »."""
    return f"{french_date(moment.date())} à {moment:%H} h {moment:%M}"
