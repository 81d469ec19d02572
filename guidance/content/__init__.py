"""Reviewed content of the guidance (flow, steps, resources, offences) and its loader.

The data lives in YAML files beside this module, each described at its top; code never
hard-codes a phone number or an article. Loading is plain Python (no request): `load_raw`
reads the files' data, which `schema.Content.from_raw` turns into typed objects; the checked,
cached whole is `guidance.engine.content()`. `resources()` and `footer_contacts()` serve the
site's shell (footer, contacts page) straight from resources.yaml, as plain mappings.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from common.languages import codes

CONTENT_DIR = Path(__file__).resolve().parent
FILES = {
    "flow": "flow.yaml",
    "conditions": "conditions.yaml",
    "steps": "steps.yaml",
    "resources": "resources.yaml",
    "offences": "offences.yaml",
    "attestation": "attestation.yaml",
}


def _load_yaml(path: Path) -> Any:
    with open(path, encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def load_raw(directory: Path = CONTENT_DIR) -> dict[str, Any]:
    """The data of every content file in `directory`, by section name (see FILES)."""
    return {section: _load_yaml(Path(directory) / name) for section, name in FILES.items()}


@cache
def resources() -> dict[str, dict[str, Any]]:
    """Every resource by id, in file order."""
    return {str(entry["id"]): entry for entry in _load_yaml(CONTENT_DIR / FILES["resources"])}


def localise(value: Any, lang: str, register: str = "vous") -> Any:
    """Pick the text of `lang` from a {fr, en} mapping (in `register` when it is written in
    both, {tu, vous}), inside nested mappings too; other values pass through."""
    if isinstance(value, dict) and set(value) >= set(codes()):
        text = value[lang]
        return text.get(register, text) if isinstance(text, dict) else text
    if isinstance(value, dict):
        return {key: localise(item, lang, register) for key, item in value.items()}
    return value


def resources_by_id(ids: Iterable[str], lang: str) -> list[dict[str, Any]]:
    """These resources, localised, in the order given; an id the content lacks is left out."""
    every = resources()
    return [localise(every[rid], lang) for rid in ids if rid in every]


def footer_contacts(lang: str) -> list[dict[str, Any]]:
    """The emergency contacts shown at the foot of every page, localised."""
    return [
        {key: localise(value, lang) for key, value in entry.items()}
        for entry in resources().values()
        if entry.get("footer")
    ]
