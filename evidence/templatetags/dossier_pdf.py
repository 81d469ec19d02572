"""Filters for the dossier PDF, which is always in French (it goes to French authorities): dates
and times in Paris time (UTC in the integrity annex), French typography on every text."""

import datetime as dt

from django import template

from common.dates import NNBSP, french_date, french_datetime, french_datetime_utc, in_paris
from common.typography import typography

register = template.Library()


@register.filter
def fr(value):
    """French spacing (before ; : ! ?, inside « »), on a person's text too; web and email
    addresses and times untouched. Not for what is quoted as evidence (a transcript)."""
    return typography(str(value)) if value else ""


@register.filter
def fr_date(value):
    if isinstance(value, dt.datetime):
        value = in_paris(value).date()
    return french_date(value) if value else ""


@register.filter
def fr_datetime(value):
    """In Paris time."""
    return french_datetime(value) if value else ""


@register.filter
def fr_datetime_utc(value):
    return french_datetime_utc(value) if value else ""


@register.filter
def years(value):
    if value is None:
        return ""
    number = int(value) if float(value).is_integer() else value
    if number == 0.5:
        return "6 mois"
    return f"{number} an" if number == 1 else f"{number} ans"


@register.filter
def euros(value):
    if value is None:
        return ""
    return f"{int(value):,}".replace(",", NNBSP) + f"{NNBSP}€"
