"""Dossiers built from plain data, with real images made at test time."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
from functools import cache

from PIL import Image, ImageDraw

from evidence.complaint.data import Complaint, Harm, Person, Suspect, Witness
from evidence.export.document.collect import offences
from evidence.export.document.data import (
    ChronologyEntry,
    CustodyEntry,
    DossierExport,
    ExportFile,
    ExportPiece,
)
from evidence.export.document.package import Attestation
from evidence.intake.images import ingest_image
from evidence.sealing.signing import SigningKeyring, decode_key, public_pem
from evidence.vault.integrity import GENESIS, commitment, event_hash, sealed_file

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


RECEIVED = dt.datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
TODAY = dt.date(2026, 11, 21)
# What the questionnaire said, by default: insults in public on Instagram, for an adult; the
# same for a teenager, told by a parent.
ADULT_FACTS = {
    "role": "victim",
    "victim_age": "adult",
    "acts": ["insults"],
    "visibility": "public",
    "platforms": ["instagram"],
}
MINOR_FACTS = {**ADULT_FACTS, "role": "guardian", "victim_age": "15_17"}
# A fixed signing key for the tests of the package: not the server's.
TEST_KEYS = SigningKeyring(decode_key("q8l9UK0u8kXNm7VvF2cT5sZ3yYH1hGd4wEaR6oPtQ0U"))


def received(number: int) -> dt.datetime:
    return RECEIVED + dt.timedelta(minutes=number)


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
        position=1,
        received_at=received(number).isoformat(timespec="microseconds"),
        display_sha256=hashlib.sha256(ingested.display).hexdigest(),
        thumbnail_sha256=hashlib.sha256(ingested.thumbnail).hexdigest(),
    )


def piece(number: int, **fields) -> ExportPiece:
    defaults = dict(
        number=number,
        kind="screenshot",
        title=f"Message insultant n° {number}",
        received_at=received(number),
        platform="Instagram",
        url=f"https://www.instagram.com/p/abc{number}/",
        author_displayed="@harceleur_42",
        published_at=dt.datetime(2026, 10, 1 + number % 28, 21, 30, tzinfo=UTC),
        added_by="Anne Martin (parent)",
        description=f"Commentaire insultant sous la photo, n° {number}",
        transcript="t'es vraiment nulle, personne ne t'aime",
        files=(image_file(number),),
        seal=f"{number:032x}",
    )
    defaults.update(fields)
    sealed = {
        name: defaults.get(name, "")
        for name in (
            "title",
            "url",
            "author_displayed",
            "author_profile_url",
            "target",
            "description",
            "transcript",
            "context",
        )  # fmt: skip
    }
    defaults.setdefault("sealed_values", {"kind": "image", **sealed})
    return ExportPiece(**defaults)


def custody(
    pieces: tuple[ExportPiece, ...], removed: tuple[int, ...] = ()
) -> tuple[CustodyEntry, ...]:
    """A signed custody log as the vault writes it: the dossier, then each piece added, then
    the tombstones of the `removed` piece numbers."""
    payloads = [{"action": "dossier_created", "at": RECEIVED.isoformat(), "record": {}}]
    for item in pieces:
        payloads.append(
            {
                "action": "piece_added",
                "at": item.received_at.isoformat(timespec="microseconds"),
                "piece": item.number,
                "record": {
                    name: commitment(item.seal, name, value)
                    for name, value in item.sealed_values.items()
                },
                "files": [
                    sealed_file(
                        item.seal,
                        position=file.position,
                        name=file.original_name,
                        sha256=file.sha256,
                        size=file.size,
                        mime_type=file.mime_type,
                        received_at=file.received_at,
                        display_sha256=file.display_sha256,
                        thumbnail_sha256=file.thumbnail_sha256,
                    )
                    for file in item.files
                ],
            }
        )
    for number in removed:
        payloads.append(
            {
                "action": "piece_deleted",
                "at": (RECEIVED + dt.timedelta(hours=1, minutes=number)).isoformat(),
                "piece": number,
                "files": [],
            }
        )
    entries, previous = [], GENESIS
    for seq, payload in enumerate(payloads, start=1):
        payload = {"seq": seq, **payload}
        digest = event_hash(previous, payload)
        signature = TEST_KEYS.sign(digest.encode("ascii"))
        at = dt.datetime.fromisoformat(payload["at"])
        entries.append(
            CustodyEntry(
                seq,
                payload["action"],
                at,
                previous,
                digest,
                payload,
                key_id=signature.key_id,
                signature=signature.value,
            )
        )
        previous = digest
    return tuple(entries)


def attestation() -> Attestation:
    """The test key vouching for a package, as the server's attestation does."""
    return Attestation(
        key_id=TEST_KEYS.current_key_id,
        public_keys={TEST_KEYS.current_key_id: public_pem(TEST_KEYS.public_key())},
        sign=lambda data: TEST_KEYS.sign(data).raw,
    )


def dossier(
    pieces: int | tuple[ExportPiece, ...] = 3,
    *,
    minor: bool = False,
    suspects=(),
    facts: dict | None = None,
    removed: tuple[int, ...] = (),
    **complaint,
) -> DossierExport:
    """A dossier of `pieces` screenshots (or these pieces), its complaint filled in, and the
    offences the guidance engine finds for `facts` (by default, public insults)."""
    made = pieces if isinstance(pieces, tuple) else tuple(piece(n) for n in range(1, pieces + 1))
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
                civility="madame",
            ),
        )
    complaint.setdefault("tribunal_city", "Lyon")
    complaint.setdefault("place", "Lyon")
    complaint.setdefault("witnesses", (Witness("Noé Bernard", "noe@example.org"),))
    complaint.setdefault("harm", Harm(health="angoisses, perte d'appétit", sleep="insomnies"))
    facts = facts if facts is not None else (MINOR_FACTS if minor else ADULT_FACTS)
    return DossierExport(
        reference="D-7F3A9C",
        concerns="Léa Martin" if minor else "Camille Durand",
        generated_at=dt.datetime(2026, 11, 21, 10, 0, tzinfo=UTC),
        complaint=Complaint(suspects=tuple(suspects), **complaint),
        pieces=made,
        free_entries=(ChronologyEntry(dt.date(2026, 9, 28), "Première rumeur au collège"),),
        offences=offences(facts, today=TODAY),
        custody=custody(made, removed),
        facts=facts,
    )


def with_suspect() -> tuple[Suspect, ...]:
    return (Suspect(name="Kevin L.", pseudonyms=("harceleur_42", "kev.l")),)
