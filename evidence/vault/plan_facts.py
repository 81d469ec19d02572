"""From the guidance plan to a dossier: the facts the questionnaire left in the session.

The questionnaire keeps its facts in request.session["guidance_facts"] (the vocabulary of
guidance/facts.py). Only valid facts are taken, one by one: a half-finished questionnaire
or an outdated value must never stop someone from starting their dossier.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from functools import cache
from typing import Any

from django.utils import formats
from django.utils.translation import gettext_lazy as _

from evidence.models import AgeBand, Concerns, Role
from guidance.facts import FactsError, validate_fact

SESSION_KEY = "guidance_facts"
# The facts a dossier keeps, and how each is introduced on the dossier's page.
KEPT_FACTS = {
    "role": _("You are"),
    "victim_age": _("Age of the person targeted"),
    "acts": _("What is happening"),
    "platforms": _("Where"),
    "first_seen": _("First seen on"),
    "author": _("The author"),
    "several_authors": _("Several authors"),
    "author_relation": _("Who the author is"),
    "visibility": _("Seen by"),
}
_ROLE_TO_DOSSIER = {
    "victim": (Concerns.SELF, Role.VICTIM),
    "guardian": (Concerns.CHILD, Role.PARENT),
    "witness": (Concerns.OTHER, Role.HELPER),
    "professional": (Concerns.OTHER, Role.HELPER),
}


def from_session(session: Mapping[str, Any]) -> dict[str, Any]:
    """The valid facts kept by the questionnaire, {} when there are none."""
    facts = session.get(SESSION_KEY)
    if not isinstance(facts, Mapping):
        return {}
    kept = {}
    for key, value in facts.items():
        if key not in KEPT_FACTS:
            continue
        try:
            kept[key] = validate_fact(key, value)
        except FactsError:
            continue
    return kept


def dossier_initial(facts: Mapping[str, Any], today: dt.date) -> dict[str, Any]:
    """The create form's initial values for these facts."""
    concerns, role = _ROLE_TO_DOSSIER.get(facts.get("role", ""), (Concerns.SELF, Role.VICTIM))
    initial: dict[str, Any] = {
        "title": _("My dossier of %(date)s") % {"date": formats.date_format(today)},
        "concerns": concerns,
        "role": role,
    }
    age = facts.get("victim_age")
    if concerns != Concerns.SELF and age in AgeBand.values:
        if not (concerns == Concerns.CHILD and age == AgeBand.ADULT):
            initial["person_age_band"] = age
    if concerns == Concerns.CHILD and age == AgeBand.ADULT:
        initial["concerns"] = Concerns.OTHER
    return initial


def summary(facts: Mapping[str, Any], lang: str) -> list[tuple[Any, str]]:
    """(what, values in words) for each kept fact, for the dossier's page."""
    lines = []
    for key, label in KEPT_FACTS.items():
        if key not in facts:
            continue
        value = facts[key]
        if key == "first_seen":
            try:
                words = formats.date_format(dt.date.fromisoformat(value))
            except (TypeError, ValueError):
                continue
        else:
            values = value if isinstance(value, list) else [value]
            words = ", ".join(_choice_label(key, item, lang) for item in values)
        if words:
            lines.append((label, words))
    return lines


def initial_platform(facts: Mapping[str, Any]) -> str:
    platforms = facts.get("platforms") or []
    return platforms[0] if len(platforms) == 1 else ""


def _choice_label(fact: str, value: str, lang: str) -> str:
    return _choice_labels().get((fact, value), {}).get(lang) or value


@cache
def _choice_labels() -> dict[tuple[str, str], dict[str, str]]:
    """The questionnaire's own words for each answer ({fact, value} → {fr, en})."""
    try:
        from guidance.content import load_raw

        questions = load_raw()["flow"]["questions"]
        return {
            (question["fact"], choice["value"]): choice["label"]
            for question in questions
            if question.get("fact")
            for choice in question.get("choices", [])
            if isinstance(choice.get("label"), dict)
        }
    except Exception:  # the content is reviewed elsewhere; here, plain values will do
        return {}
