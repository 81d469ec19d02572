"""The checks the content must pass beyond its schema, before the site starts (and in tests).

The schema (guidance.content.schema) already refused what is malformed: missing texts,
unknown fields, wrong types. `validate(content)` checks what only the whole can say, and
returns the problems, one readable line each naming the place, or [] when all is well:
  - the flow graph: the first question and every target exist, every question is reachable,
    there is no cycle, and a routing rule only tests facts set by earlier questions;
  - the facts vocabulary (guidance/facts.py): each question's fact fits its kind, choices
    and conditions use known facts and values, no fact is set by two questions;
  - references between files: resources, offences, choice values in a variant's labels;
  - unique ids, the deadline texts' placeholders, and what review asks of a resource;
  - trust: a verified fact points to the official text it matches, an urgent item cites only
    verified resources (no doubt in a danger block), and nothing shown names the reviewer's
    internal reference sheet.
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterable, Iterator, Mapping

from common.languages import codes
from guidance.conditions import Condition
from guidance.content.schema import PLAN, Content, Deadline, Question
from guidance.facts import FACTS

QUESTION_KINDS = {"single": "one", "multiple": "many", "date": "date"}  # kind → fact kind
DEADLINE_PLACEHOLDERS = {"deadline", "days_left"}
# The reviewer's internal sheet and its numbered sources: never in what readers see.
INTERNAL_REFERENCE = re.compile(r"legal-fr|\.md\b|\[\d+\]")


def validate(content: Content) -> list[str]:
    """The problems of the content, one line each; [] when it is fine."""
    return [
        *_condition_problems(content),
        *_question_problems(content),
        *_graph_problems(content),
        *_step_problems(content),
        *_resource_problems(content),
        *_offence_problems(content),
        *_trust_problems(content),
    ]


def _twice(ids: Iterable[str], where: str) -> list[str]:
    seen: set[str] = set()
    found = []
    for entry_id in ids:
        if entry_id in seen:
            found.append(f"{where}: the id {entry_id!r} is used twice")
        seen.add(entry_id)
    return found


# --- Conditions: the facts and values they test ----------------------------------------------


def _condition_problems(content: Content) -> list[str]:
    return [
        problem
        for where, condition in _conditions(content)
        for problem in condition.problems(where, FACTS)
    ]


def _conditions(content: Content) -> Iterator[tuple[str, Condition]]:
    """Every condition of the content, with its place."""
    for name, condition in content.conditions.items():
        yield f"conditions › {name}", condition
    yield "steps › tu_if", content.tu_if
    for question in content.questions:
        for index, variant in enumerate(question.variants):
            yield f"question {question.id} › variants[{index}] › if", variant.condition
        for index, rule in enumerate(question.next):
            if rule.condition is not None:
                yield f"question {question.id} › next[{index}] › if", rule.condition
    for kind, items in (("urgent", content.urgent), ("step", content.steps)):
        for item in items:
            where = f"{kind} {item.id}"
            yield f"{where} › if", item.condition
            for ref in item.resources:
                if ref.condition is not None:
                    yield f"{where} › resources › {ref.id} › if", ref.condition
    for step in content.steps:
        for index, step_variant in enumerate(step.variants):
            yield f"step {step.id} › variants[{index}] › if", step_variant.condition
        for index, extra in enumerate(step.extras):
            yield f"step {step.id} › extras[{index}] › if", extra.condition
    for offence in content.offences:
        where = f"offence {offence.id}"
        yield f"{where} › if", offence.condition
        for index, penalty_variant in enumerate(offence.penalty.variants):
            yield f"{where} › penalty › variants[{index}] › if", penalty_variant.condition
        for circumstance in offence.penalty.circumstances:
            yield (
                f"{where} › penalty › circumstances › {circumstance.id} › if",
                circumstance.condition,
            )
        for index, prescription_variant in enumerate(offence.prescription.variants):
            yield f"{where} › prescription › variants[{index}] › if", prescription_variant.condition
        if offence.only_if is not None and offence.only_if.known is not None:
            yield f"{where} › only_if › known", offence.only_if.known


# --- Questions -------------------------------------------------------------------------------


def _question_problems(content: Content) -> list[str]:
    found = _twice((question.id for question in content.questions), "flow › questions")
    setters: dict[str, str] = {}  # fact → the question setting it
    for question in content.questions:
        where = f"question {question.id}"
        if question.id == PLAN:
            found.append(f"{where}: {PLAN!r} is reserved for the end of the flow")
        found += _kind_problems(question, where)
        found += _choice_problems(question, where)
        found += _label_problems(question, where)
        for fact in question.facts_set():
            if fact in setters:
                found.append(f"{where}: the fact {fact!r} is already set by {setters[fact]}")
            setters[fact] = question.id
    return found


def _kind_problems(question: Question, where: str) -> list[str]:
    spec = FACTS.get(question.fact)
    if spec is None:
        return [f"{where}: unknown fact {question.fact!r}"]
    if spec.kind != QUESTION_KINDS[question.kind]:
        return [
            f"{where}: a {question.kind} question cannot set {question.fact!r} ({spec.kind} value)"
        ]
    return []


def _choice_problems(question: Question, where: str) -> list[str]:
    if question.kind == "date":
        return [f"{where}: a date question has no choices"] if question.choices else []
    if not question.choices:
        return [f"{where}: `choices` must be a non-empty list"]
    allowed = FACTS[question.fact].values if question.fact in FACTS else ()
    found: list[str] = []
    seen: set[str] = set()
    for index, choice in enumerate(question.choices):
        spot = f"{where} › choices[{index}]"
        if choice.value not in allowed:
            found.append(
                f"{spot}: unknown value {choice.value!r} for {question.fact!r} (quote yes/no/15_17)"
            )
        if choice.value in seen:
            found.append(f"{spot}: the value {choice.value!r} appears twice")
        seen.add(choice.value)
        if choice.sets and question.kind != "single":
            found.append(f"{spot}: only the choices of a single question may set other facts")
        for fact, value in choice.sets.items():
            spec = FACTS.get(fact)
            if spec is None or spec.kind != "one":
                found.append(f"{spot} › sets: {fact!r} is not a one-value fact")
            elif value not in spec.values:
                found.append(f"{spot} › sets: unknown value {value!r} for {fact!r}")
    return found


def _label_problems(question: Question, where: str) -> list[str]:
    return [
        f"{where} › variants[{index}] › labels: {value!r} is not a choice of this question"
        for index, variant in enumerate(question.variants)
        for value in variant.labels
        if value not in question.values
    ]


# --- The graph -------------------------------------------------------------------------------


def edges(content: Content) -> dict[str, list[str]]:
    """Each question's possible next nodes, in rule order."""
    return {question.id: [rule.goto for rule in question.next] for question in content.questions}


def _graph_problems(content: Content) -> list[str]:
    questions = content.question_by_id
    if content.first not in questions:
        return [f"flow: the first question {content.first!r} does not exist"]
    found = [
        f"question {question.id} › next[{index}]: the target {rule.goto!r} does not exist"
        for question in content.questions
        for index, rule in enumerate(question.next)
        if rule.goto != PLAN and rule.goto not in questions
    ]
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


def _reachable(first: str, graph: Mapping[str, Iterable[str]]) -> set[str]:
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
    for question in content.questions:
        known = set(question.facts_set())
        for ancestor in _reachable(question.id, parents) - {question.id}:
            known.update(content.question_by_id[ancestor].facts_set())
        for index, rule in enumerate(question.next):
            if rule.condition is None or rule.condition.problems("", FACTS):
                continue  # no test, or one already reported
            for atom in rule.condition.atoms():
                if atom.fact not in known:
                    found.append(
                        f"question {question.id} › next[{index}]: tests {atom.fact!r}, which no "
                        "earlier question sets"
                    )
    return found


# --- Steps -----------------------------------------------------------------------------------


def _step_problems(content: Content) -> list[str]:
    found = _twice(
        (item.id for item in (*content.urgent, *content.steps)), "steps (urgent and steps)"
    )
    for kind, items in (("urgent", content.urgent), ("step", content.steps)):
        for item in items:
            found += [
                f"{kind} {item.id}: the resource {ref.id!r} does not exist"
                for ref in item.resources
                if ref.id not in content.resource_by_id
            ]
    for step in content.steps:
        where = f"step {step.id}"
        per_value = step.resources_per_value
        if per_value is not None:
            spec = FACTS.get(per_value.fact)
            if spec is None or spec.kind != "many":
                found.append(
                    f"{where} › resources_per_value: {per_value.fact!r} is not a list fact"
                )
            else:
                found += [
                    f"{where}: the resource {per_value.id.format(value=value)!r} does not exist"
                    for value in spec.values
                    if per_value.id.format(value=value) not in content.resource_by_id
                ]
        if step.deadline is not None:
            found += _deadline_problems(content, step.deadline, f"{where} › deadline")
    return found


def _deadline_problems(content: Content, deadline: Deadline, where: str) -> list[str]:
    found = [
        f"{where}: the offence {offence_id!r} does not exist"
        for offence_id in deadline.offence
        if offence_id not in content.offence_by_id
    ]
    for name, text in deadline.texts().items():
        for lang in codes():
            found += _placeholder_problems(text[lang], f"{where} › {name} › {lang}")
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


# --- Resources and offences --------------------------------------------------------------------


def _resource_problems(content: Content) -> list[str]:
    found = _twice((resource.id for resource in content.resources), "resources")
    found += [
        f"resource {resource.id}: an unverified phone number needs a `note` saying so"
        for resource in content.resources
        if resource.phone and resource.confidence == "unverified" and resource.note is None
    ]
    return found


def _offence_problems(content: Content) -> list[str]:
    return _twice((offence.id for offence in content.offences), "offences")


# --- Trust -------------------------------------------------------------------------------------


def _trust_problems(content: Content) -> list[str]:
    found = [
        f"resource {resource.id}: verified, so it needs the `official` page it was checked against"
        for resource in content.resources
        if resource.confidence == "verified" and resource.official is None
    ]
    found += [
        f"urgent {item.id}: the resource {ref.id!r} is {resource.confidence}: an urgent item "
        "may only cite verified resources"
        for item in content.urgent
        for ref in item.resources
        if (resource := content.resource_by_id.get(ref.id)) is not None
        and resource.confidence != "verified"
    ]
    shown: list[tuple[str, str]] = []
    for resource in content.resources:
        shown.append((f"resource {resource.id} › source", resource.source))
        if resource.official is not None:
            shown += [
                (f"resource {resource.id} › official › name › {lang}", resource.official.name[lang])
                for lang in codes()
            ]
    for offence in content.offences:
        shown += [
            (f"offence {offence.id} › official › name › {lang}", offence.official.name[lang])
            for lang in codes()
        ]
    shown += [
        (f"attestation › official › name › {lang}", content.attestation.official.name[lang])
        for lang in codes()
    ]
    found += [
        f"{where}: names the internal reference sheet ({text!r:.60}); put it in `reference`"
        for where, text in shown
        if INTERNAL_REFERENCE.search(text)
    ]
    return found
