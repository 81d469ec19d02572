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
from guidance import rules
from guidance.conditions import holds
from guidance.content.schema import LANGS, WHEN, Content, Entry
from guidance.facts import validate_facts


def build_plan(
    content: Content, facts: Mapping[str, Any], lang: str = "fr", today: dt.date | None = None
) -> dict[str, Any]:
    """The plan as a JSON-serialisable dict (see the keys below). FactsError on bad facts."""
    if lang not in LANGS:
        raise ValueError(f"lang must be one of {', '.join(LANGS)}, not {lang!r}")
    today = today or dt.date.today()
    facts = validate_facts(facts, today)
    named = content.conditions
    urgent = _urgent_items(content, facts, lang)
    steps = [
        _step(content, step, facts, lang, today)
        for step in content.steps
        if holds(step["if"], facts, named)
    ]
    steps.sort(key=lambda step: WHEN.index(step["when"]))  # stable: file order within each
    resource_ids = list(dict.fromkeys(rid for item in urgent + steps for rid in item["resources"]))
    return {
        "lang": lang,
        "urgent": urgent,
        "steps": steps,
        "resources": [_resource(content.resource_by_id[rid], lang) for rid in resource_ids],
        "offences": [
            _offence(offence, facts, named, lang)
            for offence in content.offences
            if holds(offence["if"], facts, named)
        ],
    }


def build_urgent(content: Content, facts: Mapping[str, Any], lang: str = "fr") -> dict[str, Any]:
    """Only the urgent part, {urgent, resources}, as in the plan; no role needed yet.

    For right after the danger question: whoever is in danger sees whom to call at once.
    """
    if lang not in LANGS:
        raise ValueError(f"lang must be one of {', '.join(LANGS)}, not {lang!r}")
    facts = validate_facts(facts, required=())
    urgent = _urgent_items(content, facts, lang)
    resource_ids = list(dict.fromkeys(rid for item in urgent for rid in item["resources"]))
    return {
        "urgent": urgent,
        "resources": [_resource(content.resource_by_id[rid], lang) for rid in resource_ids],
    }


def _urgent_items(content: Content, facts: Mapping[str, Any], lang: str) -> list[dict[str, Any]]:
    named = content.conditions
    return [
        {
            "id": item["id"],
            "title": item["title"][lang],
            "text": item["text"][lang],
            "resources": _resource_ids(item, facts, named),
        }
        for item in content.urgent
        if holds(item["if"], facts, named)
    ]


def _step(
    content: Content, step: Entry, facts: dict[str, Any], lang: str, today: dt.date
) -> dict[str, Any]:
    named = content.conditions
    variant = next((v for v in step.get("variants", []) if holds(v["if"], facts, named)), {})
    when = variant.get("when", step["when"])
    sentences = [variant.get("text", step["text"])[lang]]
    sentences += [
        extra["text"][lang] for extra in step.get("extras", []) if holds(extra["if"], facts, named)
    ]
    if "deadline" in step:
        sentence, close = _deadline_sentence(content, step["deadline"], facts, lang, today)
        sentences.append(sentence)
        if close:
            when = step["deadline"]["when_close"]
    return {
        "id": step["id"],
        "when": when,
        "title": variant.get("title", step["title"])[lang],
        "text": " ".join(sentences),
        "resources": _resource_ids(step, facts, named),
    }


def _resource_ids(item: Entry, facts: Mapping[str, Any], named: Mapping[str, Any]) -> list[str]:
    """The item's resources that apply: one per chosen value first (platforms), then its list."""
    ids = []
    per_value = item.get("resources_per_value")
    if per_value:
        ids += [per_value["id"].format(value=value) for value in facts.get(per_value["fact"], [])]
    for ref in item.get("resources", []):
        if isinstance(ref, str):
            ids.append(ref)
        elif holds(ref["if"], facts, named):
            ids.append(ref["id"])
    return list(dict.fromkeys(ids))


def _deadline_sentence(
    content: Content, spec: Entry, facts: Mapping[str, Any], lang: str, today: dt.date
) -> tuple[str, bool]:
    """The sentence about an offence's deadline, and whether the deadline is close."""
    offence = content.offence_by_id[spec["offence"]]
    deadline = rules.prescription(offence, facts, content.conditions).deadline
    if deadline is None:
        return spec["no_date"][lang], False
    days_left = (deadline - today).days
    if days_left < 0:
        key = "passed"
    elif days_left <= spec["close_days"]:
        key = "close"
    else:
        key = "upcoming"
    text = spec[key][lang].format(deadline=long_date(deadline, lang), days_left=days_left)
    return text, key == "close"


def _resource(resource: Entry, lang: str) -> dict[str, Any]:
    def text(key: str) -> str | None:
        value = resource.get(key)
        return value[lang] if value else None

    return {
        "id": resource["id"],
        "name": resource["name"][lang],
        "phone": resource.get("phone"),
        "sms": bool(resource.get("sms")),
        "url": resource.get("url"),
        "email": resource.get("email"),
        "hours": text("hours"),
        "what": resource["what"][lang],
        "note": text("note"),
        "source": resource["source"],
        "checked": resource["checked"].isoformat(),
        "confidence": resource["confidence"],
    }


def _offence(
    offence: Entry, facts: Mapping[str, Any], named: Mapping[str, Any], lang: str
) -> dict[str, Any]:
    penalty = rules.penalty(offence, facts, named)
    prescription = rules.prescription(offence, facts, named)
    return {
        "id": offence["id"],
        "article": offence["article"][lang],
        "title": offence["title"][lang],
        "what": offence["what"][lang],
        "prison_years": penalty.prison_years,
        "fine_eur": penalty.fine_eur,
        "penalty": rules.penalty_text(penalty, lang),
        "circumstances": [circumstance["label"][lang] for circumstance in penalty.circumstances],
        "prescription": prescription.text[lang],
        "prescription_confidence": prescription.confidence,
        "deadline": prescription.deadline.isoformat() if prescription.deadline else None,
        "note": offence["note"][lang] if offence.get("note") else None,
        "source": offence["source"],
        "checked": offence["checked"].isoformat(),
        "confidence": offence["confidence"],
    }
