"""The reviewed content as one object, built from the raw data of the YAML files.

Entries stay the plain mappings of the files (the files are the schema, described at their
top); `Content` only groups them and indexes them by id. Building never fails: what is
malformed is left for `guidance.validation.validate` to report.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any

PLAN = "plan"  # the flow's terminal node: the plan is reached
LANGS = ("fr", "en")
WHEN = ("now", "soon", "later")  # the order of the plan's steps
CONFIDENCE = ("verified", "secondary", "unverified")

Entry = Mapping[str, Any]


@dataclass(frozen=True)
class Content:
    first: Any
    questions: tuple[Any, ...]
    messages: Mapping[str, Any]
    conditions: Mapping[str, Any]
    urgent: tuple[Any, ...]
    steps: tuple[Any, ...]
    resources: tuple[Any, ...]
    offences: tuple[Any, ...]
    shape_problems: tuple[str, ...] = ()

    @classmethod
    def from_raw(cls, raw: Mapping[str, Any]) -> Content:
        """Content from the data of the files: {flow, conditions, steps, resources, offences}."""
        shape: list[str] = []
        flow = _section(raw, "flow", dict, shape)
        steps = _section(raw, "steps", dict, shape)
        return cls(
            first=flow.get("first"),
            questions=_entries(flow, "questions", "flow", shape),
            messages=_mapping(flow.get("messages")),
            conditions=_section(raw, "conditions", dict, shape),
            urgent=_entries(steps, "urgent", "steps", shape),
            steps=_entries(steps, "steps", "steps", shape),
            resources=tuple(_section(raw, "resources", list, shape)),
            offences=tuple(_section(raw, "offences", list, shape)),
            shape_problems=tuple(shape),
        )

    @cached_property
    def question_by_id(self) -> dict[str, Entry]:
        return _by_id(self.questions)

    @cached_property
    def item_by_id(self) -> dict[str, Entry]:
        """Urgent items and steps, by id."""
        return _by_id(self.urgent + self.steps)

    @cached_property
    def resource_by_id(self) -> dict[str, Entry]:
        return _by_id(self.resources)

    @cached_property
    def offence_by_id(self) -> dict[str, Entry]:
        return _by_id(self.offences)

    def question(self, question_id: str) -> Entry:
        try:
            return self.question_by_id[question_id]
        except KeyError:
            raise KeyError(f"no question {question_id!r} in the flow") from None


def _by_id(entries: tuple[Any, ...]) -> dict[str, Entry]:
    return {
        entry["id"]: entry
        for entry in entries
        if isinstance(entry, Mapping) and isinstance(entry.get("id"), str)
    }


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _section(raw: Mapping[str, Any], name: str, kind: type, shape: list[str]) -> Any:
    value = raw.get(name)
    if isinstance(value, kind):
        return value
    shape.append(f"{name}: expected a {'mapping' if kind is dict else 'list'}, got {value!r:.60}")
    return kind()


def _entries(section: Mapping[str, Any], key: str, where: str, shape: list[str]) -> tuple:
    value = section.get(key)
    if isinstance(value, list):
        return tuple(value)
    shape.append(f"{where}: `{key}` must be a list")
    return ()
