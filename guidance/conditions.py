"""The small condition language of the content files (described in content/conditions.yaml).

A condition is written as a mapping whose entries must all hold: `<fact>: value`,
`<fact>: [values]`, `<fact>: {given: bool}`, `is: name(s)`, `not: condition`,
`any: [conditions]`, `all: [conditions]`. `parse` reads it once, when the content is loaded,
into small objects (`Fact`, `Given`, `Not`, `AnyOf`, `AllOf`, `Named`) that evaluate on
facts (`holds`), list their fact tests (`atoms`), describe themselves (the flow graph's
labels) and report their problems against the facts vocabulary (`problems`).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from guidance.facts import FACTS, FactSpec

Vocabulary = Mapping[str, FactSpec]


class ConditionSyntaxError(ValueError):
    """A condition that cannot be read; `path` locates the part at fault (" › any[1]")."""

    def __init__(self, path: str, message: str) -> None:
        super().__init__(f"{path}: {message}" if path else message)
        self.path = path
        self.message = message


class Condition(ABC):
    """What every condition does; the subclasses below are the language's forms."""

    @abstractmethod
    def holds(self, facts: Mapping[str, Any]) -> bool:
        """Whether the condition holds on the facts."""

    @abstractmethod
    def atoms(self) -> Iterator[Atom]:
        """Every fact test inside, named conditions expanded."""

    @abstractmethod
    def describe(self) -> str:
        """A short human-readable form, for the flow graph's edge labels."""

    @abstractmethod
    def problems(self, where: str, vocabulary: Vocabulary = FACTS) -> list[str]:
        """What does not fit the facts vocabulary, one line each located from `where`."""


@dataclass(frozen=True)
class Fact(Condition):
    """`<fact>: value` or `<fact>: [values]`: the fact is one of them (a list fact: has one).

    An unanswered fact matches no value.
    """

    fact: str
    values: tuple[Any, ...]
    listed: bool = False  # written as a list: described "acts in a/b", not "acts = a"

    def holds(self, facts: Mapping[str, Any]) -> bool:
        value = facts.get(self.fact)
        if value is None:
            return False
        if isinstance(value, list):
            return any(item in value for item in self.values)
        return value in self.values

    def atoms(self) -> Iterator[Atom]:
        yield self

    def describe(self) -> str:
        if self.listed:
            return f"{self.fact} in {'/'.join(map(str, self.values))}"
        return f"{self.fact} = {self.values[0]}"

    def problems(self, where: str, vocabulary: Vocabulary = FACTS) -> list[str]:
        spec = vocabulary.get(self.fact)
        if spec is None:
            return [f"{where}: unknown fact {self.fact!r}"]
        if spec.kind == "date":
            return [f"{where}: {self.fact} is a date: only {{given: true|false}} can test it"]
        return [
            f"{where}: {self.fact}: unknown value {value!r} "
            f"(expected one of {', '.join(spec.values)})"
            for value in self.values
            if not isinstance(value, str) or value not in spec.values
        ]


@dataclass(frozen=True)
class Given(Condition):
    """`<fact>: {given: true}`: the fact was answered (a list fact: with a value at least)."""

    fact: str
    given: bool

    def holds(self, facts: Mapping[str, Any]) -> bool:
        value = facts.get(self.fact)
        return (value is not None and value != []) == self.given

    def atoms(self) -> Iterator[Atom]:
        yield self

    def describe(self) -> str:
        return f"{self.fact} {'given' if self.given else 'not given'}"

    def problems(self, where: str, vocabulary: Vocabulary = FACTS) -> list[str]:
        return [] if self.fact in vocabulary else [f"{where}: unknown fact {self.fact!r}"]


Atom = Fact | Given


@dataclass(frozen=True)
class Not(Condition):
    part: Condition

    def holds(self, facts: Mapping[str, Any]) -> bool:
        return not self.part.holds(facts)

    def atoms(self) -> Iterator[Atom]:
        return self.part.atoms()

    def describe(self) -> str:
        return f"not ({self.part.describe()})"

    def problems(self, where: str, vocabulary: Vocabulary = FACTS) -> list[str]:
        return self.part.problems(f"{where} › not", vocabulary)


@dataclass(frozen=True)
class AllOf(Condition):
    """Every part holds: the entries of one mapping, `all: [...]` or `is: [names]`.

    No part at all (`{}`) always holds.
    """

    parts: tuple[Condition, ...]
    key: str = ""  # "all" when written `all: [...]`: its parts are then located all[i]

    def holds(self, facts: Mapping[str, Any]) -> bool:
        return all(part.holds(facts) for part in self.parts)

    def atoms(self) -> Iterator[Atom]:
        for part in self.parts:
            yield from part.atoms()

    def describe(self) -> str:
        return " & ".join(_grouped(part) for part in self.parts) or "always"

    def problems(self, where: str, vocabulary: Vocabulary = FACTS) -> list[str]:
        return _parts_problems(self.parts, self.key, where, vocabulary)


@dataclass(frozen=True)
class AnyOf(Condition):
    """`any: [...]`: at least one part holds."""

    parts: tuple[Condition, ...]

    def holds(self, facts: Mapping[str, Any]) -> bool:
        return any(part.holds(facts) for part in self.parts)

    def atoms(self) -> Iterator[Atom]:
        for part in self.parts:
            yield from part.atoms()

    def describe(self) -> str:
        return " or ".join(_grouped(part) for part in self.parts)

    def problems(self, where: str, vocabulary: Vocabulary = FACTS) -> list[str]:
        return _parts_problems(self.parts, "any", where, vocabulary)


@dataclass(frozen=True)
class Named(Condition):
    """`is: name`: a condition of conditions.yaml, checked where it is defined."""

    name: str
    condition: Condition

    def holds(self, facts: Mapping[str, Any]) -> bool:
        return self.condition.holds(facts)

    def atoms(self) -> Iterator[Atom]:
        return self.condition.atoms()

    def describe(self) -> str:
        return self.name

    def problems(self, where: str, vocabulary: Vocabulary = FACTS) -> list[str]:
        return []


ALWAYS = AllOf(())


def parse(written: Any, named: Mapping[str, Condition] | None, path: str = "") -> Condition:
    """The condition written in a content file; ConditionSyntaxError if it cannot be read.

    `named` are the named conditions `is:` may use; None inside a named condition, which may
    not use `is` (so that named conditions can never refer to each other in a loop).
    """
    if not isinstance(written, Mapping):
        raise ConditionSyntaxError(path, f"a condition must be a mapping, not {written!r}")
    parts = [part for key, value in written.items() for part in _entry(key, value, named, path)]
    return parts[0] if len(parts) == 1 else AllOf(tuple(parts))


def _entry(
    key: Any, value: Any, named: Mapping[str, Condition] | None, path: str
) -> list[Condition]:
    """The conditions one entry of a mapping says (`is: [a, b]` says two)."""
    if key == "is":
        return _named(value, named, path)
    if key == "not":
        return [Not(parse(value, named, f"{path} › not"))]
    if key in ("any", "all"):
        if not isinstance(value, list) or not value:
            raise ConditionSyntaxError(path, f"`{key}` needs a non-empty list of conditions")
        parts = tuple(parse(part, named, f"{path} › {key}[{i}]") for i, part in enumerate(value))
        return [AnyOf(parts) if key == "any" else AllOf(parts, key="all")]
    if not isinstance(key, str):
        raise ConditionSyntaxError(path, f"a fact is named by a word, not {key!r}")
    if isinstance(value, Mapping):
        if set(value) != {"given"} or not isinstance(value["given"], bool):
            raise ConditionSyntaxError(path, f"{key}: only {{given: true|false}} is allowed here")
        return [Given(key, value["given"])]
    if isinstance(value, list):
        if not value:
            raise ConditionSyntaxError(path, f"{key}: an empty list never matches")
        return [Fact(key, tuple(value), listed=True)]
    return [Fact(key, (value,))]


def _named(value: Any, named: Mapping[str, Condition] | None, path: str) -> list[Condition]:
    if named is None:
        raise ConditionSyntaxError(path, "a named condition may not use `is`")
    names = [value] if isinstance(value, str) else value
    if not (isinstance(names, list) and names and all(isinstance(n, str) for n in names)):
        raise ConditionSyntaxError(path, f"`is` takes a name or a list of names, not {value!r}")
    for name in names:
        if name not in named:
            raise ConditionSyntaxError(path, f"unknown named condition {name!r}")
    return [Named(name, named[name]) for name in names]


def _grouped(part: Condition) -> str:
    """A part inside `any` or `all`, in brackets when it is itself a choice or a list."""
    text = part.describe()
    return f"({text})" if isinstance(part, AnyOf | AllOf) and len(part.parts) > 1 else text


def _parts_problems(
    parts: tuple[Condition, ...], key: str, where: str, vocabulary: Vocabulary
) -> list[str]:
    return [
        problem
        for index, part in enumerate(parts)
        for problem in part.problems(f"{where} › {key}[{index}]" if key else where, vocabulary)
    ]
