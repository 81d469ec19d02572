"""Many screenshots at once, their review, the search and what is still being prepared.
Views parse, call evidence.vault.batches (and services), render.

The flow: the sensitivity question, once for every file, before any is read (`batch_start`);
the files, each sealed as it arrives (`batch_files`, evidence.intake.batch_uploads); then the
review list (`batch_review`), one short card per piece, each card a real form
(`piece_card`) that htmx swaps in place, with what the text read in its images suggests
(`accept_suggestion`). While the worker prepares the images, the review list and the dossier
page poll (htmx, every 2 s, 204 while nothing changed); without JavaScript, a link reloads.
"""

from __future__ import annotations

from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import RequestDataTooBig, TooManyFilesSent
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from common import languages
from evidence import drafts
from evidence.access import Need, batch_for_user, dossier_for_user, owned, piece_to_complete
from evidence.intake.batch_uploads import Limits, SealingUploadHandler
from evidence.intake.uploads import declared_length, upload_slot, upload_too_big
from evidence.models import Batch, Dossier, EvidenceFile, Piece, Source, TextReading
from evidence.vault import batches, derivatives, search, suggestions
from evidence.vault import services as vault
from evidence.vault.intake_forms import (
    TOGETHER,
    BatchFilesForm,
    BatchStartForm,
    CardForm,
    SearchForm,
    SuggestionForm,
)
from guidance.content import resources_by_id

# --- Many screenshots at once ---------------------------------------------------------------


@drafts.keeps_drafts
@login_required
@owned("dossier", dossier_for_user, needs=Need.ADD)
@require_http_methods(["GET", "POST"])
def batch_start(request: HttpRequest, dossier: Dossier) -> HttpResponse:
    """The question asked once for every file, before any is chosen."""
    form = BatchStartForm(drafts.form_data(request))
    if request.method == "POST" and form.is_valid():
        batch = batches.start(
            dossier,
            request.user,
            sensitivity=form.cleaned_data["sensitivity"],
            intimate_consent=form.cleaned_data["intimate_consent"],
            together=form.cleaned_data["together"] == TOGETHER,
            token=form.cleaned_data["token"],
        )
        return redirect("evidence:batch_files", batch_id=batch.pk)
    return render(
        request,
        "evidence/intake/batch_start.html",
        {"form": form, "dossier": dossier, "max_files": settings.EVIDENCE_MAX_FILES_PER_BATCH},
    )


def receiving_sealed(view):
    """Receive the batch's files with evidence.intake.batch_uploads (each sealed as it
    arrives, none on disk in clear), then check CSRF; the blobs the view did not record are
    deleted when the request ends, whatever happened. The handler must be in place before
    anything reads the body, which the CSRF check does: hence csrf_exempt outside and
    csrf_protect inside, as evidence.intake.uploads.bounded_uploads does."""
    protected = csrf_protect(view)

    @wraps(view)
    def wrapper(request: HttpRequest, batch: Batch, **kwargs) -> HttpResponse:
        too_big = {"max_files": settings.EVIDENCE_MAX_FILES_PER_BATCH}
        if request.method == "POST" and declared_length(request) > _largest_batch():
            return upload_too_big(request, kwargs, **too_big)
        with upload_slot(request) as free:
            handler = SealingUploadHandler(
                request,
                limits=_limits(),
                pending_pixels=(
                    derivatives.pending_pixels(request.user) if request.method == "POST" else 0
                ),
                withheld=vault.files_are_withheld(batch.sensitivity),
                busy=not free,
            )
            request.upload_handlers = [handler]
            try:
                return protected(request, batch=batch, handler=handler, **kwargs)
            except (RequestDataTooBig, TooManyFilesSent):
                return upload_too_big(request, kwargs, **too_big)
            finally:
                handler.discard_unclaimed()

    return csrf_exempt(wrapper)


@login_required
@owned("batch", batch_for_user, needs=Need.ADD)
@require_http_methods(["GET", "POST"])
@receiving_sealed
def batch_files(request: HttpRequest, batch: Batch, handler: SealingUploadHandler) -> HttpResponse:
    dossier = batch.dossier
    if vault.files_are_withheld(batch.sensitivity):  # nothing was read, nothing is asked
        return render(
            request,
            "evidence/intake/batch_withheld.html",
            {
                "batch": batch,
                "dossier": dossier,
                "safety_resources": resources_by_id(vault.WITHHELD_HELP, languages.current()),
            },
        )
    form = BatchFilesForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        refused = [f"{item.name}: {item.message}" for item in handler.refused]
        if not handler.received and not refused:
            form.add_error(None, _("Choose the screenshots to add."))
        elif batch.together and (refused or batches.mixed_kinds(handler.received)):
            # One piece is all its files or nothing: none is kept, each is named.
            if batches.mixed_kinds(handler.received):
                refused.append(_("A piece holds either screenshots or PDF documents, not both."))
            for line in refused:
                form.add_error(None, line)
            form.add_error(None, _("For your safety nothing was kept: choose the files again."))
        elif handler.received:
            recorded = batches.record(
                batch, request.user, handler.received, token=form.cleaned_data["token"]
            )
            handler.keep(
                EvidenceFile.objects.filter(piece__in=recorded.pieces).values_list(
                    "storage_name", flat=True
                )
            )
            _say_what_was_received(request, batch, recorded, refused)
            return redirect("evidence:batch_review", batch_id=batch.pk)
        else:
            for line in refused:
                form.add_error(None, line)
            form.add_error(None, _("Nothing was kept: choose the files again."))
    return render(
        request,
        "evidence/intake/batch_files.html",
        {
            "form": form,
            "batch": batch,
            "dossier": dossier,
            "max_files": settings.EVIDENCE_MAX_FILES_PER_BATCH,
            "max_megabytes": settings.EVIDENCE_MAX_UPLOAD_BYTES // (1024 * 1024),
        },
    )


def _say_what_was_received(
    request: HttpRequest, batch: Batch, recorded: batches.Recorded, refused: list[str]
) -> None:
    if recorded.already_sent:
        messages.info(request, _("These files were already received: they were not added twice."))
        return
    if recorded.pieces:
        numbers = [piece.number for piece in recorded.pieces]
        messages.success(
            request,
            ngettext(
                "%(count)s piece added (no. %(first)s). Complete it below.",
                "%(count)s pieces added (no. %(first)s to %(last)s). Complete them below.",
                len(numbers),
            )
            % {"count": len(numbers), "first": numbers[0], "last": numbers[-1]},
        )
    if recorded.repeated:
        messages.info(
            request,
            ngettext(
                "%(count)s file was already received: it was not added twice.",
                "%(count)s files were already received: they were not added twice.",
                len(recorded.repeated),
            )
            % {"count": len(recorded.repeated)},
        )
    if refused:
        messages.warning(
            request,
            _("Not received, choose them again: %(files)s") % {"files": " · ".join(refused)},
        )


@login_required
@owned("batch", batch_for_user, needs=Need.ADD)
@require_safe
def batch_review(request: HttpRequest, batch: Batch) -> HttpResponse:
    """One card per piece of the batch. Polled by htmx while images are being prepared: 204
    while nothing changed, else the progress and, out of band, the cards whose images did."""
    pieces = batches.pieces(batch)
    progress = batches.batch_progress(batch)
    states = batches.card_states(pieces)
    review_url = reverse("evidence:batch_review", kwargs={"batch_id": batch.pk})
    if request.htmx and "shown" in request.GET:
        shown = request.GET.get("cards", "")
        if request.GET["shown"] == progress.state and shown == states:
            return HttpResponse(status=204)
        changed = [
            card_context(piece, review_url=review_url)
            for index, piece in enumerate(pieces)
            if index >= len(shown) or shown[index] != states[index]
        ]
        return render(
            request,
            "evidence/vault/_batch_poll.html",
            {"batch": batch, "progress": progress, "states": states, "changed": changed},
        )
    cards = [
        card_context(piece, previous=before, review_url=review_url)
        for before, piece in zip([None, *pieces], pieces, strict=False)
    ]
    return render(
        request,
        "evidence/vault/batch_review.html",
        {
            "batch": batch,
            "dossier": batch.dossier,
            "cards": cards,
            "progress": progress,
            "states": states,
        },
    )


def card_prefix(piece: Piece) -> str:
    return f"p{piece.number}"


def card_context(
    piece: Piece,
    *,
    form: CardForm | None = None,
    previous: Piece | None = None,
    saved: bool = False,
    review_url: str = "",
) -> dict:
    files = list(piece.files.all())
    labels = dict(Source.choices)
    if not review_url and piece.batch_id:
        review_url = reverse("evidence:batch_review", kwargs={"batch_id": piece.batch_id})
    return {
        "piece": piece,
        "form": form or CardForm(instance=piece, prefix=card_prefix(piece)),
        "missing": [item for item in vault.checklist(piece) if not item.done],
        "offers": suggestions.for_piece(piece, files),
        "image": next((file for file in files if file.is_image), None),
        "reading": any(file.ocr == TextReading.PENDING for file in files),
        "previous": previous,
        "saved": saved,
        "sources": {name: labels.get(source, source) for name, source in piece.provenance.items()},
        "back": f"{review_url}#card-{piece.number}" if review_url else _piece_url(piece),
    }


@drafts.keeps_drafts
@login_required
@owned("piece", piece_to_complete, needs=Need.EDIT)
@require_http_methods(["GET", "POST"])
def piece_card(request: HttpRequest, piece: Piece) -> HttpResponse:
    """A card of the review list: saved in place with htmx, or as a page of its own."""
    form = CardForm(drafts.form_data(request), instance=piece, prefix=card_prefix(piece))
    previous = batches.previous(piece)
    if request.method == "POST" and form.is_valid():
        fields = form.details()
        if request.POST.get("carry"):
            fields = batches.carry_over(fields, previous)
        vault.edit_piece(piece, request.user, fields)
        piece = Piece.objects.prefetch_related("files").get(pk=piece.pk)
        if not request.htmx:
            return redirect(card_context(piece)["back"])
        return render(
            request,
            "evidence/vault/_card.html",
            {"card": card_context(piece, previous=previous, saved=True)},
        )
    card = card_context(piece, form=form, previous=previous)
    if request.htmx:
        return render(request, "evidence/vault/_card.html", {"card": card})
    return render(
        request, "evidence/vault/piece_card.html", {"card": card, "dossier": piece.dossier}
    )


@login_required
@owned("piece", piece_to_complete, needs=Need.EDIT)
@require_POST
def accept_suggestion(request: HttpRequest, piece: Piece) -> HttpResponse:
    """A value read in the image, accepted: the piece's own from now on ("typed by you")."""
    form = SuggestionForm(request.POST)
    if form.is_valid():
        vault.edit_piece(
            piece, request.user, {form.cleaned_data["field"]: form.cleaned_data["value"]}
        )
    else:
        for message in form.non_field_errors():
            messages.error(request, message)
    if request.htmx:
        piece = Piece.objects.prefetch_related("files").get(pk=piece.pk)
        card = card_context(piece, previous=batches.previous(piece), saved=form.is_valid())
        return render(request, "evidence/vault/_card.html", {"card": card})
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, {request.get_host()}, request.is_secure()):
        back = _piece_url(piece)
    return redirect(back)


# --- The dossier: what is being prepared, and the search ---------------------------------------


@login_required
@owned("dossier", dossier_for_user, needs=Need.VIEW)
@require_safe
def dossier_preparation(request: HttpRequest, dossier: Dossier) -> HttpResponse:
    """The dossier page's "being prepared" region, polled by htmx (204 while unchanged)."""
    if not request.htmx:
        return redirect("evidence:dossier_detail", dossier_id=dossier.pk)
    progress = batches.dossier_progress(dossier)
    if request.GET.get("shown") == progress.state:
        return HttpResponse(status=204)
    return render(
        request,
        "evidence/vault/_preparation.html",
        {"dossier": dossier, "progress": progress, "shown_now": True},
    )


@login_required
@owned("dossier", dossier_for_user, needs=Need.VIEW)
@require_safe
def dossier_search(request: HttpRequest, dossier: Dossier) -> HttpResponse:
    form = SearchForm(request.GET)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    context = {
        "dossier": dossier,
        "search_form": form,
        "query": query,
        "hits": search.search(dossier, query) if query else [],
    }
    if request.htmx:
        return render(request, "evidence/vault/_search_results.html", context)
    return render(request, "evidence/vault/search.html", context)


# --- Small helpers -------------------------------------------------------------------------------


def _limits() -> Limits:
    return Limits(
        max_file_bytes=settings.EVIDENCE_MAX_UPLOAD_BYTES,
        max_pixels=settings.EVIDENCE_MAX_PIXELS,
        max_files=settings.EVIDENCE_MAX_FILES_PER_BATCH,
        max_batch_bytes=settings.EVIDENCE_MAX_BATCH_BYTES,
        max_pending_pixels=settings.EVIDENCE_MAX_PENDING_PIXELS,
    )


def _largest_batch() -> int:
    return settings.EVIDENCE_MAX_BATCH_BYTES + settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1024 * 1024


def _piece_url(piece: Piece) -> str:
    return reverse("evidence:piece_detail", kwargs={"piece_id": piece.pk})
