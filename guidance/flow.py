"""The questionnaire over the content: which question comes next, answers and their facts.

Answers are a plain dict, question id → answer: a choice value (single), a list of values
(multiple, [] for none), an ISO date (date), or None for a skipped question. Only the answers
on the current path count: walking the flow from the first question, following each
question's `next` rules on the facts gathered so far. An answer left over from an earlier
route (the user went back and changed something) is ignored, and `prune` drops it.
All functions here are pure: they take the Content explicitly (see guidance.engine).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils import translation
from django.utils.translation import gettext

from common.languages import codes
from guidance.conditions import Atom
from guidance.content.schema import PLAN, Content, Question
from guidance.facts import parse_date

Answers = Mapping[str, Any]
Path = list[tuple[str, Any]]  # (question id, answer) in the order asked


class AnswerError(ValueError):
    """An answer the question does not accept. `code` picks the message shown to the user."""

    def __init__(self, question_id: str, code: str, detail: str) -> None:
        super().__init__(f"{question_id}: {detail}")
        self.question_id = question_id
        self.code = code  # required | invalid_choice | invalid_date | future_date

    def message(self, content: Content, lang: str) -> str:
        """The message for the user, in their language (flow.yaml `messages`)."""
        return getattr(content.messages, self.code)[lang]


@dataclass
class Walk:
    path: list[str] = field(default_factory=list)  # questions answered, in order
    next: str | None = None  # the question to ask now; None when the plan is reached
    facts: dict[str, Any] = field(default_factory=dict)  # facts from the answers on the path


def walk(content: Content, answers: Answers) -> Walk:
    """Follow the flow through the answers until a question without a (valid) answer."""
    result = Walk()
    node = content.first
    while node != PLAN:
        question = content.question(node)
        if node not in answers or not accepts(question, answers[node]):
            result.next = node
            return result
        result.path.append(node)
        result.facts = apply_answer(question, answers[node], result.facts)
        node = question.next_for(result.facts)
    return result


def apply_answer(question: Question, value: Any, facts: Mapping[str, Any]) -> dict[str, Any]:
    """The facts with this answer added: its own fact, and the facts its choice `sets`."""
    updated = dict(facts)
    if value is None:  # skipped: the fact stays unknown
        return updated
    updated[question.fact] = list(value) if isinstance(value, list | tuple) else value
    if question.kind == "single":
        updated.update(question.choice(value).sets)
    return updated


def accepts(question: Question, value: Any) -> bool:
    """Whether a stored answer is still one this question takes (content may have changed)."""
    if value is None or value == []:  # skipped, or "none of these"
        return question.skippable and (value is None or question.kind == "multiple")
    if question.kind == "date":
        try:
            parse_date(value)
        except ValueError:
            return False
        return True
    if question.kind == "multiple":
        return isinstance(value, list | tuple) and set(value) <= set(question.values)
    return value in question.values


def prune(content: Content, answers: Answers) -> dict[str, Any]:
    """Only the answers on the current path (stale follow-ups dropped)."""
    return {qid: answers[qid] for qid in walk(content, answers).path}


# --- Reading an answer from a form ------------------------------------------------------------


def parse_answer(
    question: Question, raw_values: str | Iterable[str] | None, today: dt.date | None = None
) -> Any:
    """The answer from a form's raw values (e.g. request.POST.getlist(question id)).

    Empty input means skipped: None, or [] for a multiple question ("none of these"); refused
    with code "required" when the question may not be skipped. Dates are YYYY-MM-DD (what
    <input type="date"> sends) or DD/MM/YYYY, and may not be in the future.
    """
    qid = question.id
    raw = [raw_values] if isinstance(raw_values, str) else list(raw_values or [])
    given = [value.strip() for value in raw if isinstance(value, str) and value.strip()]
    if not given:
        if not question.skippable:
            raise AnswerError(qid, "required", "an answer is required")
        return [] if question.kind == "multiple" else None
    if question.kind == "date":
        return _parse_date_answer(qid, given, today or dt.date.today())
    values = question.values
    unknown = [value for value in given if value not in values]
    if unknown:
        raise AnswerError(qid, "invalid_choice", f"{unknown[0]!r} is not a choice")
    if question.kind == "single":
        if len(set(given)) > 1:
            raise AnswerError(qid, "invalid_choice", "only one choice is allowed")
        return given[0]
    return [value for value in values if value in given]  # the list's order, no duplicates


def _parse_date_answer(qid: str, given: list[str], today: dt.date) -> str:
    text = given[0]
    if len(given) > 1:
        raise AnswerError(qid, "invalid_date", "one date is expected")
    if "/" in text:  # DD/MM/YYYY, as French people write it
        day, _, rest = text.partition("/")
        month, _, year = rest.partition("/")
        text = f"{year.zfill(4)}-{month.zfill(2)}-{day.zfill(2)}"
    try:
        date = parse_date(text)
    except ValueError:
        raise AnswerError(qid, "invalid_date", f"{given[0]!r} is not a date") from None
    if date > today:
        raise AnswerError(qid, "future_date", f"{date.isoformat()} is in the future")
    if date.year < 1900:
        raise AnswerError(qid, "invalid_date", f"{date.isoformat()} is too old")
    return date.isoformat()


def answer_to_raw(value: Any) -> list[str]:
    """The raw form values that `parse_answer` reads back as `value` (for tests and forms)."""
    if value is None:
        return []
    return [str(item) for item in value] if isinstance(value, list | tuple) else [str(value)]


# --- Showing a question ----------------------------------------------------------------------


def render_question(
    content: Content, question_id: str, lang: str, answers: Answers | None = None
) -> dict[str, Any]:
    """The question in `lang`, worded for whoever answers (its variants), as a plain dict."""
    question = content.question(question_id)
    answers = answers or {}
    facts = walk(content, answers).facts
    variant = next((v for v in question.variants if v.condition.holds(facts)), None)
    text, hint, labels = question.text, question.hint, {}
    if variant is not None:
        text, hint, labels = variant.text or text, variant.hint or hint, variant.labels
    return {
        "id": question.id,
        "kind": question.kind,
        "fact": question.fact,
        "text": text[lang],
        "hint": hint[lang] if hint else None,
        "skippable": question.skippable,
        "choices": [
            {
                "value": choice.value,
                "label": labels.get(choice.value, choice.label)[lang],
                "hint": choice.hint[lang] if choice.hint else None,
            }
            for choice in question.choices
        ],
        "answer": answers.get(question_id),
    }


def describe_facts(content: Content, facts: Mapping[str, Any], lang: str) -> dict[str, dict]:
    """The questionnaire's own words for each value of each fact a question sets, worded for
    whoever answered (the question's variant that holds on these facts): {fact: {value:
    label}}. A parent's "Un ou des élèves de son école", a victim's "… de mon école"."""
    words: dict[str, dict] = {}
    for question in content.questions:
        variant = next((v for v in question.variants if v.condition.holds(facts)), None)
        labels = variant.labels if variant is not None else {}
        words[question.fact] = {
            choice.value: labels.get(choice.value, choice.label)[lang]
            for choice in question.choices
        }
    return words


# --- Every path ------------------------------------------------------------------------------


def all_paths(content: Content, today: dt.date | None = None) -> list[Path]:
    """Every route through the flow, plus enough paths to use every answer at least once.

    For each question the candidate answers are: each choice (single); none ([], when it may
    be skipped), each single value and all values together (multiple); a date 20 days ago, a
    date 400 days ago, and no date (date); plus None when a single or date question may be
    skipped. Answers that lead to the same next question and make every routing condition
    (the `next` rules' tests) come out the same are interchangeable for routing: one of them
    is followed, which gives every distinct route once. Then, for every other candidate
    answer of every question, one more path: the first route through that question, with
    that answer swapped in (it takes the same route by construction). Every path ends at
    the plan.
    """
    today = today or dt.date.today()
    routing = _routing_atoms(content)
    routes: list[Path] = []

    def explore(node: str, prefix: Path, facts: dict[str, Any]) -> None:
        if node == PLAN:
            routes.append(prefix)
            return
        question = content.question(node)
        for value in _groups(question, facts, routing, today).values():
            after = apply_answer(question, value[0], facts)
            explore(question.next_for(after), [*prefix, (node, value[0])], after)

    explore(content.first, [], {})
    return routes + _covering_paths(content, routes, routing, today)


def _covering_paths(
    content: Content, routes: list[Path], routing: list[Atom], today: dt.date
) -> list[Path]:
    covered = {(qid, _key(value)) for route in routes for qid, value in route}
    extra: list[Path] = []
    for route in routes:
        facts: dict[str, Any] = {}
        for index, (qid, value) in enumerate(route):
            question = content.question(qid)
            for group in _groups(question, facts, routing, today).values():
                if _key(value) not in map(_key, group):
                    continue
                for other in group:
                    if (qid, _key(other)) not in covered:
                        covered.add((qid, _key(other)))
                        extra.append([*route[:index], (qid, other), *route[index + 1 :]])
            facts = apply_answer(question, value, facts)
    return extra


def _groups(
    question: Question, facts: Mapping[str, Any], routing: list[Atom], today: dt.date
) -> dict[tuple, list[Any]]:
    """The candidate answers, grouped by where they lead and how they make routing tests."""
    own = set(question.facts_set())
    tests = [atom for atom in routing if atom.fact in own]
    groups: dict[tuple, list[Any]] = {}
    for value in _candidates(question, today):
        after = apply_answer(question, value, facts)
        signature = (question.next_for(after), tuple(atom.holds(after) for atom in tests))
        groups.setdefault(signature, []).append(value)
    return groups


def _candidates(question: Question, today: dt.date) -> list[Any]:
    skip: list[Any] = [None] if question.skippable else []
    if question.kind == "date":
        recent, old = today - dt.timedelta(days=20), today - dt.timedelta(days=400)
        return [recent.isoformat(), old.isoformat(), *skip]
    values = question.values
    if question.kind == "single":
        return [*values, *skip]
    return [*([[]] if question.skippable else []), *([v] for v in values), values]


def _routing_atoms(content: Content) -> list[Atom]:
    """Every fact test used by a `next` rule: the only tests that change the route."""
    return [
        atom
        for question in content.questions
        for rule in question.next
        if rule.condition is not None
        for atom in rule.condition.atoms()
    ]


def _key(value: Any) -> str:
    return json.dumps(value)


# --- The flow as a picture -------------------------------------------------------------------


def mermaid(content: Content, lang: str | None = None) -> str:
    """The flow as a Mermaid flowchart: one box per question, edges labelled by their rule.

    In `lang`, or the site's default language when None.
    """
    lang = lang or codes()[0]
    lines = ["flowchart TD"]
    for question in content.questions:
        lines.append(f'    {question.id}["{question.id}<br/>{_quote(question.text[lang])}"]')
    with translation.override(lang):
        end = gettext("Action plan")
    lines.append(f'    {PLAN}(["{end}"])')
    for question in content.questions:
        for rule in question.next:
            label = f'|"{_quote(rule.condition.describe())}"|' if rule.condition else ""
            lines.append(f"    {question.id} -->{label} {rule.goto}")
    return "\n".join(lines) + "\n"


def _quote(text: str) -> str:
    return text.replace('"', "#quot;")


def questions_in(paths: Sequence[Path]) -> set[str]:
    """The questions some path asks (tests use it: every question is on some path)."""
    return {qid for path in paths for qid, _ in path}
