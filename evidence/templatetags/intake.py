"""The sections intake at scale adds to the vault's shared pages, each computed here so that
those pages' views stay as they are: what is still being prepared and the search (the dossier
page), the text read in the images and what it suggests (the piece page)."""

from django import template
from django.urls import reverse

from evidence.models import ChatImport, Dossier, Piece, TextReading
from evidence.vault import batches, suggestions

register = template.Library()


@register.inclusion_tag("evidence/vault/_preparation.html")
def preparation(dossier: Dossier) -> dict:
    return {"dossier": dossier, "progress": batches.dossier_progress(dossier)}


@register.inclusion_tag("evidence/vault/_search_form.html")
def search_box(dossier: Dossier) -> dict:
    return {"dossier": dossier, "query": ""}


@register.inclusion_tag("evidence/vault/_read_text.html", takes_context=True)
def read_text(context: template.Context, piece: Piece) -> dict:
    files = [file for file in piece.files.all() if file.ocr != TextReading.NONE]
    return {
        "csrf_token": context.get("csrf_token"),
        "piece": piece,
        "files": files,
        "any_text": any(file.ocr == TextReading.DONE and file.ocr_text for file in files),
        "offers": suggestions.for_piece(piece, files),
        "back": reverse("evidence:piece_detail", kwargs={"piece_id": piece.pk}) + "#read-text",
    }


@register.inclusion_tag("evidence/vault/_conversation_link.html")
def conversation_of(piece: Piece) -> dict:
    """On an exported conversation's piece: the way back to its messages."""
    chat = ChatImport.objects.filter(piece=piece).only("pk").first()
    return {"chat": chat}
