"""The vault's pages: dossiers, pieces and their files. Views parse, call
evidence.vault.services, render.

Every object in a URL comes through evidence.access (`owned`): another user gets 404 whatever
the method, as if it did not exist. Files leave only through the views at the end, never by a
storage URL.
"""

from __future__ import annotations

from dataclasses import asdict

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.dateparse import parse_datetime
from django.utils.http import content_disposition_header
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import (
    require_GET,
    require_http_methods,
    require_POST,
    require_safe,
)

from common import languages
from common.forms import ConfirmForm
from evidence import drafts
from evidence.access import (
    Need,
    dossier_for_user,
    file_for_user,
    helped_dossiers,
    owned,
    piece_for_user,
)
from evidence.intake.uploads import bounded_uploads
from evidence.models import Dossier, EvidenceFile, Piece, Role, Source
from evidence.sealing import sealed_files
from evidence.sharing import activity
from evidence.vault import checks, plan_facts, suggestions, timeline
from evidence.vault import services as vault
from evidence.vault.custody import Action
from evidence.vault.forms import (
    CHOOSE_AGAIN,
    STORAGE_FULL,
    AddFilesForm,
    AddPieceForm,
    DossierForm,
    PieceDetailsForm,
)
from guidance.content import resources_by_id

PIECES_PER_PAGE = 25
# What a piece's card on the dossier page does not show: encrypted fields, left in the
# database rather than decrypted for nothing.
CARD_LEAVES_OUT = (
    "url", "author_displayed", "author_profile_url", "target", "description", "transcript",
    "context", "platform_reference", "pharos_reference", "reference_3018",
)  # fmt: skip
# Said when a form was sent again (its token, or Back then send): nothing was made twice.
ALREADY_CREATED = _("This dossier was already created: here it is. It was not created twice.")
ALREADY_ADDED = _("This piece was already in your dossier: here it is. It was not added twice.")
FILES_ALREADY_ADDED = _("These files were already in this piece: they were not added twice.")
_EXTENSIONS = {
    "image/png": "png",
    "image/jpeg": "jpg",
    "image/webp": "webp",
    "image/heif": "heic",
    "application/pdf": "pdf",
    # Exported conversations (evidence.intake.chat_import).
    "text/plain": "txt",
    "application/zip": "zip",
    "application/json": "json",
}


# --- Dossiers ----------------------------------------------------------------------------------


@login_required
@require_safe
def dossier_list(request: HttpRequest) -> HttpResponse:
    rows = [
        (dossier, vault.readiness(dossier.pieces.all())) for dossier in request.user.dossiers.all()
    ]
    return render(
        request,
        "evidence/vault/dossier_list.html",
        {"rows": rows, "helping": helped_dossiers(request.user)},
    )


@drafts.keeps_drafts
@login_required
@require_http_methods(["GET", "POST"])
def dossier_create(request: HttpRequest) -> HttpResponse:
    return _dossier_form(request, facts={})


@drafts.keeps_drafts
@login_required
@require_http_methods(["GET", "POST"])
def start_from_plan(request: HttpRequest) -> HttpResponse:
    """The plan's "start my dossier": the create form, filled from the questionnaire's facts.

    A POST without the form's fields (the plan's button) shows the filled form.
    """
    return _dossier_form(request, facts=plan_facts.from_session(request.session))


def _dossier_form(request: HttpRequest, facts: dict) -> HttpResponse:
    data = drafts.form_data(request)
    if data is not None and "title" in data:
        form = DossierForm(data)
        if request.method == "POST" and form.is_valid():
            fields = {name: form.cleaned_data[name] for name in DossierForm.Meta.fields}
            sent_at = timezone.now()
            dossier = vault.create_dossier(
                request.user, {**fields, "facts": facts}, token=form.cleaned_data["token"]
            )
            if dossier.created_at < sent_at:
                messages.info(request, ALREADY_CREATED)
            return redirect("evidence:dossier_detail", dossier_id=dossier.pk)
    else:
        form = DossierForm(initial=plan_facts.dossier_initial(facts, timezone.localdate()))
    return render(
        request,
        "evidence/vault/dossier_form.html",
        {"form": form, "facts": plan_facts.summary(facts, languages.current()), "creating": True},
    )


@login_required
@owned("dossier", dossier_for_user, needs=Need.VIEW)
@require_safe
def dossier_detail(request: HttpRequest, dossier: Dossier) -> HttpResponse:
    """The dossier: its last integrity check, how ready it is, and its pieces a page at a time,
    so that the page costs the same with 5 pieces or 200 (no blob is ever opened here)."""
    complete, total = vault.readiness(dossier.pieces.all())
    files = Prefetch("files", EvidenceFile.objects.defer("original_name", "ocr_text"))
    cards = dossier.pieces.defer(*CARD_LEAVES_OUT).prefetch_related(files)
    page = Paginator(cards, PIECES_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "evidence/vault/dossier_detail.html",
        {
            "dossier": dossier,
            "pieces": [(piece, piece.complete) for piece in page],
            "page": page,
            "complete": complete,
            "total": total,
            **_integrity(dossier),
            "facts": plan_facts.summary(dossier.facts, languages.current()),
            "exports": dossier.exports.all(),
        },
    )


@drafts.keeps_drafts
@login_required
@owned("dossier", dossier_for_user, needs=Need.OWNER)
@require_http_methods(["GET", "POST"])
def dossier_edit(request: HttpRequest, dossier: Dossier) -> HttpResponse:
    form = DossierForm(drafts.form_data(request), instance=dossier)
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in DossierForm.Meta.fields}
        vault.edit_dossier(dossier, request.user, fields)
        return redirect("evidence:dossier_detail", dossier_id=dossier.pk)
    return render(request, "evidence/vault/dossier_form.html", {"form": form, "dossier": dossier})


@login_required
@owned("dossier", dossier_for_user, needs=Need.OWNER)
@require_http_methods(["GET", "POST"])
def dossier_erase(request: HttpRequest, dossier: Dossier) -> HttpResponse:
    form = ConfirmForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        erasure = vault.erase_dossier(dossier)
        # What went, said once on the list of dossiers (escaped here, shown as it is there).
        summary = render_to_string("evidence/vault/_erased.html", {"erased": asdict(erasure)})
        messages.success(request, summary)
        return redirect("evidence:dossier_list")
    counts = {
        "pieces": dossier.pieces.count(),
        "files": EvidenceFile.objects.filter(piece__dossier=dossier).count(),
    }
    return render(
        request, "evidence/vault/dossier_erase.html", {"form": form, "dossier": dossier, **counts}
    )


@login_required
@owned("dossier", dossier_for_user, needs=Need.VIEW)
@require_safe
def dossier_timeline(request: HttpRequest, dossier: Dossier) -> HttpResponse:
    found = timeline.build(dossier.pieces.all())
    return render(
        request,
        "evidence/vault/timeline.html",
        {"dossier": dossier, "timeline": found, "chart": timeline.svg(found)},
    )


@login_required
@owned("dossier", dossier_for_user, needs=Need.OWNER)
@require_safe
def custody_log(request: HttpRequest, dossier: Dossier) -> HttpResponse:
    events = _event_rows(dossier.events.order_by("seq"))
    return render(
        request,
        "evidence/vault/custody_log.html",
        {
            "dossier": dossier,
            "events": events,
            "head_hash": events[-1]["hash"] if events else "",
            **_integrity(dossier),
        },
    )


@login_required
@owned("dossier", dossier_for_user, needs=Need.VIEW)
@require_POST
def dossier_check(request: HttpRequest, dossier: Dossier) -> HttpResponse:
    """Ask the worker to check the dossier now (every file decrypted and hashed)."""
    checks.request(dossier)
    messages.info(request, _("The check of your dossier was asked for: its result shows here."))
    return redirect("evidence:dossier_detail", dossier_id=dossier.pk)


def _integrity(dossier: Dossier) -> dict:
    """The last check's result, as the worker left it: the page reads rows, never blobs."""
    check = checks.latest(dossier)
    return {
        "check": check,
        "check_is_current": checks.is_current(check, dossier),
        "check_problems": check.problems.get(languages.current(), []),
    }


# --- Pieces ------------------------------------------------------------------------------------


@drafts.keeps_drafts
@login_required
@owned("dossier", dossier_for_user, needs=Need.ADD)
@require_http_methods(["GET", "POST"])
@bounded_uploads
def piece_add(request: HttpRequest, dossier: Dossier) -> HttpResponse:
    data = drafts.form_data(request)
    if data is not None:
        form = AddPieceForm(data, request.FILES)
        if request.method == "POST" and form.is_valid():
            # The answer about sexual content is read before any file: a withheld file is
            # never read, and Django drops it from memory at the end of the request.
            uploads = [] if form.files_withheld else _read(form.cleaned_data["files"])
            fields = {
                **form.details(),
                "kind": form.cleaned_data["kind"],
                "sensitivity": form.cleaned_data["sensitivity"],
                "intimate_consent": form.cleaned_data["intimate_consent"],
            }
            sent_at = timezone.now()
            try:
                piece = vault.add_piece(
                    dossier, request.user, fields, uploads, token=form.cleaned_data["token"]
                )
            except vault.FileRefused as refusal:
                form.add_error("files", f"{refusal.file_name}: {refusal.message} {CHOOSE_AGAIN}")
            except vault.StorageUnavailable:
                form.add_error("files", STORAGE_FULL)
            else:
                if piece.received_at < sent_at:
                    messages.info(request, ALREADY_ADDED)
                return redirect("evidence:piece_detail", piece_id=piece.pk)
    else:
        form = AddPieceForm(
            initial={
                "added_by_role": request.dossier_access.role,
                "platform": plan_facts.initial_platform(dossier.facts),
            }
        )
    return render(request, "evidence/vault/piece_add.html", {"form": form, "dossier": dossier})


@login_required
@owned("piece", piece_for_user, needs=Need.EDIT)
@require_http_methods(["GET", "POST"])
@bounded_uploads
def piece_add_files(request: HttpRequest, piece: Piece) -> HttpResponse:
    form = AddFilesForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        if form.files_withheld:  # never read, never stored: the page says why
            return redirect(f"{_piece_url(piece)}?withheld={form.cleaned_data['sensitivity']}")
        try:
            added = vault.add_files(
                piece,
                request.user,
                _read(form.cleaned_data["files"]),
                form.cleaned_data["sensitivity"],
                token=form.cleaned_data["token"],
            )
        except vault.FileRefused as refusal:
            form.add_error("files", f"{refusal.file_name}: {refusal.message} {CHOOSE_AGAIN}")
        except vault.StorageUnavailable:
            form.add_error("files", STORAGE_FULL)
        else:
            if not added:
                messages.info(request, FILES_ALREADY_ADDED)
            return redirect("evidence:piece_detail", piece_id=piece.pk)
    return render(request, "evidence/vault/piece_add_files.html", {"form": form, "piece": piece})


@login_required
@owned("piece", piece_for_user, needs=Need.VIEW)
@require_safe
def piece_detail(request: HttpRequest, piece: Piece) -> HttpResponse:
    files = list(piece.files.all())
    logged = list(piece.dossier.events.order_by("seq"))
    events = [event for event in _event_rows(logged) if event["piece"] == piece.number]
    return render(
        request,
        "evidence/vault/piece_detail.html",
        {
            "piece": piece,
            "dossier": piece.dossier,
            "files": files,
            "checklist": vault.checklist(piece),
            "complete": vault.is_complete(piece),
            "reveal": request.GET.get("reveal") == "1",
            "withheld_reason": _withheld_reason(piece, request.GET.get("withheld")),
            "safety_resources": resources_by_id(vault.WITHHELD_HELP, languages.current()),
            "sources": _sources(piece),
            "events": events,
            "added": activity.adder(logged, piece.number),
        },
    )


@drafts.keeps_drafts
@login_required
@owned("piece", piece_for_user, needs=Need.EDIT)
@require_http_methods(["GET", "POST"])
def piece_edit(request: HttpRequest, piece: Piece) -> HttpResponse:
    data = drafts.form_data(request)
    # "Copy it into the transcript": the text read in the image, to correct before saving.
    asked = data is None and request.GET.get("texte") == "image"
    read = suggestions.read_text(piece) if asked else ""
    from_image = bool(read)
    form = PieceDetailsForm(data, instance=piece, initial={"transcript": read} if read else None)
    if request.method == "POST" and form.is_valid():
        vault.edit_piece(piece, request.user, form.details())
        return redirect("evidence:piece_detail", piece_id=piece.pk)
    return render(
        request,
        "evidence/vault/piece_edit.html",
        {"form": form, "piece": piece, "dossier": piece.dossier, "from_image": from_image},
    )


@login_required
@owned("piece", piece_for_user, needs=Need.DELETE)
@require_http_methods(["GET", "POST"])
def piece_delete(request: HttpRequest, piece: Piece) -> HttpResponse:
    form = ConfirmForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        dossier = piece.dossier
        vault.delete_piece(piece, request.user)
        return redirect("evidence:dossier_detail", dossier_id=dossier.pk)
    return render(
        request,
        "evidence/vault/piece_delete.html",
        {"form": form, "piece": piece, "dossier": piece.dossier, "files": piece.files.count()},
    )


# --- Files -------------------------------------------------------------------------------------


@login_required
@owned("file", file_for_user, needs=Need.VIEW)
@require_GET
def file_original(request: HttpRequest, file: EvidenceFile) -> HttpResponse:
    """The sealed original, byte for byte, as a download; the download is logged."""
    data = _opened(file.storage_name)
    if data is None:
        return _altered(request, file)
    vault.record_export(file, request.user)
    extension = _EXTENSIONS.get(file.mime_type, "bin")
    name = f"piece-{file.piece.number:03d}-{file.position}.{extension}"
    return _private_file(data, file.mime_type, attachment=name)


@login_required
@owned("file", file_for_user, needs=Need.VIEW)
@require_safe
def file_display(request: HttpRequest, file: EvidenceFile) -> HttpResponse:
    return _derivative(request, file, file.display_name)


@login_required
@owned("file", file_for_user, needs=Need.VIEW)
@require_safe
def file_thumbnail(request: HttpRequest, file: EvidenceFile) -> HttpResponse:
    return _derivative(request, file, file.thumbnail_name)


def _derivative(request: HttpRequest, file: EvidenceFile, name: str) -> HttpResponse:
    if not name:
        raise Http404("no derivative for this file")
    data = _opened(name)
    if data is None:
        return _altered(request, file)
    return _private_file(data, "image/jpeg")


def _opened(name: str) -> bytes | None:
    try:
        return sealed_files.read(name)
    except (FileNotFoundError, sealed_files.DecryptionError):
        return None


def _altered(request: HttpRequest, file: EvidenceFile) -> HttpResponse:
    return render(request, "evidence/vault/file_altered.html", {"piece": file.piece}, status=409)


def _private_file(data: bytes, content_type: str, *, attachment: str = "") -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    add_never_cache_headers(response)  # no-store, private
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=bool(attachment), filename=attachment or "image.jpg"
    )
    return response


# --- Small helpers -----------------------------------------------------------------------------


def _read(files) -> list[vault.Upload]:
    return [vault.Upload(name=upload.name or "", data=upload.read()) for upload in files]


def _withheld_reason(piece: Piece, just_now: str | None) -> str:
    """Why files were not kept: the piece's own answer, or the one just given for more files."""
    if piece.files_withheld:
        return piece.sensitivity
    return just_now if just_now in vault.WITHHELD_SENSITIVITIES else ""


def _piece_url(piece: Piece) -> str:
    return reverse("evidence:piece_detail", kwargs={"piece_id": piece.pk})


PIECE_LABELS = {**PieceDetailsForm.Meta.labels, "kind": _("What it is")}
DOSSIER_LABELS = {**DossierForm.Meta.labels, "facts": _("From your plan")}


def _event_rows(events) -> list[dict]:
    """Custody events in words. Payloads are read defensively: a tampered one still shows."""
    rows = []
    for event in events:
        payload = event.payload if isinstance(event.payload, dict) else {}
        by = payload.get("by") if isinstance(payload.get("by"), dict) else {}
        changes = payload.get("changes") if isinstance(payload.get("changes"), dict) else {}
        files = payload.get("files") if isinstance(payload.get("files"), list) else []
        labels = PIECE_LABELS if payload.get("piece") else DOSSIER_LABELS
        rows.append(
            {
                "seq": event.seq,
                "action": _ACTION_LABELS.get(payload.get("action"), payload.get("action", "?")),
                "at": parse_datetime(str(payload.get("at", ""))),
                "by": by.get("user", ""),
                "role": _ROLE_LABELS.get(by.get("role"), ""),
                "helper": by.get("helper") is True,
                "share": by.get("share", ""),
                "piece": payload.get("piece"),
                # The log seals a piece's values as commitments (evidence/vault/custody.py):
                # what changed is shown, never a value, which the pages of the piece show.
                "changes": [labels[name] for name in changes if name in labels],
                "files": [file for file in files if isinstance(file, dict)],
                "exported": _exported_hashes(payload),
                "hash": event.hash,
            }
        )
    return rows


def _exported_hashes(payload: dict) -> list[tuple[str, str]]:
    """(what, SHA-256) of an exported PDF or archive named in the event."""
    labels = {"pdf": _("PDF"), "package": _("Archive (ZIP)")}
    found = [
        (labels[key], payload[key]["sha256"])
        for key in labels
        if isinstance(payload.get(key), dict) and isinstance(payload[key].get("sha256"), str)
    ]
    if payload.get("what") in labels and isinstance(payload.get("sha256"), str):
        found.append((labels[payload["what"]], payload["sha256"]))
    return found


_ACTION_LABELS = dict(Action.choices)
_ROLE_LABELS = dict(Role.choices)


def _sources(piece: Piece) -> dict[str, str]:
    """Where each value came from, by field name, for the small labels beside them."""
    labels = dict(Source.choices)
    return {name: labels.get(source, source) for name, source in piece.provenance.items()}
