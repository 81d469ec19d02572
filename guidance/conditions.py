"""The small condition language of the content files (described in content/conditions.yaml).

A condition is a mapping whose entries must all hold: `<fact>: value`, `<fact>: [values]`,
`<fact>: {given: bool}`, `is: name(s)`, `not: condition`, `any: [conditions]`,
`all: [conditions]`. Named conditions are passed in as `named`.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from guidance.facts import FACTS

Condition = Mapping[str, Any]
COMBINATORS = ("is", "not", "any", "all")


def holds(condition: Condition, facts: Mapping[str, Any], named: Mapping[str, Any]) -> bool:
    """Whether the condition holds on the facts."""
    for key, expected in condition.items():
        if key == "is":
            if not all(holds(named[name], facts, named) for name in _names(expected)):
                return False
        elif key == "not":
            if holds(expected, facts, named):
                return False
        elif key == "any":
            if not any(holds(part, facts, named) for part in expected):
                return False
        elif key == "all":
            if not all(holds(part, facts, named) for part in expected):
                return False
        elif not atom_holds(key, expected, facts):
            return False
    return True


def atom_holds(key: str, expected: Any, facts: Mapping[str, Any]) -> bool:
    """Whether one `<fact>: expected` entry holds; an unanswered fact matches no value."""
    value = facts.get(key)
    if isinstance(expected, Mapping):
        return _given(value) == bool(expected["given"])
    if value is None:
        return False
    wanted = expected if isinstance(expected, list) else [expected]
    if isinstance(value, list):
        return any(item in value for item in wanted)
    return value in wanted


def atoms(condition: Condition, named: Mapping[str, Any]) -> Iterator[tuple[str, Any]]:
    """Every `(fact, expected)` leaf of the condition, named conditions expanded."""
    for key, expected in condition.items():
        if key == "is":
            for name in _names(expected):
                yield from atoms(named[name], named)
        elif key == "not":
            yield from atoms(expected, named)
        elif key in ("any", "all"):
            for part in expected:
                yield from atoms(part, named)
        else:
            yield key, expected


def problems(
    condition: Any, named: Mapping[str, Any], where: str, *, in_named: bool = False
) -> list[str]:
    """What is wrong with a condition found at `where` (empty when it is well formed)."""
    if not isinstance(condition, Mapping):
        return [f"{where}: a condition must be a mapping, not {condition!r}"]
    found: list[str] = []
    for key, expected in condition.items():
        if key == "is":
            found += _named_problems(expected, named, where, in_named)
        elif key == "not":
            found += problems(expected, named, f"{where} › not", in_named=in_named)
        elif key in ("any", "all"):
            if not isinstance(expected, list) or not expected:
                found.append(f"{where}: `{key}` needs a non-empty list of conditions")
                continue
            for index, part in enumerate(expected):
                found += problems(part, named, f"{where} › {key}[{index}]", in_named=in_named)
        else:
            found += _atom_problems(key, expected, where)
    return found


def describe(condition: Condition) -> str:
    """A short human-readable form, for the flow graph's edge labels."""
    parts = []
    for key, expected in condition.items():
        if key == "is":
            parts.append(" & ".join(_names(expected)))
        elif key == "not":
            parts.append(f"not ({describe(expected)})")
        elif key in ("any", "all"):
            glue = " or " if key == "any" else " & "
            parts.append("(" + glue.join(describe(part) for part in expected) + ")")
        elif isinstance(expected, Mapping):
            parts.append(f"{key} {'given' if expected.get('given') else 'not given'}")
        elif isinstance(expected, list):
            parts.append(f"{key} in {'/'.join(map(str, expected))}")
        else:
            parts.append(f"{key} = {expected}")
    return " & ".join(parts) or "always"


def _names(expected: Any) -> list[str]:
    return [expected] if isinstance(expected, str) else list(expected)


def _given(value: Any) -> bool:
    return value is not None and value != []


def _named_problems(
    expected: Any, named: Mapping[str, Any], where: str, in_named: bool
) -> list[str]:
    if in_named:  # keeps named conditions flat, so they can never refer to each other in a loop
        return [f"{where}: a named condition may not use `is`"]
    if not (
        isinstance(expected, str)
        or (isinstance(expected, list) and expected and all(isinstance(n, str) for n in expected))
    ):
        return [f"{where}: `is` takes a name or a list of names, not {expected!r}"]
    return [
        f"{where}: unknown named condition {name!r}"
        for name in _names(expected)
        if name not in named
    ]


def _atom_problems(key: str, expected: Any, where: str) -> list[str]:
    spec = FACTS.get(key)
    if spec is None:
        return [f"{where}: unknown fact {key!r}"]
    if isinstance(expected, Mapping):
        if set(expected) != {"given"} or not isinstance(expected["given"], bool):
            return [f"{where}: {key}: only {{given: true|false}} is allowed here"]
        return []
    if spec.kind == "date":
        return [f"{where}: {key} is a date: only {{given: true|false}} can test it"]
    wanted = expected if isinstance(expected, list) else [expected]
    if not wanted:
        return [f"{where}: {key}: an empty list never matches"]
    return [
        f"{where}: {key}: unknown value {value!r} (expected one of {', '.join(spec.values)})"
        for value in wanted
        if not isinstance(value, str) or value not in spec.values
    ]
