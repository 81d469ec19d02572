"""Searching a dossier's pieces: their titles, descriptions, transcripts, authors, and the texts
read in their images.

These columns are encrypted (evidence/sealing/fields.py): no SQL can search them, so the pieces
of the one dossier are loaded, opened in Python and searched there. A piece matches when every
word of the query is in one of its texts, whatever the case and the accents ("Zoe" finds
"Zoé"); the pieces that hold the words together, as typed ("numéro 3"), come first. Each hit
says where it was found, with the words around it.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from evidence.models import Dossier, Piece, TextReading

MOST_WORDS = 10
AROUND = 40  # characters shown on each side of what was found
PLACES: tuple[tuple[str, Promise], ...] = (
    ("title", _("Title")),
    ("description", _("What it shows")),
    ("transcript", _("The text shown, word for word")),
    ("author_displayed", _("Author")),
)
READ_IN_THE_IMAGE = _("Text read automatically in the image")


@dataclass(frozen=True)
class Found:
    where: str | Promise
    before: str
    match: str
    after: str


@dataclass(frozen=True)
class Hit:
    piece: Piece
    found: list[Found]


def words(query: str) -> list[str]:
    return [_plain(word) for word in query.split()][:MOST_WORDS]


def search(dossier: Dossier, query: str) -> list[Hit]:
    """The dossier's pieces that hold every word of the query: those that hold them together
    first, each group in number order."""
    wanted = words(query)
    if not wanted:
        return []
    phrase = _phrase(wanted)
    hits = []
    for piece in dossier.pieces.prefetch_related("files").order_by("number"):
        texts = [(label, getattr(piece, name)) for name, label in PLACES]
        texts += [
            (READ_IN_THE_IMAGE, file.ocr_text or "")
            for file in piece.files.all()
            if file.ocr == TextReading.DONE
        ]
        texts = [(label, text) for label, text in texts if text]
        plain = " ".join(_plain(text) for _label, text in texts)
        if all(word in plain for word in wanted):
            found = [_excerpt(label, text, wanted, phrase) for label, text in texts]
            hits.append(Hit(piece, [item for item in found if item is not None]))
    # sorted() keeps the number order within each group.
    return sorted(hits, key=lambda hit: not any(_together(found, phrase) for found in hit.found))


def _phrase(wanted: list[str]) -> re.Pattern[str]:
    """The words together, in their order, whatever the spaces between them."""
    return re.compile(r"\s+".join(re.escape(word) for word in wanted))


def _together(found: Found, phrase: re.Pattern[str]) -> bool:
    return phrase.fullmatch(_plain(found.match)) is not None


def _excerpt(
    where: str | Promise, text: str, wanted: list[str], phrase: re.Pattern[str]
) -> Found | None:
    """The words together if the text holds them so, else the first word found, with the words
    around it, as written."""
    plain = _plain(text)
    together = phrase.search(plain) if len(wanted) > 1 else None
    if together is not None:
        start, length = together.start(), together.end() - together.start()
    else:
        positions = [plain.find(word) for word in wanted]
        found = [(position, len(word)) for position, word in zip(positions, wanted, strict=True)]
        found = [(position, length) for position, length in found if position >= 0]
        if not found:
            return None
        start, length = min(found)
    # _plain keeps one character per character, so its positions are the text's own.
    before = text[max(0, start - AROUND) : start]
    after = text[start + length : start + length + AROUND]
    return Found(
        where,
        ("…" if start > AROUND else "") + _one_line(before),
        text[start : start + length],
        _one_line(after) + ("…" if start + length + AROUND < len(text) else ""),
    )


def _plain(text: str) -> str:
    """Lower case without accents, one character for one ("Zoé" → "zoe"), so that a position
    in it is the same position in the text."""
    return "".join(_plain_char(char) for char in text)


def _plain_char(char: str) -> str:
    folded = char.casefold()
    if len(folded) != 1:  # "ß" folds to "ss": kept as it is
        return char
    decomposed = unicodedata.normalize("NFD", folded)
    base = "".join(part for part in decomposed if not unicodedata.combining(part))
    return base if len(base) == 1 else folded


def _one_line(text: str) -> str:
    return re.sub(r"\s+", " ", text)
