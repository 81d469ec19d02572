"""Dossiers, pieces and form data for the vault's tests."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import uuid
from pathlib import Path

from django.conf import settings
from django.urls import reverse

from evidence.models import Concerns, Dossier, Kind, Role, Sensitivity
from evidence.vault import services as vault
from tests.evidence.intake import corpus

PASSWORD = "un mot de passe solide 42"


def make_dossier(owner, **fields) -> Dossier:
    values = {"title": "Instagram", "concerns": Concerns.SELF, "role": Role.VICTIM, **fields}
    return vault.create_dossier(owner, values)


def piece_fields(**overrides) -> dict:
    fields = {
        "kind": Kind.IMAGE,
        "sensitivity": Sensitivity.NO,
        "intimate_consent": False,
        "title": "",
        "platform": "instagram",
        "url": "https://www.instagram.com/p/abc/",
        "author_displayed": "@tom_75",
        "author_profile_url": "",
        "target": "",
        "published_raw": "14/03/2025 22:47",
        "captured_at": None,
        "description": "Il me menace.",
        "transcript": "tu vas voir demain",
        "context": "",
        "added_by_role": Role.VICTIM,
    }
    return {**fields, **overrides}


def add_image_piece(dossier, data: bytes | None = None, name="capture.png", **overrides):
    uploads = [vault.Upload(name, data if data is not None else corpus.small_png())]
    return vault.add_piece(dossier, dossier.owner, piece_fields(**overrides), uploads)


def form_data(**overrides) -> dict:
    """What the add-piece form posts for a screenshot, every field as a browser sends it."""
    data = {
        "token": str(uuid.uuid4()),
        "kind": "image",
        "sensitivity": "no",
        "platform": "instagram",
        "url": "https://www.instagram.com/p/abc/",
        "author_displayed": "@tom_75",
        "author_profile_url": "",
        "target": "",
        "published_raw": "14/03/2025 22:47",
        "captured_at": "",
        "title": "Menace",
        "description": "Il me menace.",
        "transcript": "tu vas voir demain",
        "context": "",
        "added_by_role": "victim",
        "still_online": "unknown",
        "removed": "unknown",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def add_url(dossier) -> str:
    return reverse("evidence:piece_add", kwargs={"dossier_id": dossier.pk})


def stored_files(folder: str = "evidence") -> list[Path]:
    """Every sealed blob in the private storage (or every file of another of its folders:
    "custody-heads" holds the heads of the custody logs, "" everything)."""
    root = Path(settings.STORAGES["default"]["OPTIONS"]["location"]) / folder
    return sorted(path for path in root.rglob("*") if path.is_file()) if root.exists() else []


def make_note(dossier, **fields):
    from evidence.models import ChronologyNote

    values = {"date": dt.date(2025, 3, 1), "text": "Des rumeurs sur moi au collège", **fields}
    return ChronologyNote.objects.create(dossier=dossier, **values)


def stored_export(dossier, *, pdf: bytes = b"%PDF-1.7\n%%EOF\n", package: bytes = b"PK\x05\x06"):
    """A finished export with small stand-in files, sealed as the real ones are (for tests of
    access and of downloads; tests/evidence/test_export.py runs the real thing)."""
    from evidence.models import Export, ExportStatus, ExportStep
    from evidence.sealing import sealed_files

    pdf_name = sealed_files.write_stream(io.BytesIO(pdf))
    package_name = sealed_files.write_stream(io.BytesIO(package))
    return Export.objects.create(
        dossier=dossier,
        requested_by=dossier.owner,
        token=uuid.uuid4(),
        status=ExportStatus.DONE,
        step=ExportStep.FINISHED,
        progress=100,
        pdf_name=pdf_name,
        pdf_sha256=hashlib.sha256(pdf).hexdigest(),
        pdf_size=len(pdf),
        package_name=package_name,
        package_sha256=hashlib.sha256(package).hexdigest(),
        package_size=len(package),
    )
