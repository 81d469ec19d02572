"""Sexual images of minors are never stored (legal-fr.md §1); "I don't know" gets the same care;
an adult's intimate image is kept only with consent, and shown blurred until revealed."""

import re
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from evidence.models import EvidenceFile, Piece
from evidence.sealing import sealed_files
from evidence.vault import custody
from evidence.vault import services as vault
from guidance.content import resources
from tests.evidence.factories import add_url, form_data, piece_fields, stored_files
from tests.evidence.intake import corpus

pytestmark = pytest.mark.django_db


def send(client, dossier, sensitivity: str, **fields):
    image = SimpleUploadedFile("photo.png", corpus.small_png(), content_type="image/png")
    return client.post(
        add_url(dossier), {**form_data(sensitivity=sensitivity, **fields), "files": [image]}
    )


@pytest.mark.parametrize("sensitivity", ["minor", "unsure"])
def test_the_file_never_reaches_storage(sensitivity, owner_client, dossier):
    response = send(owner_client, dossier, sensitivity)
    assert response.status_code == 302
    assert stored_files() == []
    assert EvidenceFile.objects.count() == 0


@pytest.mark.parametrize("sensitivity", ["minor", "unsure"])
def test_the_piece_keeps_the_link_the_handle_the_date_and_the_description(
    sensitivity, owner_client, dossier
):
    send(owner_client, dossier, sensitivity)
    piece = Piece.objects.get()
    assert piece.files_withheld
    assert piece.url == "https://www.instagram.com/p/abc/"
    assert piece.author_displayed == "@tom_75"
    assert piece.published_is_absolute
    assert piece.description == "Il me menace."


def test_the_vault_itself_refuses_to_store_the_file_whatever_the_caller_passes(dossier):
    uploads = [vault.Upload("photo.png", corpus.small_png())]
    piece = vault.add_piece(dossier, dossier.owner, piece_fields(sensitivity="minor"), uploads)
    assert piece.files.count() == 0
    assert stored_files() == []
    logged = dossier.events.get(seq=2).payload
    withheld = custody.commitment(piece.seal, "files_withheld", True)
    assert logged["files"] == [] and logged["record"]["files_withheld"] == withheld


def test_the_view_does_not_even_read_the_file(owner_client, dossier, monkeypatch):
    from evidence.vault import views

    read_any = []
    monkeypatch.setattr(views, "_read", lambda files: read_any.append(files) or [])
    send(owner_client, dossier, "minor")
    assert read_any == []


def test_the_page_explains_kindly_and_points_to_the_helplines_from_the_data(owner_client, dossier):
    response = send(owner_client, dossier, "minor")
    page = owner_client.get(response["Location"]).text
    assert "Nous n’avons pas gardé l’image, pour vous protéger" in page
    assert "Vous n’avez rien fait de mal" in page
    for resource_id in ("3018", "pharos", "point_de_contact"):
        resource = resources()[resource_id]
        assert resource["url"] in page
        if resource.get("phone"):
            assert f'href="tel:{resource["phone"]}"' in page


def test_i_dont_know_is_explained_too(owner_client, dossier):
    response = send(owner_client, dossier, "unsure")
    page = owner_client.get(response["Location"]).text
    assert "Dans le doute, nous ne la gardons pas" in page
    assert resources()["pharos"]["url"] in page


def test_the_question_is_required(owner_client, dossier):
    response = owner_client.post(add_url(dossier), form_data(sensitivity=""))
    assert response.status_code == 200
    assert "Le contenu montre-t-il de la nudité" in response.text
    assert Piece.objects.count() == 0


def test_adding_files_later_to_a_piece_follows_the_same_rule(owner_client, dossier):
    piece = vault.add_piece(dossier, dossier.owner, piece_fields(kind="link"), [])
    url = reverse("evidence:piece_add_files", args=[piece.pk])
    image = SimpleUploadedFile("photo.png", corpus.small_png(), content_type="image/png")
    response = owner_client.post(
        url, {"token": str(uuid.uuid4()), "sensitivity": "minor", "files": [image]}
    )
    assert response.status_code == 302
    assert stored_files() == []
    page = owner_client.get(response["Location"]).text
    assert "Nous n’avons pas gardé l’image, pour vous protéger" in page
    assert "Vous n’avez rien fait de mal" in page


def test_an_adults_intimate_image_needs_explicit_consent(owner_client, dossier):
    response = send(owner_client, dossier, "adult")
    assert response.status_code == 200
    assert "Cochez cette case pour garder cette image intime" in response.text
    assert stored_files() == []


def test_an_adults_intimate_image_with_consent_is_kept_and_shown_blurred(owner_client, dossier):
    response = send(owner_client, dossier, "adult", intimate_consent="on")
    assert response.status_code == 302
    piece = Piece.objects.get()
    assert piece.intimate_consent and piece.files.count() == 1
    page = owner_client.get(response["Location"]).text
    assert 'class="thumb blur"' in page
    assert 'href="?reveal=1"' in page
    revealed = owner_client.get(response["Location"] + "?reveal=1").text
    assert 'class="thumb blur"' not in revealed
    assert 'class="thumb"' in revealed


def test_an_intimate_image_stays_blurred_in_the_dossier(owner_client, dossier):
    send(owner_client, dossier, "adult", intimate_consent="on")
    page = owner_client.get(reverse("evidence:dossier_detail", args=[dossier.pk])).text
    assert 'class="thumb blur"' in page


def test_the_file_of_an_adults_image_is_sealed_like_any_other(owner_client, dossier):
    send(owner_client, dossier, "adult", intimate_consent="on")
    file = EvidenceFile.objects.get()
    assert sealed_files.read(file.storage_name) == corpus.small_png()


# What a teenager reads about images of themselves: never that they broke the law.
TELLS_THEM_THEY_BREAK_THE_LAW = re.compile(
    r"est une infraction|serait une infraction|la loi interdit|même pour la personne", re.I
)


@pytest.mark.parametrize("answer", ["minor", "unsure"])
def test_no_page_of_the_upload_tells_the_person_shown_they_break_the_law(
    owner_client, dossier, answer
):
    form = owner_client.get(add_url(dossier)).text
    assert not TELLS_THEM_THEY_BREAK_THE_LAW.search(form)
    assert "vous n’avez rien fait de mal" in form
    response = send(owner_client, dossier, answer)
    page = owner_client.get(response["Location"]).text
    assert not TELLS_THEM_THEY_BREAK_THE_LAW.search(page)
