"""The action plan: what applies to these facts, and nothing that does not.

A pure function of the content and the facts. Urgent items come first (only when someone is
in danger), then the steps by urgency (now, soon, later), the resources they point to (in the
order first met), and the offences that may apply, with their computed penalty and deadline.

A person in distress reads a few things, not a list: at most NOW_LIMIT steps stay under
"now" (the lowest `rank` for these facts, then the file's order); the others join "soon".
Every text is said in the reader's register (`Content.register`): "tu" to the young, as the
3018 does, "vous" to adults.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from common.dates import long_date
from common.languages import codes
from guidance import rules
from guidance.content.schema import (
    DEFAULT_REGISTER,
    WHEN,
    Content,
    Deadline,
    Offence,
    OfficialSource,
    Resource,
    Step,
    Text,
    UrgentItem,
)
from guidance.facts import validate_facts

NOW_LIMIT = 3  # the most urgent steps shown first; a frightened reader takes in three


def build_plan(
    content: Content,
    facts: Mapping[str, Any],
    lang: str | None = None,
    today: dt.date | None = None,
) -> dict[str, Any]:
    """The plan as a JSON-serialisable dict (see the keys below). FactsError on bad facts.

    `lang` is one of settings.LANGUAGES; None is the site's default (French).
    """
    lang = _language(lang)
    today = today or dt.date.today()
    facts = validate_facts(facts, today)
    register = content.register(facts)
    say = _sayer(lang, register)
    urgent = _urgent_items(content, facts, say)
    steps = _ordered(
        [
            _step(content, step, index, facts, lang, say, today)
            for index, step in enumerate(content.steps)
            if step.condition.holds(facts)
        ]
    )
    resource_ids = list(dict.fromkeys(rid for item in urgent + steps for rid in item["resources"]))
    return {
        "lang": lang,
        "register": register,
        "urgent": urgent,
        "steps": steps,
        "resources": [_resource(content.resource_by_id[rid], say) for rid in resource_ids],
        "offences": [
            _offence(offence, facts, lang, say)
            for offence in content.offences
            if offence.condition.holds(facts)
        ],
    }


def build_urgent(
    content: Content, facts: Mapping[str, Any], lang: str | None = None
) -> dict[str, Any]:
    """Only the urgent part, {urgent, resources}, as in the plan; no role needed yet.

    For right after the danger question: whoever is in danger sees whom to call at once. It
    is a page of the questionnaire, which says "vous" to everyone (the age comes later).
    """
    lang = _language(lang)
    facts = validate_facts(facts, required=())
    say = _sayer(lang, DEFAULT_REGISTER)
    urgent = _urgent_items(content, facts, say)
    resource_ids = list(dict.fromkeys(rid for item in urgent for rid in item["resources"]))
    return {
        "urgent": urgent,
        "resources": [_resource(content.resource_by_id[rid], say) for rid in resource_ids],
    }


def _language(lang: str | None) -> str:
    """`lang`, checked against the site's languages; None is the default, listed first."""
    if lang is None:
        return codes()[0]
    if lang not in codes():
        raise ValueError(f"lang must be one of {', '.join(codes())}, not {lang!r}")
    return lang


def _sayer(lang: str, register: str):
    """A function saying a Text in the plan's language and register (None stays None)."""

    def say(text: Text | None) -> str | None:
        return None if text is None else text.say(lang, register)

    return say


def _urgent_items(content: Content, facts: Mapping[str, Any], say) -> list[dict[str, Any]]:
    return [
        {
            "id": item.id,
            "title": say(item.title),
            "text": say(item.text),
            "resources": _resource_ids(item, facts),
        }
        for item in content.urgent
        if item.condition.holds(facts)
    ]


def _step(
    content: Content,
    step: Step,
    index: int,
    facts: dict[str, Any],
    lang: str,
    say,
    today: dt.date,
) -> dict[str, Any]:
    when, rank, title, text = step.when, step.rank, step.title, step.text
    variant = next((v for v in step.variants if v.condition.holds(facts)), None)
    if variant is not None:  # it replaces what it gives
        when, title, text = variant.when or when, variant.title or title, variant.text or text
        rank = rank if variant.rank is None else variant.rank
    sentences = [say(text)]
    sentences += [say(extra.text) for extra in step.extras if extra.condition.holds(facts)]
    if step.deadline is not None:
        sentence, close = _deadline_sentence(content, step.deadline, facts, lang, say, today)
        sentences.append(sentence)
        if close:
            when = step.deadline.when_close
    return {
        "id": step.id,
        "when": when,
        "rank": rank,
        "order": index,
        "title": say(title),
        "text": " ".join(sentences),
        "resources": _resource_ids(step, facts),
        "howtos": _per_value_ids(step, facts),
        "action": (
            {"page": step.action.page, "label": say(step.action.label)} if step.action else None
        ),
    }


def _ordered(steps: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The steps by when, then rank, then the file's order; beyond NOW_LIMIT, "now" → "soon"."""
    steps = sorted(steps, key=lambda s: (WHEN.index(s["when"]), s["rank"], s["order"]))
    now = [step for step in steps if step["when"] == "now"]
    for step in now[NOW_LIMIT:]:
        step["when"] = "soon"
    steps.sort(key=lambda s: (WHEN.index(s["when"]), s["rank"], s["order"]))
    for step in steps:
        del step["order"]
    return steps


def _per_value_ids(step: Step, facts: Mapping[str, Any]) -> list[str]:
    """One resource per chosen value of a list fact (each platform's reporting help)."""
    if step.resources_per_value is None:
        return []
    per_value = step.resources_per_value
    return [per_value.id.format(value=value) for value in facts.get(per_value.fact, [])]


def _resource_ids(item: UrgentItem | Step, facts: Mapping[str, Any]) -> list[str]:
    """The item's resources that apply: one per chosen value first (platforms), then its list."""
    ids = _per_value_ids(item, facts) if isinstance(item, Step) else []
    ids += [ref.id for ref in item.resources if ref.applies(facts)]
    return list(dict.fromkeys(ids))


def _deadline_sentence(
    content: Content, spec: Deadline, facts: Mapping[str, Any], lang: str, say, today: dt.date
) -> tuple[str, bool]:
    """The sentence about the earliest deadline of the offences named, and whether it is close."""
    offences = [content.offence_by_id[offence_id] for offence_id in spec.offence]
    named = [offence for offence in offences if offence.condition.holds(facts)] or offences
    deadlines = [
        deadline
        for deadline in (rules.prescription(offence, facts).deadline for offence in named)
        if deadline is not None
    ]
    if not deadlines:
        return say(spec.no_date), False
    deadline = min(deadlines)
    days_left = (deadline - today).days
    if days_left < 0:
        key = "passed"
    elif days_left <= spec.close_days:
        key = "close"
    else:
        key = "upcoming"
    text = say(spec.texts()[key]).format(deadline=long_date(deadline, lang), days_left=days_left)
    return text, key == "close"


def _official(source: OfficialSource | None, say) -> dict[str, Any]:
    """The source shown to readers: the official text or page, never the reviewer's notes."""
    if source is None:
        return {"source": None, "source_url": None}
    return {"source": say(source.name), "source_url": source.url}


def _resource(resource: Resource, say) -> dict[str, Any]:
    return {
        "id": resource.id,
        "name": say(resource.name),
        "phone": resource.phone,
        "sms": resource.sms,
        "url": resource.url,
        "email": resource.email,
        "hours": say(resource.hours),
        "what": say(resource.what),
        "note": say(resource.note),
        **_official(resource.official, say),
        "reviewed_from": resource.source,
        "reference": resource.reference,
        "checked": resource.checked.isoformat(),
        "confidence": resource.confidence,
    }


def _offence(offence: Offence, facts: Mapping[str, Any], lang: str, say) -> dict[str, Any]:
    penalty = rules.penalty(offence, facts)
    prescription = rules.prescription(offence, facts)
    only_if = offence.only_if
    conditional = only_if is not None and not (only_if.known and only_if.known.holds(facts))
    return {
        "id": offence.id,
        "article": say(offence.article),
        "title": say(offence.title),
        "what": say(offence.what),
        "only_if": say(only_if.text) if conditional and only_if else None,
        "prison_years": penalty.prison_years,
        "fine_eur": penalty.fine_eur,
        "penalty": rules.penalty_text(penalty, lang),
        "circumstances": [say(circumstance.label) for circumstance in penalty.circumstances],
        "prescription": say(prescription.text),
        "prescription_confidence": prescription.confidence,
        "deadline": prescription.deadline.isoformat() if prescription.deadline else None,
        "note": say(offence.note),
        **_official(offence.official, say),
        "reviewed_from": offence.source,
        "reference": offence.reference,
        "checked": offence.checked.isoformat(),
        "confidence": offence.confidence,
    }
