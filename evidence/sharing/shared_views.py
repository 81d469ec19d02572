"""A read-only share, as its recipient sees it: no account, a link and an access code.

The link's token finds the share; an unknown, revoked or expired one gets the same 404 page.
The right code opens it for the browser's session (evidence/sharing/shares.py); wrong codes
are throttled like passwords. Every answer says `X-Robots-Tag: noindex, nofollow` (the pages
say it in a robots meta too); nothing links out: the evidence's own URLs are shown as text.
The recipient sees what the share shows and nothing else: never the complaint's form, the
plan, the people or the custody log (the package holds the log for whoever checks it).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import add_never_cache_headers
from django.utils.http import content_disposition_header
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods, require_safe

from evidence.export.views import streamed
from evidence.models import EvidenceFile, Piece, Share, ShareContent
from evidence.sealing import sealed_files
from evidence.sharing import shares, throttling
from evidence.sharing.forms import CodeForm
from evidence.vault.custody import Action

NOT_INDEXED = "noindex, nofollow"
CODE_WRONG = _("This is not the access code of this share. Check it with whoever gave it to you.")
PIECES_PER_PAGE = 25
_EXTENSIONS = {
    "image/png": "png",
    "image/jpeg": "jpg",
    "image/webp": "webp",
    "image/heif": "heic",
    "application/pdf": "pdf",
}


def _gone(request: HttpRequest) -> HttpResponse:
    return render(request, "evidence/sharing/shared_gone.html", status=404)


def through_share(*, unlocked: bool = True) -> Callable:
    """The view gets the active share of the URL's token (404 page otherwise); with
    `unlocked`, only once its code was given in this session (else back to the code)."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(request: HttpRequest, token: str, **kwargs) -> HttpResponse:
            share = shares.by_token(token)
            if share is None:
                response = _gone(request)
            elif unlocked and not shares.is_unlocked(request.session, share):
                response = redirect("evidence:shared", token=token)
            else:
                try:
                    response = view(request, share, **kwargs)
                except Http404:
                    response = _gone(request)
            response["X-Robots-Tag"] = NOT_INDEXED
            return response

        return wrapper

    return decorator


@require_http_methods(["GET", "POST"])
@through_share(unlocked=False)
def shared(request: HttpRequest, share: Share) -> HttpResponse:
    if not shares.is_unlocked(request.session, share):
        return _code_page(request, share)
    export = shares.last_export(share)
    context = {"share": share, "export": export, "dossier_reference": share.dossier.reference}
    if share.shows == ShareContent.PIECES:
        pieces = share.dossier.pieces.prefetch_related("files")
        context["page"] = Paginator(pieces, PIECES_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "evidence/sharing/shared.html", context)


def _code_page(request: HttpRequest, share: Share) -> HttpResponse:
    form = CodeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        throttle, pair = throttling.for_share_code(request, share.pk)
        wait = throttle.wait()
        if wait is not None:
            return render(
                request,
                "evidence/sharing/too_many_codes.html",
                {"minutes": throttling.minutes(wait), "shared": True},
                status=429,
            )
        if shares.code_is_right(share, form.cleaned_data["code"]):
            throttle.forget(pair)
            shares.unlock(request.session, share)
            return redirect(request.path)
        throttle.failed()
        form.add_error("code", CODE_WRONG)
    return render(request, "evidence/sharing/shared_code.html", {"form": form, "share": share})


# --- Files and exports ---------------------------------------------------------------------------


def _file_of(share: Share, file_id) -> EvidenceFile:
    if share.shows != ShareContent.PIECES:
        raise Http404("this share shows no piece")
    found = EvidenceFile.objects.select_related("piece").filter(
        pk=file_id, piece__dossier_id=share.dossier_id
    )
    file = found.first()
    if file is None:
        raise Http404("no such file in this share")
    return file


@require_safe
@through_share()
def shared_thumbnail(request: HttpRequest, share: Share, file_id) -> HttpResponse:
    file = _file_of(share, file_id)
    return _image(file, file.thumbnail_name)


@require_safe
@through_share()
def shared_display(request: HttpRequest, share: Share, file_id) -> HttpResponse:
    file = _file_of(share, file_id)
    return _image(file, file.display_name)


def _image(file: EvidenceFile, name: str) -> HttpResponse:
    if not name or file.piece.is_intimate:  # never shown inline here, as in the PDF
        raise Http404("no image to show")
    data = _opened(name)
    if data is None:
        raise Http404("altered")
    return _private(data, "image/jpeg", "")


@require_GET
@through_share()
def shared_original(request: HttpRequest, share: Share, file_id) -> HttpResponse:
    file = _file_of(share, file_id)
    data = _opened(file.storage_name)
    if data is None:
        return render(request, "evidence/sharing/shared_altered.html", status=409)
    piece: Piece = file.piece
    shares.record(
        share,
        Action.SHARE_DOWNLOADED,
        what="original",
        piece=piece.number,
        file={"position": file.position, "sha256": file.sha256},
    )
    extension = _EXTENSIONS.get(file.mime_type, "bin")
    name = f"piece-{piece.number:03d}-{file.position}.{extension}"
    return _private(data, file.mime_type, name)


@require_GET
@through_share()
def shared_pdf(request: HttpRequest, share: Share) -> HttpResponse:
    if share.shows != ShareContent.EXPORT:
        raise Http404("this share does not show the PDF")
    return _export_download(request, share, "pdf")


@require_GET
@through_share()
def shared_zip(request: HttpRequest, share: Share) -> HttpResponse:
    if share.shows not in (ShareContent.EXPORT, ShareContent.PACKAGE):
        raise Http404("this share does not show the archive")
    return _export_download(request, share, "package")


def _export_download(request: HttpRequest, share: Share, what: str) -> HttpResponse:
    export = shares.last_export(share)
    if export is None:
        raise Http404("no export yet")
    response = streamed(export, what)
    if response is None:
        return render(request, "evidence/sharing/shared_altered.html", status=409)
    shares.record(
        share,
        Action.SHARE_DOWNLOADED,
        what=what,
        export=str(export.pk),
        sha256=export.pdf_sha256 if what == "pdf" else export.package_sha256,
    )
    return response


def _opened(name: str) -> bytes | None:
    try:
        return sealed_files.read(name)
    except (FileNotFoundError, sealed_files.DecryptionError):
        return None


def _private(data: bytes, content_type: str, attachment: str) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    add_never_cache_headers(response)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=bool(attachment), filename=attachment or "image.jpg"
    )
    return response
