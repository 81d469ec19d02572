"""Images are decoded by the task worker, not by the web request: the request inspects the
file and seals its original; the worker makes the display copy and the thumbnail and seals
their fingerprints in the custody log. One account cannot fill the worker, nor hold every web
worker with uploads."""

import pytest
from django.core.cache import cache
from django.urls import reverse
from PIL import ImageFile

from evidence.intake import images
from evidence.models import CustodyEvent, Derivatives, EvidenceFile, Piece
from evidence.vault import derivatives, verification
from tests.evidence.factories import add_url, form_data, stored_files
from tests.evidence.intake import corpus

pytestmark = pytest.mark.django_db


@pytest.fixture
def queue_only(settings):
    """A task queue that keeps the tasks (the worker is elsewhere)."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


def never_decode(monkeypatch):
    def refuse(self, *args, **kwargs):
        raise AssertionError("the pixels were decoded")

    monkeypatch.setattr(ImageFile.ImageFile, "load", refuse)


def upload(client, dossier, data: bytes, name="capture.png", **fields):
    from django.core.files.uploadedfile import SimpleUploadedFile

    attached = SimpleUploadedFile(name, data, content_type="image/png")
    return client.post(add_url(dossier), {**form_data(**fields), "files": [attached]})


def test_inspecting_an_image_never_decodes_its_pixels(monkeypatch):
    never_decode(monkeypatch)
    inspected = images.inspect_image(
        corpus.blank_png(6300, 6300), max_bytes=20_000_000, max_pixels=40_000_000
    )
    assert (inspected.width, inspected.height) == (6300, 6300)


def test_the_request_seals_the_original_and_leaves_the_pixels_to_the_worker(
    owner_client, dossier, queue_only, monkeypatch
):
    never_decode(monkeypatch)  # a 154 KB PNG of 6300×6300: 1.4 s and 492 MB when decoded
    response = upload(owner_client, dossier, corpus.blank_png(6300, 6300))
    assert response.status_code == 302
    file = EvidenceFile.objects.get()
    assert file.derivatives == Derivatives.PENDING and file.display_name == ""
    assert len(stored_files()) == 1  # the original, sealed
    page = owner_client.get(response["Location"]).text
    assert "L’aperçu est en préparation" in page


def test_the_worker_makes_and_seals_the_derivatives(owner_client, dossier, queue_only):
    upload(owner_client, dossier, corpus.small_png())
    file = EvidenceFile.objects.get()
    assert derivatives.make_for(file.pk) == "ready"
    file.refresh_from_db()
    assert file.derivatives == Derivatives.READY and file.display_sha256
    made = CustodyEvent.objects.order_by("-seq").first().payload
    assert made["action"] == "derivatives_made"
    assert made["files"] == [
        {
            "position": 1,
            "display_sha256": file.display_sha256,
            "thumbnail_sha256": file.thumbnail_sha256,
        }
    ]
    assert verification.verify(dossier).ok
    thumbnail = owner_client.get(reverse("evidence:file_thumbnail", args=[file.pk]))
    assert thumbnail.status_code == 200 and thumbnail["Content-Type"] == "image/jpeg"
    assert derivatives.make_for(file.pk) == "skipped"  # twice: nothing more


def test_an_image_whose_pixels_do_not_decode_keeps_its_original_and_says_so(
    owner_client, dossier, queue_only
):
    upload(owner_client, dossier, corpus.truncated_jpeg(), name="capture.jpg")
    file = EvidenceFile.objects.get()  # a truncated JPEG passes inspection…
    assert derivatives.make_for(file.pk) == "failed"  # …not decoding
    file.refresh_from_db()
    assert file.derivatives == Derivatives.FAILED
    page = owner_client.get(reverse("evidence:piece_detail", args=[file.piece_id])).text
    assert "Cette image n’a pas pu être lue" in page
    assert verification.verify(dossier).ok  # its original is still the evidence, intact


def test_a_piece_deleted_before_the_worker_comes_leaves_nothing(
    owner_client, dossier, queue_only, django_capture_on_commit_callbacks
):
    from evidence.vault import services as vault

    upload(owner_client, dossier, corpus.small_png())
    file = EvidenceFile.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        vault.delete_piece(Piece.objects.get(), dossier.owner)
    assert derivatives.make_for(file.pk) == "skipped"
    assert stored_files() == []


def test_the_export_makes_what_is_still_pending_before_it_draws_the_pdf(
    owner_client, dossier, queue_only
):
    import uuid

    from evidence.export import jobs
    from evidence.models import ExportStatus

    upload(owner_client, dossier, corpus.small_png())
    export, _new = jobs.request_export(dossier, dossier.owner, uuid.uuid4())
    assert jobs.run_export(export.pk).status == ExportStatus.DONE
    assert EvidenceFile.objects.get().derivatives == Derivatives.READY


def test_an_account_cannot_fill_the_workers_queue(owner_client, dossier, queue_only, settings):
    settings.EVIDENCE_MAX_PENDING_PIXELS = 1_000_000
    assert upload(owner_client, dossier, corpus.blank_png(800, 800)).status_code == 302
    response = upload(
        owner_client, dossier, corpus.blank_png(800, 800), description="Le deuxième message"
    )
    assert response.status_code == 200
    assert "Vos images précédentes sont encore en préparation" in response.text
    assert "Le deuxième message" in response.text  # what was typed is kept
    assert Piece.objects.count() == 1 and len(stored_files()) == 1
    derivatives.make_pending(dossier)  # the worker catches up: the same upload goes through
    assert upload(owner_client, dossier, corpus.blank_png(800, 800)).status_code == 302


def test_an_account_cannot_hold_every_web_worker_with_uploads(owner, owner_client, dossier):
    cache.set(f"uploads-in-flight:{owner.pk}", 2, timeout=60)  # two uploads under way
    response = upload(owner_client, dossier, corpus.small_png(), description="Menace du soir")
    assert response.status_code == 200
    assert "Des fichiers sont déjà en cours d’envoi depuis votre compte" in response.text
    assert "Menace du soir" in response.text
    assert Piece.objects.count() == 0 and stored_files() == []
    cache.set(f"uploads-in-flight:{owner.pk}", 0, timeout=60)
    assert upload(owner_client, dossier, corpus.small_png()).status_code == 302
