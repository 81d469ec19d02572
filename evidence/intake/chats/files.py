"""Reading an export's bytes: text in whatever encoding the phone wrote, and zip archives opened
in memory, member by member, each read bounded, nothing ever written to disk."""

from __future__ import annotations

import codecs
import zipfile
import zlib
from dataclasses import dataclass
from io import BytesIO
from pathlib import PurePosixPath

from evidence.intake.chats.model import Media, Problem

ZIP_MAGIC = b"PK\x03\x04"
EMPTY_ZIP_MAGIC = b"PK\x05\x06"
MAX_TEXT_BYTES = 64 * 1024 * 1024  # a 100,000-message chat is about 10 MB
MAX_MEDIA_BYTES = 50 * 1024 * 1024  # one photo or video of the archive
MAX_ARCHIVE_BYTES = 512 * 1024 * 1024  # everything the archive holds, uncompressed
# Photos and videos do not compress; text compresses about tenfold. A member that claims more
# than this is a bomb, not a chat.
MAX_RATIO = 100
MAX_MEMBERS = 20_000


@dataclass(frozen=True)
class Text:
    text: str
    problems: tuple[Problem, ...] = ()


def decode(data: bytes) -> Text:
    """UTF-8 (with or without BOM), UTF-16 (with BOM, or without one when every other byte of
    the start is zero), otherwise line by line: UTF-8 where it is, Latin-1 where it is not,
    with a problem saying how many lines were read so."""
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _utf16(data, "utf-16")
    elif _looks_utf16(data, even=False):
        return _utf16(data, "utf-16-le")
    elif _looks_utf16(data, even=True):
        return _utf16(data, "utf-16-be")
    try:
        return Text(data.decode("utf-8"))
    except UnicodeDecodeError:
        pass
    lines, fallen_back = [], 0
    for line in data.split(b"\n"):
        try:
            lines.append(line.decode("utf-8"))
        except UnicodeDecodeError:
            lines.append(line.decode("latin-1"))
            fallen_back += 1
    return Text("\n".join(lines), (Problem("not_utf8", f"{fallen_back} lines"),))


def _looks_utf16(data: bytes, *, even: bool) -> bool:
    """Plain text in UTF-16 without BOM: its ASCII characters put a zero every other byte."""
    head = data[:200]
    zeros = head[0 if even else 1 :: 2]
    return len(head) >= 8 and zeros.count(0) >= len(zeros) * 0.9


def _utf16(data: bytes, encoding: str) -> Text:
    text = data.decode(encoding, errors="replace")
    if "\ufffd" in text:
        return Text(text, (Problem("not_utf8", "UTF-16"),))
    return Text(text)


def is_zip(data: bytes) -> bool:
    return data.startswith((ZIP_MAGIC, EMPTY_ZIP_MAGIC))


class ArchiveRefused(Exception):
    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.code)
        self.problem = problem


@dataclass(frozen=True)
class Member:
    name: str  # as in the archive, folders included
    size: int  # declared, uncompressed


class Archive:
    """A zip read in memory. Sizes are checked on what the directory declares before anything
    is inflated, then on what inflating actually gives (a lying directory fails its CRC)."""

    def __init__(self, data: bytes) -> None:
        try:
            self._zip = zipfile.ZipFile(BytesIO(data))
            infos = self._zip.infolist()
        except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as exc:
            raise ArchiveRefused(Problem("damaged_archive")) from exc
        if len(infos) > MAX_MEMBERS:
            raise ArchiveRefused(Problem("archive_too_large", f"{len(infos)} files"))
        files = [info for info in infos if not info.is_dir()]
        if any(info.flag_bits & 0x1 for info in files):
            raise ArchiveRefused(Problem("encrypted_archive"))
        total = sum(info.file_size for info in files)
        if total > MAX_ARCHIVE_BYTES:
            raise ArchiveRefused(Problem("archive_too_large", f"{total} bytes"))
        for info in files:
            if info.file_size > MAX_RATIO * max(info.compress_size, 1024):
                raise ArchiveRefused(Problem("archive_too_large", info.filename))
        self._infos = {info.filename: info for info in files}

    @property
    def members(self) -> list[Member]:
        return [Member(name, info.file_size) for name, info in self._infos.items()]

    def read(self, name: str, limit: int) -> bytes:
        """A member's bytes, at most `limit`; ArchiveRefused when damaged or larger."""
        info = self._infos[name]
        if info.file_size > limit:
            raise ArchiveRefused(Problem("too_large", name))
        try:
            with self._zip.open(info) as member:
                data = member.read(limit + 1)
        except (
            zipfile.BadZipFile,
            zlib.error,
            OSError,
            ValueError,
            EOFError,
            NotImplementedError,
        ) as exc:
            raise ArchiveRefused(Problem("damaged_archive", name)) from exc
        if len(data) > limit:
            raise ArchiveRefused(Problem("too_large", name))
        return data

    def media(self, skip: set[str]) -> tuple[list[Media], list[Problem]]:
        """Every other file, by its own name (never a path), as bytes; too large ones left out
        and named in a problem, damaged ones too."""
        found: list[Media] = []
        left_out: list[str] = []
        for name in self._infos:
            if name in skip:
                continue
            try:
                found.append(
                    Media(
                        PurePosixPath(name.replace("\\", "/")).name,
                        self.read(name, MAX_MEDIA_BYTES),
                    )
                )
            except ArchiveRefused:
                left_out.append(name)
        problems = [Problem("media_skipped", ", ".join(left_out))] if left_out else []
        return found, problems
