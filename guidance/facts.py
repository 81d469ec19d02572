"""The facts vocabulary: what the engine knows about a case, and the check of a facts dict.

Facts are the engine's only input: plain JSON-like values, every key optional except `role`.
Content (questions, steps, offences) may only use the keys and values listed here.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

FactKind = Literal["one", "many", "date"]


@dataclass(frozen=True)
class FactSpec:
    """One fact: `one` value, `many` values (a list), or a `date` (YYYY-MM-DD)."""

    kind: FactKind
    values: tuple[str, ...] = ()


FACTS: dict[str, FactSpec] = {
    "role": FactSpec("one", ("victim", "witness", "guardian", "professional")),
    # Someone working in a school or a club: helping a pupil, or targeted themselves.
    "professional_target": FactSpec("one", ("pupil", "self")),
    # A witness's own age: the plan says "tu" to a young witness, "vous" to an adult.
    "witness_age": FactSpec("one", ("minor", "adult", "unknown")),
    "victim_age": FactSpec("one", ("under_15", "15_17", "adult", "unknown")),
    "danger": FactSpec("one", ("none", "self_harm", "physical", "unknown")),
    "acts": FactSpec(
        "many",
        (
            "insults",
            "threats",
            "death_threats",
            "rumours",
            "defamation",
            "hacking",
            "impersonation",
            "hostile_group",
            "humiliating_media",
            "intimate_images",
            "sexual_solicitation",
            "sextortion",
            "doxxing",
            "orders_in_name",
            "message_flood",
        ),
    ),
    "several_authors": FactSpec("one", ("yes", "no", "unknown")),
    "visibility": FactSpec("one", ("public", "private", "both", "unknown")),
    "platforms": FactSpec(
        "many",
        (
            "instagram",
            "tiktok",
            "snapchat",
            "x",
            "facebook",
            "youtube",
            "discord",
            "twitch",
            "whatsapp",
            "telegram",
            "jeuxvideo_com",
            "online_game",
            "email",
            "sms",
            "forum",
            "other",
        ),
    ),
    "discrimination": FactSpec(
        "many", ("sexist", "lgbtphobic", "racist", "antisemitic", "religious", "disability")
    ),
    "author": FactSpec("one", ("known", "unknown")),
    "author_relation": FactSpec(
        "one",
        (
            "classmate",
            "school_staff",
            "partner_or_ex",  # a boyfriend, a girlfriend, an ex: never lived together
            "spouse_or_ex",  # married, civil partners or living together, now or before
            "colleague",
            "stranger",
            "unknown",
        ),
    ),
    "victim_public_role": FactSpec(
        "one", ("none", "elected_official", "journalist", "public_agent", "school_staff")
    ),
    "first_seen": FactSpec("date"),
    "still_online": FactSpec("one", ("yes", "no", "unknown")),
    "health_impact": FactSpec("one", ("none", "some", "itt_over_8_days", "unknown")),
}
REQUIRED_FACTS = ("role",)
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


class FactsError(ValueError):
    """A facts dict the engine refuses; `key` names the bad fact."""

    def __init__(self, key: str, message: str) -> None:
        super().__init__(f"{key}: {message}")
        self.key = key
        self.message = message


def parse_date(value: Any) -> dt.date:
    """A date from YYYY-MM-DD (or a date object); ValueError otherwise."""
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    if isinstance(value, str) and ISO_DATE.fullmatch(value.strip()):
        return dt.date.fromisoformat(value.strip())  # may still fail: 2026-02-30
    raise ValueError("a date written YYYY-MM-DD is expected")


def validate_fact(key: str, value: Any, today: dt.date | None = None) -> Any:
    """The normalised value of one fact; FactsError naming the key otherwise."""
    spec = FACTS.get(key)
    if spec is None:
        raise FactsError(key, f"unknown fact (known facts: {', '.join(FACTS)})")
    if spec.kind == "one":
        if not isinstance(value, str) or value not in spec.values:
            raise FactsError(key, f"{value!r} is not one of {', '.join(spec.values)}")
        return value
    if spec.kind == "many":
        if not isinstance(value, list | tuple):
            raise FactsError(key, f"a list is expected, not {value!r}")
        unknown = [v for v in value if not isinstance(v, str) or v not in spec.values]
        if unknown:
            raise FactsError(
                key, f"{', '.join(map(repr, unknown))} not among {', '.join(spec.values)}"
            )
        return [v for v in spec.values if v in value]  # vocabulary order, no duplicates
    try:
        day = parse_date(value)
    except ValueError:
        raise FactsError(key, f"{value!r} is not a date written YYYY-MM-DD") from None
    if day > (today or dt.date.today()):
        raise FactsError(key, f"{day.isoformat()} is in the future")
    return day.isoformat()


def validate_facts(
    facts: Mapping[str, Any],
    today: dt.date | None = None,
    *,
    required: tuple[str, ...] = REQUIRED_FACTS,
) -> dict[str, Any]:
    """The facts, checked against the vocabulary and normalised (lists in vocabulary order).

    Raises FactsError(key, message) naming the first bad key or value. `today` bounds dates
    (defaults to the real today).
    """
    if not isinstance(facts, Mapping):
        raise FactsError("facts", "a mapping of fact names to values is expected")
    for key in required:
        if key not in facts:
            raise FactsError(key, "this fact is required")
    return {key: validate_fact(key, value, today) for key, value in facts.items()}
