"""Importing a conversation exported by its app (WhatsApp's "Export chat", Instagram's data
download): plain operations over the rows, called by evidence/vault/chat_views.py.

1. `start` records the answer about the conversation's photos and videos, asked before the
   file is read, with the same rules as uploads (evidence/vault/services.py): for a sexual
   image of a minor, or "I don't know", no photo or video is ever stored.
2. `receive` reads the export in memory (evidence.intake.chats). Unreadable (an unknown format,
   a damaged archive or a bomb, a conversation too large): nothing is stored, and the problem is
   said in words. Readable: the file is sealed as received and becomes a piece of its own
   (kind "chat"), so that it is in the custody log and in every package; and its messages, as
   read (exact times, authors, texts), are kept encrypted on the import for the person to choose
   from. When the answer withholds images, an archive is not kept: only its conversation text
   is, and none of its photos or videos is even read.
3. `choose` makes pieces of kind "message" of the messages chosen (ticked, a whole day, or one
   person's): the author, the exact date and time and the text as transcript, each "read from
   the chat export", the context pointing to the export's piece. A message's photo, when the
   archive holds it and the answer allows it, is checked like an upload and becomes its file.
   A message already made a piece is never made one twice.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from evidence.access import role_of
from evidence.intake.chats import PROBLEMS, Chat, read_chat
from evidence.intake.chats.files import MAX_MEDIA_BYTES, Archive, ArchiveRefused, is_zip
from evidence.intake.chats.whatsapp import chat_text
from evidence.intake.images import UploadRejected, inspect_image
from evidence.models import ChatImport, Dossier, Kind, Piece, Sensitivity, Source
from evidence.sealing import sealed_files
from evidence.vault import derivatives
from evidence.vault import services as vault

# What stops an import: nothing is stored. Other problems are warnings shown with the messages.
FATAL = {
    "unknown_format", "damaged_archive", "encrypted_archive", "archive_too_large",
    "several_conversations", "no_chat_in_archive", "too_large", "media_in_archive",
}  # fmt: skip
MEDIA_IN_ARCHIVE = gettext_lazy(
    "This archive holds photos and videos too, and after your answer we keep none of them: "
    "send the conversation's text file alone (message_1.json)."
)
NO_MESSAGE = gettext_lazy(
    "This file holds no message we can read. Export the conversation again and send the new file."
)
TITLE_LENGTH = 60
MIME_TYPES = {"zip": "application/zip", "json": "application/json", "txt": "text/plain"}


def start(
    dossier: Dossier, user, *, sensitivity: str, intimate_consent: bool, token: uuid.UUID
) -> ChatImport:
    """A new import, or the one this same form already made (its token)."""
    existing = ChatImport.objects.filter(dossier=dossier, token=token).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            return ChatImport.objects.create(
                dossier=dossier,
                created_by=user,
                sensitivity=sensitivity,
                intimate_consent=intimate_consent and sensitivity == Sensitivity.ADULT,
                token=token,
            )
    except IntegrityError:
        return ChatImport.objects.get(dossier=dossier, token=token)


# --- Receiving the export ---------------------------------------------------------------------


class ExportRefused(Exception):
    """The export cannot be imported; nothing was stored. `messages` say why, in words."""

    def __init__(self, messages: Sequence[str | Promise]) -> None:
        super().__init__(", ".join(str(message) for message in messages))
        self.messages = list(messages)


@dataclass(frozen=True)
class _Document:
    sha256: str
    size: int
    mime_type: str


@dataclass(frozen=True)
class _SealedExport:
    """The export's file, stored: what services.record_pieces records of it."""

    name: str
    storage_name: str
    document: _Document
    image: None = None
    pdf: None = None


def receive(chat_import: ChatImport, user, name: str, data: bytes) -> Piece:
    """Read the export, seal it as a piece of its own and keep its messages on the import;
    ExportRefused (nothing stored) when it cannot be read. Sent again once imported: the
    export's piece, unchanged."""
    if chat_import.piece is not None:
        return chat_import.piece
    keep_media = not vault.files_are_withheld(chat_import.sensitivity)
    if not keep_media and is_zip(data):
        name, data = _text_alone(name, data)
    chat = read_chat(name, data, media=False)
    fatal = [problem for problem in chat.problems if problem.code in FATAL]
    if fatal:
        raise ExportRefused([problem.message for problem in fatal])
    if not chat.messages:
        raise ExportRefused([NO_MESSAGE])
    written = [sealed_files.write(data)]
    try:
        with transaction.atomic():
            locked = ChatImport.objects.select_for_update().get(pk=chat_import.pk)
            if locked.piece is not None:  # the same file sent twice at once
                sealed_files.discard(written)
                return locked.piece
            sealed = _SealedExport(
                name, written[0], _Document(_sha256(data), len(data), _mime_type(name, data))
            )
            (piece,) = vault.record_pieces(
                chat_import.dossier, user, [_export_piece(chat_import, chat, sealed, keep_media)]
            )
            locked.piece = piece
            locked.format = chat.format
            locked.messages = [
                _stored(index, message) for index, message in enumerate(chat.messages, 1)
            ]
            locked.participants = list(chat.participants)
            locked.problems = [[problem.code, problem.detail] for problem in chat.problems]
            locked.media_kept = keep_media and is_zip(data)
            locked.save()
    except BaseException:
        sealed_files.discard(written)
        raise
    return piece


def _text_alone(name: str, data: bytes) -> tuple[str, bytes]:
    """A WhatsApp archive's conversation text, its photos and videos never read."""
    found = chat_text(data)
    if found is None:
        chat = read_chat(name, data, media=False)
        problems = [problem.message for problem in chat.problems if problem.code in FATAL]
        raise ExportRefused(problems or [MEDIA_IN_ARCHIVE])
    member, text = found
    return PurePosixPath(member).name, text


def _export_piece(
    chat_import: ChatImport, chat: Chat, sealed: _SealedExport, keep_media: bool
) -> vault.NewPiece:
    dated = [message.at for message in chat.messages if message.at is not None]
    description = ngettext(
        "Conversation exported by its app: %(count)s message",
        "Conversation exported by its app: %(count)s messages",
        len(chat.messages),
    ) % {"count": len(chat.messages)}
    if dated:
        description += _(", from %(first)s to %(last)s") % {
            "first": date_format(min(dated), "SHORT_DATE_FORMAT"),
            "last": date_format(max(dated), "SHORT_DATE_FORMAT"),
        }
    description += ngettext(
        ", %(count)s person.", ", %(count)s people.", len(chat.participants)
    ) % {"count": len(chat.participants)}
    fields: dict[str, Any] = {
        "kind": Kind.CHAT,
        "title": Truncator(chat.title or sealed.name).chars(120),
        "platform": chat.format,
        "description": description,
        # The export is text (and, kept, an archive of its media): the answer matters for the
        # media only, which are not kept when it withholds them.
        "sensitivity": chat_import.sensitivity if keep_media else Sensitivity.NO,
        "intimate_consent": chat_import.intimate_consent if keep_media else False,
        "added_by_role": role_of(chat_import.dossier, chat_import.created_by),
    }
    provenance = {
        "title": str(Source.CHAT_EXPORT),
        "platform": str(Source.CHAT_EXPORT),
        "description": str(Source.SERVER),
    }
    return vault.NewPiece(fields, provenance, [sealed])


def _stored(index: int, message) -> dict[str, Any]:
    return {
        "n": index,
        "line": message.line,
        "at": message.at.isoformat() if message.at else None,
        "author": message.author,
        "text": message.text,
        "attachments": list(message.attachments),
        "omitted": message.media_omitted,
        "deleted": message.deleted,
        "edited": message.edited,
    }


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _mime_type(name: str, data: bytes) -> str:
    if is_zip(data):
        return MIME_TYPES["zip"]
    if data.lstrip()[:1] == b"{":
        return MIME_TYPES["json"]
    return MIME_TYPES["txt"]


# --- The messages, and choosing them ---------------------------------------------------------


@dataclass(frozen=True)
class StoredMessage:
    n: int  # its place in the conversation, from 1
    at: dt.datetime | None
    author: str | None
    text: str
    attachments: tuple[str, ...]
    omitted: bool
    deleted: bool
    edited: bool
    piece: Piece | None = None  # the piece it already is

    @property
    def day(self) -> dt.date | None:
        return timezone.localtime(self.at).date() if self.at else None


def messages(chat_import: ChatImport) -> list[StoredMessage]:
    """The messages as read, each with the piece it already is, if any."""
    imported = _imported_pieces(chat_import)
    return [
        StoredMessage(
            n=item["n"],
            at=dt.datetime.fromisoformat(item["at"]) if item.get("at") else None,
            author=item.get("author"),
            text=item.get("text", ""),
            attachments=tuple(item.get("attachments") or ()),
            omitted=bool(item.get("omitted")),
            deleted=bool(item.get("deleted")),
            edited=bool(item.get("edited")),
            piece=imported.get(item["n"]),
        )
        for item in chat_import.messages
    ]


def warnings(chat_import: ChatImport) -> list[str]:
    """What was noticed while reading, in words (the import went on)."""
    return [str(PROBLEMS[code]) for code, _detail in chat_import.problems if code in PROBLEMS]


class TooMany(Exception):
    def __init__(self, asked: int, most: int) -> None:
        super().__init__(f"{asked} > {most}")
        self.asked = asked
        self.most = most


@dataclass(frozen=True)
class Chosen:
    pieces: list[Piece]
    already: int  # messages chosen that were already pieces


def choose(chat_import: ChatImport, user, wanted: Iterable[int]) -> Chosen:
    """Make pieces of the messages wanted (by their place), those not pieces already; TooMany
    past settings.EVIDENCE_MAX_MESSAGES_PER_CHOICE (nothing made then)."""
    numbers = sorted(set(wanted))
    written: list[str] = []
    try:
        with transaction.atomic():
            # Only this row is locked: its piece is the nullable side of an outer join.
            locked = ChatImport.objects.select_for_update(of=("self",)).select_related(
                "piece", "dossier"
            )
            locked_import = locked.get(pk=chat_import.pk)
            by_number = {item["n"]: item for item in locked_import.messages}
            done = _imported_pieces(locked_import)
            new = [by_number[n] for n in numbers if n in by_number and n not in done]
            already = sum(1 for n in numbers if n in done)
            most = settings.EVIDENCE_MAX_MESSAGES_PER_CHOICE
            if len(new) > most:
                raise TooMany(len(new), most)
            if not new:
                return Chosen([], already)
            images = _attached_images(locked_import, user, new, written)
            pieces = vault.record_pieces(
                locked_import.dossier,
                user,
                [_message_piece(locked_import, item, images.get(item["n"], [])) for item in new],
            )
            imported = dict(locked_import.imported)
            for item, piece in zip(new, pieces, strict=True):
                imported[str(item["n"])] = str(piece.pk)
            locked_import.imported = imported
            locked_import.save(update_fields=["imported"])
    except BaseException:
        sealed_files.discard(written)
        raise
    return Chosen(pieces, already)


def _imported_pieces(chat_import: ChatImport) -> dict[int, Piece]:
    """{message's place: its piece}, for the pieces that still exist."""
    ids = {piece_id: int(n) for n, piece_id in (chat_import.imported or {}).items()}
    found = Piece.objects.filter(pk__in=list(ids), dossier_id=chat_import.dossier_id)
    return {ids[str(piece.pk)]: piece for piece in found}


def _message_piece(
    chat_import: ChatImport, item: dict[str, Any], files: Sequence[Any]
) -> vault.NewPiece:
    export = chat_import.piece
    assert export is not None
    at = dt.datetime.fromisoformat(item["at"]) if item.get("at") else None
    author = item.get("author") or ""
    text = item.get("text", "")
    context = _(
        "Message %(n)s of %(count)s of the conversation exported as piece no. %(number)s."
    ) % {"n": item["n"], "count": len(chat_import.messages), "number": export.number}
    attachments = item.get("attachments") or []
    if attachments:
        context += " " + _("Attached: %(names)s.") % {"names": ", ".join(attachments)}
    has_images = bool(attachments) and (bool(files) or not chat_import.media_kept)
    withheld = vault.files_are_withheld(chat_import.sensitivity)
    fields: dict[str, Any] = {
        "kind": Kind.TEXT,
        "title": Truncator(" ".join(text.split())).chars(TITLE_LENGTH),
        "platform": chat_import.format,
        "author_displayed": author[:200],
        "published_raw": _published_raw(at),
        "transcript": text,
        "context": context,
        "sensitivity": chat_import.sensitivity if has_images else Sensitivity.NO,
        "intimate_consent": chat_import.intimate_consent if files else False,
        "files_withheld": bool(attachments) and withheld,
        "added_by_role": role_of(chat_import.dossier, chat_import.created_by),
    }
    provenance = {
        name: str(Source.CHAT_EXPORT)
        for name in ("title", "platform", "author_displayed", "published_raw", "transcript")
        if fields[name]
    }
    provenance["context"] = str(Source.SERVER)
    return vault.NewPiece(fields, provenance, files)


def _published_raw(at: dt.datetime | None) -> str:
    """The message's time as the phone showed it (the export's own local time), seconds
    included when the export gave them."""
    if at is None:
        return ""
    local = timezone.localtime(at)
    return local.strftime("%d/%m/%Y %H:%M:%S" if local.second else "%d/%m/%Y %H:%M")


@dataclass(frozen=True)
class _AttachedImage:
    name: str
    storage_name: str
    image: Any
    pdf: None = None


def _attached_images(
    chat_import: ChatImport, user, items: Sequence[dict[str, Any]], written: list[str]
) -> dict[int, list[_AttachedImage]]:
    """The photos the chosen messages carry, from the sealed archive, each checked as an
    upload is and sealed: {message's place: its images}. Only when the answer allows images
    and the archive was kept; a file that is not an image we accept stays in the archive."""
    wanted = {name for item in items for name in item.get("attachments") or []}
    if not wanted or not chat_import.media_kept or chat_import.piece is None:
        return {}
    export = chat_import.piece.files.get()
    try:
        archive = Archive(sealed_files.read(export.storage_name))
    except (FileNotFoundError, sealed_files.DecryptionError, ArchiveRefused):
        return {}
    members = {PurePosixPath(member.name).name: member.name for member in archive.members}
    budget = settings.EVIDENCE_MAX_PENDING_PIXELS - derivatives.pending_pixels(user)
    found: dict[int, list[_AttachedImage]] = {}
    for item in items:
        for name in item.get("attachments") or []:
            if name not in members:
                continue
            try:
                data = archive.read(members[name], MAX_MEDIA_BYTES)
                image = inspect_image(
                    data,
                    max_bytes=settings.EVIDENCE_MAX_UPLOAD_BYTES,
                    max_pixels=settings.EVIDENCE_MAX_PIXELS,
                )
            except (ArchiveRefused, UploadRejected):
                continue  # a video, a voice message, a damaged photo: it stays in the archive
            if image.pixels > budget:
                continue
            budget -= image.pixels
            written.append(sealed_files.write(data))
            found.setdefault(item["n"], []).append(_AttachedImage(name, written[-1], image))
    return found


def refusal_message(code: str) -> str:
    return str(PROBLEMS.get(code, PROBLEMS["unknown_format"]))
