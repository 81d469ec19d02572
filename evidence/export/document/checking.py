"""Checking a package as a recipient would, without trusting our database: `verify_package`
(`manage.py evidence verify-package FILE.zip`).

Everything the package says is compared with everything else it says, and with the server's
keys when they are known: the server's signatures of manifest.json and SHA256SUMS.txt; the
custody log's chain and each event's signature; every piece of the manifest against the log
(its values through their commitments, its receipt time, its files' fingerprints, receipt
times, original names, derivatives and the texts read in their images) and the log's live
pieces against the manifest; every member's SHA-256 against the manifest and SHA256SUMS.txt;
the head stated in LISEZMOI.txt; the RFC 3161 time-stamp when there is one. A damaged or
malformed package (a CRC error, a missing key, a value of the wrong type) is reported as such,
never with a traceback.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import re
import zipfile
import zlib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO, Literal

from cryptography import x509
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from pydantic import BaseModel, ConfigDict, ValidationError

from evidence.export.document.package import (
    MANIFEST_NAME,
    MANIFEST_SIGNATURE,
    PUBLIC_KEY_NAME,
    README_NAME,
    SUMS_NAME,
    SUMS_SIGNATURE,
    TIMESTAMP_NAME,
    TSA_ROOT_NAME,
)
from evidence.sealing import signing
from evidence.vault import custody
from evidence.vault.integrity import commitment, sealed_file, verify_chain

# The fields of a piece shown in the manifest that are the very values the log sealed.
SHOWN_AS_SEALED = (
    "url", "author_displayed", "author_profile_url", "target", "description", "transcript",
    "context",
)  # fmt: skip
_HEAD = re.compile(r"Empreinte du dernier événement du journal de conservation :\n(\S+)")
_CHUNK = 1024 * 1024


@dataclass(frozen=True)
class PackageProblem:
    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


# --- The manifest's shape ----------------------------------------------------------------------


class _Strict(BaseModel):
    model_config = ConfigDict(strict=True, extra="allow")


class _File(_Strict):
    path: str
    position: int
    original_name: str
    mime_type: str
    size: int
    sha256: str
    received_at: str
    display_sha256: str
    thumbnail_sha256: str
    ocr_text: str | None = None  # the text read in the image, when the worker read it


class _Piece(_Strict):
    number: int
    received_at: str
    seal: str
    sealed_values: dict[str, Any]
    files: list[_File]


class _Event(_Strict):
    seq: int
    prev_hash: str
    hash: str
    payload: dict[str, Any]
    key_id: str
    signature: str


class _Pdf(_Strict):
    path: str
    sha256: str


class _Manifest(_Strict):
    format: Literal["supportsite-dossier/2"]
    reference: str
    pdf: _Pdf
    pieces: list[_Piece]
    custody: list[_Event]
    custody_head: str
    public_keys: dict[str, str]


def _shape_problems(error: ValidationError) -> list[PackageProblem]:
    problems = []
    for found in error.errors():
        where = ".".join(str(part) for part in found["loc"]) or "manifest"
        problems.append(PackageProblem(f"{MANIFEST_NAME} › {where}", found["msg"]))
    return problems


# --- Reading members ---------------------------------------------------------------------------


class _Members:
    """The archive's members, read defensively: a damaged member is a problem, not an error."""

    def __init__(self, archive: zipfile.ZipFile) -> None:
        self.archive = archive
        self.names = set(archive.namelist())
        self.problems: list[PackageProblem] = []
        self._hashes: dict[str, str | None] = {}

    def read(self, name: str) -> bytes | None:
        if name not in self.names:
            return None
        try:
            return self.archive.read(name)
        except (zipfile.BadZipFile, OSError, EOFError, zlib.error, NotImplementedError) as error:
            self.problems.append(PackageProblem(name, f"damaged, it cannot be read ({error})"))
            self.names.discard(name)
            return None

    def sha256(self, name: str) -> str | None:
        """The member's SHA-256, read in chunks; None when missing or damaged."""
        if name not in self._hashes:
            self._hashes[name] = self._hash(name)
        return self._hashes[name]

    def _hash(self, name: str) -> str | None:
        if name not in self.names:
            return None
        digest = hashlib.sha256()
        try:
            with self.archive.open(name) as member:
                while chunk := member.read(_CHUNK):
                    digest.update(chunk)
        except (zipfile.BadZipFile, OSError, EOFError, zlib.error, NotImplementedError) as error:
            self.problems.append(PackageProblem(name, f"damaged, it cannot be read ({error})"))
            self.names.discard(name)
            return None
        return digest.hexdigest()


# --- The checks ---------------------------------------------------------------------------------


def verify_package(
    source: bytes | str | Path | BinaryIO,
    *,
    trusted_keys: Mapping[str, Ed25519PublicKey] | None = None,
) -> list[PackageProblem]:
    """Every difference found in the package ([] when intact). `trusted_keys` (key id →
    public key): the keys of the server the package is expected from; a package signed with
    any other key is reported, since anyone can sign a forged package with a key of their own.
    """
    try:
        archive = zipfile.ZipFile(io.BytesIO(source) if isinstance(source, bytes) else source)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as error:
        return [PackageProblem("archive", f"not a readable ZIP ({error})")]
    with archive:
        members = _Members(archive)
        raw = members.read(MANIFEST_NAME)
        if raw is None:
            return [*members.problems, PackageProblem(MANIFEST_NAME, "missing")]
        try:
            manifest = _Manifest.model_validate(json.loads(raw))
        except ValueError as error:
            if isinstance(error, ValidationError):
                return _shape_problems(error)
            return [PackageProblem(MANIFEST_NAME, f"unreadable ({error})")]
        keys, problems = _key_problems(manifest, members, trusted_keys)
        package_key = _package_key_id(members)
        public = keys.get(package_key) if package_key is not None else None
        problems += _signature_problems(members, raw, public)
        problems += _chain_problems(manifest, keys)
        problems += _piece_problems(manifest)
        problems += _member_problems(manifest, members)
        problems += _readme_problems(manifest, members)
        problems += _timestamp_problems(raw, members)
        return [*problems, *members.problems]


def _package_key_id(members: _Members) -> str | None:
    pem = members.read(PUBLIC_KEY_NAME)
    try:
        return signing.key_id(signing.load_public_pem(pem)) if pem else None
    except ValueError:
        return None


def _key_problems(
    manifest: _Manifest, members: _Members, trusted: Mapping[str, Ed25519PublicKey] | None
) -> tuple[dict[str, Ed25519PublicKey], list[PackageProblem]]:
    """The public keys the package gives, each checked against its id and the trusted ones."""
    keys: dict[str, Ed25519PublicKey] = {}
    problems: list[PackageProblem] = []
    for key_id, pem in manifest.public_keys.items():
        try:
            public = signing.load_public_pem(pem)
        except ValueError:
            problems.append(PackageProblem(f"{MANIFEST_NAME} › public_keys", "not a public key"))
            continue
        if signing.key_id(public) != key_id:
            problems.append(
                PackageProblem(f"{MANIFEST_NAME} › public_keys", f"{key_id} is another key's id")
            )
            continue
        if trusted is not None and key_id not in trusted:
            problems.append(
                PackageProblem(
                    PUBLIC_KEY_NAME,
                    f"signed with the key {key_id}, which is not this server's: the package was "
                    "made or signed again elsewhere",
                )
            )
        keys[key_id] = public
    package_key = _package_key_id(members)
    if package_key is None:
        problems.append(PackageProblem(PUBLIC_KEY_NAME, "missing or not a public key"))
    elif package_key not in keys:
        problems.append(PackageProblem(PUBLIC_KEY_NAME, "not among the manifest's public keys"))
    return keys, problems


def _signature_problems(
    members: _Members, manifest_raw: bytes, public: Ed25519PublicKey | None
) -> list[PackageProblem]:
    problems = []
    for name, signature_name in ((MANIFEST_NAME, MANIFEST_SIGNATURE), (SUMS_NAME, SUMS_SIGNATURE)):
        signature = members.read(signature_name)
        signed = manifest_raw if name == MANIFEST_NAME else members.read(name)
        if signature is None:
            problems.append(PackageProblem(signature_name, "missing: nothing vouches for it"))
        elif public is not None and signed is not None:
            if not signing.verify_with(public, signed, signature.hex()):
                problems.append(
                    PackageProblem(name, "its signature does not match: it was changed")
                )
    return problems


def _chain_problems(
    manifest: _Manifest, keys: Mapping[str, Ed25519PublicKey]
) -> list[PackageProblem]:
    events = [event.model_dump() for event in manifest.custody]

    def signed(event: Mapping[str, Any]) -> bool:
        public = keys.get(event["key_id"])
        return public is not None and signing.verify_with(
            public, event["hash"].encode("ascii"), event["signature"]
        )

    problems = [
        PackageProblem(f"custody event {problem.seq}", str(problem.message))
        for problem in verify_chain(events, signed=signed)
    ]
    for event in manifest.custody:
        if event.payload.get("seq") != event.seq:
            problems.append(PackageProblem(f"custody event {event.seq}", "its number was changed"))
    head = manifest.custody[-1].hash if manifest.custody else ""
    if manifest.custody_head != head:
        problems.append(PackageProblem("custody_head", "does not match the last event"))
    return problems


def _piece_problems(manifest: _Manifest) -> list[PackageProblem]:
    """Each piece of the manifest against what the custody log says of it, and back."""
    state = custody.replay(event.payload for event in manifest.custody)
    problems = []
    shown = {piece.number for piece in manifest.pieces}
    for number in sorted(set(state.pieces) - shown):
        problems.append(PackageProblem(f"piece {number}", "in the custody log but not here"))
    for piece in manifest.pieces:
        where = f"piece {piece.number}"
        if piece.number not in state.pieces:
            problems.append(PackageProblem(where, "not among the custody log's live pieces"))
            continue
        logged = state.pieces[piece.number]
        opened = {
            field: commitment(piece.seal, field, value)
            for field, value in piece.sealed_values.items()
        }
        for field in sorted(set(logged) | set(opened)):
            if logged.get(field) != opened.get(field):
                problems.append(PackageProblem(where, f"“{field}” differs from the custody log"))
        extras = piece.model_extra or {}
        for field in SHOWN_AS_SEALED:
            in_sight, sealed = extras.get(field), piece.sealed_values.get(field)
            if field in extras and field in piece.sealed_values and in_sight != sealed:
                problems.append(PackageProblem(where, f"“{field}” differs from its sealed value"))
        if not _same_moment(piece.received_at, state.received.get(piece.number, "")):
            problems.append(PackageProblem(where, "its receipt time differs from the custody log"))
        files = {file.position: file for file in piece.files}
        logged_files = state.files.get(piece.number, {})
        if set(files) != set(logged_files):
            problems.append(PackageProblem(where, "its files differ from the custody log"))
        for position in sorted(set(files) & set(logged_files)):
            file = files[position]
            record = sealed_file(
                piece.seal,
                position=position,
                name=file.original_name,
                sha256=file.sha256,
                size=file.size,
                mime_type=file.mime_type,
                received_at=file.received_at,
                display_sha256=file.display_sha256,
                thumbnail_sha256=file.thumbnail_sha256,
                ocr_text=file.ocr_text,
            )
            for field in sorted(set(record) | set(logged_files[position])):
                if record.get(field) != logged_files[position].get(field):
                    problems.append(
                        PackageProblem(
                            f"{where}, file {position}", f"“{field}” differs from the custody log"
                        )
                    )
    return problems


def _same_moment(one: str, other: str) -> bool:
    try:
        return dt.datetime.fromisoformat(one) == dt.datetime.fromisoformat(other)
    except ValueError:
        return False


def _member_problems(manifest: _Manifest, members: _Members) -> list[PackageProblem]:
    """Every member's SHA-256 against the manifest and SHA256SUMS.txt, and nothing more."""
    problems = []
    expected = {manifest.pdf.path: manifest.pdf.sha256}
    for piece in manifest.pieces:
        for file in piece.files:
            expected[file.path] = file.sha256
    for path, sha256 in expected.items():
        actual = members.sha256(path)
        if path not in members.names and actual is None:
            problems.append(PackageProblem(path, "missing from the archive"))
        elif actual is not None and actual != sha256:
            problems.append(PackageProblem(path, f"changed (expected {sha256}, got {actual})"))
    listing = members.read(SUMS_NAME)
    if listing is None:
        return [*problems, PackageProblem(SUMS_NAME, "missing")]
    listed: dict[str, str] = {}
    for line in listing.decode("utf-8", "replace").splitlines():
        digest, _sep, name = line.partition("  ")
        if not re.fullmatch(r"[0-9a-f]{64}", digest) or not name:
            problems.append(PackageProblem(SUMS_NAME, f"unreadable line {line[:60]!r}"))
            continue
        listed[name] = digest
    for name, digest in listed.items():
        actual = members.sha256(name)
        if actual is None:
            problems.append(PackageProblem(SUMS_NAME, f"lists {name}, which is not here"))
        elif actual != digest:
            problems.append(PackageProblem(name, f"differs from {SUMS_NAME}"))
        if name in expected and expected[name] != digest:
            problems.append(PackageProblem(SUMS_NAME, f"{name}: not the manifest's fingerprint"))
    for name in sorted(members.names - set(listed) - {SUMS_NAME, SUMS_SIGNATURE}):
        problems.append(PackageProblem(name, f"not listed in {SUMS_NAME}"))
    known = set(expected) | {
        MANIFEST_NAME, MANIFEST_SIGNATURE, PUBLIC_KEY_NAME, README_NAME, SUMS_NAME,
        SUMS_SIGNATURE, TIMESTAMP_NAME, TSA_ROOT_NAME,
    }  # fmt: skip
    for name in sorted(members.names - known):
        problems.append(PackageProblem(name, "not listed in the manifest"))
    return problems


def _readme_problems(manifest: _Manifest, members: _Members) -> list[PackageProblem]:
    text = members.read(README_NAME)
    if text is None:
        return [PackageProblem(README_NAME, "missing")]
    found = _HEAD.search(text.decode("utf-8", "replace"))
    stated = found.group(1) if found else None
    if stated != (manifest.custody_head or "—"):
        message = "the head of the custody log it states is not the log's"
        return [PackageProblem(README_NAME, message)]
    return []


def _timestamp_problems(manifest_raw: bytes, members: _Members) -> list[PackageProblem]:
    token = members.read(TIMESTAMP_NAME)
    if token is None:
        return []
    from rfc3161_client import VerifierBuilder, decode_timestamp_response

    try:
        response = decode_timestamp_response(token)
    except ValueError as error:
        return [PackageProblem(TIMESTAMP_NAME, f"unreadable ({error})")]
    imprint = response.tst_info.message_imprint.message
    if imprint != hashlib.sha256(manifest_raw).digest():
        return [PackageProblem(TIMESTAMP_NAME, "it time-stamps another manifest")]
    root = members.read(TSA_ROOT_NAME)
    if root is None:
        return []
    try:
        verifier = VerifierBuilder(roots=[x509.load_pem_x509_certificate(root)]).build()
        verifier.verify_message(response, manifest_raw)
    except Exception as error:  # the library raises its own errors, and ValueError
        return [PackageProblem(TIMESTAMP_NAME, f"its signature does not verify ({error})")]
    return []
