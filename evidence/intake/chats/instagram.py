"""Instagram's data download ("Télécharger vos informations", JSON format): one conversation's
message_1.json (message_2.json… for long ones), alone or in a zip with its photos.

The file gives each message's exact instant (timestamp_ms, UTC): the times are exact, shown in
settings.TIME_ZONE (Europe/Paris) by conversion, not by assumption. Messages come newest first
and are put back in order.

Instagram writes its JSON with every non-ASCII character broken: the UTF-8 bytes of "é" stored
as two Latin-1 characters ("Ã©"). Each text is repaired (encoded back to those bytes and read
as UTF-8) when, and only when, that gives valid UTF-8; the chat says when it did.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
from collections.abc import Iterator
from pathlib import PurePosixPath
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings

from evidence.intake.chats.files import (
    MAX_MEDIA_BYTES,
    MAX_TEXT_BYTES,
    Archive,
    ArchiveRefused,
    decode,
    is_zip,
)
from evidence.intake.chats.model import Chat, Media, Message, Problem

FORMAT = "instagram"
_PART = re.compile(r"(?:^|/)messages/inbox/(?P<thread>[^/]+)/message_(?P<number>\d+)\.json$")
_DETECT_BYTES = 64 * 1024


class InstagramImporter:
    format = FORMAT

    def detect(self, name: str, data: bytes) -> bool:
        if is_zip(data):
            try:
                return any(_PART.search(member.name) for member in Archive(data).members)
            except ArchiveRefused:
                return False
        head = data[:_DETECT_BYTES]
        return head.lstrip()[:1] == b"{" and all(
            key in head for key in (b'"participants"', b'"sender_name"', b'"timestamp_ms"')
        )

    def parse(self, name: str, data: bytes, *, media: bool = True) -> Chat:
        """The chat; with media=False, an archive's photos and videos are not even read."""
        if not is_zip(data):
            chat = _chat([data])
            return _with(chat, messages=tuple(map(_named_attachments, chat.messages)))
        try:
            archive = Archive(data)
            threads: dict[str, list[tuple[int, str]]] = {}
            for member in archive.members:
                if found := _PART.search(member.name):
                    part = (int(found.group("number")), member.name)
                    threads.setdefault(found.group("thread"), []).append(part)
            if len(threads) != 1:
                code = "several_conversations" if threads else "no_chat_in_archive"
                return Chat(FORMAT, problems=(Problem(code, ", ".join(sorted(threads))),))
            (parts,) = threads.values()
            texts = [archive.read(member, MAX_TEXT_BYTES) for _number, member in sorted(parts)]
        except ArchiveRefused as refusal:
            return Chat(FORMAT, problems=(refusal.problem,))
        chat = _chat(texts)
        wanted = {uri for message in chat.messages for uri in message.attachments}
        kept, problems = _media(archive, wanted) if media else ([], [])
        return _with(
            chat,
            messages=tuple(map(_named_attachments, chat.messages)),
            media=tuple(kept),
            problems=chat.problems + tuple(problems),
        )


def _chat(texts: list[bytes]) -> Chat:
    parts: list[dict[str, Any]] = []
    for text in texts:
        if len(text) > MAX_TEXT_BYTES:
            return Chat(FORMAT, problems=(Problem("too_large"),))
        try:
            part = json.loads(decode(text).text)
        except (json.JSONDecodeError, RecursionError):
            return Chat(FORMAT, problems=(Problem("unknown_format"),))
        if not isinstance(part, dict) or not isinstance(part.get("messages"), list):
            return Chat(FORMAT, problems=(Problem("unknown_format"),))
        parts.append(part)
    repair = _Repair()
    zone = ZoneInfo(settings.TIME_ZONE)
    messages = sorted(
        (message for part in parts for message in _messages(part["messages"], repair, zone)),
        key=lambda message: (
            message.at is None,
            message.at or dt.datetime.min.replace(tzinfo=zone),
        ),
    )
    unreadable = sum(message.at is None for message in messages)
    names = [
        repair(str(person.get("name", "")))
        for person in parts[0].get("participants", [])
        if isinstance(person, dict)
    ]
    problems = []
    if repair.repaired:
        problems.append(Problem("repaired_characters", f"{repair.repaired} texts"))
    if unreadable:
        problems.append(Problem("unreadable_date", f"{unreadable} messages"))
    return Chat(
        FORMAT,
        messages=tuple(messages),
        participants=tuple(dict.fromkeys([*names, *(m.author for m in messages if m.author)])),
        problems=tuple(problems),
        title=repair(str(parts[0].get("title", ""))),
        time_zone=settings.TIME_ZONE,
        instants=True,
    )


def _messages(items: list[Any], repair: _Repair, zone: ZoneInfo) -> Iterator[Message]:
    for item in items:
        if not isinstance(item, dict):
            continue
        text = repair(str(item.get("content", "")))
        share = item.get("share")
        if isinstance(share, dict):
            shared = [repair(str(share[key])) for key in ("share_text", "link") if share.get(key)]
            text = "\n".join(filter(None, [text, *shared]))
        yield Message(
            at=_instant(item.get("timestamp_ms"), zone),
            author=repair(str(item["sender_name"])) if item.get("sender_name") else None,
            text=text,
            attachments=tuple(_uris(item)),
            deleted=bool(item.get("is_unsent")),
        )


def _instant(milliseconds: object, zone: ZoneInfo) -> dt.datetime | None:
    if not isinstance(milliseconds, int) or isinstance(milliseconds, bool):
        return None
    try:
        return dt.datetime.fromtimestamp(milliseconds / 1000, tz=dt.UTC).astimezone(zone)
    except (OverflowError, OSError, ValueError):
        return None


def _uris(item: dict[str, Any]) -> Iterator[str]:
    for key in ("photos", "videos", "audio_files", "files", "gifs"):
        for attached in item.get(key) or []:
            if isinstance(attached, dict) and isinstance(attached.get("uri"), str):
                yield attached["uri"]


class _Repair:
    """Undo Instagram's UTF-8-read-as-Latin-1, text by text, counting the texts repaired."""

    def __init__(self) -> None:
        self.repaired = 0

    def __call__(self, text: str) -> str:
        if text.isascii():
            return text
        try:
            fixed = text.encode("latin-1").decode("utf-8")
        except (UnicodeEncodeError, UnicodeDecodeError):
            return text  # already proper text, or not this breakage: kept as written
        self.repaired += fixed != text
        return fixed


def _media(archive: Archive, uris: set[str]) -> tuple[list[Media], list[Problem]]:
    """The files the messages point at (their uri ends the member's path)."""
    found: list[Media] = []
    left_out: list[str] = []
    for member in archive.members:
        if not any(member.name.endswith(uri) or uri.endswith(member.name) for uri in uris):
            continue
        try:
            data = archive.read(member.name, MAX_MEDIA_BYTES)
        except ArchiveRefused:
            left_out.append(member.name)
            continue
        found.append(Media(PurePosixPath(member.name).name, data))
    return found, ([Problem("media_skipped", ", ".join(left_out))] if left_out else [])


def _named_attachments(message: Message) -> Message:
    """Attachments by their own file name, as the media are."""
    names = tuple(PurePosixPath(uri).name for uri in message.attachments)
    return dataclasses.replace(message, attachments=names)


def _with(chat: Chat, **changes: Any) -> Chat:
    return dataclasses.replace(chat, **changes)
