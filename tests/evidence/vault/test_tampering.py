"""Tampering: a changed blob, a changed file row, a changed or removed custody event. The
`evidence verify` command exits non-zero naming what differs; the dossier page says the same."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from evidence.models import CustodyEvent, EvidenceFile, Piece
from evidence.sealing import sealed_files
from tests.evidence.factories import add_image_piece, make_dossier, stored_files

pytestmark = pytest.mark.django_db


@pytest.fixture
def sealed_dossier(owner):
    dossier = make_dossier(owner)
    add_image_piece(dossier, name="un.png")
    add_image_piece(dossier, name="deux.png")
    return dossier


def verify(dossier) -> tuple[int, str]:
    out, err = StringIO(), StringIO()
    try:
        call_command("evidence", "verify", str(dossier.pk), stdout=out, stderr=err)
    except CommandError as error:
        return error.returncode, err.getvalue()
    return 0, out.getvalue()


def page(client, dossier) -> str:
    return client.get(reverse("evidence:dossier_detail", args=[dossier.pk])).text


def blob_path(name: str):
    return next(path for path in stored_files() if path.name == name.rpartition("/")[2])


def test_an_untouched_dossier_is_intact(sealed_dossier, owner_client):
    code, output = verify(sealed_dossier)
    assert code == 0
    assert "intact (7 events, 6 files)" in output
    assert "Intègre" in page(owner_client, sealed_dossier)


def test_a_changed_blob_is_named(sealed_dossier, owner_client):
    file = EvidenceFile.objects.get(piece__number=2)
    path = blob_path(file.storage_name)
    blob = bytearray(path.read_bytes())
    blob[-20] ^= 0xFF
    path.write_bytes(bytes(blob))
    code, output = verify(sealed_dossier)
    assert code == 1
    assert "Piece 2, file 1: the stored file was altered" in output
    html = page(owner_client, sealed_dossier)
    assert "Altéré :" in html
    assert "Pièce 2, fichier 1 : le fichier conservé a été altéré" in html


def test_a_blob_swapped_for_another_is_named(sealed_dossier):
    first = EvidenceFile.objects.get(piece__number=1)
    second = EvidenceFile.objects.get(piece__number=2)
    blob_path(second.storage_name).write_bytes(blob_path(first.storage_name).read_bytes())
    code, output = verify(sealed_dossier)
    assert code == 1
    assert "Piece 2, file 1: the stored file was altered" in output


def test_a_deleted_derivative_is_named(sealed_dossier):
    file = EvidenceFile.objects.get(piece__number=1)
    blob_path(file.thumbnail_name).unlink()
    code, output = verify(sealed_dossier)
    assert code == 1
    assert "Piece 1, file 1, thumbnail: file missing." in output


def test_a_hash_changed_in_the_database_is_named(sealed_dossier):
    EvidenceFile.objects.filter(piece__number=1).update(sha256="0" * 64)
    code, output = verify(sealed_dossier)
    assert code == 1
    assert "Piece 1, file 1: its fingerprint differs from the custody log." in output
    assert "Piece 1, file 1: file changed" in output


def test_a_piece_detail_changed_in_the_database_is_named(sealed_dossier, owner_client):
    # By someone holding the key, behind the log's back (without it, see the next test).
    piece = Piece.objects.get(number=2)
    piece.author_displayed = "@quelqu_un_d_autre"
    piece.save(update_fields=["author_displayed"])
    code, output = verify(sealed_dossier)
    assert code == 1
    assert "Piece 2: “author_displayed” differs from the custody log." in output
    assert "Pièce 2 : le champ « author_displayed » diffère" in page(owner_client, sealed_dossier)


def test_a_changed_custody_event_is_named(sealed_dossier, owner_client):
    event = CustodyEvent.objects.get(dossier=sealed_dossier, seq=2)
    payload = {**event.payload, "at": "2020-01-01T00:00:00.000000+00:00"}
    CustodyEvent.objects.filter(pk=event.pk).update(payload=payload)
    code, output = verify(sealed_dossier)
    assert code == 1
    assert "Event 2: its content was changed after it was recorded." in output
    html = page(owner_client, sealed_dossier)
    assert "Événement 2 : son contenu a été modifié après son enregistrement." in html


def test_a_removed_custody_event_is_named(sealed_dossier):
    CustodyEvent.objects.filter(dossier=sealed_dossier, seq=2).delete()
    code, output = verify(sealed_dossier)
    assert code == 1
    assert "Event 2 is missing from the log." in output


def test_a_renumbered_event_row_is_named(sealed_dossier):
    CustodyEvent.objects.filter(dossier=sealed_dossier, seq=7).update(seq=8)
    code, output = verify(sealed_dossier)
    assert code == 1
    assert "Event 8: its content was changed after it was recorded." in output


def test_a_piece_deleted_behind_the_logs_back_is_named(sealed_dossier):
    Piece.objects.filter(number=1).delete()
    code, output = verify(sealed_dossier)
    assert code == 1
    assert "Piece 1 is missing, and the custody log never recorded its deletion." in output


def test_the_custody_log_cannot_be_updated_through_the_model(sealed_dossier):
    event = CustodyEvent.objects.get(dossier=sealed_dossier, seq=1)
    event.payload = {}
    with pytest.raises(ValueError, match="append-only"):
        event.save()


def test_verify_names_an_unknown_dossier():
    with pytest.raises(CommandError) as error:
        call_command("evidence", "verify", "00000000-0000-0000-0000-000000000000")
    assert error.value.returncode == 2


def test_verify_all_checks_every_dossier(sealed_dossier, owner):
    make_dossier(owner, title="Deuxième")
    out = StringIO()
    call_command("evidence", "verify", "--all", stdout=out)
    assert out.getvalue().count("intact") == 2


def test_verify_can_answer_in_french(sealed_dossier):
    EvidenceFile.objects.filter(piece__number=1).update(sha256="0" * 64)
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("evidence", "verify", str(sealed_dossier.pk), "--lang", "fr", stderr=err)
    expected = "Pièce 1, fichier 1 : son empreinte diffère du journal de conservation."
    assert expected in err.getvalue()


def test_a_download_of_an_altered_original_is_refused(sealed_dossier, owner_client):
    file = EvidenceFile.objects.get(piece__number=1)
    blob_path(file.storage_name).write_bytes(b"SSE1" + b"\0" * 60)
    response = owner_client.get(reverse("evidence:file_original", args=[file.pk]))
    assert response.status_code == 409
    assert "Ce fichier ne peut pas être ouvert" in response.text


def test_sealed_files_cannot_be_read_without_the_key(sealed_dossier, settings):
    from evidence.sealing.crypto import encode_key, generate_key

    file = EvidenceFile.objects.get(piece__number=1)
    settings.EVIDENCE_ENCRYPTION_KEYS = encode_key(generate_key())
    with pytest.raises(sealed_files.DecryptionError):
        sealed_files.read(file.storage_name)


def test_verify_package_names_a_file_that_is_no_package(tmp_path):
    path = tmp_path / "dossier.zip"
    path.write_bytes(b"not a zip")
    err = StringIO()
    with pytest.raises(CommandError) as error:
        call_command("evidence", "verify-package", str(path), stderr=err)
    assert error.value.returncode == 1
    assert "not a readable ZIP" in err.getvalue()
