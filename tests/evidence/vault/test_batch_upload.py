"""Many screenshots at once: the sensitivity question asked once, before any file; then every
file sealed as it arrives, one piece each (or one for all), each with its custody event. Refused
files are named and leave nothing behind; the same files sent again are not added twice; the
request never holds every file at once."""

from __future__ import annotations

import re
import tracemalloc
import uuid
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http.multipartparser import MultiPartParser
from django.test import Client
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart
from django.urls import reverse
from PIL import Image, ImageDraw

from evidence.intake.batch_uploads import Limits, SealingUploadHandler
from evidence.models import Batch, CustodyEvent, Derivatives, EvidenceFile, Kind, Piece
from evidence.sealing import sealed_files
from evidence.vault import verification
from tests.evidence.factories import stored_files
from tests.evidence.intake import corpus

pytestmark = pytest.mark.django_db


@pytest.fixture
def no_worker(settings):
    """The worker's tasks are queued, not run: what the request alone does."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


def screenshot(number: int, size: tuple[int, int] = (120, 240)) -> bytes:
    """A small screenshot of its own (its number drawn on it): each has its own fingerprint."""
    image = Image.new("RGB", size, (239, 234, 226))
    ImageDraw.Draw(image).text((10, 10), f"capture {number}", fill="black")
    buffer = BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def start(client, dossier, *, sensitivity="no", together="separate", consent=False) -> Batch:
    data = {"token": str(uuid.uuid4()), "sensitivity": sensitivity, "together": together}
    if consent:
        data["intimate_consent"] = "on"
    response = client.post(reverse("evidence:batch_start", args=[dossier.pk]), data)
    assert response.status_code == 302, response.content
    return Batch.objects.get(token=data["token"])


def send(client, batch, *files: tuple[str, bytes], token: str | None = None):
    attached = [SimpleUploadedFile(name, data, content_type="image/png") for name, data in files]
    return client.post(
        reverse("evidence:batch_files", args=[batch.pk]),
        {"token": token or str(uuid.uuid4()), "files": attached},
    )


def twelve() -> list[tuple[str, bytes]]:
    return [
        (f"Screenshot_20261124-1813{number:02d}.png", screenshot(number)) for number in range(12)
    ]


# --- The question, asked first ---------------------------------------------------------------


def test_the_first_step_asks_the_question_and_has_no_file_input(owner_client, dossier):
    page = owner_client.get(reverse("evidence:batch_start", args=[dossier.pk])).text
    assert 'name="sensitivity"' in page
    assert 'type="file"' not in page


def test_the_answer_leads_to_the_file_step(owner_client, dossier):
    batch = start(owner_client, dossier)
    page = owner_client.get(reverse("evidence:batch_files", args=[batch.pk])).text
    assert 'type="file"' in page and "multiple" in page


def test_the_same_answer_sent_twice_makes_one_batch(owner_client, dossier):
    data = {"token": str(uuid.uuid4()), "sensitivity": "no", "together": "separate"}
    url = reverse("evidence:batch_start", args=[dossier.pk])
    first = owner_client.post(url, data)
    second = owner_client.post(url, data)
    assert first["Location"] == second["Location"]
    assert Batch.objects.count() == 1


def test_an_intimate_answer_needs_the_consent_and_keeps_the_answer(owner_client, dossier):
    url = reverse("evidence:batch_start", args=[dossier.pk])
    response = owner_client.post(
        url, {"token": str(uuid.uuid4()), "sensitivity": "adult", "together": "together"}
    )
    assert response.status_code == 200
    assert "Cochez cette case pour garder ces images intimes" in response.text
    assert re.search(r'value="adult"[^>]*checked', response.text)  # the answer is kept
    assert Batch.objects.count() == 0


@pytest.mark.parametrize("answer", ["minor", "unsure"])
def test_for_a_minor_or_in_doubt_no_file_is_asked_nor_read(owner_client, dossier, answer):
    batch = start(owner_client, dossier, sensitivity=answer)
    page = owner_client.get(reverse("evidence:batch_files", args=[batch.pk])).text
    assert 'type="file"' not in page
    assert "Nous ne gardons aucun fichier" in page
    response = send(owner_client, batch, *twelve()[:3])  # sent anyway: dropped unread
    assert response.status_code == 200
    assert stored_files() == []
    assert Piece.objects.count() == 0 and EvidenceFile.objects.count() == 0


@pytest.mark.parametrize("answer", ["minor", "unsure"])
def test_no_page_of_a_batch_tells_the_person_shown_they_break_the_law(
    owner_client, dossier, answer
):
    """What a teenager reads about images of themselves (as on the add-piece page)."""
    from tests.evidence.intake.test_sexual_images import TELLS_THEM_THEY_BREAK_THE_LAW

    question = owner_client.get(reverse("evidence:batch_start", args=[dossier.pk])).text
    assert not TELLS_THEM_THEY_BREAK_THE_LAW.search(question)
    assert "vous n’avez rien fait de mal" in question
    batch = start(owner_client, dossier, sensitivity=answer)
    page = owner_client.get(reverse("evidence:batch_files", args=[batch.pk])).text
    assert not TELLS_THEM_THEY_BREAK_THE_LAW.search(page)


# --- The files -----------------------------------------------------------------------------------


def test_twelve_screenshots_make_twelve_sealed_pieces_each_in_the_custody_log(
    owner_client, dossier, no_worker
):
    batch = start(owner_client, dossier)
    response = send(owner_client, batch, *twelve())
    assert response.status_code == 302
    assert response["Location"] == reverse("evidence:batch_review", args=[batch.pk])
    pieces = list(Piece.objects.order_by("number"))
    assert [piece.number for piece in pieces] == list(range(1, 13))
    assert {piece.kind for piece in pieces} == {Kind.IMAGE}
    assert all(piece.batch_id == batch.pk for piece in pieces)
    files = list(EvidenceFile.objects.order_by("piece__number"))
    for (name, data), file in zip(twelve(), files, strict=True):
        assert file.original_name == name
        assert sealed_files.read(file.storage_name) == data  # byte for byte
        assert file.derivatives == Derivatives.PENDING  # the worker's job
    assert CustodyEvent.objects.filter(payload__action="piece_added").count() == 12
    assert len(stored_files()) == 12
    assert verification.verify(dossier).ok


def test_files_that_belong_together_make_one_piece_in_their_order(owner_client, dossier, no_worker):
    batch = start(owner_client, dossier, together="together")
    send(owner_client, batch, *twelve()[:4])
    piece = Piece.objects.get()
    assert [file.original_name for file in piece.files.all()] == [n for n, _d in twelve()[:4]]
    assert [file.position for file in piece.files.all()] == [1, 2, 3, 4]


def test_a_refused_file_is_named_and_the_others_are_kept(owner_client, dossier, no_worker):
    batch = start(owner_client, dossier)
    response = send(
        owner_client, batch, ("a.png", screenshot(1)), ("virus.png", corpus.elf_executable())
    )
    assert response.status_code == 302
    assert Piece.objects.count() == 1 and len(stored_files()) == 1
    page = owner_client.get(response["Location"]).text
    assert "virus.png" in page and "n’est pas une image que nous acceptons" in page


def test_a_refused_file_of_one_piece_keeps_none_of_its_files(owner_client, dossier, no_worker):
    batch = start(owner_client, dossier, together="together")
    response = send(
        owner_client, batch, ("a.png", screenshot(1)), ("cut.png", corpus.truncated_png())
    )
    assert response.status_code == 200
    assert "cut.png" in response.text and "rien n’a été gardé" in response.text
    assert stored_files() == [] and Piece.objects.count() == 0


def test_files_past_the_limit_are_named_not_received(owner_client, dossier, settings, no_worker):
    settings.EVIDENCE_MAX_FILES_PER_BATCH = 3
    batch = start(owner_client, dossier)
    response = send(owner_client, batch, *twelve()[:5])
    assert Piece.objects.count() == 3 and len(stored_files()) == 3
    page = owner_client.get(response["Location"]).text
    assert "Trop de fichiers à la fois" in page
    assert twelve()[3][0] in page and twelve()[4][0] in page


def test_an_oversized_file_is_refused_by_name(owner_client, dossier, settings, no_worker):
    settings.EVIDENCE_MAX_UPLOAD_BYTES = 50_000
    batch = start(owner_client, dossier)
    response = send(
        owner_client, batch, ("a.png", screenshot(1)), ("big.png", corpus.oversized(50_000))
    )
    assert Piece.objects.count() == 1
    assert "big.png" in owner_client.get(response["Location"]).text


def test_files_past_the_batchs_bytes_are_not_received(owner_client, dossier, settings, no_worker):
    one = len(screenshot(1))
    settings.EVIDENCE_MAX_BATCH_BYTES = int(one * 2.5)
    batch = start(owner_client, dossier)
    send(owner_client, batch, *twelve()[:4])
    assert Piece.objects.count() == 2 and len(stored_files()) == 2


def test_a_body_declared_too_big_gets_its_page_and_nothing_is_read(owner_client, dossier, settings):
    settings.EVIDENCE_MAX_BATCH_BYTES = 10_000
    batch = start(owner_client, dossier)
    response = send(owner_client, batch, ("big.png", corpus.oversized(5_000_000)))
    assert response.status_code == 413
    assert "Trop d’envois à la fois" in response.text or "trop lourd" in response.text
    assert stored_files() == [] and Piece.objects.count() == 0


def test_the_same_files_sent_twice_are_added_once(owner_client, dossier, no_worker):
    batch = start(owner_client, dossier)
    token = str(uuid.uuid4())
    send(owner_client, batch, *twelve()[:3], token=token)
    again = send(owner_client, batch, *twelve()[:3], token=token)  # a double click
    assert Piece.objects.count() == 3 and len(stored_files()) == 3
    assert "déjà été reçus" in owner_client.get(again["Location"]).text


def test_back_then_send_again_adds_only_the_new_files(owner_client, dossier, no_worker):
    batch = start(owner_client, dossier)
    send(owner_client, batch, *twelve()[:3])
    again = send(owner_client, batch, *twelve()[:4])  # a fresh page, the same files and one more
    assert Piece.objects.count() == 4 and len(stored_files()) == 4
    assert "3 fichiers avaient déjà été reçus" in owner_client.get(again["Location"]).text


def test_a_request_refused_by_its_csrf_check_leaves_no_blob(owner, dossier, no_worker):
    client = Client(enforce_csrf_checks=True)
    client.force_login(owner)
    batch = Batch.objects.create(dossier=dossier, sensitivity="no", token=uuid.uuid4())
    response = send(client, batch, *twelve()[:3])
    assert response.status_code == 403
    assert stored_files() == [] and Piece.objects.count() == 0


def test_a_full_disk_names_each_file_and_keeps_what_was_stored(
    owner_client, dossier, monkeypatch, no_worker
):
    batch = start(owner_client, dossier)
    real_write = sealed_files.write
    calls = []

    def failing_after_one(data: bytes) -> str:
        calls.append(1)
        if len(calls) > 1:
            raise OSError(28, "No space left on device")
        return real_write(data)

    monkeypatch.setattr(sealed_files, "write", failing_after_one)
    response = send(owner_client, batch, *twelve()[:3])
    assert Piece.objects.count() == 1 and len(stored_files()) == 1
    page = owner_client.get(response["Location"]).text
    assert twelve()[1][0] in page and "notre stockage est plein" in page


def test_an_account_already_sending_gets_its_files_refused_as_busy(
    owner_client, dossier, settings, no_worker
):
    settings.EVIDENCE_MAX_CONCURRENT_UPLOADS = 0
    batch = start(owner_client, dossier)
    response = send(owner_client, batch, *twelve()[:2])
    assert response.status_code == 200
    assert "déjà en cours d’envoi" in response.text
    assert stored_files() == [] and Piece.objects.count() == 0


def test_a_stranger_reaches_no_step(stranger_client, owner_client, dossier):
    batch = start(owner_client, dossier)
    for url in (
        reverse("evidence:batch_start", args=[dossier.pk]),
        reverse("evidence:batch_files", args=[batch.pk]),
        reverse("evidence:batch_review", args=[batch.pk]),
    ):
        assert stranger_client.get(url).status_code == 404
    assert send(stranger_client, batch, *twelve()[:1]).status_code == 404
    assert stored_files() == []


# --- Memory --------------------------------------------------------------------------------------


def test_the_request_holds_one_file_at_a_time_not_the_batch(rf, owner):
    """Twenty 1 MB files through the handler: the peak is about two files (one's bytes and their
    encrypted copy), not twenty."""
    files = []
    for number in range(20):
        image = Image.effect_noise((600, 600), 64).convert("RGB")
        ImageDraw.Draw(image).text((5, 5), str(number), fill="white")
        buffer = BytesIO()
        image.save(buffer, "PNG")
        files.append(SimpleUploadedFile(f"noise-{number}.png", buffer.getvalue(), "image/png"))
    size = max(file.size for file in files)
    body = encode_multipart(BOUNDARY, {"files": files})
    handler = SealingUploadHandler(
        limits=Limits(
            max_file_bytes=10 * size,
            max_pixels=10**8,
            max_files=50,
            max_batch_bytes=10**9,
            max_pending_pixels=10**10,
        )  # fmt: skip
    )
    meta = {"CONTENT_TYPE": MULTIPART_CONTENT, "CONTENT_LENGTH": str(len(body))}
    stream = BytesIO(body)
    tracemalloc.start()
    try:
        MultiPartParser(meta, stream, [handler]).parse()
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert len(handler.received) == 20
    assert peak < 4 * size, (peak, size)  # never 20 × size
    handler.discard_unclaimed()
    assert stored_files() == []
