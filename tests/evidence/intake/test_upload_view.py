"""The upload page: a screenshot becomes a numbered, sealed piece; hostile or broken files get a
clear translated refusal, never a 500, and leave nothing behind; what was typed is kept."""

import re
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from evidence.models import CustodyEvent, EvidenceFile, Piece, Source
from evidence.sealing import sealed_files
from tests.evidence.factories import add_url, form_data, stored_files
from tests.evidence.intake import corpus

pytestmark = pytest.mark.django_db

LIMIT = 200_000


@pytest.fixture(autouse=True)
def _small_upload_limit(settings):
    settings.EVIDENCE_MAX_UPLOAD_BYTES = LIMIT


def upload(client, dossier, *files: tuple[str, bytes], **fields):
    attached = [SimpleUploadedFile(name, data, content_type="image/png") for name, data in files]
    return client.post(add_url(dossier), {**form_data(**fields), "files": attached})


def rows() -> tuple[int, int, int]:
    return Piece.objects.count(), EvidenceFile.objects.count(), CustodyEvent.objects.count()


REFUSED = {
    "decompression bomb": (corpus.decompression_bomb, "beaucoup trop grande"),
    "truncated png": (corpus.truncated_png, "abîmée ou incomplète"),
    "svg": (corpus.svg, "n’est pas une image que nous acceptons"),
    "elf renamed png": (corpus.elf_executable, "n’est pas une image que nous acceptons"),
    "exe renamed png": (corpus.pe_executable, "n’est pas une image que nous acceptons"),
    "zero bytes": (corpus.zero_bytes, "Ce fichier est vide"),
    "oversized": (lambda: corpus.oversized(LIMIT), "trop lourd. La limite est de 0.2 Mo"),
    "animated gif": (corpus.animated_gif, "n’est pas une image que nous acceptons"),
    "animated webp": (corpus.animated_webp, "Cette image est animée"),
}
ACCEPTED = {
    "png with html appended": (corpus.png_with_html_appended, "image/png"),
    "cmyk jpeg": (corpus.cmyk_jpeg, "image/jpeg"),
    "16-bit png": (corpus.grey_16_bit_png, "image/png"),
    "heic": (corpus.heic, "image/heif"),
    "rotated jpeg with gps": (corpus.sideways_jpeg_with_gps, "image/jpeg"),
}


def test_a_screenshot_becomes_piece_1_and_the_page_shows_its_number_hash_and_checklist(
    owner_client, dossier
):
    response = upload(owner_client, dossier, ("capture.png", corpus.small_png()))
    piece = Piece.objects.get()
    assert response.status_code == 302
    assert piece.number == 1
    page = owner_client.get(response["Location"]).text
    assert "Pièce 1" in page
    assert piece.files.get().sha256 in page
    assert "Date de publication exacte" in page
    assert "À compléter" in page  # no context yet


@pytest.mark.parametrize("sample", REFUSED, ids=str)
def test_a_refused_file_gets_a_clear_message_and_leaves_nothing_behind(
    sample, owner_client, dossier
):
    make, message = REFUSED[sample]
    before = rows()
    response = upload(owner_client, dossier, ("capture.png", make()))
    assert response.status_code == 200
    assert message in response.text
    assert 'role="alert"' in response.text
    assert "choisissez à nouveau le fichier" in response.text
    assert rows() == before
    assert stored_files() == []


@pytest.mark.parametrize("sample", REFUSED, ids=str)
def test_a_refused_file_keeps_what_was_typed(sample, owner_client, dossier):
    make, _message = REFUSED[sample]
    response = upload(
        owner_client, dossier, ("capture.png", make()), description="Menace du 14 mars au soir"
    )
    assert "Menace du 14 mars au soir" in response.text
    assert 'aria-invalid="true"' in response.text


@pytest.mark.parametrize("sample", ACCEPTED, ids=str)
def test_an_unusual_but_real_image_is_accepted_and_sealed(sample, owner_client, dossier):
    make, mime_type = ACCEPTED[sample]
    data = make()
    response = upload(owner_client, dossier, ("IMG_0001.bin", data))
    assert response.status_code == 302
    file = EvidenceFile.objects.get()
    assert file.mime_type == mime_type
    assert sealed_files.read(file.storage_name) == data  # byte for byte
    assert Image.open(BytesIO(sealed_files.read(file.display_name))).format == "JPEG"
    assert len(stored_files()) == 3  # original, display copy, thumbnail


def test_the_display_copy_of_a_photo_with_gps_carries_no_exif(owner_client, dossier):
    upload(owner_client, dossier, ("photo.jpg", corpus.sideways_jpeg_with_gps()))
    file = EvidenceFile.objects.get()
    for name in (file.display_name, file.thumbnail_name):
        derivative = Image.open(BytesIO(sealed_files.read(name)))
        assert not derivative.getexif()
        assert "exif" not in derivative.info
    display = Image.open(BytesIO(sealed_files.read(file.display_name)))
    assert display.width < display.height  # turned upright


def test_the_capture_time_of_a_photo_is_read_from_the_file_and_says_so(owner_client, dossier):
    upload(owner_client, dossier, ("photo.jpg", corpus.sideways_jpeg_with_gps()))
    piece = Piece.objects.get()
    assert piece.provenance["captured_at"] == Source.METADATA
    assert piece.captured_at.isoformat() == "2025-03-14T21:47:00+00:00"  # 22:47 in Paris
    page = owner_client.get(reverse("evidence:piece_detail", args=[piece.pk])).text
    assert "lu dans les métadonnées" in page


def test_the_original_of_a_polyglot_is_kept_whole_but_sealed_at_rest(owner_client, dossier):
    data = corpus.png_with_html_appended()
    upload(owner_client, dossier, ("capture.png", data))
    file = EvidenceFile.objects.get()
    on_disk = [path.read_bytes() for path in stored_files()]
    assert all(corpus.HTML_PAYLOAD not in blob for blob in on_disk)
    assert sealed_files.read(file.storage_name).endswith(corpus.HTML_PAYLOAD)


def test_storage_names_are_random_never_the_file_name(owner_client, dossier):
    upload(owner_client, dossier, ("harceleur-tom.png", corpus.small_png()))
    file = EvidenceFile.objects.get()
    assert file.original_name == "harceleur-tom.png"
    for path in stored_files():
        assert re.fullmatch(r"[0-9a-f]{32}", path.name)
        assert "tom" not in str(path)


def test_a_pdf_is_kept_with_its_page_count(owner_client, dossier):
    data = corpus.pdf(pages=3)
    response = owner_client.post(
        add_url(dossier),
        {
            **form_data(kind="pdf"),
            "files": [SimpleUploadedFile("plainte.pdf", data, "application/pdf")],
        },
    )
    assert response.status_code == 302
    file = EvidenceFile.objects.get()
    assert (file.mime_type, file.page_count, file.display_name) == ("application/pdf", 3, "")
    assert sealed_files.read(file.storage_name) == data


def test_a_truncated_pdf_is_refused(owner_client, dossier):
    response = owner_client.post(
        add_url(dossier),
        {
            **form_data(kind="pdf"),
            "files": [SimpleUploadedFile("x.pdf", corpus.truncated_pdf(), "application/pdf")],
        },
    )
    assert "Ce PDF est abîmé ou incomplet" in response.text
    assert stored_files() == []


def test_several_files_make_one_piece_in_their_order(owner_client, dossier):
    upload(owner_client, dossier, ("1.png", corpus.small_png()), ("2.png", corpus.cmyk_jpeg()))
    piece = Piece.objects.get()
    assert [f.original_name for f in piece.files.all()] == ["1.png", "2.png"]
    assert [f.position for f in piece.files.all()] == [1, 2]


def test_one_bad_file_among_several_refuses_them_all(owner_client, dossier):
    response = upload(
        owner_client, dossier, ("bon.png", corpus.small_png()), ("mauvais.png", corpus.svg())
    )
    assert "mauvais.png" in response.text
    assert rows() == (0, 0, 1)
    assert stored_files() == []


def test_a_storage_failure_halfway_leaves_no_orphan_file(owner_client, dossier, monkeypatch):
    from evidence.vault import services as vault

    real_write = sealed_files.write
    calls = []

    def failing_write(data: bytes) -> str:
        calls.append(data)
        if len(calls) == 2:
            raise OSError("disk full")
        return real_write(data)

    monkeypatch.setattr(vault.sealed_files, "write", failing_write)
    response = upload(  # the second original fails, the first is taken back
        owner_client,
        dossier,
        ("capture.png", corpus.small_png()),
        ("suite.png", corpus.blank_png(40, 40)),
    )
    assert response.status_code == 200
    assert "notre espace de stockage est plein" in response.text
    assert stored_files() == []
    assert rows() == (0, 0, 1)


def test_a_database_failure_deletes_the_files_already_written(owner_client, dossier, monkeypatch):
    from evidence.vault import custody

    def failing_append(*args, **kwargs):
        raise RuntimeError("database gone")

    monkeypatch.setattr(custody, "append", failing_append)
    with pytest.raises(RuntimeError):
        upload(owner_client, dossier, ("capture.png", corpus.small_png()))
    assert stored_files() == []
    assert rows() == (0, 0, 1)


def test_the_same_form_sent_twice_makes_one_piece(owner_client, dossier):
    data = form_data()
    first = owner_client.post(
        add_url(dossier), {**data, "files": [SimpleUploadedFile("a.png", corpus.small_png())]}
    )
    second = owner_client.post(
        add_url(dossier), {**data, "files": [SimpleUploadedFile("a.png", corpus.small_png())]}
    )
    assert Piece.objects.count() == 1
    assert first["Location"] == second["Location"]
    assert len(stored_files()) == 3


def test_a_new_form_makes_a_new_piece(owner_client, dossier):
    upload(owner_client, dossier, ("a.png", corpus.small_png()))
    upload(owner_client, dossier, ("b.png", corpus.grey_16_bit_png()))
    assert list(Piece.objects.values_list("number", flat=True)) == [1, 2]


def test_too_many_files_at_once_get_our_page_not_a_400(owner_client, dossier, settings):
    files = [("f.png", corpus.small_png())] * (settings.DATA_UPLOAD_MAX_NUMBER_FILES + 1)
    response = upload(owner_client, dossier, *files)
    assert response.status_code == 413
    assert "Trop à la fois" in response.text
    assert stored_files() == []


def test_too_much_text_gets_our_page_not_a_400(owner_client, dossier, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = upload(owner_client, dossier, ("a.png", corpus.small_png()), transcript="x" * 2000)
    assert response.status_code == 413
    assert "rien n’a été gardé" in response.text


def test_a_request_larger_than_every_limit_is_refused_before_it_is_read(
    owner_client, dossier, settings
):
    settings.EVIDENCE_MAX_FILES_PER_PIECE = 1
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    big = corpus.oversized(3 * 1024 * 1024)
    response = upload(owner_client, dossier, ("a.png", big))
    assert response.status_code == 413
    assert "Trop à la fois" in response.text


def test_a_link_only_piece_needs_no_file(owner_client, dossier):
    response = owner_client.post(add_url(dossier), form_data(kind="link"))
    assert response.status_code == 302
    piece = Piece.objects.get()
    assert (piece.kind, piece.files.count()) == ("link", 0)


def test_a_link_only_piece_needs_its_link(owner_client, dossier):
    response = owner_client.post(add_url(dossier), form_data(kind="link", url=""))
    assert "Collez le lien ici" in response.text


def test_a_screenshot_piece_without_a_file_asks_for_it(owner_client, dossier):
    response = owner_client.post(add_url(dossier), form_data())
    assert "Choisissez le fichier à ajouter" in response.text
    assert Piece.objects.count() == 0


def test_a_relative_date_is_kept_as_typed_and_flagged(owner_client, dossier):
    upload(owner_client, dossier, ("a.png", corpus.small_png()), published_raw="il y a 3 j")
    piece = Piece.objects.get()
    assert (piece.published_raw, piece.published_is_absolute) == ("il y a 3 j", False)
    assert piece.published_date is None
    page = owner_client.get(reverse("evidence:piece_detail", args=[piece.pk])).text
    assert "pas une date exacte" in page


def test_an_absolute_date_is_read(owner_client, dossier):
    upload(owner_client, dossier, ("a.png", corpus.small_png()), published_raw="14 mars 2025 22h47")
    piece = Piece.objects.get()
    assert piece.published_is_absolute
    assert (str(piece.published_date), str(piece.published_time)) == ("2025-03-14", "22:47:00")


def test_a_publication_date_in_the_future_is_refused(owner_client, dossier):
    response = upload(
        owner_client, dossier, ("a.png", corpus.small_png()), published_raw="14/03/2099"
    )
    assert "Cette date est dans le futur" in response.text


def test_an_expired_session_sends_to_log_in_then_back_to_the_form(client, owner, dossier):
    url = add_url(dossier)
    response = client.post(url, form_data())
    assert response.status_code == 302
    login_page = client.get(response["Location"])
    assert "Connectez-vous pour continuer" in login_page.text
    back = client.post(
        response["Location"],
        {"username": owner.username, "password": "un mot de passe solide 42", "next": url},
    )
    assert back["Location"] == url


def test_the_file_input_accepts_what_phones_produce(owner_client, dossier):
    page = owner_client.get(add_url(dossier)).text
    assert 'type="file"' in page and "multiple" in page
    assert "image/heic" in page
    assert 'enctype="multipart/form-data"' in page


@pytest.mark.parametrize("captured_at", ["", "2025-03-14T22:50"])
def test_a_fresh_piece_with_every_kind_of_value_verifies_intact(owner_client, dossier, captured_at):
    from evidence.vault import verification

    upload(
        owner_client,
        dossier,
        ("photo.jpg", corpus.sideways_jpeg_with_gps()),
        captured_at=captured_at,
        reported_to_pharos="on",
        reported_to_pharos_on="2025-03-15",
        pharos_reference="PH-123",
        still_online="yes",
    )
    piece = Piece.objects.get()
    assert piece.reported_to_pharos and str(piece.reported_to_pharos_on) == "2025-03-15"
    assert verification.verify(dossier).ok, verification.verify(dossier).problems
