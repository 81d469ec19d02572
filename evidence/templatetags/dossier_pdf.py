"""Filters for the dossier PDF, which is always in French (it goes to French authorities)."""

import datetime as dt

from django import template

from common.dates import NNBSP, french_date, french_datetime

register = template.Library()


@register.filter
def fr_date(value):
    if isinstance(value, dt.datetime):
        value = value.date()
    return french_date(value) if value else ""


@register.filter
def fr_datetime(value):
    if not value:
        return ""
    return french_datetime(value)


@register.filter
def years(value):
    if value is None:
        return ""
    number = int(value) if float(value).is_integer() else value
    return f"{number} an" if number == 1 else f"{number} ans"


@register.filter
def euros(value):
    if value is None:
        return ""
    return f"{int(value):,}".replace(",", NNBSP) + f"{NNBSP}€"
