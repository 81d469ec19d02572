"""The text read in screenshots by the worker (OCR): stored encrypted, sealed in the custody log
by a "text_read" event, reported as altered when it is, shown for the person to check and copy
into their transcript, searchable, and in the PDF as real text under its image, labelled as
machine-read; the package checker checks it like the vault does."""

from __future__ import annotations

import datetime as dt
import io
import json
import uuid
import zipfile

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from common.typography import typography as fr
from evidence.export.document.checking import verify_package
from evidence.intake import ocr
from evidence.models import Derivatives, EvidenceFile, Export, ExportStatus, Piece, TextReading
from evidence.sealing import signing
from evidence.vault import search, text_reading, verification
from evidence.vault.custody import Action
from evidence.vault.integrity import ocr_text_commitment
from tests.evidence.export.test_jobs import pdftotext
from tests.evidence.factories import add_image_piece
from tests.evidence.intake import corpus
from tests.evidence.intake.screens import SCREENS

pytestmark = pytest.mark.django_db

GROUP = next(screen for screen in SCREENS if screen.size == (1080, 2400))
SAID = "Personne t’a demandé ton avis"  # a line of GROUP's


@pytest.fixture
def read_piece(dossier) -> Piece:
    """A piece of one real phone screenshot, its text read by the worker (tasks run at once)."""
    return add_image_piece(dossier, data=GROUP.png, name="Screenshot_20261124-181302.png")


def test_the_worker_reads_the_screenshot_after_its_derivatives(read_piece):
    file = read_piece.files.get()
    assert file.derivatives == Derivatives.READY
    assert file.ocr == TextReading.DONE
    assert SAID.replace("’", "'") in file.ocr_text.replace("’", "'")
    assert file.ocr_confidence > 50 and file.ocr_read_at is not None
    actions = [event.action for event in read_piece.dossier.events.order_by("seq")]
    assert actions[-2:] == [Action.DERIVATIVES_MADE, Action.TEXT_READ]


def test_the_text_is_sealed_in_the_custody_log_as_a_commitment_by_the_server(read_piece):
    file = read_piece.files.get()
    event = read_piece.dossier.events.get(payload__action=Action.TEXT_READ)
    assert event.payload["by"] == {"user": "", "role": "server"}
    assert event.payload["files"] == [
        {"position": 1, "ocr_text": ocr_text_commitment(read_piece.seal, 1, file.ocr_text)}
    ]
    assert "Lucas" not in json.dumps(event.payload)  # never in clear
    assert verification.verify(read_piece.dossier).ok


def test_the_text_is_encrypted_at_rest(read_piece):
    file = read_piece.files.get()
    with connection.cursor() as cursor:
        cursor.execute("SELECT ocr_text FROM evidence_evidencefile WHERE id = %s", [file.pk.hex])
        (stored,) = cursor.fetchone() or (None,)
    if stored is None:  # PostgreSQL stores the UUID as a UUID
        with connection.cursor() as cursor:
            cursor.execute("SELECT ocr_text FROM evidence_evidencefile WHERE id = %s", [file.pk])
            (stored,) = cursor.fetchone()
    assert stored and "Lucas" not in stored and "Personne" not in stored


def test_a_text_changed_behind_the_logs_back_is_reported_as_altered(read_piece):
    file = read_piece.files.get()
    file.ocr_text = file.ocr_text.replace("Lucas", "Léa")
    file.save()  # a valid encryption of another text: only the log tells
    problems = [str(problem) for problem in verification.verify(read_piece.dossier).problems]
    assert problems == [
        fr("Pièce 1, fichier 1 : le texte lu dans son image diffère du journal de conservation.")
    ]


def test_a_text_that_no_longer_opens_is_reported_as_altered(read_piece):
    file = read_piece.files.get()
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE evidence_evidencefile SET ocr_text = %s WHERE piece_id = %s",
            [
                "AAAA" + "x" * 40,
                read_piece.pk.hex if connection.vendor == "sqlite" else read_piece.pk,
            ],
        )
    problems = [str(problem) for problem in verification.verify(read_piece.dossier).problems]
    assert fr("Pièce 1, fichier 1 : le texte lu dans son image ne s’ouvre plus") in " ".join(
        problems
    )
    assert file.pk  # the row still loads


def test_an_intimate_image_and_a_pdf_are_never_read(dossier):
    intimate = add_image_piece(dossier, data=GROUP.png, sensitivity="adult", intimate_consent=True)
    assert intimate.files.get().ocr == TextReading.NONE
    from evidence.models import Kind
    from evidence.vault import services as vault
    from tests.evidence.factories import piece_fields

    pdf = vault.add_piece(
        dossier, dossier.owner, piece_fields(kind=Kind.PDF), [vault.Upload("a.pdf", corpus.pdf())]
    )
    assert pdf.files.get().ocr == TextReading.NONE
    assert not dossier.events.filter(payload__action=Action.TEXT_READ).exists()


def test_an_image_that_does_not_decode_is_not_read_either(dossier):
    piece = add_image_piece(dossier, data=corpus.truncated_jpeg())  # passes inspection
    file = piece.files.get()
    assert (file.derivatives, file.ocr) == (Derivatives.FAILED, TextReading.FAILED)


def test_a_piece_deleted_before_its_reading_gets_no_event(dossier, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    from evidence.vault import services as vault

    piece = add_image_piece(dossier)
    file_id = piece.files.get().pk
    vault.delete_piece(piece, dossier.owner)
    assert text_reading.read_for(file_id) == "skipped"
    assert not dossier.events.filter(payload__action=Action.TEXT_READ).exists()


def test_missing_models_leave_the_image_unread_and_said_so(dossier, monkeypatch, caplog):
    def unavailable(*args, **kwargs):
        raise ocr.OcrUnavailable("No French model: install tesseract-ocr-fra.")

    monkeypatch.setattr(ocr, "transcribe", unavailable)
    piece = add_image_piece(dossier)
    assert piece.files.get().ocr == TextReading.FAILED
    assert "tesseract-ocr-fra" in caplog.text


def test_a_reading_lost_with_a_dead_worker_is_done_by_the_next_tidying(dossier, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    from evidence.vault import derivatives

    piece = add_image_piece(dossier)
    file = piece.files.get()
    derivatives.make_for(file.pk)  # the derivatives made, the reading's task lost
    assert EvidenceFile.objects.get(pk=file.pk).ocr == TextReading.PENDING
    assert text_reading.read_stale() == 0  # too recent: its task may still come
    later = timezone.now() + dt.timedelta(minutes=11)
    assert text_reading.read_stale(now=later) == 1
    assert EvidenceFile.objects.get(pk=file.pk).ocr == TextReading.DONE


# --- Shown, copied, searched -------------------------------------------------------------------


def test_the_piece_page_shows_the_text_as_read_automatically_to_check(owner_client, read_piece):
    page = owner_client.get(reverse("evidence:piece_detail", args=[read_piece.pk])).text
    assert "Texte lu dans l’image" in page
    assert "Lu automatiquement dans l’image — à vérifier" in page
    assert "Lucas" in page


def test_copying_the_text_into_the_transcript_saves_nothing_until_the_person_does(
    owner_client, read_piece
):
    url = reverse("evidence:piece_edit", args=[read_piece.pk]) + "?texte=image"
    page = owner_client.get(url).text
    assert "vérifiez-le en regardant l’image" in page
    transcript = page.split('name="transcript"', 1)[1].split("</textarea>", 1)[0]
    assert "Lucas" in transcript
    read_piece.refresh_from_db()
    assert read_piece.transcript == "tu vas voir demain"  # unchanged until saved


def test_the_search_finds_words_read_in_the_image_whatever_their_accents(owner_client, read_piece):
    url = reverse("evidence:dossier_search", args=[read_piece.dossier.pk])
    page = owner_client.get(url, {"q": "PERSONNE demande"}).text
    assert fr("1 pièce contient « PERSONNE demande ».") in page
    assert "Texte lu automatiquement dans l’image" in page
    assert "<mark>" in page
    none = owner_client.get(url, {"q": "introuvable"}).text
    assert fr("0 pièce contient « introuvable ».") in none


def test_the_search_also_reads_titles_descriptions_and_transcripts(owner_client, dossier):
    add_image_piece(dossier, description="Une insulte sous ma photo de classe")
    add_image_piece(dossier, data=corpus.phone_screenshot(), title="Menace de mort")
    url = reverse("evidence:dossier_search", args=[dossier.pk])
    page = owner_client.get(url, {"q": "photo"}, HTTP_HX_REQUEST="true").text
    assert "Pièce 1" in page and "Pièce 2" not in page
    assert "<html" not in page  # htmx: the results alone
    assert "Pièce 2" in owner_client.get(url, {"q": "menace"}).text
    assert "Pièce 1" in owner_client.get(url, {"q": "demain"}).text  # the transcript


def test_the_pieces_that_hold_the_words_together_come_first(dossier):
    """Looking for "numéro 3" in a dossier where every screenshot says "3e B" and "numéro N"."""
    for number in (1, 2, 3, 4):
        add_image_piece(dossier, description=f"Groupe 3e B\nMessage numéro  {number}")
    hits = search.search(dossier, "Numero 3")
    assert [hit.piece.number for hit in hits] == [3, 1, 2, 4]
    shown = hits[0].found[0]
    assert shown.match == "numéro  3"  # the words together, as written
    assert hits[1].found[0].match == "3"  # elsewhere, the first word found


def test_a_stranger_searches_nothing(stranger_client, read_piece):
    url = reverse("evidence:dossier_search", args=[read_piece.dossier.pk])
    assert stranger_client.get(url, {"q": "Lucas"}).status_code == 404


# --- The export ----------------------------------------------------------------------------------


@pytest.fixture
def exported(owner_client, read_piece, tmp_path, monkeypatch):
    monkeypatch.setattr("tempfile.tempdir", str(tmp_path))
    response = owner_client.post(
        reverse("evidence:export_start", args=[read_piece.dossier.pk]), {"token": str(uuid.uuid4())}
    )
    assert response.status_code == 302
    export = Export.objects.get(status=ExportStatus.DONE)
    pdf = b"".join(owner_client.get(reverse("evidence:export_pdf", args=[export.pk])))
    package = b"".join(owner_client.get(reverse("evidence:export_zip", args=[export.pk])))
    (tmp_path / "dossier.pdf").write_bytes(pdf)
    return pdftotext(pdf, tmp_path), package


def test_the_text_read_in_a_screenshot_is_beside_it_not_on_a_page_of_its_own(exported, tmp_path):
    """A screenshot is tall and narrow: its text fills the empty half of its page (it went on
    to the next page, a page with a few lines, for every piece)."""
    from tests.evidence.export.test_pdf_layout import overlapping, words_by_page

    pages = words_by_page(tmp_path / "dossier.pdf")
    label = [(page, word) for page, words in enumerate(pages) for word in words
             if word.text == "automatiquement"]  # fmt: skip
    caption = [(page, word) for page, words in enumerate(pages) for word in words
               if "Screenshot_20261124-181302.png" in word.text]  # fmt: skip
    (label_page, label_word), (caption_page, caption_word) = label[0], caption[0]
    assert label_page == caption_page  # the same page as its image
    assert label_word.y0 < caption_word.y0  # beside the image, above its caption
    assert label_word.x0 > caption_word.x1  # to the right of the image's column
    assert [overlapping(words) for words in pages] == [[]] * len(pages)


def test_the_pdf_has_the_text_under_the_image_as_machine_read_text(exported):
    text, _package = exported
    assert "Texte lu automatiquement dans l'image du fichier 1" in text
    assert "non vérifié" in text
    assert "Personne t'a demandé ton avis" in text


def test_the_package_carries_the_text_and_its_checker_checks_it(exported):
    _text, package = exported
    trusted = signing.keyring().public_keys()
    assert verify_package(package, trusted_keys=trusted) == []
    files = {name: zipfile.ZipFile(io.BytesIO(package)).read(name) for name in
             zipfile.ZipFile(io.BytesIO(package)).namelist()}  # fmt: skip
    manifest = json.loads(files["manifest.json"])
    assert "Lucas" in manifest["pieces"][0]["files"][0]["ocr_text"]
    manifest["pieces"][0]["files"][0]["ocr_text"] = "autre chose"
    files["manifest.json"] = json.dumps(manifest).encode()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for name, data in files.items():
            target.writestr(name, data)
    problems = [str(problem) for problem in verify_package(out.getvalue(), trusted_keys=trusted)]
    assert "piece 1, file 1: “ocr_text” differs from the custody log" in problems
