"""Conversations exported from messaging apps, read into messages: plain Python, no request.

    chat = read_chat(name, data)          # the one call: detects the format and parses
    importer = detect(name, data)         # or: which format (None if none), then
    chat = importer.parse(name, data)

A Chat holds its messages (time, author, text, attachments), participants, the media of an
archive as (name, bytes) never decoded here, and its problems: stable codes with a sentence to
show. Bad input (a damaged or enormous archive, an unknown format, odd encodings) gives
problems, never an exception.
"""

from __future__ import annotations

from evidence.intake.chats.files import Archive, ArchiveRefused, is_zip
from evidence.intake.chats.instagram import InstagramImporter
from evidence.intake.chats.model import (
    PROBLEMS,
    Chat,
    Day,
    Importer,
    Media,
    Message,
    Problem,
    messages_per_day,
)
from evidence.intake.chats.whatsapp import WhatsAppImporter

IMPORTERS: tuple[Importer, ...] = (WhatsAppImporter(), InstagramImporter())

__all__ = [
    "IMPORTERS",
    "PROBLEMS",
    "Chat",
    "Day",
    "Importer",
    "Media",
    "Message",
    "Problem",
    "detect",
    "messages_per_day",
    "read_chat",
]


def detect(name: str, data: bytes) -> Importer | None:
    """The importer that reads this file, or None."""
    return next((importer for importer in IMPORTERS if importer.detect(name, data)), None)


def read_chat(name: str, data: bytes, *, media: bool = True) -> Chat:
    """The conversation in this file, whatever its format; problems say what went wrong.
    With media=False, an archive's photos and videos are not read (the messages still name
    their attachments)."""
    if is_zip(data):
        try:
            Archive(data)
        except ArchiveRefused as refusal:
            return Chat("", problems=(refusal.problem,))
    importer = detect(name, data)
    if importer is None:
        return Chat("", problems=(Problem("unknown_format"),))
    return importer.parse(name, data, media=media)
