"""Text read from screenshots (OCR), and what it suggests: suggestions only, never filled in.

`transcribe(image_bytes)` runs Tesseract on a screenshot, in French and English at once
(`fra+eng`), and returns the text with its mean word confidence and the time it took. It decodes
the image: the task worker calls it, after the upload was inspected and sealed.
`suggest(transcript)` then points at what the text shows: authors (an @handle, a "Lucas :"
sender, the names above a group's bubbles, the conversation's title), the platform (its name on
screen, its interface's words, or the app a Samsung or Xiaomi file name gives) and the dates and
times on screen. Each suggestion carries the line it was read from, so a person can check it
against the picture; relative dates ("hier 18:13", "il y a 3 j") are marked relative and never
turned into dates.

Why tesserocr: it drives Tesseract's library in the process, the image handed over in memory,
where pytesseract writes each screenshot to a temporary file in clear and starts a program per
image. Its wheel carries the engine; Debian's tesseract-ocr-fra and -eng carry the models.

Pre-processing, measured on the generated screenshots of tests/evidence/intake/screens.py
(character accuracy, mean over 12 screens; min in brackets):
- the colour screenshot as it is: 0.92 (0.68): dark themes lose whole bubbles;
- grey: 0.958 (0.71); grey, inverted when the screen is mostly dark: 0.959 (0.71): a bubble of
  white text on purple or blue, in a screen of the other polarity, disappears;
- each pixel's distance from its local background (below): 0.980 (0.96), whatever the theme
  and the bubbles' colours, in 0.5 s per screenshot on this machine's 2 cores.
Text drawn smaller than phones draw it (a screenshot shrunk to a third: 360 px wide) reads at
0.94 as it is and 0.96 enlarged to a phone's width first; a half-size one gains nothing
from it. So images narrower than MIN_WIDTH are enlarged, others are not.
"""

from __future__ import annotations

import os
import re
import threading
import time
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from io import BytesIO
from typing import TYPE_CHECKING, Literal, TypeVar

from django.conf import settings
from PIL import Image, ImageChops, ImageFilter, ImageOps

from evidence.intake.capture import platform_from_file_name
from evidence.intake.images import (
    ALLOWED_FORMATS,
    TOO_MANY_PIXELS,
    ImageRejected,
    refusing_bad_images,
    strict_decoding,
)
from evidence.vault.dates import read_published

if TYPE_CHECKING:
    import tesserocr

LANGUAGES = "fra+eng"
# Debian's tesseract-ocr-fra and -eng install here; TESSDATA_PREFIX is Tesseract's own variable.
TESSDATA = os.environ.get("TESSDATA_PREFIX") or "/usr/share/tesseract-ocr/5/tessdata"
MIN_WIDTH = 800  # narrower: text smaller than any phone draws it, enlarged first
TARGET_WIDTH = 1080  # a common Android phone's width
MAX_ENLARGEMENT = 3.0
# The local background: the median colour of 8-pixel blocks over 7 blocks (56 px, larger than a
# line of text at any phone size); text is what differs from it, whichever is lighter.
_BLOCK = 8
_BLOCK_MEDIAN = 7
# Differences below the floor are bubble edges and shading, not ink; the gain makes the light
# grey of times and names as dark as the text.
_FLOOR = 30
_GAIN = 2.5


class OcrUnavailable(RuntimeError):
    """Tesseract's models are not installed (Debian: tesseract-ocr-fra, tesseract-ocr-eng)."""


@dataclass(frozen=True)
class Transcript:
    text: str  # lines as Tesseract reads them, top to bottom
    confidence: float | None  # mean word confidence, 0 to 100; None when no word was read
    seconds: float  # pre-processing and recognition
    file_name: str = ""  # the upload's name, for the platform its app suggests

    @property
    def lines(self) -> list[str]:
        return [line.strip() for line in self.text.splitlines() if line.strip()]


def transcribe(
    image_bytes: bytes, *, file_name: str = "", max_pixels: int | None = None
) -> Transcript:
    """Read the text of a screenshot; ImageRejected if it is not an image we accept."""
    started = time.perf_counter()
    limit = max_pixels or settings.EVIDENCE_MAX_PIXELS
    with strict_decoding(), refusing_bad_images():
        image = Image.open(BytesIO(image_bytes), formats=ALLOWED_FORMATS)
        if image.width * image.height > limit:
            raise ImageRejected("too_many_pixels", TOO_MANY_PIXELS)
        image.load()
        prepared = prepare(ImageOps.exif_transpose(image) or image)
    with _engine() as engine:
        engine.SetImage(prepared)
        text = engine.GetUTF8Text()
        confidences = engine.AllWordConfidences()
        engine.Clear()
    return Transcript(
        text=unicodedata.normalize("NFC", text).strip(),
        confidence=sum(confidences) / len(confidences) if confidences else None,
        seconds=time.perf_counter() - started,
        file_name=file_name,
    )


def prepare(image: Image.Image) -> Image.Image:
    """Dark text on white, whatever the theme: each pixel's distance from its local background
    (the largest of its red, green and blue differences, so red text on grey counts as much as
    black on white), enlarged first when the text is smaller than phones draw it."""
    rgb = image.convert("RGB")
    if rgb.width < MIN_WIDTH:
        factor = min(MAX_ENLARGEMENT, TARGET_WIDTH / rgb.width)
        size = (round(rgb.width * factor), round(rgb.height * factor))
        rgb = rgb.resize(size, Image.Resampling.LANCZOS)
    blocks = (max(1, rgb.width // _BLOCK), max(1, rgb.height // _BLOCK))
    background = (
        rgb.resize(blocks, Image.Resampling.BOX)
        .filter(ImageFilter.MedianFilter(_BLOCK_MEDIAN))
        .resize(rgb.size, Image.Resampling.NEAREST)
    )
    red, green, blue = ImageChops.difference(rgb, background).split()
    ink = ImageOps.autocontrast(ImageChops.lighter(ImageChops.lighter(red, green), blue))
    ink = ink.point([min(255, max(0, round((value - _FLOOR) * _GAIN))) for value in range(256)])
    return ImageOps.invert(ink)


_ENGINES = threading.local()


@contextmanager
def _engine() -> Iterator[tesserocr.PyTessBaseAPI]:
    """One engine per thread, kept: loading the models takes a third of a second, and an engine
    must not be shared between threads."""
    engine = getattr(_ENGINES, "engine", None)
    if engine is None:
        if not os.path.exists(os.path.join(TESSDATA, "fra.traineddata")):
            raise OcrUnavailable(f"No French model in {TESSDATA}: install tesseract-ocr-fra.")
        # Imported here, by the processes that read text only: Tesseract's library weighs 8 MB
        # in every other process (the export's worker has 300 MB for a PDF of 200 pieces).
        import tesserocr

        engine = tesserocr.PyTessBaseAPI(path=TESSDATA, lang=LANGUAGES)
        _ENGINES.engine = engine
    yield engine


# Suggestions --------------------------------------------------------------------------------

AuthorReason = Literal["handle", "sender", "group_member", "conversation_title"]
PlatformReason = Literal["on_screen", "file_name"]
Reading = Literal["absolute", "relative", "no_year", "time_only"]


@dataclass(frozen=True)
class AuthorSuggestion:
    name: str  # "@noah.officiel", "Lucas", "kevin_du_93"
    reason: AuthorReason
    source: str  # the line it was read from


@dataclass(frozen=True)
class PlatformSuggestion:
    platform: str  # guidance/facts.py's `platforms` vocabulary
    reason: PlatformReason
    source: str  # the line it was read from, or the file name


@dataclass(frozen=True)
class MomentSuggestion:
    """A date or time on screen. Only "absolute" has a date; "relative" ("hier 18:13",
    "il y a 3 j", "lundi") and "no_year" ("mardi 24 novembre") are never turned into one."""

    text: str  # as seen
    reading: Reading
    source: str  # the line it was read from
    date: str | None = None  # ISO 8601, for an absolute date
    time: str | None = None  # HH:MM, when one is shown

    @property
    def is_relative(self) -> bool:
        return self.reading == "relative"


_Suggestion = TypeVar("_Suggestion", AuthorSuggestion, PlatformSuggestion)
_HEADER_LINES = 4  # the status bar's clock, the title, a subtitle, a day


@dataclass(frozen=True)
class Suggestions:
    authors: tuple[AuthorSuggestion, ...]
    platforms: tuple[PlatformSuggestion, ...]
    moments: tuple[MomentSuggestion, ...]


# What apps show of themselves: their names, and words only their interface uses.
_PLATFORM_CUES: tuple[tuple[str, str], ...] = (
    (r"whats ?app", "whatsapp"),
    (r"chiffr[ée]s de bout en bout|end-to-end encrypted", "whatsapp"),
    (r"instagram", "instagram"),
    (r"tik ?tok", "tiktok"),
    (r"snap ?chat", "snapchat"),
    (r"discord|envoyer un message dans #|message #", "discord"),
    (r"facebook|messenger", "facebook"),
    (r"telegram", "telegram"),
    (r"youtube", "youtube"),
    (r"twitch", "twitch"),
    (r"twitter|x\.com", "x"),
    (r"imessage|\bsms\b|\bmms\b|texto", "sms"),
)
_PLATFORM_PATTERNS = [
    (re.compile(rf"(?<![\w.]){cue}(?![\w])", re.IGNORECASE), platform)
    for cue, platform in _PLATFORM_CUES
]
_HANDLE = re.compile(r"(?<![\w@.])@([A-Za-z0-9_](?:[A-Za-z0-9_.]{0,28}[A-Za-z0-9_])?)")
# "Lucas : …", "Lucas: …", "Marie-Lou D.: …" at a line's start: a notification, a quoted
# message, an exported line.
_SENDER_COLON = re.compile(
    r"^(?P<name>[A-ZÀ-Ý][\w’'.-]{1,30}(?: [A-ZÀ-Ý][\w’'.-]{0,30})?)\s?:\s+\S"
)
# A line alone that can be a name above a bubble: one or two words, a handle's characters.
_NAME_LINE = re.compile(r"[\w][\w.’'-]{1,30}(?: [\w][\w.’'-]{1,30})?")
_NOT_NAMES = {
    "vous", "you", "moi", "me", "toi", "message", "messages", "imessage", "sms", "aujourd’hui",
    "aujourd'hui", "today", "hier", "yesterday", "en ligne", "online", "lu", "vu", "seen",
    "read", "delivered", "distribué", "envoyé", "sent",
}  # fmt: skip
_DAY_NAMES = (
    "lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche"
    "|monday|tuesday|wednesday|thursday|friday|saturday|sunday"
)
_MONTH_NAMES = (
    "janvier|février|fevrier|mars|avril|mai|juin|juillet|août|aout|septembre|octobre|novembre"
    "|décembre|decembre|janv|févr|fevr|avr|juil|sept|oct|nov|déc|dec"
    "|january|february|march|april|may|june|july|august|september|october|november|december"
    "|jan|feb|mar|apr|jun|jul|aug|sep"
)
_TIME = r"\d{1,2}\s?[:h]\s?\d{2}(?:\s?[AaPp]\.?[Mm]\.?)?"
_MOMENTS = re.compile(
    "|".join(
        (
            # 24/11/2026, 24/11/26, 24.11.2026, 2026-11-24, with a time after.
            rf"(?P<numeric>\b\d{{1,2}}[/.]\d{{1,2}}[/.]\d{{2,4}}\b|\b\d{{4}}-\d{{2}}-\d{{2}}\b)"
            rf"(?:,?\s*(?:à|a|at)?\s*{_TIME})?",
            # 24 nov. 2026, 24 novembre 2026, mardi 24 novembre, Nov 24, 2026.
            rf"(?P<named>(?:\b(?:{_DAY_NAMES})\s+)?\b\d{{1,2}}(?:er)?\s+(?:{_MONTH_NAMES})\b\.?"
            rf"(?:\s+\d{{4}})?|\b(?:{_MONTH_NAMES})\.?\s+\d{{1,2}}(?!\d),?(?:\s+\d{{4}})?)"
            rf"(?:,?\s*(?:à|a|at)?\s*{_TIME})?",
            # il y a 3 j, 3 d ago, hier 18:13, yesterday 9:14 PM, lundi, aujourd'hui.
            r"(?P<relative>\bil y a\s+\d+\s?\w{1,8}\b|\b\d+\s?\w{1,8}\s+ago\b"
            rf"|\b(?:avant-hier|hier|yesterday|aujourd[’']hui|today|{_DAY_NAMES})\b"
            rf"(?:,?\s*(?:à|a|at)?\s*{_TIME})?)",
            rf"(?P<time>(?<![\d/:.]){_TIME}(?![\d/:]))",
        )
    ),
    re.IGNORECASE,
)


def suggest(transcript: Transcript) -> Suggestions:
    """What the text shows of its authors, platform and dates, each with the line it came
    from. Suggestions for a person to confirm, never values filled in."""
    lines = transcript.lines
    return Suggestions(
        authors=_first_of_each(_authors(lines), lambda author: (author.name, author.reason)),
        platforms=_first_of_each(
            _platforms(lines, transcript.file_name), lambda found: (found.platform, found.reason)
        ),
        moments=tuple(moment for line in lines for moment in _moments(line)),
    )


def _authors(lines: list[str]) -> Iterator[AuthorSuggestion]:
    for line in lines:
        for handle in _HANDLE.finditer(line):
            yield AuthorSuggestion("@" + handle.group(1), "handle", line)
        if sender := _SENDER_COLON.match(line):
            name = sender.group("name")
            if name.casefold() not in _NOT_NAMES and not _MOMENTS.fullmatch(name):
                yield AuthorSuggestion(name, "sender", line)
    # Names above bubbles: a short line alone, seen more than once.
    standalone = Counter(line for line in lines if _is_name(line))
    for line in lines:
        if standalone[line] >= 2:
            yield AuthorSuggestion(line.lstrip("@"), "sender", line)
    # The conversation's header: its title (the first line, after the status bar's clock when
    # the screenshot shows it), and a group's members ("Lucas, Inès, Théo, Vous").
    header = lines[:_HEADER_LINES]
    title_at = 1 if header and _CLOCK.fullmatch(header[0]) else 0
    if len(header) > title_at and _is_name(header[title_at]):
        yield AuthorSuggestion(header[title_at], "conversation_title", header[title_at])
    for line in header:
        names = [name.strip() for name in line.split(",")]
        if len(names) >= 2 and all(
            _is_name(name) or name.casefold() in _NOT_NAMES for name in names
        ):
            for name in names:
                if name.casefold() not in _NOT_NAMES:
                    yield AuthorSuggestion(name, "group_member", line)


def _is_name(line: str) -> bool:
    return (
        _NAME_LINE.fullmatch(line) is not None
        and line.casefold() not in _NOT_NAMES
        and not line[0].isdigit()
        and _MOMENTS.search(line) is None
    )


def _platforms(lines: list[str], file_name: str) -> Iterator[PlatformSuggestion]:
    for line in lines:
        for pattern, platform in _PLATFORM_PATTERNS:
            if pattern.search(line):
                yield PlatformSuggestion(platform, "on_screen", line)
    if file_name and (app := platform_from_file_name(file_name)):
        yield PlatformSuggestion(app, "file_name", file_name)


def _moments(line: str) -> Iterator[MomentSuggestion]:
    for match in _MOMENTS.finditer(line):
        text = match.group(0).strip()
        time_shown = _clock(text)
        if match.group("relative"):
            yield MomentSuggestion(text, "relative", line, time=time_shown)
        elif match.group("time"):
            if time_shown is not None:
                yield MomentSuggestion(text, "time_only", line, time=time_shown)
        else:
            reading = read_published(text)
            if reading.date is not None:
                yield MomentSuggestion(
                    text, "absolute", line, date=reading.date.isoformat(), time=time_shown
                )
            elif match.group("named"):
                yield MomentSuggestion(text, "no_year", line, time=time_shown)


_CLOCK = re.compile(r"(\d{1,2})\s?[:h]\s?(\d{2})(?:\s?([AaPp])\.?[Mm]\.?)?")


def _clock(text: str) -> str | None:
    """HH:MM of the time in a text, or None if there is none or it cannot be a time."""
    match = _CLOCK.search(text)
    if match is None:
        return None
    hour, minute, half = int(match.group(1)), int(match.group(2)), match.group(3)
    if half:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if half in "Pp" else 0)
    if hour > 23 or minute > 59:
        return None
    return f"{hour:02}:{minute:02}"


def _first_of_each(
    items: Iterator[_Suggestion], key: Callable[[_Suggestion], object]
) -> tuple[_Suggestion, ...]:
    """The first suggestion of each value: the same name on ten lines is one suggestion."""
    kept: dict[object, _Suggestion] = {}
    for item in items:
        kept.setdefault(key(item), item)
    return tuple(kept.values())
