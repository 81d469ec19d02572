"""WhatsApp's "Exporter la discussion" / "Export chat": a .txt, or a .zip with it and the media.

Each message starts a line with its date and time, in the phone's own format:
  Android, French:   24/11/2026 18:13 - Lucas: texte
  Android, English:  11/24/26, 6:13 PM - Lucas: text     (US; a narrow no-break space may
                     24/11/2026, 18:13 - Lucas: text      stand before PM)
  iPhone:            [24/11/2026 18:13:02] Lucas : texte  (French spacing)
                     [24/11/2026, 18:13:02] Lucas: texte
                     [11/24/26, 6:13:02 PM] Lucas: text
Lines that do not start so continue the message above. What WhatsApp writes itself (the
encryption notice, "X a ajouté Y") has no author; media left out, deleted and edited messages
are flagged, their text kept as exported. The left-to-right marks WhatsApp puts before some lines
and a byte order mark are taken off; nothing else is.

Day and month: the order is decided per file from the dates it holds. A part above 12 settles
it (13/11 is day-first); otherwise the messages' order does (an export is chronological: read
the wrong way, 01/12 then 02/01 goes back in time). When both readings stay possible and differ,
the dates are read day-first, the French order, and the chat says it was ambiguous.

Times are the phone's local time, as written: they are taken as settings.TIME_ZONE's
(Europe/Paris) and the chat says so (`time_zone`), never converted.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.conf import settings

from evidence.intake.chats.files import (
    MAX_TEXT_BYTES,
    Archive,
    ArchiveRefused,
    decode,
    is_zip,
)
from evidence.intake.chats.model import Chat, Media, Message, Problem

FORMAT = "whatsapp"
_DETECT_BYTES = 64 * 1024
_DETECT_LINES = 50
_SPACE = r"[ \u00a0\u202f]"
_HEADER = re.compile(
    r"\[?(?P<first>\d{1,4})(?P<separator>[./-])(?P<second>\d{1,2})(?P=separator)"
    r"(?P<third>\d{4}|\d{2})(?!\d),?"
    rf"{_SPACE}(?:à{_SPACE})?(?P<hour>\d{{1,2}})[:.](?P<minute>\d{{2}})(?:[:.](?P<second_>\d{{2}}))?"
    rf"(?:{_SPACE}?(?P<half>[AaPp])\.?{_SPACE}?[Mm]\.?)?"
    rf"(?:\]{_SPACE}?|{_SPACE}[-–]{_SPACE})",
    re.ASCII,
)
_AUTHOR = re.compile(rf"(?P<author>[^\n]{{1,100}}?){_SPACE}?:(?:{_SPACE}|$)(?P<text>.*)", re.DOTALL)
# What only WhatsApp writes, in French and English: such a line has no author, and a colon in
# it ("… changé le sujet en « a: b »") does not make one.
_SYSTEM = re.compile(
    r"chiffrés de bout en bout|end-to-end encrypted|a créé (?:le )?groupe|created group"
    r"|\ba ajouté\b|\bvous a ajouté|\badded\b|\ba retiré\b|\bremoved\b|\best parti|\ba quitté\b"
    r"|\bleft$|\ba rejoint\b|\bjoined using\b|\ba changé (?:le sujet|la description|l.icône"
    r"|la photo|son numéro|de numéro)|\bchanged (?:the subject|the group description|this group|"
    r"their phone number|to \+)|code de sécurité|security code"
    r"|^Vous avez (?:créé|ajouté|retiré|changé)|^You (?:created|added|removed|changed)",
    re.IGNORECASE,
)
_MEDIA_OMITTED = re.compile(
    r"<(?:Médias? omis|Media omitted)>"
    r"|^(?:image|vidéo|video|audio|sticker|autocollant|GIF|document|contact card|carte de "
    r"contact)(?: absente?| omise?| omitted)$",
    re.IGNORECASE,
)
_DELETED = re.compile(
    r"^(?:Ce message a été supprimé|This message was deleted|Vous avez supprimé ce message"
    r"|You deleted this message)\.?$",
    re.IGNORECASE,
)
_EDITED = re.compile(r"<(?:Ce message a été modifié|This message was edited)>$")
# Android: "IMG-20261124-WA0003.jpg (fichier joint)", the file's name alone on its line.
_ANDROID_ATTACHMENT = re.compile(
    r"(?P<name>[^<>/\\\n]{1,200}\.\w{1,5}) \((?:fichier joint|file attached)\)", re.IGNORECASE
)
# iPhone: "<attached: 00000012-PHOTO-2026-11-24-18-13-02.jpg>".
_IPHONE_ATTACHMENT = re.compile(
    r"<(?:attached|pièce jointe|joint)\s?:\s?(?P<name>[^<>/\\\n]{1,200})>", re.IGNORECASE
)
_SYSTEM_WINDOW = 500  # WhatsApp's own lines are short: a long text is someone's
_MARKS = "\ufeff\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
_TITLE = re.compile(
    r"(?:Discussion WhatsApp avec|WhatsApp Chat with|WhatsApp Chat -|Discussion WhatsApp -)"
    r"\s*(?P<title>.+?)(?:\s\(\d+\))?(?:\.txt|\.zip)?$",
    re.IGNORECASE,
)


class WhatsAppImporter:
    format = FORMAT

    def detect(self, name: str, data: bytes) -> bool:
        if is_zip(data):
            try:
                archive = Archive(data)
                chat_file = _chat_file(archive)
                if chat_file is None:
                    return False
                if _named_by_whatsapp(chat_file):
                    return True  # even damaged: parse says so
                head = archive.read(chat_file, MAX_TEXT_BYTES)[:_DETECT_BYTES]
            except ArchiveRefused:
                return False
        else:
            head = data[:_DETECT_BYTES]
        lines = decode(head).text.split("\n")[:_DETECT_LINES]
        return any(_HEADER.match(line.lstrip(_MARKS)) for line in lines)

    def parse(self, name: str, data: bytes, *, media: bool = True) -> Chat:
        """The chat; with media=False, an archive's photos and videos are not even read."""
        title = _title(name)
        if not is_zip(data):
            return _parse_text(data, title, media=(), problems=[])
        try:
            archive = Archive(data)
            chat_file = _chat_file(archive)
            if chat_file is None:
                return Chat(FORMAT, title=title, problems=(Problem("no_chat_in_archive"),))
            text = archive.read(chat_file, MAX_TEXT_BYTES)
        except ArchiveRefused as refusal:
            return Chat(FORMAT, title=title, problems=(refusal.problem,))
        found, problems = archive.media(skip={chat_file}) if media else ([], [])
        return _parse_text(text, title or _title(chat_file), media=found, problems=problems)


def chat_text(data: bytes) -> tuple[str, bytes] | None:
    """An archive's conversation alone: its text file's name and bytes, nothing else read;
    None when it holds none (or is damaged)."""
    try:
        archive = Archive(data)
        chat_file = _chat_file(archive)
        return (chat_file, archive.read(chat_file, MAX_TEXT_BYTES)) if chat_file else None
    except ArchiveRefused:
        return None


def _chat_file(archive: Archive) -> str | None:
    """The conversation's text: iPhone's _chat.txt, Android's "Discussion WhatsApp avec X.txt"."""
    texts = [member.name for member in archive.members if member.name.lower().endswith(".txt")]
    preferred = [name for name in texts if _named_by_whatsapp(name)]
    candidates = preferred or texts
    return candidates[0] if candidates else None


def _named_by_whatsapp(name: str) -> bool:
    return name.rsplit("/", 1)[-1] == "_chat.txt" or _TITLE.search(name) is not None


def _title(name: str) -> str:
    match = _TITLE.search(name.rsplit("/", 1)[-1])
    return match.group("title").strip() if match else ""


_STARTS = frozenset("[0123456789")


@dataclass(slots=True)
class _Start:
    """A line that starts a message, before its date is understood."""

    line: int
    date: tuple[int, int, int]  # the three numbers as written
    year_first: bool
    hour: int
    minute: int
    second: int
    half: str | None
    rest: str


def _parse_text(
    data: bytes, title: str, *, media: Iterable[Media], problems: list[Problem]
) -> Chat:
    if len(data) > MAX_TEXT_BYTES:
        return Chat(FORMAT, title=title, problems=(Problem("too_large"),))
    decoded = decode(data)
    problems = [*problems, *decoded.problems]
    starts: list[_Start] = []
    bodies: list[list[str]] = []
    before: list[str] = []
    lines = decoded.text.split("\n")
    if lines[-1] == "":
        lines.pop()  # the file's last line end, not an empty line of the last message
    for number, raw in enumerate(lines, 1):
        line = raw.removesuffix("\r")
        start = _start(number, line)
        if start is not None:
            starts.append(start)
            bodies.append([start.rest])
        elif bodies:
            bodies[-1].append(line)
        elif line.strip(_MARKS + " "):
            before.append(line)
    if not starts:
        return Chat(
            FORMAT, title=title, problems=(Problem("unknown_format"),), unattributed=tuple(before)
        )
    if before:
        problems.append(Problem("text_before_first_message", f"{len(before)} lines"))
    order, order_problems = _date_order(starts)
    problems += order_problems
    zone = ZoneInfo(settings.TIME_ZONE)
    messages: list[Message] = []
    unreadable = repeated = 0
    repeated_hours: dict[tuple[dt.date, int], bool] = {}
    for start, body in zip(starts, bodies, strict=True):
        at = _moment(start, order, zone)
        if at is None:
            unreadable += 1
        else:
            hour = (at.date(), at.hour)
            if hour not in repeated_hours:
                repeated_hours[hour] = at.replace(fold=1).utcoffset() != at.utcoffset()
            repeated += repeated_hours[hour]
        messages.append(_message(start, "\n".join(body), at))
    if unreadable:
        problems.append(Problem("unreadable_date", f"{unreadable} messages"))
    if repeated:
        problems.append(Problem("repeated_hour", f"{repeated} messages"))
    participants = dict.fromkeys(message.author for message in messages if message.author)
    return Chat(
        FORMAT,
        messages=tuple(messages),
        participants=tuple(participants),
        media=tuple(media),
        problems=tuple(problems),
        title=title,
        time_zone=settings.TIME_ZONE,
        date_order=order,
        unattributed=tuple(before),
    )


def _start(number: int, line: str) -> _Start | None:
    if line[:1] not in _STARTS:
        line = line.lstrip(_MARKS)
        if line[:1] not in _STARTS:
            return None  # most continuation lines: no need to try the pattern
    match = _HEADER.match(line)
    if match is None:
        return None
    first, second, third = match.group("first", "second", "third")
    return _Start(
        line=number,
        date=(int(first), int(second), int(third)),
        year_first=len(first) == 4,
        hour=int(match.group("hour")),
        minute=int(match.group("minute")),
        second=int(match.group("second_") or 0),
        half=match.group("half"),
        rest=line[match.end() :],
    )


def _date_order(starts: list[_Start]) -> tuple[str, list[Problem]]:
    """Day or month first, from the file's own dates: the reading with fewer impossible dates,
    then fewer steps back in time; ambiguous when both read the file equally and differently."""
    if all(start.year_first for start in starts):
        return "year_first", _check(starts, "year_first")
    scores = {order: _score(starts, order) for order in ("day_first", "month_first")}
    best = min(scores, key=lambda order: scores[order])
    if scores["day_first"] == scores["month_first"]:
        best = "day_first"
        if any(_date(start, "day_first") != _date(start, "month_first") for start in starts):
            return best, [Problem("ambiguous_date_order"), *_check(starts, best)]
    return best, _check(starts, best)


def _score(starts: list[_Start], order: str) -> tuple[int, int]:
    impossible = backwards = 0
    previous: dt.date | None = None
    for day in _dates(starts, order):
        if day is None:
            impossible += 1
            continue
        if previous is not None and day < previous:
            backwards += 1
        previous = day
    return impossible, backwards


def _check(starts: list[_Start], order: str) -> list[Problem]:
    return [Problem("inconsistent_dates")] if _score(starts, order)[1] else []


def _dates(starts: list[_Start], order: str) -> Iterable[dt.date | None]:
    cache: dict[tuple[int, int, int], dt.date | None] = {}
    for start in starts:
        if start.date not in cache:
            cache[start.date] = _date(start, order)
        yield cache[start.date]


def _date(start: _Start, order: str) -> dt.date | None:
    first, second, third = start.date
    if start.year_first:
        year, month, day = first, second, third
    elif order == "day_first":
        year, month, day = third, second, first
    else:
        year, month, day = third, first, second
    if year < 100:
        year += 2000
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _moment(start: _Start, order: str, zone: ZoneInfo) -> dt.datetime | None:
    day = _date(start, order)
    hour = start.hour
    if start.half:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if start.half in "Pp" else 0)
    if day is None or hour > 23 or start.minute > 59 or start.second > 59:
        return None
    return dt.datetime.combine(day, dt.time(hour, start.minute, start.second), tzinfo=zone)


def _attachments(text: str) -> tuple[str, ...]:
    """Line by line, each pattern anchored: linear however long the message."""
    names = []
    for line in text.split("\n"):
        line = line.strip(_MARKS + " ")
        if line.endswith(")") and (android := _ANDROID_ATTACHMENT.fullmatch(line)):
            names.append(android.group("name").strip(_MARKS + " "))
        elif "<" in line:
            names += [found.group("name").strip() for found in _IPHONE_ATTACHMENT.finditer(line)]
    return tuple(names)


def _message(start: _Start, rest: str, at: dt.datetime | None) -> Message:
    author: str | None = None
    text = rest
    said = _AUTHOR.match(rest)
    if said and not _SYSTEM.search(said.group("author")):
        author, text = said.group("author").strip(), said.group("text")
        if text.startswith("\u200e") and _SYSTEM.search(text[:_SYSTEM_WINDOW]):
            author = None  # iPhone: WhatsApp's own line, under the group's name
    text = text.lstrip(_MARKS)
    first_line = text.split("\n", 1)[0].strip(_MARKS + " ")
    attachments = _attachments(text)
    return Message(
        at=at,
        author=author,
        text=text,
        attachments=attachments,
        media_omitted=bool(_MEDIA_OMITTED.search(first_line)),
        deleted=bool(_DELETED.match(first_line)),
        edited=bool(_EDITED.search(text.rstrip())),
        line=start.line,
    )
