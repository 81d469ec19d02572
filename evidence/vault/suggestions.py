"""What the text read in a piece's images suggests for its details: offers the person accepts by
a tap (the value then becomes theirs, "typed by you"), never values filled in.

From evidence.intake.ocr.suggest: the authors (an @handle, a sender's name), the platform (its
name or words on screen, or the app a Samsung or Xiaomi file name gives) and the exact dates
on screen, each with the line it was read from so that it can be checked against the image.
Dates the screen gives only relative to a day nobody recorded ("hier 18:13") are shown as
seen, never offered as a date.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils import timezone
from django.utils.functional import Promise
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from evidence.intake.ocr import Suggestions, Transcript, suggest
from evidence.models import PLATFORM_CHOICES, EvidenceFile, Piece, TextReading
from evidence.vault.dates import read_published
from evidence.vault.timeline import author_key

MOST_AUTHORS = 3
MOST_DATES = 3
MOST_SEEN = 2
LINE_LENGTH = 90
KIND_LABELS: dict[str, Promise] = {
    "author_displayed": _("Author"),
    "platform": _("Platform"),
    "published_raw": _("Date"),
}


@dataclass(frozen=True)
class Offer:
    field: str  # the piece's field it fills: author_displayed, platform, published_raw
    value: str  # what is saved when accepted
    shown: str  # what the person reads
    line: str  # the line of the image it was read from (or the file name)

    @property
    def kind(self) -> Promise:
        return KIND_LABELS[self.field]


@dataclass(frozen=True)
class Seen:
    """A date on screen that is not an exact date ("hier 18:13"): shown, never offered."""

    text: str
    line: str


@dataclass(frozen=True)
class Offers:
    offers: list[Offer]
    seen: list[Seen]

    def __bool__(self) -> bool:
        return bool(self.offers or self.seen)


def for_piece(piece: Piece, files: Iterable[EvidenceFile] | None = None) -> Offers:
    """What the texts read in the piece's images suggest that the piece does not hold yet."""
    files = list(piece.files.all() if files is None else files)
    found = [
        suggest(Transcript(file.ocr_text or "", None, 0.0, file_name=file.original_name))
        for file in files
        if file.ocr == TextReading.DONE
    ]
    offers = _authors(piece, found) + _platforms(piece, found) + _dates(piece, found)
    seen = _seen(found)
    return Offers(offers, seen)


def _authors(piece: Piece, found: list[Suggestions]) -> list[Offer]:
    taken = {author_key(piece.author_displayed)} if piece.author_displayed else set()
    offers = []
    for suggestions in found:
        for author in suggestions.authors:
            key = author_key(author.name)
            if key in taken or not key:
                continue
            taken.add(key)
            offers.append(
                Offer("author_displayed", author.name, author.name, _short(author.source))
            )
    return offers[:MOST_AUTHORS]


def _platforms(piece: Piece, found: list[Suggestions]) -> list[Offer]:
    labels = dict(PLATFORM_CHOICES)
    taken = {piece.platform}
    offers = []
    for suggestions in found:
        for platform in suggestions.platforms:
            if platform.platform in taken or platform.platform not in labels:
                continue
            taken.add(platform.platform)
            shown = str(labels[platform.platform])
            offers.append(Offer("platform", platform.platform, shown, _short(platform.source)))
    return offers


def _dates(piece: Piece, found: list[Suggestions]) -> list[Offer]:
    current = read_published(piece.published_raw)
    taken = {(current.date, current.time)} if current.is_absolute else set()
    latest = timezone.localdate() + dt.timedelta(days=1)
    offers = []
    for suggestions in found:
        for moment in suggestions.moments:
            if moment.reading != "absolute" or moment.date is None:
                continue
            day = dt.date.fromisoformat(moment.date)
            value = day.strftime("%d/%m/%Y") + (f" {moment.time}" if moment.time else "")
            reading = read_published(value)
            key = (reading.date, reading.time)
            if not reading.is_absolute or key in taken or day > latest:
                continue
            taken.add(key)
            offers.append(Offer("published_raw", value, value, _short(moment.source)))
    return offers[:MOST_DATES]


def _seen(found: list[Suggestions]) -> list[Seen]:
    seen: list[Seen] = []
    texts: set[str] = set()
    for suggestions in found:
        for moment in suggestions.moments:
            if moment.reading in ("relative", "no_year") and moment.text not in texts:
                texts.add(moment.text)
                seen.append(Seen(moment.text, _short(moment.source)))
    return seen[:MOST_SEEN]


def _short(line: str) -> str:
    return Truncator(line).chars(LINE_LENGTH)


def read_text(piece: Piece) -> str:
    """The texts read in the piece's images, one after the other, for its transcript."""
    texts = [
        (file.ocr_text or "").strip() for file in piece.files.all() if file.ocr == TextReading.DONE
    ]
    return "\n\n".join(text for text in texts if text)
