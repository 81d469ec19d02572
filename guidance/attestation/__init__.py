"""The witness statement ("attestation de témoin"): what a witness wrote, as the document.

Plain Python over the reviewed wording (guidance/content/attestation.yaml): `document` lays
the witness's answers into the statement art. 202 of the Code of civil procedure asks for,
always in French, the language of French courts; `explanation` gives the same fixed wording
and the advice in the reader's language. Nothing here stores anything: the views keep the
answers in the server session only, like the questionnaire's.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from guidance.content.schema import AttestationFile

DOCUMENT_LANG = "fr"  # French courts read French, whatever language the site is read in
FACT_FIELDS = ("facts", "when", "where", "relation")  # what the witness tells, beside who they are
BLANK = "……………………………………"  # a line to fill in by hand


def field_ids(attestation: AttestationFile) -> list[str]:
    """Every answer the statement holds: the identity fields, then what was seen."""
    return [field.id for field in attestation.identity] + list(FACT_FIELDS)


def document(attestation: AttestationFile, answers: Mapping[str, Any]) -> dict[str, Any]:
    """The statement filled with the answers, in French; a blank line where one is missing,
    for the witness to fill in by hand."""
    lang = DOCUMENT_LANG

    def answer(field_id: str) -> str:
        value = answers.get(field_id)
        return value.strip() if isinstance(value, str) and value.strip() else ""

    return {
        "lang": lang,
        "title": attestation.title[lang],
        "model": attestation.model[lang],
        "identity_intro": attestation.identity_intro[lang],
        "identity": [
            {"label": field.label[lang], "value": answer(field.id) or BLANK}
            for field in attestation.identity
        ],
        "relation": attestation.relation[lang],
        "relation_value": answer("relation") or BLANK,
        "facts_intro": attestation.facts_intro[lang],
        "facts": answer("facts").splitlines() or [BLANK],
        "when": attestation.when[lang],
        "when_value": answer("when") or BLANK,
        "where": attestation.where[lang],
        "where_value": answer("where") or BLANK,
        "statement": attestation.statement[lang],
        "place_date": attestation.place_date[lang],
        "signature": attestation.signature[lang],
        "attachment": attestation.attachment[lang],
    }


def explanation(attestation: AttestationFile, lang: str) -> dict[str, Any]:
    """The fixed wording in `lang` (to understand what one signs) and how to finish it."""
    return {
        "model": attestation.model[lang],
        "statement": attestation.statement[lang],
        "advice": [text[lang] for text in attestation.advice],
        "source": attestation.official.name[lang],
        "source_url": attestation.official.url,
        "confidence": attestation.confidence,
        "checked": attestation.checked,
    }
