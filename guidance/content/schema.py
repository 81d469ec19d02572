"""The reviewed content as typed objects, read once from the YAML files (pydantic v2).

One model per thing the files describe, and the comments at the top of each file say the
same shape in words:
  flow.yaml        `FlowFile`: the first question, the `Messages`, the `Question`s (kind
                   single | multiple | date, `Choice`s that may set other facts,
                   `QuestionVariant`s, and `next` as a list of `Rule`s);
  conditions.yaml  the named conditions, parsed into `guidance.conditions` objects;
  steps.yaml       `StepsFile`: `UrgentItem`s and `Step`s (`StepVariant`s, `Extra`s,
                   `ResourceRef`s, `PerValue` resources, a `Deadline`);
  resources.yaml   `Resource`s;
  offences.yaml    `Offence`s, with a `PenaltySpec` (base, variants, circumstances, tiers),
                   a `PrescriptionSpec` (delay, runs_from, variants), an `OnlyIf` when the
                   facts cannot tell whether it applies, and its `OfficialSource`;
  attestation.yaml the witness statement (`AttestationFile`): its required wording.
Every text is a `Text`: one string per language of the site (settings.LANGUAGES), none
missing or blank; a language may give the text in both registers instead, {tu, vous}: the plan
says "tu" to a young reader and "vous" to an adult (`StepsFile.tu_if` decides), and both forms
must be there. A text without registers reads the same to everyone. Dates are dates, counts
whole numbers, unknown fields are refused, and conditions are parsed at load with the named
conditions resolved: nothing re-reads a mapping at run time.

`Content.from_raw` builds the whole at once, or raises ContentError listing what does not fit,
one readable line each naming its place (`question role › choices[2] › label: the en text is
missing`). What a schema cannot say (the flow graph, the facts vocabulary, references between
files, placeholders) is checked afterwards by guidance.validation.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Annotated, Any, Literal, get_args

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PlainValidator,
    RootModel,
    TypeAdapter,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from common.languages import codes
from guidance import conditions
from guidance.conditions import Condition

PLAN = "plan"  # the flow's terminal node: the plan is reached
When = Literal["now", "soon", "later"]
WHEN = get_args(When)  # the order of the plan's steps
Register = Literal["tu", "vous"]
REGISTERS: tuple[str, ...] = get_args(Register)
DEFAULT_REGISTER: Register = "vous"  # whoever we do not know to be young
Confidence = Literal["verified", "secondary", "unverified"]
CONFIDENCE = get_args(Confidence)
RunsFrom = Literal["first_seen", "last_act", "majority"]


class ContentError(ValueError):
    """The content files are unreadable or fail validation; `problems` lists why."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("the guidance content is invalid:\n" + "\n".join(problems))
        self.problems = problems


def refuse(message: str, path: str = "") -> PydanticCustomError:
    """A schema error with our own words; `path` locates it below the field (" › any[0]")."""
    return PydanticCustomError("content", "{message}", {"message": message, "path": path})


# --- Small types -----------------------------------------------------------------------------


def _checked(test: Callable[[Any], bool], wanted: str) -> PlainValidator:
    def validate(value: Any) -> Any:
        if not test(value):
            raise refuse(f"expected {wanted}, not {value!r:.60}")
        return value

    return PlainValidator(validate)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and value >= 0


def _is_whole(value: Any, least: int) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= least


def _is_delay(value: Any) -> bool:
    if not isinstance(value, dict) or len(value) != 1:
        return False
    ((unit, count),) = value.items()
    return unit in ("months", "years") and _is_whole(count, 1)


Id = Annotated[
    str, _checked(lambda v: isinstance(v, str) and bool(v), "a non-empty id (quote numbers)")
]
# A value of the facts vocabulary: YAML reads yes, no and 15_17 unquoted as true, false, 1517.
Word = Annotated[str, _checked(lambda v: isinstance(v, str), "a word (quote yes, no and 15_17)")]
NonBlank = Annotated[
    str, _checked(lambda v: isinstance(v, str) and bool(v.strip()), "a non-empty text")
]
Digits = Annotated[
    str, _checked(lambda v: isinstance(v, str) and v.isdigit(), "digits in quotes, or null")
]
HttpsUrl = Annotated[
    str,
    _checked(lambda v: isinstance(v, str) and v.startswith("https://"), "an https:// address"),
]
Amount = Annotated[
    int | float | None,
    _checked(lambda v: v is None or _is_number(v), "a number, or null when the law gives none"),
]
Count = Annotated[int, _checked(lambda v: _is_whole(v, 1), "a whole number, 1 or more")]
Days = Annotated[int, _checked(lambda v: _is_whole(v, 0), "a whole number of days")]
Delay = Annotated[Mapping[str, int], _checked(_is_delay, "{months: N} or {years: N}")]


def _parse_condition(value: Any, info: ValidationInfo) -> Condition:
    # The named conditions, already parsed, come in the validation context (Content.from_raw).
    named = (info.context or {}).get("named", {})
    try:
        return conditions.parse(value, named)
    except conditions.ConditionSyntaxError as error:
        raise refuse(error.message, error.path) from None


ConditionField = Annotated[Condition, PlainValidator(_parse_condition)]


class Text(RootModel[dict[str, str | dict[str, str]]]):
    """A text in every language of the site ({fr, en}), none blank: `text[lang]`.

    A language may say it in both registers, {tu, vous}; `text.say(lang, register)` picks
    one, and `text[lang]` is the "vous" form (or the only one).
    """

    model_config = ConfigDict(frozen=True, strict=True)

    @model_validator(mode="before")
    @classmethod
    def _a_mapping(cls, value: Any) -> Any:
        if not isinstance(value, dict):
            raise refuse(f"expected a text {{{', '.join(codes())}}}, not {value!r:.60}")
        return value

    @model_validator(mode="after")
    def _every_language(self) -> Text:
        missing = [lang for lang in codes() if not _filled(self.root.get(lang))]
        unknown = [lang for lang in self.root if lang not in codes()]
        found = []
        if missing:
            texts = "texts are" if len(missing) > 1 else "text is"
            found.append(f"the {' and '.join(missing)} {texts} missing")
        found += [f"unknown language {lang!r}" for lang in unknown]
        for lang, value in self.root.items():
            if isinstance(value, dict) and lang not in missing:
                found += _register_problems(lang, value)
        if found:
            raise refuse("; ".join(found))
        return self

    def __getitem__(self, lang: str) -> str:
        return self.say(lang, DEFAULT_REGISTER)

    def say(self, lang: str, register: str) -> str:
        """The text in `lang`, in `register` when it is written in both."""
        value = self.root[lang]
        return value[register] if isinstance(value, dict) else value

    @property
    def has_registers(self) -> bool:
        return any(isinstance(value, dict) for value in self.root.values())


def _filled(value: Any) -> bool:
    """A language's text is there: a non-blank string, or a mapping (checked on its own)."""
    if isinstance(value, dict):
        return bool(value)
    return isinstance(value, str) and bool(value.strip())


def _register_problems(lang: str, value: dict[str, str]) -> list[str]:
    missing = [r for r in REGISTERS if not str(value.get(r, "")).strip()]
    unknown = [r for r in value if r not in REGISTERS]
    found = [f"the {lang} text has no {r!r} form" for r in missing]
    found += [f"the {lang} text: unknown register {r!r} (tu or vous)" for r in unknown]
    return found


class Model(BaseModel):
    # Strict: YAML's own types are kept (a quoted "30" is no number, 2026-11-21 is a date).
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


# --- flow.yaml ---------------------------------------------------------------------------------


class Messages(Model):
    """The error messages shown under a question, by code (AnswerError.code)."""

    required: Text
    invalid_choice: Text
    invalid_date: Text
    future_date: Text


MESSAGE_CODES = tuple(Messages.model_fields)


class Choice(Model):
    value: Word
    label: Text
    hint: Text | None = None
    sets: dict[str, Word] = {}  # other facts this choice sets (single questions only)


class QuestionVariant(Model):
    """The first variant whose condition holds on the answers so far rewords the question."""

    condition: ConditionField = Field(alias="if")
    text: Text | None = None
    hint: Text | None = None
    labels: dict[str, Text] = {}  # choice value → its label for this audience


class Rule(Model):
    """One `next` rule: go to `goto` when the condition holds; no condition: always."""

    condition: ConditionField | None = Field(None, alias="if")
    goto: Id

    def applies(self, facts: Mapping[str, Any]) -> bool:
        return self.condition is None or self.condition.holds(facts)


class Question(Model):
    id: Id
    kind: Literal["single", "multiple", "date"]
    fact: str
    text: Text
    hint: Text | None = None
    skippable: bool
    choices: list[Choice] = []
    variants: list[QuestionVariant] = []
    next: list[Rule]  # tried in order; `next: id` in the file is the one default rule

    @field_validator("next", mode="before")
    @classmethod
    def _one_default_rule(cls, value: Any) -> Any:
        return [{"goto": value}] if isinstance(value, str) else value

    @field_validator("next")
    @classmethod
    def _default_rule_last(cls, rules: list[Rule]) -> list[Rule]:
        if not rules:
            raise refuse("every question must lead somewhere")
        for index, rule in enumerate(rules):
            if index == len(rules) - 1 and rule.condition is not None:
                raise refuse(
                    "the last rule must have no `if` (the default next question)", f"[{index}]"
                )
            if index < len(rules) - 1 and rule.condition is None:
                raise refuse(
                    "`if` (a condition) is missing: only the last rule has none", f"[{index}]"
                )
        return rules

    def next_for(self, facts: Mapping[str, Any]) -> str:
        """The id after this question given the facts (PLAN at the end)."""
        for rule in self.next:
            if rule.applies(facts):
                return rule.goto
        raise ValueError(f"question {self.id}: no default next rule")  # the schema prevents it

    @property
    def values(self) -> list[str]:
        return [choice.value for choice in self.choices]

    def choice(self, value: str) -> Choice:
        return next(choice for choice in self.choices if choice.value == value)

    def facts_set(self) -> list[str]:
        """The facts an answer can set: the question's own and those of its choices' `sets`."""
        return list(dict.fromkeys([self.fact, *(f for c in self.choices for f in c.sets)]))


class FlowFile(Model):
    first: Id
    messages: Messages
    questions: list[Question]


# --- steps.yaml --------------------------------------------------------------------------------


class ResourceRef(Model):
    """A resource of resources.yaml, for everyone or only when its condition holds."""

    id: Id
    condition: ConditionField | None = Field(None, alias="if")

    def applies(self, facts: Mapping[str, Any]) -> bool:
        return self.condition is None or self.condition.holds(facts)


class Item(Model):
    """What urgent items and steps share."""

    id: Id
    condition: ConditionField = Field(alias="if")
    title: Text
    text: Text
    resources: list[ResourceRef] = []

    @field_validator("resources", mode="before")
    @classmethod
    def _plain_ids(cls, value: Any) -> Any:
        """A plain id in the list is a reference that always applies."""
        if isinstance(value, list):
            return [{"id": ref} if isinstance(ref, str) else ref for ref in value]
        return value


class UrgentItem(Item):
    """Shown first, and only when someone is in danger."""


Rank = Annotated[int, _checked(lambda v: _is_whole(v, 0), "a whole number (0 first)")]


class StepVariant(Model):
    condition: ConditionField = Field(alias="if")
    title: Text | None = None
    text: Text | None = None
    when: When | None = None
    rank: Rank | None = None


class Extra(Model):
    """A sentence added after the step's text when its condition holds."""

    condition: ConditionField = Field(alias="if")
    text: Text


class PerValue(Model):
    """One resource per value of a list fact: `id` is written with {value}."""

    fact: str
    id: Annotated[
        str, _checked(lambda v: isinstance(v, str) and "{value}" in v, "an id with {value}")
    ]


class Deadline(Model):
    """A sentence about an offence's computed deadline; close to it, the step moves up.

    `offence` may list several offences: the earliest deadline of those the plan names counts.
    """

    offence: tuple[str, ...]
    close_days: Days
    when_close: When
    upcoming: Text
    close: Text
    passed: Text
    no_date: Text

    @field_validator("offence", mode="before")
    @classmethod
    def _one_or_several(cls, value: Any) -> Any:
        if isinstance(value, str):
            return (value,)
        return tuple(value) if isinstance(value, list) else value

    def texts(self) -> dict[str, Text]:
        return {
            "upcoming": self.upcoming,
            "close": self.close,
            "passed": self.passed,
            "no_date": self.no_date,
        }


Page = Literal["attestation"]  # the site's own pages a step may offer (guidance/urls.py)


class Action(Model):
    """A button to one of the site's own pages (the witness statement)."""

    page: Page
    label: Text


class Step(Item):
    when: When
    rank: Rank = 50  # among the "now" steps, the lowest ranks stay at the top (see plan.py)
    action: Action | None = None
    variants: list[StepVariant] = []
    extras: list[Extra] = []
    resources_per_value: PerValue | None = None
    deadline: Deadline | None = None


class StepsFile(Model):
    tu_if: ConditionField  # the plan says "tu" when this holds, "vous" otherwise
    urgent: list[UrgentItem]
    steps: list[Step]
    shared: Any = None  # sentences written once for YAML anchors: read where they are used


# --- resources.yaml ----------------------------------------------------------------------------


class OfficialSource(Model):
    """The official text or page a reader can open to check a fact: what the site shows as
    its source (a Légifrance page, a ministry's page, the service's own site)."""

    name: Text
    url: HttpsUrl


class Resource(Model):
    id: Id
    name: Text
    phone: Digits | None = None
    sms: bool = False
    url: HttpsUrl | None = None
    email: str | None = None
    hours: Text | None = None
    what: Text
    note: Text | None = None
    official: OfficialSource | None = None  # shown as the source; none for general advice
    source: NonBlank  # what the reviewer read (public pages only, no internal file)
    reference: str | None = None  # internal: the reference sheet's numbers; never shown
    checked: dt.date
    confidence: Confidence
    footer: bool = False


# --- offences.yaml -----------------------------------------------------------------------------


class MaxPenalty(Model):
    """A maximum penalty; None where the law (or our source) gives none."""

    prison_years: Amount
    fine_eur: Amount


class PenaltyVariant(MaxPenalty):
    condition: ConditionField = Field(alias="if")
    label: Text | None = None  # replaces the generated wording when numbers cannot say it


class Circumstance(Model):
    """An aggravating circumstance: counted when its condition holds."""

    id: Id
    label: Text
    condition: ConditionField = Field(alias="if")


class Tier(MaxPenalty):
    count: Count  # with at least this many circumstances, this penalty applies


class PenaltySpec(Model):
    base: MaxPenalty
    variants: list[PenaltyVariant] = []
    circumstances: list[Circumstance] = []
    tiers: list[Tier] = []

    @model_validator(mode="after")
    def _tiers_count_circumstances(self) -> PenaltySpec:
        """Circumstances are counted by id, and the highest tier reached wins."""
        ids = [circumstance.id for circumstance in self.circumstances]
        twice = sorted({cid for cid in ids if ids.count(cid) > 1})
        if twice:
            raise refuse(f"the circumstance {twice[0]!r} is listed twice", " › circumstances")
        counts = [tier.count for tier in self.tiers]
        if counts and not self.circumstances:
            raise refuse("tiers count circumstances, but none is listed")
        if counts != sorted(counts):
            raise refuse("tiers must be listed by increasing `count`")
        return self


class PrescriptionVariant(Model):
    condition: ConditionField = Field(alias="if")
    delay: Delay | None = None
    text: Text
    confidence: Confidence | None = None


class PrescriptionSpec(Model):
    delay: Delay
    runs_from: RunsFrom
    text: Text
    confidence: Confidence
    variants: list[PrescriptionVariant] = []


class OnlyIf(Model):
    """What the facts cannot tell: the offence is named "only if …", unless `known` holds."""

    text: Text
    known: ConditionField | None = None  # the facts already say so: no "only if"


class Offence(Model):
    id: Id
    article: Text
    title: Text
    what: Text  # one plain sentence, shown even when the law is folded
    condition: ConditionField = Field(alias="if")
    only_if: OnlyIf | None = None
    note: Text | None = None
    penalty: PenaltySpec
    prescription: PrescriptionSpec
    official: OfficialSource
    source: NonBlank
    reference: str | None = None
    checked: dt.date
    confidence: Confidence


# --- attestation.yaml ------------------------------------------------------------------------


class AttestationField(Model):
    """One identity field a witness statement must give (art. 202 CPC)."""

    id: Id
    label: Text


class AttestationFile(Model):
    """The wording of a witness statement, with what the law asks of it."""

    title: Text
    model: Text  # which model it follows (the Cerfa form's number, or a free form)
    identity_intro: Text
    identity: list[AttestationField]
    relation: Text
    facts_intro: Text
    when: Text
    where: Text
    statement: Text  # produced in view of justice; a false one exposes to penal sanctions
    place_date: Text
    signature: Text
    attachment: Text
    advice: list[Text]
    official: OfficialSource
    source: NonBlank
    reference: str | None = None
    checked: dt.date
    confidence: Confidence


# --- The whole -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Content:
    """The whole reviewed content, typed, in the files' order, with indexes by id."""

    first: str
    questions: tuple[Question, ...]
    messages: Messages
    conditions: Mapping[str, Condition]
    tu_if: Condition
    urgent: tuple[UrgentItem, ...]
    steps: tuple[Step, ...]
    resources: tuple[Resource, ...]
    offences: tuple[Offence, ...]
    attestation: AttestationFile

    @classmethod
    def from_raw(cls, raw: Mapping[str, Any]) -> Content:
        """Content from the data of the files: {flow, conditions, steps, resources, offences,
        attestation}.

        ContentError lists, one line each, what does not fit the schema.
        """
        problems: list[str] = []
        named = _named_conditions(raw.get("conditions"), problems)
        context = {"named": named}
        flow = _read(problems, raw, "flow", FlowFile, **context)
        steps = _read(problems, raw, "steps", StepsFile, **context)
        resources = _read(problems, raw, "resources", list[Resource], **context)
        offences = _read(problems, raw, "offences", list[Offence], **context)
        attestation = _read(problems, raw, "attestation", AttestationFile, **context)
        if problems:
            raise ContentError(problems)
        return cls(
            first=flow.first,
            questions=tuple(flow.questions),
            messages=flow.messages,
            conditions=named,
            tu_if=steps.tu_if,
            urgent=tuple(steps.urgent),
            steps=tuple(steps.steps),
            resources=tuple(resources),
            offences=tuple(offences),
            attestation=attestation,
        )

    def register(self, facts: Mapping[str, Any]) -> Register:
        """How the plan speaks to whoever reads it: "tu" to the young, "vous" otherwise."""
        return "tu" if self.tu_if.holds(facts) else DEFAULT_REGISTER

    @cached_property
    def question_by_id(self) -> dict[str, Question]:
        return {question.id: question for question in self.questions}

    @cached_property
    def item_by_id(self) -> dict[str, Item]:
        """Urgent items and steps, by id."""
        return {item.id: item for item in (*self.urgent, *self.steps)}

    @cached_property
    def resource_by_id(self) -> dict[str, Resource]:
        return {resource.id: resource for resource in self.resources}

    @cached_property
    def offence_by_id(self) -> dict[str, Offence]:
        return {offence.id: offence for offence in self.offences}

    def question(self, question_id: str) -> Question:
        try:
            return self.question_by_id[question_id]
        except KeyError:
            raise KeyError(f"no question {question_id!r} in the flow") from None


def _named_conditions(written: Any, problems: list[str]) -> dict[str, Condition]:
    """The named conditions that can be read; the others' problems are added."""
    if not isinstance(written, dict):
        problems.append(f"conditions: a mapping is expected, not {written!r:.60}")
        return {}
    named = {}
    for name, condition in written.items():
        try:
            named[name] = conditions.parse(condition, None)
        except conditions.ConditionSyntaxError as error:
            problems.append(f"conditions › {name}{error.path}: {error.message}")
    return named


def _read(
    problems: list[str], raw: Mapping[str, Any], section: str, shape: Any, **context: Any
) -> Any:
    """The section read into `shape`; None, with its problems added, when it does not fit."""
    try:
        return TypeAdapter(shape).validate_python(raw.get(section), context=context)
    except ValidationError as error:
        problems += [problem_line(section, raw.get(section), details) for details in error.errors()]
        return None


# --- Problems, one line each -------------------------------------------------------------------

# The lists whose entries are named by their id in a problem line: "question role › text".
NAMED_ENTRIES = {
    ("flow", "questions"): "question",
    ("steps", "urgent"): "urgent",
    ("steps", "steps"): "step",
    ("resources",): "resource",
    ("offences",): "offence",
}
EXPECTED = {  # pydantic's error type → what we say was expected
    "model_type": "a mapping",
    "dict_type": "a mapping",
    "list_type": "a list",
    "string_type": "a text",
    "bool_type": "true or false",
    "date_type": "a date written YYYY-MM-DD",
}


def problem_line(section: str, data: Any, details: Mapping[str, Any]) -> str:
    """One of pydantic's errors as a problem line naming its place in the files."""
    loc, kind, ctx = tuple(details["loc"]), details["type"], details.get("ctx") or {}
    if kind == "missing":
        return f"{_place(section, loc[:-1], data)}: `{loc[-1]}` is missing"
    if kind == "extra_forbidden":
        return f"{_place(section, loc[:-1], data)}: unknown field {loc[-1]!r}"
    if kind == "content":
        return f"{_place(section, loc, data)}{ctx['path']}: {ctx['message']}"
    if kind == "literal_error":
        message = f"expected {ctx['expected']}"
    elif kind in EXPECTED:
        message = f"expected {EXPECTED[kind]}"
    else:
        message = details["msg"]
    return f"{_place(section, loc, data)}: {message}, not {details['input']!r:.60}"


def _place(section: str, loc: tuple[Any, ...], data: Any) -> str:
    """`question role › choices[2] › label` from ("questions", 0, "choices", 2, "label")."""
    path, node, start = section, data, 0
    for (file, *keys), word in NAMED_ENTRIES.items():
        depth = len(keys)  # where the entry's index is in `loc`
        if (file, *loc[:depth]) == (section, *keys) and isinstance(_at(loc, depth), int):
            node = _child(data, loc[: depth + 1])
            entry_id = node.get("id") if isinstance(node, dict) else None
            if isinstance(entry_id, str) and entry_id:
                path = f"{word} {entry_id}"
            else:
                path = f"{' › '.join((file, *keys))}[{loc[depth]}]"
            start = depth + 1
            break
    for key in loc[start:]:
        child = _child(node, (key,))
        if isinstance(key, int):
            entry_id = child.get("id") if isinstance(child, dict) else None
            path += f" › {entry_id}" if isinstance(entry_id, str) and entry_id else f"[{key}]"
        else:
            path += f" › {key}"
        node = child
    return path


def _at(loc: tuple[Any, ...], index: int) -> Any:
    return loc[index] if index < len(loc) else None


def _child(node: Any, keys: tuple[Any, ...]) -> Any:
    for key in keys:
        try:
            node = node[key]
        except (KeyError, IndexError, TypeError):
            return None
    return node
