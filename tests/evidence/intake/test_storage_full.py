"""The private storage fills up in the middle of an upload: the form comes back with a clear
message, everything typed is kept (the file must be chosen again, and it says so), and nothing
is left behind, neither a row nor a part of a blob."""

from __future__ import annotations

import errno
import os
import uuid

import pytest
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from evidence.models import CustodyEvent, EvidenceFile, Piece
from tests.evidence.factories import add_image_piece, add_url, form_data, stored_files
from tests.evidence.intake import corpus

pytestmark = pytest.mark.django_db

FULL = "notre espace de stockage est plein ou en panne pour le moment"


class FillingStorage(FileSystemStorage):
    """A disk with `room` bytes left: the save that goes past it writes what fits, then fails
    with ENOSPC, leaving that part on disk as a real full disk does."""

    room = 0
    full = False

    def _save(self, name, content):
        chunks = content.chunks

        def filling(chunk_size=None):
            for chunk in chunks(chunk_size):
                if len(chunk) > FillingStorage.room:
                    yield chunk[: FillingStorage.room]
                    FillingStorage.room, FillingStorage.full = 0, True
                    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
                FillingStorage.room -= len(chunk)
                yield chunk

        content.chunks = filling
        return super()._save(name, content)


@pytest.fixture
def disk_fills_up(settings, tmp_path):
    """Room for a part of the upload's original (its derivatives come later, from the worker)."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": f"{__name__}.FillingStorage",
            "OPTIONS": {"location": tmp_path / "private", "base_url": None},
        },
    }
    FillingStorage.room, FillingStorage.full = len(corpus.small_png()) // 2, False
    yield
    assert FillingStorage.full, "the disk never filled up: this test tested nothing"


def rows() -> tuple[int, int, int]:
    return Piece.objects.count(), EvidenceFile.objects.count(), CustodyEvent.objects.count()


def test_a_full_disk_during_an_upload_keeps_what_was_typed_and_says_so(
    owner_client, dossier, disk_fills_up
):
    typed = form_data(
        title="Menace en message privé",
        description="Il écrit qu’il m’attendra devant le collège",
        transcript="tu vas voir demain",
    )
    file = SimpleUploadedFile("capture.png", corpus.small_png(), content_type="image/png")
    response = owner_client.post(add_url(dossier), {**typed, "files": [file]})
    assert response.status_code == 200
    assert 'role="alert"' in response.text
    assert FULL in response.text
    assert "choisissez à nouveau le fichier" in response.text
    assert 'value="Menace en message privé"' in response.text
    assert "Il écrit qu’il m’attendra devant le collège</textarea>" in response.text
    assert "tu vas voir demain</textarea>" in response.text
    assert f'name="token" value="{typed["token"]}"' in response.text  # sent again, one piece


def test_a_full_disk_during_an_upload_leaves_no_row_and_no_part_of_a_file(
    owner_client, dossier, disk_fills_up
):
    before = rows()
    file = SimpleUploadedFile("capture.png", corpus.small_png(), content_type="image/png")
    owner_client.post(add_url(dossier), {**form_data(), "files": [file]})
    assert rows() == before
    assert stored_files() == []


def test_once_there_is_room_again_the_same_form_adds_the_piece(
    owner_client, dossier, disk_fills_up
):
    typed = form_data()
    file = SimpleUploadedFile("capture.png", corpus.small_png(), content_type="image/png")
    owner_client.post(add_url(dossier), {**typed, "files": [file]})
    FillingStorage.room = 10**9
    file = SimpleUploadedFile("capture.png", corpus.small_png(), content_type="image/png")
    response = owner_client.post(add_url(dossier), {**typed, "files": [file]})
    assert response.status_code == 302
    assert Piece.objects.get().files.count() == 1
    assert len(stored_files()) == 3  # the original, and the derivatives the worker made


def test_a_full_disk_while_adding_files_to_a_piece_says_so_and_keeps_nothing(
    owner_client, dossier, settings, tmp_path
):
    piece = add_image_piece(dossier)
    before, blobs = rows(), stored_files()
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": f"{__name__}.FillingStorage",
            "OPTIONS": {"location": tmp_path / "private", "base_url": None},
        },
    }
    more = corpus.cmyk_jpeg()
    FillingStorage.room, FillingStorage.full = len(more) // 2, False
    file = SimpleUploadedFile("suite.jpg", more, content_type="image/jpeg")
    response = owner_client.post(
        reverse("evidence:piece_add_files", args=[piece.pk]),
        {"token": str(uuid.uuid4()), "sensitivity": "no", "files": [file]},
    )
    assert FillingStorage.full
    assert response.status_code == 200
    assert FULL in response.text and 'role="alert"' in response.text
    assert rows() == before
    assert stored_files() == blobs
