"""From the guidance plan to a dossier: the facts the questionnaire left in the session.

The questionnaire keeps its facts in request.session["guidance_facts"] (the vocabulary of
guidance/facts.py). Only valid facts are taken, one by one: a half-finished questionnaire
or an outdated value must never stop someone from starting their dossier.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
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
    """(what, values in words) for each kept fact, for the dossier's page.

    In the questionnaire's words for whoever answered (a parent reads "son école", never
    "mon école"); a value without words is left out rather than shown raw.
    """
    words = _words(facts, lang)
    lines = []
    for key, label in KEPT_FACTS.items():
        if key not in facts:
            continue
        if key == "author" and "author_relation" in facts:
            continue  # who the author is says it already
        value = facts[key]
        if key == "first_seen":
            try:
                text = formats.date_format(dt.date.fromisoformat(value))
            except (TypeError, ValueError):
                continue
        else:
            values = value if isinstance(value, list) else [value]
            known = words.get(key, {})
            text = ", ".join(str(known[item]) for item in values if item in known)
        if text:
            lines.append((label, text))
    return lines


def initial_platform(facts: Mapping[str, Any]) -> str:
    platforms = facts.get("platforms") or []
    return platforms[0] if len(platforms) == 1 else ""


# The author is known or not: set by "who is doing this?", which has no words of its own.
_AUTHOR_WORDS = {"known": _("Known"), "unknown": _("Unknown")}


def _words(facts: Mapping[str, Any], lang: str) -> dict[str, dict[str, Any]]:
    """{fact: {value: words}} from the questionnaire, for these facts; {} if unreadable."""
    try:
        from guidance.engine import describe_facts

        words: dict[str, dict[str, Any]] = describe_facts(facts, lang)
    except Exception:  # the content is reviewed elsewhere; here, leaving words out will do
        words = {}
    return {**words, "author": _AUTHOR_WORDS}
