"""Many screenshots at once: the batch, its pieces, their review and what is still being
prepared. Plain operations over the rows; the views (evidence/vault/batch_views.py) call these.

1. `start` records the answer to the sensitivity question, asked once for every file and
   before any is read, and whether the files belong together (one piece) or not (one each).
2. The files are sealed as they arrive (evidence.intake.batch_uploads); `record` makes their
   pieces in one transaction, each with its custody event, each file's capture time and app
   as read from the file with where it was read (metadata, or its name).
3. The review list shows one short card per piece; `carry_over` fills a card's empty platform
   and author from the card before it when the person asks; `progress` says how many images
   still wait for the worker (display copy, then text).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Count, Q

from common import submissions
from evidence.access import role_of
from evidence.intake.batch_uploads import Received
from evidence.models import (
    Batch,
    Derivatives,
    Dossier,
    EvidenceFile,
    Kind,
    Piece,
    Sensitivity,
    TextReading,
)
from evidence.vault import services

FILES_FORM = "batch_files"  # the file step's one-time tokens (common.submissions)
# What a card carries over from the card before it, when asked.
CARRIED_OVER = ("platform", "author_displayed")


def start(
    dossier: Dossier,
    user,
    *,
    sensitivity: str,
    intimate_consent: bool,
    together: bool,
    token: uuid.UUID,
) -> Batch:
    """A new batch, or the one this same form already made (its token)."""
    existing = Batch.objects.filter(dossier=dossier, token=token).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            return Batch.objects.create(
                dossier=dossier,
                created_by=user,
                sensitivity=sensitivity,
                intimate_consent=intimate_consent and sensitivity == Sensitivity.ADULT,
                together=together,
                token=token,
            )
    except IntegrityError:  # the same form sent twice at the same instant
        return Batch.objects.get(dossier=dossier, token=token)


@dataclass(frozen=True)
class Recorded:
    pieces: list[Piece]
    repeated: list[Received]  # already in the batch (sent again), or twice in this upload
    already_sent: bool = False  # this form was sent before: nothing new was recorded


def record(batch: Batch, user, received: Sequence[Received], *, token: uuid.UUID) -> Recorded:
    """The pieces of the files received: one each, or one for all when they belong together.
    A file already in the batch (the form sent again after Back) is not recorded twice."""
    if services.files_are_withheld(batch.sensitivity):
        raise ValueError("a batch whose files are withheld records none")
    with transaction.atomic():
        services.lock_dossier(batch.dossier)
        if not submissions.first_time(token, form=FILES_FORM, user=user):
            return Recorded([], list(received), already_sent=True)
        present = set(
            EvidenceFile.objects.filter(piece__batch=batch).values_list("sha256", flat=True)
        )
        new: list[Received] = []
        repeated: list[Received] = []
        for item in received:
            (repeated if item.sha256 in present else new).append(item)
            present.add(item.sha256)
        if not new:
            return Recorded([], repeated)
        groups = [new] if batch.together else [[item] for item in new]
        pieces = services.record_pieces(
            batch.dossier,
            user,
            [_new_piece(batch, files) for files in groups],
            batch=batch,
        )
    return Recorded(pieces, repeated)


def _new_piece(batch: Batch, files: Sequence[Received]) -> services.NewPiece:
    fields: dict[str, Any] = {
        "kind": Kind.IMAGE if files[0].image is not None else Kind.PDF,
        "sensitivity": batch.sensitivity,
        "intimate_consent": batch.intimate_consent,
        "added_by_role": role_of(batch.dossier, batch.created_by),
    }
    provenance: dict[str, str] = {}
    services.fill_from_files(fields, provenance, [item.capture for item in files])
    return services.NewPiece(fields, provenance, files)


def mixed_kinds(received: Iterable[Received]) -> bool:
    """Images and PDFs together: one piece holds one kind of file."""
    return len({item.image is None for item in received}) > 1


def pieces(batch: Batch) -> list[Piece]:
    return list(batch.pieces.order_by("number").prefetch_related("files"))


def previous(piece: Piece) -> Piece | None:
    """The card before this one in its batch's review list."""
    if piece.batch_id is None:
        return None
    return (
        Piece.objects.filter(batch_id=piece.batch_id, number__lt=piece.number)
        .order_by("-number")
        .first()
    )


def carry_over(fields: dict[str, Any], before: Piece | None) -> dict[str, Any]:
    """The card's values, its empty platform and author taken from the card before it."""
    if before is None:
        return fields
    carried = dict(fields)
    for name in CARRIED_OVER:
        if not carried.get(name) and getattr(before, name):
            carried[name] = getattr(before, name)
    return carried


# --- What is still being prepared -------------------------------------------------------------


@dataclass(frozen=True)
class Progress:
    """Images waiting for the worker: their display copy first, then their text."""

    images: int
    shown: int  # display copy made, or found unreadable
    read: int  # text read, or found unreadable
    to_read: int  # images whose text is read at all (not the intimate ones)

    @property
    def done(self) -> bool:
        return self.shown == self.images and self.read == self.to_read

    @property
    def state(self) -> str:
        """Changes whenever the figures do: the page polls with it and gets 204 until then."""
        return f"{self.images}-{self.shown}-{self.read}-{self.to_read}"


def progress(files) -> Progress:
    """Over a queryset of EvidenceFile."""
    images = files.exclude(derivatives=Derivatives.NONE)
    counted = images.aggregate(
        images=_count(Q()),
        shown=_count(~Q(derivatives=Derivatives.PENDING)),
        to_read=_count(~Q(ocr=TextReading.NONE)),
        read=_count(Q(ocr__in=(TextReading.DONE, TextReading.FAILED))),
    )
    return Progress(**{name: value or 0 for name, value in counted.items()})


def _count(condition: Q) -> Count:
    return Count("pk", filter=condition)


def dossier_progress(dossier: Dossier) -> Progress:
    return progress(EvidenceFile.objects.filter(piece__dossier=dossier))


def batch_progress(batch: Batch) -> Progress:
    return progress(EvidenceFile.objects.filter(piece__batch=batch))


def card_states(batch_pieces: Iterable[Piece]) -> str:
    """One letter per card, in order, for what its files show: "w" waiting for the display
    copy, "s" shown (text still being read), "r" ready. The review list's poll sends back
    only the cards whose letter changed."""
    letters = []
    for piece in batch_pieces:
        files = [file for file in piece.files.all() if file.is_image]
        if any(file.derivatives == Derivatives.PENDING for file in files):
            letters.append("w")
        elif any(file.ocr == TextReading.PENDING for file in files):
            letters.append("s")
        else:
            letters.append("r")
    return "".join(letters)
