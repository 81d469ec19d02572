"""The action plan: what applies to these facts, and nothing that does not.

A pure function of the content and the facts. Urgent items come first (only when someone is
in danger), then the steps by urgency (now, soon, later; the file's order within each), the
resources they point to (in the order first met), and the offences that may apply, with
their computed penalty and deadline.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from common.dates import long_date
from common.languages import codes
from guidance import rules
from guidance.content.schema import (
    WHEN,
    Content,
    Deadline,
    Offence,
    Resource,
    Step,
    UrgentItem,
)
from guidance.facts import validate_facts


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
    urgent = _urgent_items(content, facts, lang)
    steps = [
        _step(content, step, facts, lang, today)
        for step in content.steps
        if step.condition.holds(facts)
    ]
    steps.sort(key=lambda step: WHEN.index(step["when"]))  # stable: file order within each
    resource_ids = list(dict.fromkeys(rid for item in urgent + steps for rid in item["resources"]))
    return {
        "lang": lang,
        "urgent": urgent,
        "steps": steps,
        "resources": [_resource(content.resource_by_id[rid], lang) for rid in resource_ids],
        "offences": [
            _offence(offence, facts, lang)
            for offence in content.offences
            if offence.condition.holds(facts)
        ],
    }


def build_urgent(
    content: Content, facts: Mapping[str, Any], lang: str | None = None
) -> dict[str, Any]:
    """Only the urgent part, {urgent, resources}, as in the plan; no role needed yet.

    For right after the danger question: whoever is in danger sees whom to call at once.
    """
    lang = _language(lang)
    facts = validate_facts(facts, required=())
    urgent = _urgent_items(content, facts, lang)
    resource_ids = list(dict.fromkeys(rid for item in urgent for rid in item["resources"]))
    return {
        "urgent": urgent,
        "resources": [_resource(content.resource_by_id[rid], lang) for rid in resource_ids],
    }


def _language(lang: str | None) -> str:
    """`lang`, checked against the site's languages; None is the default, listed first."""
    if lang is None:
        return codes()[0]
    if lang not in codes():
        raise ValueError(f"lang must be one of {', '.join(codes())}, not {lang!r}")
    return lang


def _urgent_items(content: Content, facts: Mapping[str, Any], lang: str) -> list[dict[str, Any]]:
    return [
        {
            "id": item.id,
            "title": item.title[lang],
            "text": item.text[lang],
            "resources": _resource_ids(item, facts),
        }
        for item in content.urgent
        if item.condition.holds(facts)
    ]


def _step(
    content: Content, step: Step, facts: dict[str, Any], lang: str, today: dt.date
) -> dict[str, Any]:
    when, title, text = step.when, step.title, step.text
    variant = next((v for v in step.variants if v.condition.holds(facts)), None)
    if variant is not None:  # it replaces what it gives
        when, title, text = variant.when or when, variant.title or title, variant.text or text
    sentences = [text[lang]]
    sentences += [extra.text[lang] for extra in step.extras if extra.condition.holds(facts)]
    if step.deadline is not None:
        sentence, close = _deadline_sentence(content, step.deadline, facts, lang, today)
        sentences.append(sentence)
        if close:
            when = step.deadline.when_close
    return {
        "id": step.id,
        "when": when,
        "title": title[lang],
        "text": " ".join(sentences),
        "resources": _resource_ids(step, facts),
    }


def _resource_ids(item: UrgentItem | Step, facts: Mapping[str, Any]) -> list[str]:
    """The item's resources that apply: one per chosen value first (platforms), then its list."""
    ids = []
    if isinstance(item, Step) and item.resources_per_value is not None:
        per_value = item.resources_per_value
        ids += [per_value.id.format(value=value) for value in facts.get(per_value.fact, [])]
    ids += [ref.id for ref in item.resources if ref.applies(facts)]
    return list(dict.fromkeys(ids))


def _deadline_sentence(
    content: Content, spec: Deadline, facts: Mapping[str, Any], lang: str, today: dt.date
) -> tuple[str, bool]:
    """The sentence about an offence's deadline, and whether the deadline is close."""
    offence = content.offence_by_id[spec.offence]
    deadline = rules.prescription(offence, facts).deadline
    if deadline is None:
        return spec.no_date[lang], False
    days_left = (deadline - today).days
    if days_left < 0:
        key = "passed"
    elif days_left <= spec.close_days:
        key = "close"
    else:
        key = "upcoming"
    text = spec.texts()[key][lang].format(deadline=long_date(deadline, lang), days_left=days_left)
    return text, key == "close"


def _resource(resource: Resource, lang: str) -> dict[str, Any]:
    return {
        "id": resource.id,
        "name": resource.name[lang],
        "phone": resource.phone,
        "sms": resource.sms,
        "url": resource.url,
        "email": resource.email,
        "hours": resource.hours[lang] if resource.hours else None,
        "what": resource.what[lang],
        "note": resource.note[lang] if resource.note else None,
        "source": resource.source,
        "checked": resource.checked.isoformat(),
        "confidence": resource.confidence,
    }


def _offence(offence: Offence, facts: Mapping[str, Any], lang: str) -> dict[str, Any]:
    penalty = rules.penalty(offence, facts)
    prescription = rules.prescription(offence, facts)
    return {
        "id": offence.id,
        "article": offence.article[lang],
        "title": offence.title[lang],
        "what": offence.what[lang],
        "prison_years": penalty.prison_years,
        "fine_eur": penalty.fine_eur,
        "penalty": rules.penalty_text(penalty, lang),
        "circumstances": [circumstance.label[lang] for circumstance in penalty.circumstances],
        "prescription": prescription.text[lang],
        "prescription_confidence": prescription.confidence,
        "deadline": prescription.deadline.isoformat() if prescription.deadline else None,
        "note": offence.note[lang] if offence.note else None,
        "source": offence.source,
        "checked": offence.checked.isoformat(),
        "confidence": offence.confidence,
    }
