"""Dates and apps read from the files, end to end: each file sent at once becomes a piece whose
page shows the capture time and the platform read, and where each was read ("lu dans le nom du
fichier", "lu dans les métadonnées"); a value typed over them becomes "saisi par vous"; what a
file does not state is never guessed. The patterns themselves are tested one by one in
tests/evidence/intake/test_capture.py; this table goes through the views."""

from __future__ import annotations

import uuid
from io import BytesIO

import pytest
from django.urls import reverse
from PIL import Image

from evidence.models import Piece, Source
from tests.evidence.intake.test_capture import (
    MACOS_XMP,
    itext,
    jpeg_with_exif,
    png_time,
    text,
)
from tests.evidence.intake.test_capture import chunk as png_chunk
from tests.evidence.vault.test_batch_upload import send, start

pytestmark = pytest.mark.django_db

BY_NAME, IN_METADATA, TYPED = (
    "lu dans le nom du fichier",
    "lu dans les métadonnées",
    "saisi par vous",
)


def small_png(*chunks: bytes) -> bytes:
    buffer = BytesIO()
    Image.new("RGB", (60, 120), "white").save(buffer, "PNG")
    data = buffer.getvalue()
    at = data.index(b"IEND") - 4
    return data[:at] + b"".join(chunks) + data[at:]


def small_png_of(number: int, *chunks: bytes) -> bytes:
    """Each file its own fingerprint (a text chunk of its own), the given chunks too."""
    return small_png(png_chunk(b"tEXt", b"Comment\0" + str(number).encode()), *chunks)


# (file name, its bytes) → (capture time shown, where it was read, platform, where it was read)
CASES = {
    "android": (
        ("Screenshot_20261124-181302.png", lambda: small_png_of(1)),
        ("24/11/2026 18:13", BY_NAME, "", ""),
    ),
    "samsung names the app": (
        ("Screenshot_20261124-181302_WhatsApp.jpg", lambda: small_png_of(2)),
        ("24/11/2026 18:13", BY_NAME, "whatsapp", BY_NAME),
    ),
    "xiaomi names the package": (
        ("Screenshot_2026-11-24-18-13-02-123_com.instagram.android.jpg", lambda: small_png_of(3)),
        ("24/11/2026 18:13", BY_NAME, "instagram", BY_NAME),
    ),
    "macos in french": (
        ("Capture d’écran 2026-11-24 à 18.13.02.png", lambda: small_png_of(4)),
        ("24/11/2026 18:13", BY_NAME, "", ""),
    ),
    "windows in english": (
        ("Screenshot 2026-11-24 181302.png", lambda: small_png_of(5)),
        ("24/11/2026 18:13", BY_NAME, "", ""),
    ),
    "iphone photo, exif": (
        ("IMG_1234.JPG", lambda: jpeg_with_exif("2026:11:24 18:13:02", "+01:00")),
        ("24/11/2026 18:13", IN_METADATA, "", ""),
    ),
    "macos xmp": (
        ("IMG_1235.PNG", lambda: small_png_of(6, itext("XML:com.adobe.xmp", MACOS_XMP))),
        ("24/11/2026 18:13", IN_METADATA, "", ""),
    ),
    "png creation time": (
        ("export.png", lambda: small_png_of(7, text("Creation Time", "2026-11-24T18:13:02+01:00"))),
        ("24/11/2026 18:13", IN_METADATA, "", ""),
    ),
    "metadata before the name, the name still names the app": (
        ("Screenshot_20261124-190000_Snapchat.jpg", lambda: jpeg_with_exif("2026:11:24 18:13:02")),
        ("24/11/2026 18:13", IN_METADATA, "snapchat", BY_NAME),
    ),
    "an iphone screenshot's name says nothing": (("IMG_1236.PNG", lambda: small_png_of(8)), None),
    "an impossible date is no date": (
        ("Screenshot_20260231-181302.png", lambda: small_png_of(9)),
        None,
    ),
    "a future date is no date": (
        ("Screenshot_20991124-181302.png", lambda: small_png_of(10)),
        None,
    ),
    "a last modification is not a capture": (
        ("image.png", lambda: small_png_of(11, png_time(2026, 11, 24, 17, 13, 2))),
        None,
    ),
}


@pytest.mark.parametrize("case", CASES)
def test_the_capture_time_and_app_read_from_a_file_show_where_they_were_read(
    owner_client, dossier, settings, case
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    (name, data), expected = CASES[case]
    batch = start(owner_client, dossier)
    send(owner_client, batch, (name, data()))
    piece = Piece.objects.get()
    page = owner_client.get(reverse("evidence:piece_detail", args=[piece.pk])).text
    captured = page.split("Date de la capture</dt>", 1)[1].split("</dd>", 1)[0]
    if expected is None:
        assert piece.captured_at is None and "captured_at" not in piece.provenance
        assert "non renseigné" in captured
        assert piece.platform == ""
        return
    shown, where, platform, platform_where = expected
    assert shown in captured and f"({where})" in captured
    assert piece.platform == platform
    if platform:
        platform_row = page.split("Réseau social ou application</dt>", 1)[1].split("</dd>")[0]
        assert f"({platform_where})" in platform_row


def test_a_value_typed_over_what_was_read_becomes_the_persons(owner_client, dossier, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    batch = start(owner_client, dossier)
    send(owner_client, batch, ("Screenshot_20261124-181302_WhatsApp.jpg", small_png_of(1)))
    piece = Piece.objects.get()
    assert piece.provenance == {"captured_at": Source.FILE_NAME, "platform": Source.FILE_NAME}
    owner_client.post(
        reverse("evidence:piece_card", args=[piece.pk]),
        {"p1-card": "1", "p1-platform": "instagram", "p1-title": "", "p1-author_displayed": "",
         "p1-published_raw": ""},
    )  # fmt: skip
    piece.refresh_from_db()
    assert piece.provenance["platform"] == Source.USER
    assert piece.provenance["captured_at"] == Source.FILE_NAME  # untouched
    page = owner_client.get(reverse("evidence:piece_detail", args=[piece.pk])).text
    platform_row = page.split("Réseau social ou application</dt>", 1)[1].split("</dd>")[0]
    assert f"({TYPED})" in platform_row


def test_what_the_person_typed_is_never_replaced_by_what_a_file_says(owner_client, dossier):
    """The one-piece form: a capture time typed is kept, the file's is not used."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.evidence.factories import add_url, form_data

    data = form_data(captured_at="2026-11-20T10:00", platform="tiktok", token=str(uuid.uuid4()))
    upload = SimpleUploadedFile("Screenshot_20261124-181302_WhatsApp.jpg", small_png_of(1))
    owner_client.post(add_url(dossier), {**data, "files": [upload]})
    piece = Piece.objects.get()
    assert piece.platform == "tiktok" and piece.provenance["platform"] == Source.USER
    assert piece.captured_at.day == 20 and piece.provenance["captured_at"] == Source.USER
