"""The dossier as HTML and as a PDF, fetching only this dossier's display images and our own
stylesheet (common.pdf.RestrictedFetcher)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import BinaryIO

from django.template.loader import render_to_string
from django.utils import translation

from common.pdf import Loader, RestrictedFetcher, render_pdf, resource_url, static_stylesheet
from evidence.complaint import qualification
from evidence.complaint.letter import compose_letter, filed_by, on_behalf_of, recipient, title
from evidence.export.document.data import DossierExport, ExportFile, ExportPiece, RemovedPiece

STYLESHEET = "css/dossier-pdf.css"
KIND_LABELS = {
    "screenshot": "capture d'écran ou photo",
    "document": "document PDF",
    "link": "lien",
    "message": "texte d'un message",
    "conversation": "export d'une conversation (messagerie)",
}


def archive_path(piece: ExportPiece, index: int, file: ExportFile) -> str:
    """Where an original lies in the package: named by its piece number, never by the user."""
    extension = file.original_name.rsplit(".", 1)[-1].lower() if "." in file.original_name else ""
    suffix = f".{extension}" if extension.isalnum() and len(extension) <= 5 else ""
    return f"pieces/piece-{piece.number:03d}-{index}{suffix}"


def image_url(reference: str, piece: ExportPiece, index: int) -> str:
    return resource_url(f"dossier/{reference}/piece/{piece.number}/{index}")


@dataclass
class _PieceView:
    piece: ExportPiece
    files: list[dict]

    def __getattr__(self, name):
        return getattr(self.piece, name)

    @property
    def kind_label(self) -> str:
        return KIND_LABELS.get(self.piece.kind, self.piece.kind)


def _bordereau(dossier: DossierExport) -> list[tuple[ExportPiece | None, RemovedPiece | None]]:
    """Every number handed out, in order: (the piece, None), or (None, the removed piece) that
    explains a gap in the numbering."""
    rows: dict[int, tuple[ExportPiece | None, RemovedPiece | None]] = {
        piece.number: (piece, None) for piece in dossier.pieces
    }
    rows.update({removed.number: (None, removed) for removed in dossier.removed_pieces})
    return [rows[number] for number in sorted(rows)]


def dossier_html(dossier: DossierExport) -> tuple[str, dict[str, Loader]]:
    """The HTML of the dossier and the allow-list of the resources it may fetch."""
    stylesheet_url, stylesheet = static_stylesheet(STYLESHEET)
    resources: dict[str, Loader] = {stylesheet_url: stylesheet}
    pieces, integrity_rows = [], []
    for piece in dossier.pieces:
        files = []
        for index, file in enumerate(piece.files, start=1):
            url = None
            if file.display is not None:
                url = image_url(dossier.reference, piece, index)
                resources[url] = _jpeg(file.display)
            files.append({**file.__dict__, "url": url})
            integrity_rows.append(
                {
                    "number": piece.number,
                    "path": archive_path(piece, index, file),
                    "received_at": piece.received_at,
                    "sha256": file.sha256,
                }
            )
        pieces.append(_PieceView(piece, files))
    context = {
        "dossier": dossier,
        "title": title(dossier),
        "filed_by": filed_by(dossier.complaint),
        "on_behalf_of": on_behalf_of(dossier.complaint),
        "recipient": recipient(dossier.complaint),
        "period": dossier.period,
        "chronology": dossier.chronology(),
        "letter_paragraphs": compose_letter(dossier).split("\n\n"),
        "offences": [
            (offence, qualification.confirmed_condition(offence))
            for offence in qualification.cited(dossier)
        ],
        "bordereau": _bordereau(dossier),
        "pieces": pieces,
        "integrity_rows": integrity_rows,
        "stylesheet_url": stylesheet_url,
    }
    with translation.override("fr"):
        return render_to_string("evidence/export/dossier_pdf.html", context), resources


def _jpeg(load) -> Loader:
    return lambda: (load(), "image/jpeg")


def render_dossier_pdf(dossier: DossierExport) -> tuple[bytes, RestrictedFetcher]:
    html, resources = dossier_html(dossier)
    fetcher = RestrictedFetcher(resources)
    return render_pdf(html, fetcher), fetcher


def write_dossier_pdf(
    dossier: DossierExport, target: BinaryIO, *, image_folder: str | None = None
) -> RestrictedFetcher:
    """The same PDF, written into a file: the export's way, so that neither the PDF nor (with
    `image_folder`, a private temporary folder) its images sit in memory beside the layout of
    hundreds of pages."""
    html, resources = dossier_html(dossier)
    fetcher = RestrictedFetcher(resources)
    render_pdf(html, fetcher, target=target, image_folder=image_folder)
    return fetcher
