"""What every chat importer returns: the messages, who wrote them, the media, and the problems
met on the way, each a stable code with a sentence for the person who sent the file."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Protocol

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

PROBLEMS: dict[str, Promise] = {
    "unknown_format": _(
        "We do not recognise this conversation export. Send the file that WhatsApp’s “Export "
        "chat” makes (.txt or .zip), or Instagram’s data download."
    ),
    "damaged_archive": _(
        "This archive is damaged or incomplete. Export the conversation again and send the new "
        "file."
    ),
    "encrypted_archive": _(
        "This archive is protected by a password. Export the conversation again without one."
    ),
    "archive_too_large": _(
        "Opened, this archive would take far more space than a conversation does, so it was not "
        "opened. Export the conversation again, or send its text file alone."
    ),
    "media_skipped": _(
        "Some files in the archive were too large to be read and were left out: send them "
        "separately."
    ),
    "several_conversations": _(
        "This download holds several conversations. Send the folder of the one conversation "
        "you want to add, zipped, or its message_1.json file."
    ),
    "no_chat_in_archive": _(
        "This archive holds no conversation we can read. Export the conversation again."
    ),
    "too_large": _(
        "This conversation is too large to be read at once. Export a shorter period, or send "
        "it in several parts."
    ),
    "not_utf8": _(
        "Some lines of this file were not written in the usual encoding and were read as "
        "Western European (Latin-1): check their accents against the phone."
    ),
    "ambiguous_date_order": _(
        "The dates of this export read as well day/month as month/day. They were read as "
        "day/month, the French order: check one message’s date on the phone."
    ),
    "inconsistent_dates": _(
        "The dates of this export are not in order whichever way they are read. Check the "
        "messages’ dates on the phone."
    ),
    "text_before_first_message": _(
        "The start of the file is not a message. It was kept apart, as it was written."
    ),
    "unreadable_date": _(
        "Some messages have a date that does not exist (such as 31/02). They were kept "
        "without a date."
    ),
    "repeated_hour": _(
        "Some messages were sent in the hour that is repeated when clocks go back in autumn: "
        "their time may be an hour later than shown."
    ),
    "repaired_characters": _(
        "The accents of this download were stored wrongly by the platform and were repaired."
    ),
}


@dataclass(frozen=True)
class Problem:
    code: str
    detail: str = ""  # a file name, a count, a line: never translated, shown as is

    @property
    def message(self) -> Promise:
        return PROBLEMS[self.code]


@dataclass(frozen=True)
class Message:
    at: dt.datetime | None  # aware; None when the file's date does not exist (31/02)
    author: str | None  # None for what the app itself wrote (encryption notice, "X a ajouté Y")
    text: str  # as written, several lines kept
    attachments: tuple[str, ...] = ()  # names of the files the message carried
    media_omitted: bool = False  # exported without its media ("<Médias omis>")
    deleted: bool = False  # "Ce message a été supprimé"
    edited: bool = False  # "<Ce message a été modifié>" (the marker stays in the text)
    line: int = 0  # where it starts in the file, from 1, to find it again

    @property
    def is_system(self) -> bool:
        return self.author is None


@dataclass(frozen=True)
class Media:
    """A file from the archive, never decoded here: the caller passes it through the same
    checks as an upload, after asking the sensitivity question."""

    name: str  # the file's own name, without any folder
    data: bytes


@dataclass(frozen=True)
class Chat:
    format: str  # "whatsapp", "instagram"
    messages: tuple[Message, ...] = ()
    participants: tuple[str, ...] = ()  # in order of first message
    media: tuple[Media, ...] = ()
    problems: tuple[Problem, ...] = ()
    title: str = ""
    # The time zone the messages' times are in. With `instants` false (WhatsApp), the file gave
    # the phone's local times, taken as this zone's; with it true (Instagram), exact instants,
    # converted to this zone.
    time_zone: str = ""
    instants: bool = False
    date_order: str = ""  # "day_first", "month_first", or "" when the format says it
    unattributed: tuple[str, ...] = field(default=())  # text before the first message

    @property
    def problem_codes(self) -> list[str]:
        return [problem.code for problem in self.problems]


class Importer(Protocol):
    format: str

    def detect(self, name: str, data: bytes) -> bool:
        """Whether the file looks like this format; cheap, never raises."""
        ...

    def parse(self, name: str, data: bytes, *, media: bool = True) -> Chat:
        """The chat; bad input gives a Chat with problems, never an exception. With
        media=False, an archive's photos and videos are not read."""
        ...


@dataclass(frozen=True)
class Day:
    day: dt.date
    messages: int
    authors: int


def messages_per_day(chat: Chat) -> list[Day]:
    """For the dossier's timeline: per day (in the chat's own time zone), the number of
    messages and of distinct authors. What the app wrote itself, and undated messages, are
    not counted."""
    per_day: dict[dt.date, tuple[int, set[str]]] = {}
    for message in chat.messages:
        if message.at is None or message.author is None:
            continue
        count, authors = per_day.get(message.at.date(), (0, set()))
        authors.add(message.author)
        per_day[message.at.date()] = (count + 1, authors)
    return [Day(day, count, len(authors)) for day, (count, authors) in sorted(per_day.items())]
