"""Files leave the vault only through views that check ownership: originals as attachments
with our own content type, derivatives inline as JPEG, never cached, never sniffed."""

import pytest
from django.urls import reverse

from tests.evidence.factories import add_image_piece
from tests.evidence.intake import corpus

pytestmark = pytest.mark.django_db


@pytest.fixture
def file(dossier):
    return add_image_piece(dossier, data=corpus.png_with_html_appended(), name="x.html").files.get()


def test_the_original_is_an_attachment_with_our_sniffed_type(owner_client, file):
    response = owner_client.get(reverse("evidence:file_original", args=[file.pk]))
    assert response.content == corpus.png_with_html_appended()
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"] == 'attachment; filename="piece-001-1.png"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]


def test_downloading_an_original_is_logged(owner_client, file):
    owner_client.get(reverse("evidence:file_original", args=[file.pk]))
    event = file.piece.dossier.events.order_by("-seq").first()
    assert event.payload["action"] == "exported"
    assert event.payload["file"]["sha256"] == file.sha256


@pytest.mark.parametrize("view", ["file_display", "file_thumbnail"])
def test_derivatives_are_inline_jpegs(view, owner_client, file):
    response = owner_client.get(reverse(f"evidence:{view}", args=[file.pk]))
    assert response["Content-Type"] == "image/jpeg"
    assert response["Content-Disposition"].startswith("inline")
    assert response.content.startswith(b"\xff\xd8")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]


def test_a_pdf_has_no_derivative(owner_client, dossier):
    from evidence.vault import services as vault
    from tests.evidence.factories import piece_fields

    piece = vault.add_piece(
        dossier, dossier.owner, piece_fields(kind="pdf"), [vault.Upload("a.pdf", corpus.pdf())]
    )
    file = piece.files.get()
    assert owner_client.get(reverse("evidence:file_display", args=[file.pk])).status_code == 404
    original = owner_client.get(reverse("evidence:file_original", args=[file.pk]))
    assert original["Content-Type"] == "application/pdf"
