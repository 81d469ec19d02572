"""The package for the police or the procureur: a ZIP holding the PDF, every original file
named by its piece number, manifest.json (each piece's fields and hashes, the custody log) and
LISEZMOI.txt; and its offline verification (`manage.py evidence verify-package FILE.zip`)."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import shutil
import zipfile
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import BinaryIO

from evidence.export.document.data import DossierExport
from evidence.export.document.render import archive_path
from evidence.vault.integrity import sha256_file, verify_chain

PDF_NAME = "dossier.pdf"
MANIFEST_NAME = "manifest.json"
README_NAME = "LISEZMOI.txt"
FORMAT = "supportsite-dossier/1"

README = """\
DOSSIER DE PLAINTE — {reference}
Généré le {generated} (UTC).

Contenu de l'archive
- dossier.pdf : la lettre au procureur de la République, l'exposé des faits, le bordereau
  de pièces, chaque pièce et l'annexe d'intégrité.
- pieces/ : les fichiers originaux, octet pour octet, nommés par numéro de pièce
  (piece-003-1.png = pièce n° 3, fichier 1).
- manifest.json : les informations de chaque pièce, l'empreinte SHA-256 de chaque fichier
  et le journal de conservation (chaque événement contient l'empreinte du précédent).

Vérifier que les fichiers n'ont pas été modifiés
L'empreinte SHA-256 de chaque original a été calculée à sa réception, avant tout traitement.
Recalculez-la et comparez-la à celle du manifeste et de l'annexe du PDF :
- Linux :   sha256sum pieces/*
- macOS :   shasum -a 256 pieces/*
- Windows : Get-FileHash -Algorithm SHA256 pieces\\*   (PowerShell)
La liste attendue se trouve aussi dans SHA256SUMS.txt : « sha256sum -c SHA256SUMS.txt »
vérifie tout d'un coup sous Linux.

Empreinte du dernier événement du journal de conservation :
{head}
"""


def _json_default(value):
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    raise TypeError(f"not serialisable: {type(value).__name__}")


def build_manifest(dossier: DossierExport, pdf_sha256: str) -> dict:
    pieces = []
    for piece in dossier.pieces:
        fields = {k: v for k, v in asdict(piece).items() if k != "files"}
        fields["files"] = [
            {
                "path": archive_path(piece, index, file),
                "original_name": file.original_name,
                "mime_type": file.mime_type,
                "size": file.size,
                "sha256": file.sha256,
                "width": file.width,
                "height": file.height,
            }
            for index, file in enumerate(piece.files, start=1)
        ]
        pieces.append(fields)
    return {
        "format": FORMAT,
        "reference": dossier.reference,
        "concerns": dossier.concerns,
        "generated_at": dossier.generated_at,
        "pdf": {"path": PDF_NAME, "sha256": pdf_sha256},
        "pieces": pieces,
        "custody": [asdict(entry) for entry in dossier.custody],
        "custody_head": dossier.custody_head,
    }


@dataclass(frozen=True)
class Written:
    sha256: str
    size: int


class _Fingerprinted:
    """A write-only view of `target` that hashes and counts what goes through. It has no
    seek(): zipfile then writes each member once, sizes after the data (data descriptors),
    which lets the package go straight into a sealed stream (sealed_files.sealing)."""

    def __init__(self, target: BinaryIO) -> None:
        self._target = target
        self._hash = hashlib.sha256()
        self.size = 0

    def write(self, data: bytes) -> int:
        self._hash.update(data)
        self.size += len(data)
        self._target.write(data)
        return len(data)

    def tell(self) -> int:
        return self.size

    def flush(self) -> None:
        self._target.flush()

    def close(self) -> None:
        """The target stays open: its owner closes it (a sealing stream seals on close)."""

    def written(self) -> Written:
        return Written(self._hash.hexdigest(), self.size)


def write_package(dossier: DossierExport, pdf: bytes | BinaryIO, target: BinaryIO) -> Written:
    """Write the ZIP into `target` (anything with write(), a sealing stream included) and
    return its SHA-256 and size.

    Originals are loaded one at a time, straight into the archive, so a dossier of hundreds of
    phone screenshots never sits in memory at once. The PDF may be bytes or a file (read from
    its start, in chunks).
    """
    if isinstance(pdf, bytes):
        pdf = io.BytesIO(pdf)
    pdf.seek(0)
    pdf_sha256 = sha256_file(pdf)
    manifest = build_manifest(dossier, pdf_sha256)
    sums = [f"{pdf_sha256}  {PDF_NAME}"]
    output = _Fingerprinted(target)
    with zipfile.ZipFile(output, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        # Its images are JPEG already: deflating it again costs time and gains nothing.
        pdf.seek(0)
        with archive.open(_stored(PDF_NAME), "w") as member:
            shutil.copyfileobj(pdf, member, _CHUNK)
        for piece in dossier.pieces:
            for index, file in enumerate(piece.files, start=1):
                if file.original is None:
                    continue
                path = archive_path(piece, index, file)
                # Images and PDFs are compressed already: store them as they are.
                archive.writestr(path, file.original(), compress_type=zipfile.ZIP_STORED)
                sums.append(f"{file.sha256}  {path}")
        archive.writestr(
            MANIFEST_NAME,
            json.dumps(manifest, ensure_ascii=False, indent=2, default=_json_default),
        )
        archive.writestr("SHA256SUMS.txt", "\n".join(sums) + "\n")
        archive.writestr(
            README_NAME,
            README.format(
                reference=dossier.reference,
                generated=f"{dossier.generated_at:%Y-%m-%d %H:%M}",
                head=dossier.custody_head or "—",
            ),
        )
    return output.written()


_CHUNK = 1024 * 1024


def _stored(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=dt.datetime.now().timetuple()[:6])
    info.compress_type = zipfile.ZIP_STORED
    info.external_attr = 0o600 << 16  # as writestr() gives
    return info


@dataclass(frozen=True)
class PackageProblem:
    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


def _sha256_member(archive: zipfile.ZipFile, name: str) -> str:
    with archive.open(name) as member:
        return sha256_file(member)


def verify_package(source: bytes | str | Path | BinaryIO) -> list[PackageProblem]:
    """Every difference between the package and its manifest ([] when intact)."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(source) if isinstance(source, bytes) else source)
    except (zipfile.BadZipFile, OSError) as error:
        return [PackageProblem("archive", f"not a readable ZIP ({error})")]
    with archive:
        names = set(archive.namelist())
        if MANIFEST_NAME not in names:
            return [PackageProblem(MANIFEST_NAME, "missing")]
        try:
            manifest = json.loads(archive.read(MANIFEST_NAME))
        except ValueError as error:
            return [PackageProblem(MANIFEST_NAME, f"unreadable ({error})")]
        expected = {manifest["pdf"]["path"]: manifest["pdf"]["sha256"]}
        for piece in manifest["pieces"]:
            for file in piece["files"]:
                expected[file["path"]] = file["sha256"]
        problems = []
        for path, sha256 in expected.items():
            if path not in names:
                problems.append(PackageProblem(path, "missing from the archive"))
                continue
            actual = _sha256_member(archive, path)
            if actual != sha256:
                problems.append(PackageProblem(path, f"changed (expected {sha256}, got {actual})"))
        for extra in sorted(names - set(expected) - {MANIFEST_NAME, README_NAME, "SHA256SUMS.txt"}):
            problems.append(PackageProblem(extra, "not listed in the manifest"))
        events = manifest.get("custody", [])
        for problem in verify_chain(events):
            problems.append(PackageProblem(f"custody event {problem.seq}", str(problem.message)))
        if events and manifest.get("custody_head") != events[-1]["hash"]:
            problems.append(PackageProblem("custody_head", "does not match the last event"))
        return problems
