"""The vault's operations as plain functions: numbering, the custody log, edits, deletions,
erasure, completeness and key rotation."""

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from evidence.models import CustodyEvent, Dossier, EvidenceFile, Piece
from evidence.sealing import crypto, sealed_files
from evidence.vault import custody, verification
from evidence.vault import services as vault
from evidence.vault.integrity import GENESIS, event_hash
from tests.evidence.factories import add_image_piece, make_dossier, piece_fields, stored_files
from tests.evidence.intake import corpus

pytestmark = pytest.mark.django_db


def actions(dossier) -> list[str]:
    return [event.payload["action"] for event in dossier.events.order_by("seq")]


# Numbering


def test_pieces_are_numbered_from_1_within_each_dossier(owner):
    first, second = make_dossier(owner), make_dossier(owner)
    assert [add_image_piece(first).number for _ in range(3)] == [1, 2, 3]
    assert add_image_piece(second).number == 1


def test_a_deleted_number_is_never_given_again(dossier):
    pieces = [add_image_piece(dossier) for _ in range(3)]
    vault.delete_piece(pieces[2], dossier.owner)
    assert add_image_piece(dossier).number == 4


def test_the_counter_lives_on_the_dossier(dossier):
    add_image_piece(dossier)
    add_image_piece(dossier)
    assert Dossier.objects.get(pk=dossier.pk).last_piece_number == 2


# The custody log


def test_every_operation_appends_a_chained_event(dossier):
    piece = add_image_piece(dossier)
    vault.edit_piece(piece, dossier.owner, {"description": "Nouvelle description"})
    vault.record_export(piece.files.get(), dossier.owner)
    vault.delete_piece(piece, dossier.owner)
    assert actions(dossier) == [
        "dossier_created", "piece_added", "derivatives_made", "text_read", "piece_edited",
        "exported", "piece_deleted",
    ]  # fmt: skip
    previous = GENESIS
    for event in dossier.events.order_by("seq"):
        assert event.prev_hash == previous
        assert event.hash == event_hash(previous, event.payload)
        assert event.payload["seq"] == event.seq and event.payload["at"].endswith("+00:00")
        previous = event.hash


def test_the_added_event_seals_the_piece_and_its_files_without_their_values_in_clear(dossier):
    piece = add_image_piece(dossier, name="capture.png")
    file = piece.files.get()
    payload = dossier.events.get(seq=2).payload
    assert payload["piece"] == 1
    assert payload["by"] == {"user": "lea_75", "role": "victim"}
    url = "https://www.instagram.com/p/abc/"
    assert payload["record"]["url"] == custody.commitment(piece.seal, "url", url)
    assert payload["files"][0]["sha256"] == file.sha256
    assert payload["files"][0]["display_sha256"] == ""  # made by the worker, sealed next:
    made = dossier.events.get(seq=3).payload
    assert made["action"] == "derivatives_made" and made["by"]["role"] == "server"
    assert made["files"][0]["display_sha256"] == file.display_sha256
    assert made["files"][0]["thumbnail_sha256"] == file.thumbnail_sha256
    assert payload["files"][0]["received_at"] == custody.utc_iso(file.received_at)
    name = custody.commitment(piece.seal, "file1.name", "capture.png")
    assert payload["files"][0]["name"] == name
    sealed = json.dumps(payload, ensure_ascii=False)
    assert url not in sealed and "capture.png" not in sealed and "@tom_75" not in sealed


def test_an_edit_logs_commitments_of_the_old_and_new_values(dossier):
    piece = add_image_piece(dossier)
    vault.edit_piece(
        piece, dossier.owner, {"author_displayed": "@autre", "description": "Il me menace."}
    )
    changes = dossier.events.get(seq=5).payload["changes"]  # after the text read in the image
    assert changes == {
        "author_displayed": {
            "old": custody.commitment(piece.seal, "author_displayed", "@tom_75"),
            "new": custody.commitment(piece.seal, "author_displayed", "@autre"),
        }
    }


def test_an_edit_that_changes_nothing_logs_nothing(dossier):
    piece = add_image_piece(dossier)
    assert vault.edit_piece(piece, dossier.owner, {"description": "Il me menace."}) is False
    assert dossier.events.count() == 4  # created, added, derivatives made, text read


def test_an_edited_date_is_read_again_and_marked_as_typed(dossier):
    piece = add_image_piece(dossier, published_raw="hier")
    vault.edit_piece(piece, dossier.owner, {"published_raw": "13/03/2025 08:00"})
    piece.refresh_from_db()
    assert piece.published_is_absolute and str(piece.published_date) == "2025-03-13"
    changes = dossier.events.get(seq=5).payload["changes"]
    seal = piece.seal
    assert changes["published_raw"] == {
        "old": custody.commitment(seal, "published_raw", "hier"),
        "new": custody.commitment(seal, "published_raw", "13/03/2025 08:00"),
    }
    assert changes["published_is_absolute"]["new"] == custody.commitment(
        seal, "published_is_absolute", True
    )


def test_the_original_file_never_changes_on_edit(dossier):
    piece = add_image_piece(dossier)
    before = [path.read_bytes() for path in stored_files()]
    vault.edit_piece(piece, dossier.owner, {"description": "Autre"})
    assert [path.read_bytes() for path in stored_files()] == before


def test_received_at_is_set_by_the_server_and_not_editable(owner_client, dossier):
    piece = add_image_piece(dossier)
    received = piece.received_at
    owner_client.post(
        reverse("evidence:piece_edit", args=[piece.pk]),
        {"received_at": "2000-01-01T00:00", "added_by_role": "victim", "still_online": "no",
         "removed": "no"},
    )  # fmt: skip
    piece.refresh_from_db()
    assert piece.received_at == received


# Deleting and erasing


def test_deleting_a_piece_deletes_its_files_and_leaves_a_tombstone(
    dossier, django_capture_on_commit_callbacks
):
    piece = add_image_piece(dossier)
    sha256 = piece.files.get().sha256
    assert len(stored_files()) == 3
    with django_capture_on_commit_callbacks(execute=True):
        vault.delete_piece(piece, dossier.owner)
    assert stored_files() == []
    assert not Piece.objects.exists() and not EvidenceFile.objects.exists()
    tombstone = dossier.events.order_by("-seq").first().payload
    assert tombstone["action"] == "piece_deleted"
    assert tombstone["piece"] == 1
    assert tombstone["files"] == [{"position": 1, "sha256": sha256}]
    assert tombstone["at"]
    assert verification.verify(dossier).ok


def test_erasing_a_dossier_erases_every_file_and_row_and_says_what(
    owner, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        dossier = make_dossier(owner)
        other = make_dossier(owner, title="L'autre")
        add_image_piece(dossier)
        add_image_piece(dossier)
        add_image_piece(other)
    heads = stored_files("custody-heads")
    assert len(heads) == 11  # every event recorded outside the database
    with django_capture_on_commit_callbacks(execute=True):
        erasure = vault.erase_dossier(dossier)
    assert (erasure.pieces, erasure.files, erasure.derivatives, erasure.events) == (2, 2, 4, 7)
    assert not Dossier.objects.filter(pk=dossier.pk).exists()
    assert not CustodyEvent.objects.filter(dossier_id=dossier.pk).exists()
    assert len(stored_files()) == 3  # the other dossier's only
    assert [path.parent.name for path in stored_files("custody-heads")] == [str(other.pk)] * 4


def test_the_erase_page_says_what_was_erased(
    owner_client, dossier, django_capture_on_commit_callbacks
):
    add_image_piece(dossier)
    with django_capture_on_commit_callbacks(execute=True):
        response = owner_client.post(
            reverse("evidence:dossier_erase", args=[dossier.pk]), {"confirm": "on"}
        )
    page = owner_client.get(response["Location"]).text
    assert "a été effacé définitivement" in page
    assert "1 fichier original" in page
    assert "2 copies d’affichage et vignettes" in page
    assert stored_files() == []
    assert "a été effacé" not in owner_client.get(response["Location"]).text  # once


def test_the_erased_dossiers_title_is_shown_as_text(owner_client, owner):
    dossier = make_dossier(owner, title="<b>Insta</b> & co")
    response = owner_client.post(
        reverse("evidence:dossier_erase", args=[dossier.pk]), {"confirm": "on"}
    )
    page = owner_client.get(response["Location"]).text
    assert "Le dossier « &lt;b&gt;Insta&lt;/b&gt; &amp; co » a été effacé" in page


def test_erasing_needs_a_confirmation(owner_client, dossier):
    owner_client.post(reverse("evidence:dossier_erase", args=[dossier.pk]), {})
    assert Dossier.objects.filter(pk=dossier.pk).exists()


def test_deleting_the_account_erases_everything(
    owner_client, dossier, django_capture_on_commit_callbacks
):
    add_image_piece(dossier)
    with django_capture_on_commit_callbacks(execute=True):
        response = owner_client.post(
            reverse("accounts:account_delete"),
            {"password": "un mot de passe solide 42", "confirm": "on"},
        )
    assert response.status_code == 302
    assert stored_files() == []
    assert not Dossier.objects.exists()
    assert "Votre compte a été supprimé" in owner_client.get(response["Location"]).text


# Completeness


def test_a_piece_is_complete_with_date_where_context_and_description(dossier):
    piece = add_image_piece(dossier, context="Réponse à ma story du 13 mars.")
    assert [item.done for item in vault.checklist(piece)] == [True, True, True, True]
    assert vault.is_complete(piece)


def test_each_missing_element_shows_in_the_checklist(dossier):
    piece = add_image_piece(dossier, published_raw="il y a 3 j", url="", description="")
    done = {item.code: item.done for item in vault.checklist(piece)}
    assert done == {"date": False, "where": True, "context": False, "description": False}


def test_several_captures_count_as_context(dossier):
    uploads = [vault.Upload("1.png", corpus.small_png()), vault.Upload("2.png", corpus.small_png())]
    piece = vault.add_piece(dossier, dossier.owner, piece_fields(), uploads)
    assert {item.code: item.done for item in vault.checklist(piece)}["context"]


def test_the_dossier_says_how_ready_it_is(owner_client, dossier):
    for _ in range(2):
        add_image_piece(dossier, context="contexte")
    for _ in range(4):
        add_image_piece(dossier)
    assert vault.readiness(dossier.pieces.all()) == (2, 6)
    page = owner_client.get(reverse("evidence:dossier_detail", args=[dossier.pk])).text
    assert "2 pièces sur 6 complètes" in page


def test_the_count_of_complete_pieces_follows_edits_and_added_files(owner_client, dossier):
    """The dossier page reads each piece's kept `complete`: it must follow every change."""
    piece = add_image_piece(dossier)  # no context yet
    url = reverse("evidence:dossier_detail", args=[dossier.pk])
    assert "0 pièce sur 1 complète" in owner_client.get(url).text
    vault.add_files(piece, dossier.owner, [vault.Upload("2.png", corpus.blank_png(9, 9))], "no")
    assert "1 pièce sur 1 complète" in owner_client.get(url).text  # a thread is its context
    vault.edit_piece(Piece.objects.get(), dossier.owner, {"description": ""})
    page = owner_client.get(url).text
    assert "0 pièce sur 1 complète" in page and "À compléter" in page
    vault.edit_piece(Piece.objects.get(), dossier.owner, {"description": "Une insulte."})
    assert "1 pièce sur 1 complète" in owner_client.get(url).text


def test_a_piece_saved_before_its_completeness_was_kept_is_counted_right(dossier):
    add_image_piece(dossier, context="contexte")
    add_image_piece(dossier)
    Piece.objects.update(complete=None)  # as rows made before the column existed
    assert vault.readiness(dossier.pieces.all()) == (1, 2)
    assert sorted(Piece.objects.values_list("complete", flat=True)) == [False, True]


def test_the_dossier_page_opens_only_the_pieces_it_shows(owner_client, dossier):
    """Its cost must not grow with the evidence: the same queries at 3 pieces and at 40, and
    only the page's pieces loaded (never their blobs, never the other pieces' fields)."""
    from django.db import connection
    from django.db.models.signals import post_init
    from django.test.utils import CaptureQueriesContext

    url = reverse("evidence:dossier_detail", args=[dossier.pk])
    loaded = []

    def count(sender, instance, **kwargs):
        loaded.append(instance)

    def measure() -> int:
        loaded.clear()
        with CaptureQueriesContext(connection) as queries:
            assert owner_client.get(url).status_code == 200
        return len(queries)

    for _ in range(3):
        add_image_piece(dossier)
    post_init.connect(count, sender=Piece)
    try:
        measure()  # the first view asks for a check of the log (run at once in the tests)
        few = measure()
        for _ in range(37):
            vault.add_piece(dossier, dossier.owner, piece_fields(kind="link"))
        measure()  # the log changed: the page asks for a check (run at once in the tests)
        many = measure()
    finally:
        post_init.disconnect(count, sender=Piece)
    assert many == few
    assert len(loaded) == 25  # a page of pieces, out of 40


# Key rotation


def test_rotate_key_reencrypts_every_blob_with_the_new_key(dossier, settings):
    piece = add_image_piece(dossier)
    old_key = settings.EVIDENCE_ENCRYPTION_KEYS.split(",")[0]
    new_key = crypto.encode_key(crypto.generate_key())
    settings.EVIDENCE_ENCRYPTION_KEYS = f"{new_key},{old_key}"
    out = StringIO()
    call_command("evidence", "rotate-key", stdout=out)
    assert "Re-encrypted 3 stored files" in out.getvalue()
    settings.EVIDENCE_ENCRYPTION_KEYS = new_key  # the old key dropped
    file = EvidenceFile.objects.get()
    assert sealed_files.read(file.storage_name) == corpus.small_png()
    assert len(stored_files()) == 3  # the old blobs are gone
    assert verification.verify(piece.dossier).ok


def test_rotate_key_twice_has_nothing_left_to_do(dossier):
    add_image_piece(dossier)
    out = StringIO()
    call_command("evidence", "rotate-key", stdout=out)
    assert "Re-encrypted 0 stored files with the current key (3 already were)" in out.getvalue()


def test_a_piece_edited_through_its_page_still_verifies_intact(owner_client, dossier):
    from tests.evidence.factories import form_data

    piece = add_image_piece(dossier, published_raw="hier")
    response = owner_client.post(
        reverse("evidence:piece_edit", args=[piece.pk]),
        form_data(published_raw="13/03/2025 08:00", captured_at="2025-03-14T09:00"),
    )
    assert response.status_code == 302
    piece.refresh_from_db()
    assert piece.provenance["captured_at"] == "user"
    assert verification.verify(dossier).ok, verification.verify(dossier).problems
    page = owner_client.get(reverse("evidence:custody_log", args=[dossier.pk])).text
    changed = page.split('class="changes">')[1].split("</p>")[0]
    assert changed.startswith("Modifié :") and "Date de publication" in changed
    assert "Nom du dossier" not in changed
    assert "« hier »" not in page and "13/03/2025" not in page  # what changed, never a value
