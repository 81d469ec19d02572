"""The package for the police or the procureur: a ZIP holding the PDF, every original file
named by its piece number, manifest.json (each piece's fields, the seal that opens its
commitments, the files' fingerprints, and the signed custody log), the server's signature of
the manifest and of SHA256SUMS.txt with its public key, an RFC 3161 time-stamp of the manifest
when an authority is configured, and LISEZMOI.txt, which explains every check with standard
tools. Checking a package: evidence/export/document/checking.py."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import shutil
import zipfile
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import BinaryIO

from evidence.export.document.data import DossierExport
from evidence.export.document.render import archive_path
from evidence.vault.integrity import sha256_bytes, sha256_file

PDF_NAME = "dossier.pdf"
MANIFEST_NAME = "manifest.json"
README_NAME = "LISEZMOI.txt"
SUMS_NAME = "SHA256SUMS.txt"
MANIFEST_SIGNATURE = "manifest.json.sig"
SUMS_SIGNATURE = "SHA256SUMS.txt.sig"
PUBLIC_KEY_NAME = "cle-publique.pem"
TIMESTAMP_NAME = "manifest.json.tsr"
TSA_ROOT_NAME = "horodatage-ac.pem"
FORMAT = "supportsite-dossier/2"

README = """\
DOSSIER DE PLAINTE — {reference}
Généré le {generated} (UTC).

Contenu de l'archive
- dossier.pdf : la lettre au procureur de la République, l'exposé des faits, le bordereau
  de pièces, chaque pièce et l'annexe d'intégrité.
- pieces/ : les fichiers originaux, octet pour octet, nommés par numéro de pièce
  (piece-003-1.png = pièce n° 3, fichier 1).
- manifest.json : les informations de chaque pièce, l'empreinte SHA-256 de chaque fichier,
  le texte lu automatiquement dans chaque capture (non vérifié : l'image fait foi) et le
  journal de conservation (chaque événement contient l'empreinte du précédent et est signé
  par le serveur).
- manifest.json.sig, SHA256SUMS.txt.sig, cle-publique.pem : les signatures du serveur et
  sa clé publique.

1. Vérifier que les fichiers n'ont pas été modifiés
L'empreinte SHA-256 de chaque original a été calculée à sa réception, avant tout traitement.
SHA256SUMS.txt donne l'empreinte de chaque fichier de l'archive ; sous Linux :
    sha256sum -c SHA256SUMS.txt
vérifie tout d'un coup (tout doit être « OK »). Sinon, recalculez-les une à une :
- macOS :   shasum -a 256 pieces/*
- Windows : Get-FileHash -Algorithm SHA256 pieces\\*   (PowerShell)

2. Vérifier la signature du serveur
Le serveur qui a fabriqué ce dossier a signé manifest.json et SHA256SUMS.txt avec sa clé
(Ed25519, identifiant {key_id}). Sa clé publique est dans cle-publique.pem : comparez-la à
celle que publie le site (page « Vérifier un dossier »). Avec OpenSSL 3 :
    openssl pkeyutl -verify -pubin -inkey cle-publique.pem -rawin \\
        -in SHA256SUMS.txt -sigfile SHA256SUMS.txt.sig
    openssl pkeyutl -verify -pubin -inkey cle-publique.pem -rawin \\
        -in manifest.json -sigfile manifest.json.sig
Chacune doit répondre « Signature Verified Successfully ». Une archive modifiée après sa
fabrication, même avec ses empreintes recalculées, ne passe plus cette vérification.

3. L'horodatage
{timestamp}

4. Le journal de conservation
Chaque événement du journal (dans manifest.json) contient l'empreinte du précédent, et son
empreinte est signée par le serveur. Les valeurs de chaque pièce y sont scellées par des
engagements (SHA-256 du sceau de la pièce, du nom du champ et de la valeur) que le sceau
donné dans manifest.json permet de recalculer. L'outil du site (manage.py evidence
verify-package) fait toutes ces vérifications d'un coup.

Empreinte du dernier événement du journal de conservation :
{head}
"""
NO_TIMESTAMP = (
    "Aucune autorité d'horodatage (RFC 3161) n'était configurée : la date de ce dossier n'est\n"
    "attestée que par le serveur qui l'a signé."
)
TIMESTAMP_FAILED = (
    "L'autorité d'horodatage configurée n'a pas répondu au moment de la fabrication : la date\n"
    "de ce dossier n'est attestée que par le serveur qui l'a signé."
)
TIMESTAMPED = (
    "manifest.json a été horodaté par une autorité d'horodatage (RFC 3161) : le jeton est dans\n"
    "manifest.json.tsr{root}. Avec OpenSSL :\n"
    "    openssl ts -verify -data manifest.json -in manifest.json.tsr -CAfile horodatage-ac.pem\n"
    "doit répondre « Verification: OK »."
)


@dataclass(frozen=True)
class Stamp:
    """An RFC 3161 time-stamp of the manifest: `status` none (no authority configured),
    failed (it did not answer), or done (with the authority's answer, DER, and its root)."""

    status: str = "none"
    response: bytes | None = None
    root_pem: str = ""


@dataclass(frozen=True)
class Attestation:
    """What the server adds to vouch for a package (evidence.export.attestation): its
    signature, its public keys (the current one, and older ones that signed earlier events of
    the log), and a time-stamp of the manifest by an authority when one is configured."""

    key_id: str
    public_keys: dict[str, str]  # key id -> PEM
    sign: Callable[[bytes], bytes]  # raw Ed25519 signature of the bytes given
    timestamp: Callable[[bytes], Stamp] = lambda manifest: Stamp()


def _json_default(value):
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    raise TypeError(f"not serialisable: {type(value).__name__}")


def build_manifest(
    dossier: DossierExport, pdf_sha256: str, public_keys: dict[str, str] | None = None
) -> dict:
    pieces = []
    for piece in dossier.pieces:
        fields = {k: v for k, v in asdict(piece).items() if k != "files"}
        fields["files"] = [
            {
                "path": archive_path(piece, index, file),
                "position": file.position,
                "original_name": file.original_name,
                "mime_type": file.mime_type,
                "size": file.size,
                "sha256": file.sha256,
                "received_at": file.received_at,
                "display_sha256": file.display_sha256,
                "thumbnail_sha256": file.thumbnail_sha256,
                "ocr_text": file.ocr_text,
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
        "public_keys": public_keys or {},
    }


def manifest_bytes(manifest: dict) -> bytes:
    return json.dumps(manifest, ensure_ascii=False, indent=2, default=_json_default).encode()


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


def write_package(
    dossier: DossierExport,
    pdf: bytes | BinaryIO,
    target: BinaryIO,
    *,
    attestation: Attestation | None = None,
) -> Written:
    """Write the ZIP into `target` (anything with write(), a sealing stream included) and
    return its SHA-256 and size. `attestation` (the server's, evidence.export.attestation)
    signs it and time-stamps it; without one the package is unsigned (tests of its layout).

    Originals are loaded one at a time, straight into the archive, so a dossier of hundreds of
    phone screenshots never sits in memory at once. The PDF may be bytes or a file (read from
    its start, in chunks).
    """
    if isinstance(pdf, bytes):
        pdf = io.BytesIO(pdf)
    pdf.seek(0)
    pdf_sha256 = sha256_file(pdf)
    keys = attestation.public_keys if attestation is not None else {}
    manifest = manifest_bytes(build_manifest(dossier, pdf_sha256, keys))
    stamp = attestation.timestamp(manifest) if attestation is not None else Stamp()
    sums = [f"{pdf_sha256}  {PDF_NAME}"]
    output = _Fingerprinted(target)
    with zipfile.ZipFile(output, "w", compression=zipfile.ZIP_DEFLATED) as archive:

        def add(name: str, data: bytes, **options) -> None:
            archive.writestr(name, data, **options)
            sums.append(f"{sha256_bytes(data)}  {name}")

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
        add(MANIFEST_NAME, manifest)
        if attestation is not None:
            add(MANIFEST_SIGNATURE, attestation.sign(manifest))
            add(PUBLIC_KEY_NAME, keys[attestation.key_id].encode("ascii"))
        if stamp.response is not None:
            add(TIMESTAMP_NAME, stamp.response)
            if stamp.root_pem:
                add(TSA_ROOT_NAME, stamp.root_pem.encode("ascii"))
        add(README_NAME, _readme(dossier, attestation, stamp).encode("utf-8"))
        listing = ("\n".join(sums) + "\n").encode("utf-8")
        archive.writestr(SUMS_NAME, listing)
        if attestation is not None:
            archive.writestr(SUMS_SIGNATURE, attestation.sign(listing))
    return output.written()


def _readme(dossier: DossierExport, attestation: Attestation | None, stamp: Stamp) -> str:
    if stamp.status == "done":
        root = " (l'autorité de certification : horodatage-ac.pem)"
        timestamp = TIMESTAMPED.format(root=root if stamp.root_pem else "")
    elif stamp.status == "failed":
        timestamp = TIMESTAMP_FAILED
    else:
        timestamp = NO_TIMESTAMP
    return README.format(
        reference=dossier.reference,
        generated=f"{dossier.generated_at:%Y-%m-%d %H:%M}",
        head=dossier.custody_head or "—",
        key_id=attestation.key_id if attestation is not None else "—",
        timestamp=timestamp,
    )


_CHUNK = 1024 * 1024


def _stored(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=dt.datetime.now().timetuple()[:6])
    info.compress_type = zipfile.ZIP_STORED
    info.external_attr = 0o600 << 16  # as writestr() gives
    return info
