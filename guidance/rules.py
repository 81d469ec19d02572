"""Legal rules as data, evaluated by code: penalties and time limits (prescription).

Nothing here knows an article or a number: offences.yaml says, for each offence, its base
penalty, the variants that replace it, which facts count as aggravating circumstances and the
tier each count reaches, and how long prosecution stays possible from when. This module only
evaluates that data on the facts, and writes the results in plain words.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from guidance.content.schema import Circumstance, MaxPenalty, Offence, Text
from guidance.facts import parse_date

NBSP = "\u00a0"  # French typography: 30 000 €, never split across lines


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


# --- Plain words -----------------------------------------------------------------------------


def format_prison(years: int | float, lang: str) -> str:
    """6 mois, 1 an, 3 ans / 6 months, 1 year, 3 years."""
    if years < 1:
        months = round(years * 12)
        return f"{months}{NBSP}mois" if lang == "fr" else f"{months} months"
    whole = int(years) if float(years).is_integer() else years
    if lang == "fr":
        return f"{whole}{NBSP}an" if whole == 1 else f"{whole}{NBSP}ans"
    return "1 year" if whole == 1 else f"{whole} years"


def format_euros(amount: int, lang: str) -> str:
    """30 000 € / €30,000."""
    if lang == "fr":
        return f"{amount:,}".replace(",", NBSP) + f"{NBSP}€"
    return f"€{amount:,}"


def penalty_text(result: Penalty, lang: str) -> str:
    """The maximum penalty in one sentence."""
    if result.label:
        return result.label[lang]
    prison = format_prison(result.prison_years, lang) if result.prison_years else None
    fine = format_euros(result.fine_eur, lang) if result.fine_eur else None
    if lang == "fr":
        if prison and fine:
            return f"Jusqu’à {prison} de prison et {fine} d’amende"
        if prison:
            return f"Jusqu’à {prison} de prison"
        return f"Jusqu’à {fine} d’amende" if fine else "Peine non précisée"
    if prison and fine:
        return f"Up to {prison} in prison and a {fine} fine"
    if prison:
        return f"Up to {prison} in prison"
    return f"A fine of up to {fine}" if fine else "Penalty not specified"
