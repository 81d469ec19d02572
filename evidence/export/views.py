"""Exporting the dossier: start an export (it runs in the background), follow its progress, and
download the PDF and the package. Views parse, call evidence.export.jobs, render.

The export's page works without JavaScript (a "Refresh" link); with htmx, its status region
asks the server every 2 seconds, gets 204 while nothing changed, and stops once the export is
finished (the region the server sends back then has no trigger). Downloads leave only through
these views, ownership-checked, never cached, and the package is streamed as it is decrypted.
"""

from __future__ import annotations

from collections.abc import Iterator

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import add_never_cache_headers
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_safe

from common.forms import ConfirmForm
from evidence.access import Need, dossier_for_user, export_for_user, owned
from evidence.complaint.forms import ExportForm
from evidence.complaint.letter import gaps
from evidence.export import jobs as exports
from evidence.export import tasks
from evidence.export.document.collect import letter
from evidence.models import Dossier, Export, ExportStatus
from evidence.sealing import sealed_files, signing


@login_required
@owned("dossier", dossier_for_user, needs=Need.EXPORT)
@require_http_methods(["GET", "POST"])
def export_start(request: HttpRequest, dossier: Dossier) -> HttpResponse:
    tasks.revive_dead_exports(dossier)  # a dead export must not block a new one
    form = ExportForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        token = form.cleaned_data["token"]
        export, created = exports.request_export(dossier, request.user, token)
        if created:
            tasks.enqueue(export.pk)
        elif export.token != token:
            messages.info(
                request, _("An export of this dossier was already under way: here it is.")
            )
        return redirect("evidence:export_detail", export_id=export.pk)
    return render(
        request,
        "evidence/export/start.html",
        {
            "dossier": dossier,
            "form": form,
            "gaps": gaps(letter(dossier)),
            "pieces": dossier.pieces.count(),
            "active": exports.active_export(dossier),
            "exports": dossier.exports.all(),
        },
    )


@login_required
@owned("export", export_for_user, needs=Need.EXPORT)
@require_safe
def export_detail(request: HttpRequest, export: Export) -> HttpResponse:
    if not export.is_finished:  # the page that polls is the first to notice a dead worker
        tasks.revive_dead_exports(export.dossier)
        export.refresh_from_db()
    state = f"{export.status}-{export.step}-{export.progress}-{export.attempts}"
    context = {
        "dossier": export.dossier,
        "export": export,
        "state": state,
        # A failed export's page starts the next one at once (a fresh one-time token).
        "retry_form": ExportForm() if export.status == ExportStatus.FAILED else None,
    }
    if request.htmx:
        if request.GET.get("shown") == state:
            return HttpResponse(status=204)  # nothing new: htmx keeps the region and polls on
        return render(request, "evidence/export/detail.html#status", context)
    return render(request, "evidence/export/detail.html", context)


@require_safe
def verify_help(request: HttpRequest) -> HttpResponse:
    """How a recipient checks a dossier, with this server's public keys."""
    keyring = signing.keyring()
    current = keyring.current_key_id
    return render(
        request,
        "evidence/export/verify_help.html",
        {
            "key_id": current,
            "public_key": signing.public_pem(keyring.public_key()),
            "older_keys": [
                (key_id, signing.public_pem(key))
                for key_id, key in sorted(keyring.public_keys().items())
                if key_id != current
            ],
        },
    )


@login_required
@owned("export", export_for_user, needs=Need.EXPORT)
@require_GET
def export_pdf(request: HttpRequest, export: Export) -> HttpResponse:
    _require_done(export)
    return _download(request, export, "pdf")


@login_required
@owned("export", export_for_user, needs=Need.EXPORT)
@require_GET
def export_zip(request: HttpRequest, export: Export) -> HttpResponse:
    _require_done(export)
    return _download(request, export, "package")


@login_required
@owned("export", export_for_user, needs=Need.OWNER)
@require_http_methods(["GET", "POST"])
def export_delete(request: HttpRequest, export: Export) -> HttpResponse:
    form = ConfirmForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        exports.delete_export(export, request.user)
        messages.success(
            request,
            _(
                "The export and its files were deleted from the vault. The custody log keeps "
                "their fingerprints."
            ),
        )
        return redirect("evidence:export_start", dossier_id=export.dossier_id)
    return render(
        request,
        "evidence/export/delete.html",
        {"form": form, "export": export, "dossier": export.dossier},
    )


def _download(request: HttpRequest, export: Export, what: str) -> HttpResponse:
    response = streamed(export, what)
    if response is None:
        return _altered(request, export)
    exports.record_download(export, request.user, what)
    return response


def streamed(export: Export, what: str) -> StreamingHttpResponse | None:
    """The export's PDF or package ("pdf", "package") as a download, decrypted segment by
    segment as it is sent: never whole in memory; None when it is altered or missing.

    Every segment is authenticated, and the whole checked against the fingerprint recorded
    when it was made, *before* the answer starts: an altered later segment would otherwise
    give a 200 cut short, or a file that is not the one the log vouches for. The caller
    records the download (the custody log) once it has the answer."""
    if what == "pdf":
        name, size, expected, content_type = (
            export.pdf_name, export.pdf_size, export.pdf_sha256, "application/pdf"
        )  # fmt: skip
    else:
        name, size, expected, content_type = (
            export.package_name, export.package_size, export.package_sha256, "application/zip"
        )  # fmt: skip
    try:
        intact = sealed_files.stream_sha256(name) == expected
    except (FileNotFoundError, sealed_files.DecryptionError):
        intact = False
    if not intact:
        return None
    chunks = sealed_files.read_stream(name)
    try:
        first = next(chunks)
    except (FileNotFoundError, sealed_files.DecryptionError, StopIteration):
        chunks.close()
        return None
    response = StreamingHttpResponse(_joined(first, chunks), content_type=content_type)
    response["Content-Length"] = str(size)
    add_never_cache_headers(response)
    response["X-Content-Type-Options"] = "nosniff"
    extension = "pdf" if what == "pdf" else "zip"
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=f"dossier-{export.dossier.reference}.{extension}"
    )
    return response


def _joined(first: bytes, rest: Iterator[bytes]) -> Iterator[bytes]:
    """The first chunk, then the others; closing it (the response does) closes the file."""
    try:
        yield first
        yield from rest
    finally:
        rest.close()


def _require_done(export: Export) -> None:
    if export.status != ExportStatus.DONE:
        raise Http404("this export has no files")


def _altered(request: HttpRequest, export: Export) -> HttpResponse:
    return render(
        request,
        "evidence/export/altered.html",
        {"dossier": export.dossier, "export": export},
        status=409,
    )
