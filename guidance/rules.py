"""Legal rules as data, evaluated by code: penalties and time limits (prescription).

Nothing here knows an article or a number: offences.yaml says, for each offence, its base
penalty, the variants that replace it, which facts count as aggravating circumstances and the
tier each count reaches, and how long prosecution stays possible from when. This module only
evaluates that data on the facts, and says the results in words through the translation
catalogs (locale/), in the language the plan is built for.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.utils import translation
from django.utils.formats import number_format
from django.utils.translation import gettext, npgettext, pgettext

from guidance.content.schema import Circumstance, MaxPenalty, Offence, Text
from guidance.facts import parse_date


@dataclass(frozen=True)
class Penalty:
    """The maximum penalty for the facts; None where the law (or our source) gives none."""

    prison_years: int | float | None
    fine_eur: int | float | None
    circumstances: tuple[Circumstance, ...]  # the aggravating circumstances that count
    label: Text | None = None  # wording that replaces the numbers' sentence


@dataclass(frozen=True)
class Prescription:
    """The time limit to prosecute, and its end date when it can be computed."""

    delay: Mapping[str, int]
    runs_from: str
    text: Text
    confidence: str
    deadline: dt.date | None


def penalty(offence: Offence, facts: Mapping[str, Any]) -> Penalty:
    """The penalty: the base, or the first variant that holds; then the highest tier reached.

    A tier is reached when at least `count` of the listed circumstances hold (for harassment:
    one circumstance gives 2 years / 30 000 €, two or more give 3 years / 45 000 €).
    """
    spec = offence.penalty
    amount: MaxPenalty = spec.base
    label = None
    for variant in spec.variants:
        if variant.condition.holds(facts):
            amount, label = variant, variant.label
            break
    counted = tuple(c for c in spec.circumstances if c.condition.holds(facts))
    for tier in spec.tiers:  # listed by increasing count: the last reached wins
        if len(counted) >= tier.count:
            amount, label = tier, None
    return Penalty(amount.prison_years, amount.fine_eur, counted, label)


def prescription(offence: Offence, facts: Mapping[str, Any]) -> Prescription:
    """The time limit, with its end date when it runs from the first message and we know it.

    The first variant that holds replaces what it gives. Harassment is an habitual offence:
    its delay probably runs from the last act, which we do not know, so no date is computed;
    nor for delays running from the victim's majority.
    """
    spec = offence.prescription
    delay, text, confidence = spec.delay, spec.text, spec.confidence
    variant = next((v for v in spec.variants if v.condition.holds(facts)), None)
    if variant is not None:
        delay, text = variant.delay or delay, variant.text
        confidence = variant.confidence or confidence
    deadline = None
    if spec.runs_from == "first_seen" and facts.get("first_seen"):
        deadline = add_delay(parse_date(facts["first_seen"]), delay)
    return Prescription(delay, spec.runs_from, text, confidence, deadline)


def add_delay(start: dt.date, delay: Mapping[str, int]) -> dt.date:
    """`start` plus {months: N} or {years: N}, by the calendar (31 Jan + 1 month = 28/29 Feb)."""
    months = delay.get("months", 0) + 12 * delay.get("years", 0)
    year, month = divmod(start.month - 1 + months, 12)
    year += start.year
    month += 1
    return dt.date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


# --- In words --------------------------------------------------------------------------------


def penalty_text(result: Penalty, lang: str) -> str:
    """The maximum penalty in one sentence, in `lang` (the plan's, not the request's)."""
    if result.label:
        return result.label[lang]
    prison = format_prison(result.prison_years, lang) if result.prison_years else None
    fine = format_euros(result.fine_eur, lang) if result.fine_eur else None
    with translation.override(lang):
        if prison and fine:
            sentence = gettext("Up to %(prison)s in prison and a %(fine)s fine")
        elif prison:
            sentence = gettext("Up to %(prison)s in prison")
        elif fine:
            sentence = gettext("A fine of up to %(fine)s")
        else:
            sentence = gettext("Penalty not specified")
    return sentence % {"prison": prison, "fine": fine}


def format_prison(years: int | float, lang: str) -> str:
    """6 months, 1 year, 3 years / 6 mois, 1 an, 3 ans."""
    with translation.override(lang):
        if float(years).is_integer():
            count = int(years)
            # Translators: French joins the number and its unit with a no-break space.
            text = npgettext("prison term", "%(count)s year", "%(count)s years", count)
        else:  # a part of a year is said in months
            count = round(years * 12)
            # Translators: French joins the number and its unit with a no-break space.
            text = npgettext("prison term", "%(count)s month", "%(count)s months", count)
    return text % {"count": count}


def format_euros(amount: int | float, lang: str) -> str:
    """€30,000 / 30 000 €: the language's own way of writing numbers (Django's formats)."""
    with translation.override(lang):
        # Translators: the amount is already grouped the language's way (30 000); French
        # writes the euro sign after it, joined by a no-break space.
        return pgettext("amount in euros", "€%(amount)s") % {
            "amount": number_format(amount, force_grouping=True)
        }
