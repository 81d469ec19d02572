"""Who may reach what: one helper per object, the owner in the query.

Every object in a URL is fetched with its owner in the query before anything else looks at
the request (`owned`): another user gets 404 whatever the method, as if it did not exist.
The views of the vault, the complaint and the export all go through these.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from functools import wraps

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404

from evidence.models import (
    Batch,
    ChatImport,
    ChronologyNote,
    Dossier,
    EvidenceFile,
    Export,
    Piece,
)


def dossier_for_user(request: HttpRequest, dossier_id: uuid.UUID) -> Dossier:
    return get_object_or_404(Dossier, pk=dossier_id, owner=request.user)


def piece_for_user(request: HttpRequest, piece_id: uuid.UUID) -> Piece:
    return get_object_or_404(
        Piece.objects.select_related("dossier"), pk=piece_id, dossier__owner=request.user
    )


def file_for_user(request: HttpRequest, file_id: uuid.UUID) -> EvidenceFile:
    return get_object_or_404(
        EvidenceFile.objects.select_related("piece__dossier"),
        pk=file_id,
        piece__dossier__owner=request.user,
    )


def note_for_user(request: HttpRequest, note_id: uuid.UUID) -> ChronologyNote:
    return get_object_or_404(
        ChronologyNote.objects.select_related("dossier"), pk=note_id, dossier__owner=request.user
    )


def export_for_user(request: HttpRequest, export_id: uuid.UUID) -> Export:
    return get_object_or_404(
        Export.objects.select_related("dossier"), pk=export_id, dossier__owner=request.user
    )


def batch_for_user(request: HttpRequest, batch_id: uuid.UUID) -> Batch:
    return get_object_or_404(
        Batch.objects.select_related("dossier"), pk=batch_id, dossier__owner=request.user
    )


def chat_for_user(request: HttpRequest, chat_id: uuid.UUID) -> ChatImport:
    return get_object_or_404(
        ChatImport.objects.select_related("dossier", "piece"),
        pk=chat_id,
        dossier__owner=request.user,
    )


def owned(parameter: str, getter: Callable) -> Callable:
    """Replace the URL's `<parameter>_id` by the object, fetched for its owner only."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(request: HttpRequest, **kwargs) -> HttpResponse:
            kwargs[parameter] = getter(request, kwargs.pop(f"{parameter}_id"))
            return view(request, **kwargs)

        return wrapper

    return decorator
