"""The guidance engine's public API: plain Python, no request needed.

    content()                           the checked content, loaded once (cached)
    load(directory=None)                read and check the content files; ContentError if bad
    read(directory=None)                the typed content (guidance.content.schema), before
                                        validate(); ContentError if it does not fit the schema
    validate(content) -> [problems]     the checks beyond the schema, one readable line each
                                        ([] when fine; see guidance.validation)
    first_question() -> id
    next_question(answers) -> id | None the question to ask now; None when the plan is reached
    path(answers) -> [ids]              the questions answered, in order, on the current path
    prune(answers) -> answers           only the answers on the current path
    facts_from_answers(answers) -> facts
    render_question(id, lang, answers)  the question worded for whoever answers, as a dict
    describe_facts(facts, lang)         {fact: {value: label}}: the answers' words for them
    parse_answer(question, raw_values, today=None) -> value      AnswerError if invalid
    validate_facts(facts, today=None) -> facts                   FactsError(key, message)
    build_plan(facts, lang=None, today=None) -> plan dict        FactsError on bad facts
    build_urgent(facts, lang=None) -> {urgent, resources}        right after the danger question
    all_paths(today=None) -> [[(id, answer)]]                    see guidance.flow.all_paths
    graph(lang=None) -> Mermaid flowchart text

Answers map question ids to answers (None: skipped); see guidance.flow. Facts: guidance.facts.
A `lang` is one of settings.LANGUAGES (common.languages.codes()); None is the site's default,
French.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from guidance import flow, plan
from guidance.content import CONTENT_DIR, load_raw
from guidance.content.schema import PLAN, Content, ContentError, Question
from guidance.facts import FACTS, FactsError, validate_facts
from guidance.flow import AnswerError, Answers, answer_to_raw
from guidance.validation import validate

__all__ = [
    "FACTS",
    "PLAN",
    "AnswerError",
    "Content",
    "ContentError",
    "FactsError",
    "all_paths",
    "answer_to_raw",
    "build_plan",
    "build_urgent",
    "content",
    "describe_facts",
    "facts_from_answers",
    "first_question",
    "graph",
    "load",
    "next_question",
    "parse_answer",
    "path",
    "prune",
    "read",
    "render_question",
    "validate",
    "validate_facts",
]


def read(directory: Path | None = None) -> Content:
    """The typed content of the files in `directory` (default: the app's own), not yet
    validated; ContentError if a file cannot be read or does not fit the schema."""
    try:
        raw = load_raw(directory or CONTENT_DIR)
    except (OSError, yaml.YAMLError) as error:
        raise ContentError([f"cannot read the content files: {error}"]) from error
    return Content.from_raw(raw)


def load(directory: Path | None = None) -> Content:
    """The checked content of the files in `directory`; ContentError listing the problems."""
    loaded = read(directory)
    problems = validate(loaded)
    if problems:
        raise ContentError(problems)
    return loaded


@cache
def content() -> Content:
    """The app's content, read and checked once per process."""
    return load()


def first_question() -> str:
    return content().first


def next_question(answers: Answers) -> str | None:
    return flow.walk(content(), answers).next


def path(answers: Answers) -> list[str]:
    return flow.walk(content(), answers).path


def prune(answers: Answers) -> dict[str, Any]:
    return flow.prune(content(), answers)


def facts_from_answers(answers: Answers) -> dict[str, Any]:
    """The facts set by the answers on the current path (ready for build_plan)."""
    return flow.walk(content(), answers).facts


def render_question(question_id: str, lang: str, answers: Answers | None = None) -> dict[str, Any]:
    return flow.render_question(content(), question_id, lang, answers)


def describe_facts(facts: Mapping[str, Any], lang: str) -> dict[str, dict[str, str]]:
    return flow.describe_facts(content(), facts, lang)


def parse_answer(
    question: str | Question, raw_values: str | Iterable[str] | None, today: dt.date | None = None
) -> Any:
    entry = content().question(question) if isinstance(question, str) else question
    return flow.parse_answer(entry, raw_values, today)


def build_plan(
    facts: Mapping[str, Any], lang: str | None = None, today: dt.date | None = None
) -> dict[str, Any]:
    return plan.build_plan(content(), facts, lang, today)


def build_urgent(facts: Mapping[str, Any], lang: str | None = None) -> dict[str, Any]:
    """The plan's urgent part alone, {urgent, resources}: usable before `role` is known."""
    return plan.build_urgent(content(), facts, lang)


def all_paths(today: dt.date | None = None) -> list[flow.Path]:
    return flow.all_paths(content(), today)


def graph(lang: str | None = None) -> str:
    return flow.mermaid(content(), lang)
