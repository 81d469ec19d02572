"""Dossiers built from plain data, with real images made at test time."""

from __future__ import annotations

import datetime as dt
import io
from functools import cache

from PIL import Image, ImageDraw

from evidence.complaint.data import Complaint, Harm, Person, Suspect, Witness
from evidence.export.document.data import (
    ChronologyEntry,
    CustodyEntry,
    DossierExport,
    ExportFile,
    ExportPiece,
    Offence,
)
from evidence.intake.images import ingest_image
from evidence.vault.integrity import GENESIS, event_hash

UTC = dt.UTC


@cache
def screenshot(number: int) -> bytes:
    image = Image.new("RGB", (390, 844), "white")
    draw = ImageDraw.Draw(image)
    for line in range(20):
        draw.text((20, 40 + line * 30), f"message {number}.{line} : insulte", fill="black")
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def image_file(number: int) -> ExportFile:
    original = screenshot(number)
    ingested = ingest_image(original, max_bytes=20_000_000, max_pixels=40_000_000)
    return ExportFile(
        original_name=f"IMG_{number:04d}.PNG",
        mime_type="image/png",
        size=len(original),
        sha256=ingested.sha256,
        width=ingested.width,
        height=ingested.height,
        display=lambda: ingested.display,
        original=lambda: original,
    )


def piece(number: int, **fields) -> ExportPiece:
    defaults = dict(
        number=number,
        kind="screenshot",
        title=f"Message insultant n° {number}",
        received_at=dt.datetime(2026, 11, 20, 9, number % 60, tzinfo=UTC),
        platform="Instagram",
        url=f"https://www.instagram.com/p/abc{number}/",
        author_displayed="@harceleur_42",
        published_at=dt.datetime(2026, 10, 1 + number % 28, 21, 30, tzinfo=UTC),
        added_by="Anne Martin (parent)",
        description=f"Commentaire insultant sous la photo, n° {number}",
        transcript="t'es vraiment nulle, personne ne t'aime",
        files=(image_file(number),),
    )
    defaults.update(fields)
    return ExportPiece(**defaults)


def custody(count: int) -> tuple[CustodyEntry, ...]:
    entries, previous = [], GENESIS
    for seq in range(1, count + 1):
        payload = {"seq": seq, "kind": "added", "piece": seq, "at": f"2026-11-20T09:{seq:02d}:00Z"}
        digest = event_hash(previous, payload)
        at = dt.datetime(2026, 11, 20, 9, seq, tzinfo=UTC)
        entries.append(CustodyEntry(seq, "added", at, previous, digest, payload))
        previous = digest
    return tuple(entries)


def dossier(pieces: int = 3, *, minor: bool = False, suspects=(), **complaint) -> DossierExport:
    if minor:
        complaint.setdefault("victim_is_minor", True)
        complaint.setdefault("victim", Person(name="Léa Martin", birth_date="3 mars 2011"))
        complaint.setdefault(
            "representatives",
            (Person(name="Anne Martin", relationship="mère", address="3 rue des Lilas, Lyon"),),
        )
    else:
        complaint.setdefault(
            "complainant",
            Person(
                name="Camille Durand",
                birth_date="12 mai 1998",
                birth_place="Nantes",
                address="8 quai de la Fosse, 44000 Nantes",
                phone="06 12 34 56 78",
            ),
        )
    complaint.setdefault("tribunal_city", "Lyon")
    complaint.setdefault("place", "Lyon")
    complaint.setdefault("witnesses", (Witness("Noé Bernard", "noe@example.org"),))
    complaint.setdefault("harm", Harm(health="angoisses, perte d'appétit", sleep="insomnies"))
    return DossierExport(
        reference="D-7F3A9C",
        concerns="Léa Martin" if minor else "Camille Durand",
        generated_at=dt.datetime(2026, 11, 21, 10, 0, tzinfo=UTC),
        complaint=Complaint(suspects=tuple(suspects), **complaint),
        pieces=tuple(piece(n) for n in range(1, pieces + 1)),
        free_entries=(ChronologyEntry(dt.date(2026, 9, 28), "Première rumeur au collège"),),
        offences=(
            Offence(
                "222-33-2-2",
                "Harcèlement moral",
                3,
                45000,
                source="doctrine.fr, art. 222-33-2-2",
                checked="2026-11-21",
            ),
        ),
        custody=custody(pieces),
    )


def with_suspect() -> tuple[Suspect, ...]:
    return (Suspect(name="Kevin L.", pseudonyms=("harceleur_42", "kev.l")),)
