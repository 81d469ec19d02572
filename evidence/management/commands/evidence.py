"""python manage.py evidence verify|rotate-key|verify-package|public-key: the vault from the
command line.

verify DOSSIER...   recompute each dossier's custody chain and every stored file's hash
                    (decrypting each blob); exit 1 naming what differs when anything was altered.
rotate-key          re-encrypt every stored blob, and every encrypted text of the database
                    (evidence/sealing/fields.py), with the current key. To rotate: put the new
                    key first in EVIDENCE_ENCRYPTION_KEYS (keep the old ones after it), run this,
                    then remove the old keys.
verify-package ZIP  check a dossier package (ZIP) offline: its signatures (against this
                    server's keys, or --public-key FILE), its custody log, every file;
                    exit 0 intact, 1 altered or damaged, 2 unreadable.
public-key          print the server's public signing key (PEM), as the packages carry it.
verify --all        also lists the stored blobs that no row refers to.
"""

from __future__ import annotations

import uuid
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import translation

from common import languages
from evidence.models import (
    ChatImport,
    ChronologyNote,
    Complaint,
    Dossier,
    EvidenceFile,
    Export,
    Invitation,
    Piece,
    Share,
)
from evidence.sealing import sealed_files, signing
from evidence.sealing.fields import DecryptionError, encrypted_fields, unreadable
from evidence.vault import verification

_BLOB_FIELDS = ("storage_name", "display_name", "thumbnail_name")


class Command(BaseCommand):
    help = "Verify dossiers, rotate the encryption key, or check a dossier package."

    def add_arguments(self, parser: ArgumentParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        verify = actions.add_parser("verify", help="check dossiers' custody logs and files")
        verify.add_argument("dossiers", nargs="*", metavar="DOSSIER", help="a dossier's UUID")
        verify.add_argument("--all", action="store_true", help="check every dossier")
        verify.add_argument("--lang", choices=languages.codes(), default="en")
        actions.add_parser("rotate-key", help="re-encrypt every file with the current key")
        package = actions.add_parser("verify-package", help="check a dossier package (ZIP)")
        package.add_argument("path", type=Path)
        package.add_argument(
            "--public-key",
            type=Path,
            help="trust this public key (PEM) instead of this server's keys",
        )
        actions.add_parser("public-key", help="print the server's public signing key (PEM)")

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        getattr(self, f"handle_{action.replace('-', '_')}")(**options)

    def handle_verify(self, dossiers: list[str], all: bool, lang: str, **options: Any) -> None:
        if not dossiers and not all:
            raise CommandError("name at least one dossier (its UUID), or use --all", returncode=2)
        found = list(Dossier.objects.all()) if all else [_dossier(text) for text in dossiers]
        altered = 0
        with translation.override(lang):
            for dossier in found:
                result = verification.verify(dossier)
                if result.ok:
                    self.stdout.write(
                        f"{dossier.pk}: intact ({result.events} events, {result.blobs} files)"
                    )
                    continue
                altered += 1
                self.stderr.write(f"{dossier.pk}: ALTERED")
                for problem in result.problems:
                    self.stderr.write(f"  - {problem}")
        orphans = verification.orphan_blobs() if all else []
        for name in orphans:
            self.stderr.write(f"orphan blob (no file or export refers to it): {name}")
        if altered or orphans:
            raise CommandError(
                f"{altered} dossier(s) altered, {len(orphans)} orphan blob(s)", returncode=1
            )

    def handle_rotate_key(self, **options: Any) -> None:
        resealed, current, failed = 0, 0, []
        for file in EvidenceFile.objects.select_related("piece").iterator():
            for field in _BLOB_FIELDS:
                name = getattr(file, field)
                if not name:
                    continue
                if sealed_files.is_sealed_with_current_key(name):
                    current += 1
                    continue
                try:
                    new_name = sealed_files.reseal(name)
                except (FileNotFoundError, sealed_files.DecryptionError) as error:
                    failed.append(f"piece {file.piece.number}, file {file.position}: {error}")
                    continue
                # The row points to the new blob before the old one goes: a crash in between
                # leaves an unreferenced blob, never a row without its file.
                with transaction.atomic():
                    EvidenceFile.objects.filter(pk=file.pk, **{field: name}).update(
                        **{field: new_name}
                    )
                sealed_files.delete(name)
                resealed += 1
        exports_resealed, exports_current, exports_failed = _reseal_exports()
        resealed += exports_resealed
        current += exports_current
        failed += exports_failed
        self.stdout.write(
            f"Re-encrypted {resealed} stored files with the current key ({current} already were)."
        )
        rows_resealed, rows_current, rows_failed = _reseal_texts()
        failed += rows_failed
        self.stdout.write(
            f"Re-encrypted the texts of {rows_resealed} rows with the current key "
            f"({rows_current} already were)."
        )
        if failed:
            for line in failed:
                self.stderr.write(f"  - {line}")
            raise CommandError(
                f"{len(failed)} file(s) or row(s) could not be re-encrypted", returncode=1
            )
        self.stdout.write(
            "Every file and text now uses the current key: the old keys can be removed."
        )

    def handle_verify_package(self, path: Path, public_key: Path | None, **options: Any) -> None:
        from evidence.export.document.checking import verify_package

        if public_key is not None:
            try:
                key = signing.load_public_pem(public_key.read_bytes())
            except (OSError, ValueError) as error:
                message = f"cannot read the key {public_key}: {error}"
                raise CommandError(message, returncode=2) from error
            trusted = {signing.key_id(key): key}
        else:
            trusted = signing.keyring().public_keys()
        try:
            source = path.open("rb")  # read member by member: a package can weigh hundreds of MB
        except OSError as error:
            raise CommandError(f"cannot read {path}: {error}", returncode=2) from error
        with source:
            problems = verify_package(source, trusted_keys=trusted)
        if problems:
            for problem in problems:
                self.stderr.write(f"  - {problem}")
            raise CommandError(f"{len(problems)} problem(s) in {path.name}", returncode=1)
        self.stdout.write(f"{path.name}: intact (signed by {', '.join(sorted(trusted))})")

    def handle_public_key(self, **options: Any) -> None:
        keyring = signing.keyring()
        self.stdout.write(f"# key id {keyring.current_key_id}")
        self.stdout.write(signing.public_pem(keyring.public_key()), ending="")


_EXPORT_BLOBS = ("pdf_name", "package_name")  # both sealed in segments (crypto_stream)


def _reseal_exports() -> tuple[int, int, list[str]]:
    """(re-encrypted, already current, failures) over every export's PDF and package."""
    resealed, current, failed = 0, 0, []
    for export in Export.objects.exclude(pdf_name="", package_name="").iterator():
        for field in _EXPORT_BLOBS:
            name = getattr(export, field)
            if not name:
                continue
            try:
                if sealed_files.stream_is_sealed_with_current_key(name):
                    current += 1
                    continue
                new_name = sealed_files.reseal_stream(name)
            except (FileNotFoundError, sealed_files.DecryptionError) as error:
                failed.append(f"export {export.pk}, {field}: {error}")
                continue
            with transaction.atomic():
                Export.objects.filter(pk=export.pk, **{field: name}).update(**{field: new_name})
            sealed_files.delete(name)
            resealed += 1
    return resealed, current, failed


# The models with encrypted texts, each row re-encrypted as a whole.
_TEXT_MODELS = (Piece, EvidenceFile, Complaint, ChronologyNote, ChatImport, Invitation, Share)


def _reseal_texts() -> tuple[int, int, list[str]]:
    """(rows re-encrypted, rows already current, failures) over every encrypted column."""
    current_key = sealed_files.keyring().current_key_id
    resealed, current, failed = 0, 0, []
    for model in _TEXT_MODELS:
        names = encrypted_fields(model)
        # Read first, then written (SQLite does not isolate a read from writes on its connection).
        for pk, *stored in list(model.objects.values_list("pk", *names)):
            if all(_sealed_with(value, current_key) for value in stored):
                current += 1
                continue
            # Saved through the row, locked, as it is now: an edit made meanwhile is kept.
            with transaction.atomic():
                row = model._default_manager.select_for_update().filter(pk=pk).first()
                if row is None:
                    continue  # deleted meanwhile: nothing left to re-encrypt
                if unreadable(row):
                    failed.append(
                        f"{model._meta.label} {pk}: {', '.join(unreadable(row))} does not open"
                    )
                    continue
                row.save(update_fields=names)
            resealed += 1
    return resealed, current, failed


def _sealed_with(value: Any, key_id: bytes) -> bool:
    try:
        return value is None or value.key_id == key_id
    except DecryptionError:
        return False


def _dossier(text: str) -> Dossier:
    try:
        return Dossier.objects.get(pk=uuid.UUID(text))
    except (ValueError, Dossier.DoesNotExist):
        raise CommandError(f"no dossier {text}", returncode=2) from None
