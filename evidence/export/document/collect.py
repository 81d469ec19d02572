"""From the vault's rows to the plain data of the dossier (evidence.export.document.data).

The one place that reads the database for an export: the pieces in number order with their
files, the complaint, the free chronology entries, the custody log and, from the facts the
dossier was started with, the offences the guidance engine finds. Files are not read here:
each ExportFile gets loaders that decrypt one blob when called, so a dossier of hundreds of
screenshots never sits in memory at once.
"""

from __future__ import annotations

import datetime as dt
from functools import partial

from django.utils import timezone, translation
from django.utils.dateparse import parse_datetime
from django.utils.text import Truncator

from common.dates import french_datetime
from evidence.complaint import services as complaint
from evidence.complaint.data import to_plain
from evidence.complaint.letter import compose_letter
from evidence.export.document.data import (
    ChronologyEntry,
    CustodyEntry,
    DossierExport,
    ExportFile,
    ExportPiece,
    FollowUp,
    Offence,
)
from evidence.models import (
    Answer,
    Concerns,
    Dossier,
    EvidenceFile,
    Kind,
    Piece,
    Role,
    TextReading,
)
from evidence.sealing import sealed_files
from evidence.vault import custody
from guidance.engine import build_plan
from guidance.facts import FactsError, validate_facts

KINDS: dict[str, str] = {
    Kind.IMAGE: "screenshot",
    Kind.PDF: "document",
    Kind.LINK: "link",
    Kind.TEXT: "message",
    Kind.CHAT: "conversation",
}
# The PDF is in French whatever the person's language: it goes to French authorities.
KIND_TITLES: dict[str, str] = {
    Kind.IMAGE: "Capture d'écran ou photo",
    Kind.PDF: "Document PDF",
    Kind.LINK: "Lien",
    Kind.TEXT: "Texte d'un message",
    Kind.CHAT: "Export d'une conversation",
}
ROLES: dict[str, str] = {
    Role.VICTIM: "la personne visée",
    Role.PARENT: "un parent ou tuteur",
    Role.HELPER: "une personne de confiance",
}
ANSWERS: dict[str, str] = {Answer.YES: "oui", Answer.NO: "non"}
TITLE_LENGTH = 80


def collect(dossier: Dossier, *, now: dt.datetime) -> DossierExport:
    plain_complaint = to_plain(complaint.stored(dossier), minor=dossier.is_about_a_minor)
    pieces = dossier.pieces.prefetch_related("files").order_by("number")
    events = list(dossier.events.order_by("seq"))
    added = custody.adders(event.payload for event in events if isinstance(event.payload, dict))
    with translation.override("fr"):
        exported = tuple(_piece(piece, added.get(piece.number)) for piece in pieces)
    return DossierExport(
        reference=dossier.reference,
        concerns=_concerns(dossier, plain_complaint),
        generated_at=now.astimezone(dt.UTC),
        complaint=plain_complaint,
        pieces=exported,
        free_entries=tuple(
            ChronologyEntry(note.date, note.text) for note in dossier.notes.order_by("date")
        ),
        offences=offences(dossier.facts, today=timezone.localdate(now)),
        custody=tuple(_custody(event) for event in events),
        facts=_facts(dossier.facts, today=timezone.localdate(now)),
    )


def letter(dossier: Dossier) -> str:
    """The letter as an export made now would write it."""
    return compose_letter(collect(dossier, now=timezone.now()))


def offences(facts, *, today: dt.date) -> tuple[Offence, ...]:
    """What the law says about the facts of the plan; none when the facts are empty or invalid.
    The letter cites only those whose conditions are met (evidence.complaint.qualification)."""
    if not facts:
        return ()
    try:
        plan = build_plan(facts, "fr", today=today)
    except FactsError:
        return ()
    return tuple(_offence(offence) for offence in plan["offences"])


def _facts(facts, *, today: dt.date) -> dict:
    try:
        return validate_facts(facts or {}, today, required=())
    except FactsError:
        return {}


def _offence(found: dict) -> Offence:
    # The plan's advice to the reader ("ne les gardez pas…") is not for the procureur: only
    # the law, the penalty, its aggravating circumstances and the source go in the dossier.
    return Offence(
        id=found["id"],
        article=found["article"],
        title=found["title"],
        prison_years=found.get("prison_years") or None,
        fine_eur=found.get("fine_eur") or None,
        circumstances=tuple(found.get("circumstances") or ()),
        source=found.get("source", ""),
        checked=dt.date.fromisoformat(found["checked"]) if found.get("checked") else None,
        confidence=found.get("confidence", ""),
        conditional=bool(found.get("only_if")),
    )


def _concerns(dossier: Dossier, plain_complaint) -> str:
    if plain_complaint.victim_is_minor:
        return plain_complaint.victim.name or dossier.person_name
    if dossier.concerns == Concerns.SELF:
        return plain_complaint.complainant.name
    return plain_complaint.complainant.name or dossier.person_name


def _piece(piece: Piece, added: dict | None = None) -> ExportPiece:
    published_at, published_text, time_known = _published(piece)
    by = (added or {}).get("by") or {}
    helper = by.get("helper") is True
    return ExportPiece(
        number=piece.number,
        kind=KINDS.get(piece.kind, piece.kind),
        title=_title(piece),
        received_at=piece.received_at.astimezone(dt.UTC),
        platform=piece.get_platform_display() if piece.platform else "",
        url=piece.url,
        author_displayed=piece.author_displayed,
        author_profile_url=piece.author_profile_url,
        target=piece.target,
        published_at=published_at,
        published_text=published_text,
        published_time_known=time_known,
        captured_at=timezone.localtime(piece.captured_at) if piece.captured_at else None,
        added_by=_added_by(piece, by, (added or {}).get("at", ""))
        if helper
        else ROLES.get(piece.added_by_role, ""),
        added_by_helper=helper,
        added_by_pseudonym=str(by.get("user", "")) if helper else "",
        description=piece.description,
        transcript=piece.transcript,
        context=piece.context,
        still_online=ANSWERS.get(piece.still_online, ""),
        removed=piece.removed == Answer.YES,
        follow_ups=_follow_ups(piece),
        files=tuple(_file(piece, file) for file in piece.files.all()),
        seal=piece.seal,
        sealed_values=custody.piece_values(piece),
    )


def _added_by(piece: Piece, by: dict, at: str) -> str:
    """A piece a helper added: « un proche invité sur le dossier (un parent ou tuteur), le 3
    mars 2026 à 14 h 05 » (Paris time, as the rest of the PDF)."""
    role = ROLES.get(by.get("role", ""), ROLES[Role.HELPER])
    moment = parse_datetime(at) if isinstance(at, str) else None
    when = f", le {french_datetime(moment)}" if moment is not None else ""
    return f"un proche invité sur le dossier ({role}){when}"


def _title(piece: Piece) -> str:
    if piece.title:
        return piece.title
    if piece.description:
        return Truncator(" ".join(piece.description.split())).chars(TITLE_LENGTH)
    kind = KIND_TITLES.get(piece.kind, "Pièce")
    return f"{kind} ({piece.get_platform_display()})" if piece.platform else kind


def _published(piece: Piece) -> tuple[dt.datetime | None, str, bool]:
    """(when, as typed when not an exact date, whether the time was shown). Local time: the
    person read it off their screen in France."""
    if not (piece.published_is_absolute and piece.published_date):
        return None, piece.published_raw, True
    moment = dt.datetime.combine(piece.published_date, piece.published_time or dt.time())
    return timezone.make_aware(moment), "", piece.published_time is not None


def _follow_ups(piece: Piece) -> tuple[FollowUp, ...]:
    found = []
    if piece.reported_to_platform:
        channel = piece.get_platform_display() if piece.platform else "la plateforme"
        found.append(FollowUp(channel, piece.reported_to_platform_on, piece.platform_reference))
    if piece.reported_to_pharos:
        found.append(FollowUp("PHAROS", piece.reported_to_pharos_on, piece.pharos_reference))
    if piece.reported_to_3018:
        found.append(FollowUp("3018", piece.reported_to_3018_on, piece.reference_3018))
    return tuple(found)


def _file(piece: Piece, file: EvidenceFile) -> ExportFile:
    # An intimate image is never reproduced in the PDF, which is printed and passed around;
    # its original is in the package, for the investigators.
    shown = file.display_name and not piece.is_intimate
    return ExportFile(
        original_name=file.original_name,
        mime_type=file.mime_type,
        size=file.size,
        sha256=file.sha256,
        width=file.width,
        height=file.height,
        display=partial(sealed_files.read, file.display_name) if shown else None,
        original=partial(sealed_files.read, file.storage_name),
        position=file.position,
        received_at=custody.utc_iso(file.received_at),
        display_sha256=file.display_sha256,
        thumbnail_sha256=file.thumbnail_sha256,
        ocr_text=(file.ocr_text or "") if file.ocr == TextReading.DONE else None,
    )


def _custody(event) -> CustodyEntry:
    payload = event.payload if isinstance(event.payload, dict) else {}
    return CustodyEntry(
        seq=event.seq,
        kind=str(payload.get("action", "")),
        at=parse_datetime(str(payload.get("at", ""))),
        prev_hash=event.prev_hash,
        hash=event.hash,
        payload=payload,
        key_id=event.key_id,
        signature=event.signature,
    )
