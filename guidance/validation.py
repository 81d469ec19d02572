"""Every check the content must pass before the site starts (and in the tests).

`validate(content)` returns the problems, one readable line each, or [] when all is well:
every target exists, every question is reachable, there is no cycle, every path ends at the
plan, every text exists in French and in English, every fact and value belongs to the
vocabulary, every referenced resource and offence exists.
"""

from __future__ import annotations

import datetime as dt
import string
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from guidance import conditions
from guidance.content.schema import CONFIDENCE, LANGS, PLAN, WHEN, Content
from guidance.facts import FACTS

QUESTION_KINDS = {"single": "one", "multiple": "many", "date": "date"}  # kind → fact kind
QUESTION_KEYS = {"id", "kind", "fact", "text", "hint", "skippable", "choices", "variants", "next"}
STEP_KEYS = {
    "id",
    "when",
    "if",
    "title",
    "text",
    "variants",
    "extras",
    "resources",
    "resources_per_value",
    "deadline",
}
URGENT_KEYS = {"id", "if", "title", "text", "resources"}
RESOURCE_KEYS = {
    "id",
    "name",
    "phone",
    "sms",
    "url",
    "email",
    "hours",
    "what",
    "note",
    "source",
    "checked",
    "confidence",
    "footer",
}
OFFENCE_KEYS = {
    "id",
    "article",
    "title",
    "what",
    "if",
    "note",
    "penalty",
    "prescription",
    "source",
    "checked",
    "confidence",
}
RUNS_FROM = ("first_seen", "last_act", "majority")
DEADLINE_TEXTS = ("upcoming", "close", "passed", "no_date")
DEADLINE_PLACEHOLDERS = {"deadline", "days_left"}
MESSAGE_CODES = ("required", "invalid_choice", "invalid_date", "future_date")


def validate(content: Content) -> list[str]:
    """The problems of the content, one line each; [] when it is fine."""
    return [
        *content.shape_problems,
        *_named_condition_problems(content),
        *_question_problems(content),
        *_graph_problems(content),
        *_message_problems(content),
        *_step_problems(content),
        *_resource_problems(content),
        *_offence_problems(content),
    ]


# --- Shared checks ---------------------------------------------------------------------------


def text_problems(value: Any, where: str, *, optional: bool = False) -> list[str]:
    """A text must be {fr, en} with both languages written."""
    if value is None and optional:
        return []
    if not isinstance(value, Mapping):
        return [f"{where}: a text {{fr, en}} is expected, got {value!r:.60}"]
    found = [
        f"{where}: the {lang} text is missing"
        for lang in LANGS
        if not isinstance(value.get(lang), str) or not value[lang].strip()
    ]
    found += [f"{where}: unknown language {lang!r}" for lang in value if lang not in LANGS]
    return found


def _condition(
    content: Content,
    entry: Mapping[str, Any],
    where: str,
    key: str = "if",
    *,
    required: bool = True,
) -> list[str]:
    if key not in entry:
        return [f"{where}: `{key}` (a condition) is missing"] if required else []
    return conditions.problems(entry[key], content.conditions, f"{where} › {key}")


def _unknown_keys(entry: Mapping[str, Any], allowed: set[str], where: str) -> list[str]:
    return [f"{where}: unknown field {key!r}" for key in entry if key not in allowed]


def _ids(entries: Iterable[Any], section: str) -> list[str]:
    found, seen = [], set()
    for index, entry in enumerate(entries):
        if not isinstance(entry, Mapping):
            found.append(f"{section}[{index}]: a mapping is expected")
            continue
        entry_id = entry.get("id")
        if not isinstance(entry_id, str) or not entry_id:
            found.append(f"{section}[{index}]: `id` must be a non-empty string (quote numbers)")
        elif entry_id in seen:
            found.append(f"{section}: the id {entry_id!r} is used twice")
        seen.add(entry_id)
    return found


def _checked(entry: Mapping[str, Any], where: str) -> list[str]:
    found = []
    if not isinstance(entry.get("source"), str) or not entry["source"].strip():
        found.append(f"{where}: `source` is missing")
    if not isinstance(entry.get("checked"), dt.date):
        found.append(f"{where}: `checked` must be a date written YYYY-MM-DD")
    if entry.get("confidence") not in CONFIDENCE:
        found.append(f"{where}: `confidence` must be one of {', '.join(CONFIDENCE)}")
    return found


# --- Named conditions ------------------------------------------------------------------------


def _named_condition_problems(content: Content) -> list[str]:
    found = []
    for name, condition in content.conditions.items():
        found += conditions.problems(
            condition, content.conditions, f"conditions › {name}", in_named=True
        )
    return found


# --- Questions -------------------------------------------------------------------------------


def _question_problems(content: Content) -> list[str]:
    found = _ids(content.questions, "flow › questions")
    setters: dict[str, str] = {}  # fact → the question setting it
    for question in content.question_by_id.values():
        where = f"question {question['id']}"
        found += _unknown_keys(question, QUESTION_KEYS, where)
        if question["id"] == PLAN:
            found.append(f"{where}: {PLAN!r} is reserved for the end of the flow")
        found += text_problems(question.get("text"), f"{where} › text")
        found += text_problems(question.get("hint"), f"{where} › hint", optional=True)
        if not isinstance(question.get("skippable"), bool):
            found.append(f"{where}: `skippable` must be true or false")
        found += _kind_problems(question, where)
        found += _choice_problems(question, where)
        found += _variant_problems(content, question, where)
        for fact in _facts_set_by(question):
            if fact in setters:
                found.append(f"{where}: the fact {fact!r} is already set by {setters[fact]}")
            setters[fact] = question["id"]
    return found


def _kind_problems(question: Mapping[str, Any], where: str) -> list[str]:
    kind, fact = question.get("kind"), question.get("fact")
    if kind not in QUESTION_KINDS:
        return [f"{where}: `kind` must be one of {', '.join(QUESTION_KINDS)}"]
    if fact not in FACTS:
        return [f"{where}: unknown fact {fact!r}"]
    if FACTS[fact].kind != QUESTION_KINDS[kind]:
        return [f"{where}: a {kind} question cannot set {fact!r} ({FACTS[fact].kind} value)"]
    return []


def _choice_problems(question: Mapping[str, Any], where: str) -> list[str]:
    kind, fact, choices = question.get("kind"), question.get("fact"), question.get("choices")
    if kind == "date":
        return [f"{where}: a date question has no choices"] if choices else []
    if not isinstance(choices, list) or not choices:
        return [f"{where}: `choices` must be a non-empty list"]
    allowed = FACTS[fact].values if fact in FACTS else ()
    found, seen = [], set()
    for index, choice in enumerate(choices):
        spot = f"{where} › choices[{index}]"
        if not isinstance(choice, Mapping):
            found.append(f"{spot}: a mapping is expected")
            continue
        value = choice.get("value")
        if value not in allowed:
            found.append(f"{spot}: unknown value {value!r} for {fact!r} (quote yes/no/15_17)")
        if value in seen:
            found.append(f"{spot}: the value {value!r} appears twice")
        seen.add(value)
        found += text_problems(choice.get("label"), f"{spot} › label")
        found += text_problems(choice.get("hint"), f"{spot} › hint", optional=True)
        found += _unknown_keys(choice, {"value", "label", "hint", "sets"}, spot)
        if "sets" in choice:
            found += _sets_problems(choice["sets"], kind, spot)
    return found


def _sets_problems(sets: Any, kind: Any, spot: str) -> list[str]:
    if kind != "single":
        return [f"{spot}: only the choices of a single question may set other facts"]
    if not isinstance(sets, Mapping):
        return [f"{spot}: `sets` must map facts to values"]
    found = []
    for fact, value in sets.items():
        spec = FACTS.get(fact)
        if spec is None or spec.kind != "one":
            found.append(f"{spot} › sets: {fact!r} is not a one-value fact")
        elif value not in spec.values:
            found.append(f"{spot} › sets: unknown value {value!r} for {fact!r}")
    return found


Check = Callable[[Mapping[str, Any], str], list[str]]


def _each_mapping(entry: Mapping[str, Any], key: str, where: str, check: Check) -> list[str]:
    """Problems of `entry[key]`, a list of mappings each checked by `check(item, spot)`."""
    items = entry.get(key, [])
    if not isinstance(items, list):
        return [f"{where}: `{key}` must be a list"]
    found = []
    for index, item in enumerate(items):
        spot = f"{where} › {key}[{index}]"
        if isinstance(item, Mapping):
            found += check(item, spot)
        else:
            found.append(f"{spot}: a mapping is expected")
    return found


def _variant_problems(content: Content, question: Mapping[str, Any], where: str) -> list[str]:
    values = {c.get("value") for c in question.get("choices") or [] if isinstance(c, Mapping)}

    def check(variant: Mapping[str, Any], spot: str) -> list[str]:
        found = _unknown_keys(variant, {"if", "text", "hint", "labels"}, spot)
        found += _condition(content, variant, spot)
        found += text_problems(variant.get("text"), f"{spot} › text", optional=True)
        found += text_problems(variant.get("hint"), f"{spot} › hint", optional=True)
        labels = variant.get("labels", {})
        if not isinstance(labels, Mapping):
            return [*found, f"{spot}: `labels` must map choice values to texts"]
        for value, label in labels.items():
            if value not in values:
                found.append(f"{spot} › labels: {value!r} is not a choice of this question")
            found += text_problems(label, f"{spot} › labels › {value}")
        return found

    return _each_mapping(question, "variants", where, check)


def _facts_set_by(question: Mapping[str, Any]) -> list[str]:
    """The facts a question's answer can set: its own and those of its choices' `sets`."""
    facts = [question.get("fact")]
    for choice in question.get("choices") or []:
        if isinstance(choice, Mapping) and isinstance(choice.get("sets"), Mapping):
            facts += [fact for fact in choice["sets"] if fact not in facts]
    return [fact for fact in facts if isinstance(fact, str)]


# --- The graph -------------------------------------------------------------------------------


def next_rules(question: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """The `next` of a question as a list of rules; a plain id is the default rule."""
    value = question.get("next")
    if isinstance(value, str):
        return [{"goto": value}]
    return [rule for rule in value if isinstance(rule, Mapping)] if isinstance(value, list) else []


def edges(content: Content) -> dict[str, list[str]]:
    """Each question's possible next nodes, in rule order."""
    return {
        qid: [rule.get("goto") for rule in next_rules(question)]
        for qid, question in content.question_by_id.items()
    }


def _graph_problems(content: Content) -> list[str]:
    questions = content.question_by_id
    if content.first not in questions:
        return [f"flow: the first question {content.first!r} does not exist"]
    found = []
    for qid, question in questions.items():
        found += _next_problems(content, question, f"question {qid}")
    graph = {qid: [t for t in targets if t in questions] for qid, targets in edges(content).items()}
    reachable = _reachable(content.first, graph)
    found += [
        f"question {qid}: unreachable from the first question {content.first!r}"
        for qid in questions
        if qid not in reachable
    ]
    found += _cycle_problems(graph)
    found += _routing_fact_problems(content, graph)
    return found


def _next_problems(content: Content, question: Mapping[str, Any], where: str) -> list[str]:
    value = question.get("next")
    if not isinstance(value, str | list) or not value:
        return [f"{where}: `next` is missing: every question must lead somewhere"]
    rules = next_rules(question)
    if isinstance(value, list) and len(rules) != len(value):
        return [f"{where}: every `next` rule must be a mapping {{if, goto}}"]
    found = []
    for index, rule in enumerate(rules):
        spot = f"{where} › next[{index}]"
        found += _unknown_keys(rule, {"if", "goto"}, spot)
        target = rule.get("goto")
        if target != PLAN and target not in content.question_by_id:
            found.append(f"{spot}: the target {target!r} does not exist")
        is_last = index == len(rules) - 1
        if is_last and "if" in rule:
            found.append(f"{spot}: the last rule must have no `if` (the default next question)")
        elif not is_last:
            found += _condition(content, rule, spot)
    return found


def _reachable(first: str, graph: Mapping[str, list[str]]) -> set[str]:
    seen, todo = {first}, [first]
    while todo:
        for target in graph.get(todo.pop(), []):
            if target not in seen:
                seen.add(target)
                todo.append(target)
    return seen


def _cycle_problems(graph: Mapping[str, list[str]]) -> list[str]:
    """A cycle would make a path that never reaches the plan."""
    state: dict[str, str] = {}  # "open" while on the current walk, "done" after
    found: list[str] = []

    def visit(node: str, trail: list[str]) -> None:
        state[node] = "open"
        trail = [*trail, node]
        for target in graph.get(node, []):
            if state.get(target) == "open":
                loop = [*trail[trail.index(target) :], target]
                found.append(f"flow: cycle {' → '.join(loop)}")
            elif target not in state:
                visit(target, trail)
        state[node] = "done"

    for node in graph:
        if node not in state:
            visit(node, [])
    return found


def _routing_fact_problems(content: Content, graph: Mapping[str, list[str]]) -> list[str]:
    """A rule may only test facts answered before it, or it could never hold as meant."""
    parents: dict[str, set[str]] = {qid: set() for qid in graph}
    for qid, targets in graph.items():
        for target in targets:
            parents[target].add(qid)
    found = []
    for qid, question in content.question_by_id.items():
        known = set(_facts_set_by(question))
        for ancestor in _reachable(qid, parents) - {qid}:
            known.update(_facts_set_by(content.question_by_id[ancestor]))
        for index, rule in enumerate(next_rules(question)):
            if "if" not in rule or conditions.problems(rule["if"], content.conditions, ""):
                continue
            for fact, _ in conditions.atoms(rule["if"], content.conditions):
                if fact not in known:
                    found.append(
                        f"question {qid} › next[{index}]: tests {fact!r}, which no earlier "
                        "question sets"
                    )
    return found


# --- Messages --------------------------------------------------------------------------------


def _message_problems(content: Content) -> list[str]:
    return [
        problem
        for code in MESSAGE_CODES
        for problem in text_problems(content.messages.get(code), f"flow › messages › {code}")
    ]


# --- Steps -----------------------------------------------------------------------------------


def _step_problems(content: Content) -> list[str]:
    found = _ids([*content.urgent, *content.steps], "steps (urgent and steps)")
    for item in content.urgent:
        if isinstance(item, Mapping) and isinstance(item.get("id"), str):
            where = f"urgent {item['id']}"
            found += _unknown_keys(item, URGENT_KEYS, where)
            found += _item_problems(content, item, where)
    for step in content.steps:
        if isinstance(step, Mapping) and isinstance(step.get("id"), str):
            where = f"step {step['id']}"
            found += _unknown_keys(step, STEP_KEYS, where)
            if step.get("when") not in WHEN:
                found.append(f"{where}: `when` must be one of {', '.join(WHEN)}")
            found += _item_problems(content, step, where)
            found += _step_variant_problems(content, step, where)
            found += _extra_problems(content, step, where)
            found += _per_value_problems(content, step, where)
            found += _deadline_problems(content, step, where)
    return found


def _item_problems(content: Content, item: Mapping[str, Any], where: str) -> list[str]:
    found = _condition(content, item, where)
    found += text_problems(item.get("title"), f"{where} › title")
    found += text_problems(item.get("text"), f"{where} › text")
    found += _resource_ref_problems(content, item.get("resources", []), where)
    return found


def _resource_ref_problems(content: Content, refs: Any, where: str) -> list[str]:
    if not isinstance(refs, list):
        return [f"{where}: `resources` must be a list"]
    found = []
    for ref in refs:
        if isinstance(ref, Mapping):
            found += _unknown_keys(ref, {"id", "if"}, f"{where} › resources")
            found += _condition(content, ref, f"{where} › resources › {ref.get('id')}")
            ref = ref.get("id")
        if ref not in content.resource_by_id:
            found.append(f"{where}: the resource {ref!r} does not exist")
    return found


def _step_variant_problems(content: Content, step: Mapping[str, Any], where: str) -> list[str]:
    def check(variant: Mapping[str, Any], spot: str) -> list[str]:
        found = _unknown_keys(variant, {"if", "title", "text", "when"}, spot)
        found += _condition(content, variant, spot)
        found += text_problems(variant.get("title"), f"{spot} › title", optional=True)
        found += text_problems(variant.get("text"), f"{spot} › text", optional=True)
        if "when" in variant and variant["when"] not in WHEN:
            found.append(f"{spot}: `when` must be one of {', '.join(WHEN)}")
        return found

    return _each_mapping(step, "variants", where, check)


def _extra_problems(content: Content, step: Mapping[str, Any], where: str) -> list[str]:
    def check(extra: Mapping[str, Any], spot: str) -> list[str]:
        found = _unknown_keys(extra, {"if", "text"}, spot)
        found += _condition(content, extra, spot)
        return found + text_problems(extra.get("text"), f"{spot} › text")

    return _each_mapping(step, "extras", where, check)


def _per_value_problems(content: Content, step: Mapping[str, Any], where: str) -> list[str]:
    spec = step.get("resources_per_value")
    if spec is None:
        return []
    fact = spec.get("fact") if isinstance(spec, Mapping) else None
    pattern = spec.get("id") if isinstance(spec, Mapping) else None
    if fact not in FACTS or FACTS[fact].kind != "many" or not isinstance(pattern, str):
        return [f"{where}: `resources_per_value` needs a list fact and an id with {{value}}"]
    return [
        f"{where}: the resource {pattern.format(value=value)!r} does not exist"
        for value in FACTS[fact].values
        if pattern.format(value=value) not in content.resource_by_id
    ]


def _deadline_problems(content: Content, step: Mapping[str, Any], where: str) -> list[str]:
    deadline = step.get("deadline")
    if deadline is None:
        return []
    spot = f"{where} › deadline"
    if not isinstance(deadline, Mapping):
        return [f"{spot}: a mapping is expected"]
    found = _unknown_keys(deadline, {"offence", "close_days", "when_close", *DEADLINE_TEXTS}, spot)
    if deadline.get("offence") not in content.offence_by_id:
        found.append(f"{spot}: the offence {deadline.get('offence')!r} does not exist")
    if not isinstance(deadline.get("close_days"), int) or deadline["close_days"] < 0:
        found.append(f"{spot}: `close_days` must be a whole number of days")
    if deadline.get("when_close") not in WHEN:
        found.append(f"{spot}: `when_close` must be one of {', '.join(WHEN)}")
    for name in DEADLINE_TEXTS:
        text = deadline.get(name)
        found += text_problems(text, f"{spot} › {name}")
        for lang in LANGS:
            if isinstance(text, Mapping) and isinstance(text.get(lang), str):
                found += _placeholder_problems(text[lang], f"{spot} › {name} › {lang}")
    return found


def _placeholder_problems(text: str, where: str) -> list[str]:
    try:
        fields = {field for _, field, _, _ in string.Formatter().parse(text) if field}
    except ValueError as error:
        return [f"{where}: {error}"]
    return [
        f"{where}: unknown placeholder {{{field}}} (known: deadline, days_left)"
        for field in sorted(fields - DEADLINE_PLACEHOLDERS)
    ]


# --- Resources -------------------------------------------------------------------------------


def _resource_problems(content: Content) -> list[str]:
    found = _ids(content.resources, "resources")
    for resource in content.resource_by_id.values():
        where = f"resource {resource['id']}"
        found += _unknown_keys(resource, RESOURCE_KEYS, where)
        found += text_problems(resource.get("name"), f"{where} › name")
        found += text_problems(resource.get("what"), f"{where} › what")
        found += text_problems(resource.get("hours"), f"{where} › hours", optional=True)
        found += text_problems(resource.get("note"), f"{where} › note", optional=True)
        found += _checked(resource, where)
        phone, url = resource.get("phone"), resource.get("url")
        if phone is not None and not (isinstance(phone, str) and phone.isdigit()):
            found.append(f"{where}: `phone` must be digits in quotes, or null")
        if url is not None and not (isinstance(url, str) and url.startswith("https://")):
            found.append(f"{where}: `url` must start with https://, or be null")
        if phone and resource.get("confidence") == "unverified" and not resource.get("note"):
            found.append(f"{where}: an unverified phone number needs a `note` saying so")
    return found


# --- Offences --------------------------------------------------------------------------------


def _offence_problems(content: Content) -> list[str]:
    found = _ids(content.offences, "offences")
    for offence in content.offence_by_id.values():
        where = f"offence {offence['id']}"
        found += _unknown_keys(offence, OFFENCE_KEYS, where)
        for key in ("article", "title", "what"):
            found += text_problems(offence.get(key), f"{where} › {key}")
        found += text_problems(offence.get("note"), f"{where} › note", optional=True)
        found += _condition(content, offence, where)
        found += _checked(offence, where)
        found += _penalty_problems(content, offence.get("penalty"), f"{where} › penalty")
        found += _prescription_problems(
            content, offence.get("prescription"), f"{where} › prescription"
        )
    return found


def _penalty_problems(content: Content, penalty: Any, where: str) -> list[str]:
    if not isinstance(penalty, Mapping):
        return [f"{where}: a mapping is expected"]
    found = _unknown_keys(penalty, {"base", "variants", "circumstances", "tiers"}, where)
    found += _amount_problems(penalty.get("base"), f"{where} › base")
    for index, variant in enumerate(penalty.get("variants", [])):
        spot = f"{where} › variants[{index}]"
        found += _amount_problems(variant, spot, extra={"if", "label"})
        if isinstance(variant, Mapping):
            found += _condition(content, variant, spot)
            found += text_problems(variant.get("label"), f"{spot} › label", optional=True)
    circumstances = penalty.get("circumstances", [])
    found += _ids(circumstances, f"{where} › circumstances")
    for circumstance in circumstances:
        if isinstance(circumstance, Mapping):
            spot = f"{where} › circumstances › {circumstance.get('id')}"
            found += _unknown_keys(circumstance, {"id", "label", "if"}, spot)
            found += text_problems(circumstance.get("label"), f"{spot} › label")
            found += _condition(content, circumstance, spot)
    counts = []
    for index, tier in enumerate(penalty.get("tiers", [])):
        spot = f"{where} › tiers[{index}]"
        found += _amount_problems(tier, spot, extra={"count"})
        count = tier.get("count") if isinstance(tier, Mapping) else None
        if not isinstance(count, int) or count < 1:
            found.append(f"{spot}: `count` must be a whole number of circumstances, 1 or more")
        counts.append(count)
    if counts and not circumstances:
        found.append(f"{where}: tiers count circumstances, but none is listed")
    if counts != sorted(counts, key=lambda c: c if isinstance(c, int) else 0):
        found.append(f"{where}: tiers must be listed by increasing `count`")
    return found


def _amount_problems(value: Any, where: str, extra: set[str] | None = None) -> list[str]:
    if not isinstance(value, Mapping):
        return [f"{where}: {{prison_years, fine_eur}} is expected"]
    found = _unknown_keys(value, {"prison_years", "fine_eur", *(extra or set())}, where)
    for key in ("prison_years", "fine_eur"):
        if key not in value:
            found.append(f"{where}: `{key}` is missing (null when the law gives none)")
        elif value[key] is not None and (
            isinstance(value[key], bool)
            or not isinstance(value[key], int | float)
            or value[key] < 0
        ):
            found.append(f"{where}: `{key}` must be a number, or null")
    return found


def _prescription_problems(content: Content, prescription: Any, where: str) -> list[str]:
    if not isinstance(prescription, Mapping):
        return [f"{where}: a mapping is expected"]
    found = _unknown_keys(
        prescription, {"delay", "runs_from", "text", "confidence", "variants"}, where
    )
    found += _delay_problems(prescription.get("delay"), where)
    if prescription.get("runs_from") not in RUNS_FROM:
        found.append(f"{where}: `runs_from` must be one of {', '.join(RUNS_FROM)}")
    found += text_problems(prescription.get("text"), f"{where} › text")
    if prescription.get("confidence") not in CONFIDENCE:
        found.append(f"{where}: `confidence` must be one of {', '.join(CONFIDENCE)}")
    for index, variant in enumerate(prescription.get("variants", [])):
        spot = f"{where} › variants[{index}]"
        if not isinstance(variant, Mapping):
            found.append(f"{spot}: a mapping is expected")
            continue
        found += _unknown_keys(variant, {"if", "delay", "text", "confidence"}, spot)
        found += _condition(content, variant, spot)
        if "delay" in variant:
            found += _delay_problems(variant["delay"], spot)
        found += text_problems(variant.get("text"), f"{spot} › text")
        if "confidence" in variant and variant["confidence"] not in CONFIDENCE:
            found.append(f"{spot}: `confidence` must be one of {', '.join(CONFIDENCE)}")
    return found


def _delay_problems(delay: Any, where: str) -> list[str]:
    if (
        not isinstance(delay, Mapping)
        or len(delay) != 1
        or next(iter(delay)) not in ("months", "years")
        or not isinstance(next(iter(delay.values())), int)
        or next(iter(delay.values())) < 1
    ):
        return [f"{where}: `delay` must be {{months: N}} or {{years: N}}"]
    return []
