"""Someone who can write to the database, but holds neither the signing key nor the private
storage: every change they can make is reported by `evidence verify` and on the dossier page.

Each case below went unnoticed before the custody log was signed, sealed the derivatives, the
receipt times and the original names, and had its head recorded outside the database."""

import datetime as dt
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import translation

from evidence.models import CustodyEvent, Dossier, EvidenceFile, Piece
from evidence.sealing.signing import SigningKeyring, decode_key, generate_encoded_key
from evidence.vault import services as vault
from evidence.vault import verification
from evidence.vault.integrity import GENESIS, event_hash
from tests.evidence.factories import add_image_piece, make_dossier
from tests.evidence.intake import corpus

pytestmark = pytest.mark.django_db


@pytest.fixture
def dossier(owner, django_capture_on_commit_callbacks):
    """Three pieces, every event committed (so its head was recorded outside the database)."""
    with django_capture_on_commit_callbacks(execute=True):
        dossier = make_dossier(owner)
        for shade, name in ((40, "un.png"), (120, "deux.png"), (200, "trois.png")):
            add_image_piece(dossier, corpus.blank_png(300 + shade, 200), name=name)
    return dossier


def problems(dossier) -> list[str]:
    with translation.override("en"):
        return [str(problem) for problem in verification.verify(dossier).problems]


def command_says(dossier) -> tuple[int, str]:
    out, err = StringIO(), StringIO()
    try:
        call_command("evidence", "verify", str(dossier.pk), stdout=out, stderr=err)
    except CommandError as error:
        return error.returncode, err.getvalue()
    return 0, out.getvalue()


def assert_reported(dossier, owner_client, expected: str) -> None:
    found = problems(dossier)
    assert any(expected in problem for problem in found), found
    code, output = command_says(dossier)
    assert code == 1 and expected in output
    page = owner_client.get(reverse("evidence:dossier_detail", args=[dossier.pk])).text
    assert "Altéré :" in page


def test_the_untouched_dossier_is_intact(dossier):
    assert problems(dossier) == []


def test_a_display_copy_pointer_swapped_with_its_fingerprint(dossier, owner_client):
    one, two = (EvidenceFile.objects.get(piece__number=n) for n in (1, 2))
    EvidenceFile.objects.filter(pk=one.pk).update(
        display_name=two.display_name, display_sha256=two.display_sha256
    )
    assert_reported(dossier, owner_client, "Piece 1, file 1: its display copy differs")


def test_a_thumbnail_pointer_swapped_with_its_fingerprint(dossier, owner_client):
    one, two = (EvidenceFile.objects.get(piece__number=n) for n in (1, 2))
    EvidenceFile.objects.filter(pk=one.pk).update(
        thumbnail_name=two.thumbnail_name, thumbnail_sha256=two.thumbnail_sha256
    )
    assert_reported(dossier, owner_client, "Piece 1, file 1: its thumbnail differs")


def test_two_originals_swapped_with_their_fingerprints(dossier, owner_client):
    one, two = (EvidenceFile.objects.get(piece__number=n) for n in (1, 2))
    EvidenceFile.objects.filter(pk=one.pk).update(storage_name="evidence/moving")
    EvidenceFile.objects.filter(pk=two.pk).update(
        storage_name=one.storage_name, sha256=one.sha256, size=one.size
    )
    EvidenceFile.objects.filter(pk=one.pk).update(
        storage_name=two.storage_name, sha256=two.sha256, size=two.size
    )
    assert_reported(dossier, owner_client, "Piece 1, file 1: its fingerprint differs")
    assert any("Piece 2, file 1: its fingerprint differs" in p for p in problems(dossier))


def test_a_piece_backdated(dossier, owner_client):
    Piece.objects.filter(number=2).update(received_at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC))
    assert_reported(dossier, owner_client, "Piece 2: its receipt time differs")


def test_a_file_backdated(dossier, owner_client):
    EvidenceFile.objects.filter(piece__number=2).update(
        received_at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
    )
    assert_reported(dossier, owner_client, "Piece 2, file 1: its receipt time differs")


def test_an_original_renamed(dossier, owner_client):
    # Without the key, a name can only be moved from another row, where it does not open.
    other = EvidenceFile.objects.filter(piece__number=1).values_list("original_name", flat=True)
    EvidenceFile.objects.filter(piece__number=3).update(original_name=other.get())
    assert_reported(dossier, owner_client, "Piece 3, file 1: its original name differs")
    assert "Piece 3, file 1: its original name no longer opens" in " ".join(problems(dossier))


def test_a_piece_text_moved_from_another_piece(dossier, owner_client):
    other = Piece.objects.filter(number=1).values_list("description", flat=True)
    Piece.objects.filter(number=2).update(description=other.get())
    assert_reported(dossier, owner_client, "Piece 2: “description” no longer opens")


def test_a_files_size_or_type_changed(dossier, owner_client):
    EvidenceFile.objects.filter(piece__number=1).update(size=1, mime_type="image/gif")
    assert_reported(dossier, owner_client, "Piece 1, file 1: its size differs")
    assert any("its type differs" in problem for problem in problems(dossier))


@pytest.mark.parametrize("counter", [2, 5])
def test_the_last_piece_number_changed(dossier, owner_client, counter):
    Dossier.objects.filter(pk=dossier.pk).update(last_piece_number=counter)
    assert_reported(dossier, owner_client, f"piece counter says {counter}")


def test_the_last_event_deleted(dossier, owner_client):
    last = dossier.events.order_by("-seq").first().seq
    CustodyEvent.objects.filter(dossier=dossier, seq=last).delete()
    assert_reported(
        dossier, owner_client, f"The custody log ends at event {last - 1}, but event {last}"
    )


def test_the_last_piece_deleted_with_its_events(dossier, owner_client):
    """Piece 3 and its two events (added, derivatives made): the chain still links."""
    Piece.objects.filter(number=3).delete()
    CustodyEvent.objects.filter(dossier=dossier, payload__piece=3).delete()
    Dossier.objects.filter(pk=dossier.pk).update(last_piece_number=2)
    assert_reported(dossier, owner_client, "its last events were removed")


def test_a_payload_rewritten_and_the_chain_recomputed_without_the_key(dossier, owner_client):
    """The worst case of write access: a piece's record changed, every hash recomputed, and the
    events signed with a key of the forger's own."""
    forger = SigningKeyring(decode_key(generate_encoded_key()))
    prev = GENESIS
    for event in CustodyEvent.objects.filter(dossier=dossier).order_by("seq"):
        payload = dict(event.payload)
        if payload.get("piece") == 2 and payload["action"] == "piece_added":
            payload["files"] = [{**payload["files"][0], "received_at": "2020-01-01T00:00:00"}]
        digest = event_hash(prev, payload)
        signature = forger.sign(digest.encode("ascii"))
        CustodyEvent.objects.filter(pk=event.pk).update(
            payload=payload,
            prev_hash=prev,
            hash=digest,
            key_id=signature.key_id,
            signature=signature.value,
        )
        prev = digest
    assert_reported(dossier, owner_client, "is not signed by this server")
    assert any("differs from the head recorded outside" in p for p in problems(dossier))


def test_a_signature_removed(dossier, owner_client):
    CustodyEvent.objects.filter(dossier=dossier, seq=2).update(signature="", key_id="")
    assert_reported(dossier, owner_client, "Event 2 is not signed by this server")


def test_a_signature_moved_to_another_event(dossier, owner_client):
    second = CustodyEvent.objects.get(dossier=dossier, seq=2)
    CustodyEvent.objects.filter(dossier=dossier, seq=3).update(signature=second.signature)
    assert_reported(dossier, owner_client, "Event 3 is not signed by this server")


def test_a_piece_deleted_by_the_owner_still_verifies(dossier, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        vault.delete_piece(Piece.objects.get(number=3), dossier.owner)
    assert problems(dossier) == []


def test_a_deleted_piece_leaves_nothing_readable_in_the_log(dossier):
    piece = Piece.objects.get(number=2)
    vault.edit_piece(piece, dossier.owner, {"description": "Il a publié mon adresse."})
    vault.delete_piece(Piece.objects.get(number=2), dossier.owner)
    sealed = str(list(CustodyEvent.objects.filter(dossier=dossier).values_list("payload")))
    assert "mon adresse" not in sealed and "deux.png" not in sealed and "@tom_75" not in sealed


# --- The page reads the worker's last check, never the blobs -----------------------------------


def test_the_dossier_page_never_opens_a_blob(dossier, owner_client, monkeypatch):
    from evidence.sealing import sealed_files

    owner_client.get(reverse("evidence:dossier_detail", args=[dossier.pk]))  # first check

    def no_blob(*args, **kwargs):
        raise AssertionError("the page opened a blob")

    monkeypatch.setattr(sealed_files, "read", no_blob)
    monkeypatch.setattr(sealed_files, "read_stream", no_blob)
    page = owner_client.get(reverse("evidence:dossier_detail", args=[dossier.pk])).text
    assert "Intègre" in page and "Vérifié le" in page


def test_a_change_the_head_does_not_show_is_caught_by_the_next_check(dossier, owner_client):
    url = reverse("evidence:dossier_detail", args=[dossier.pk])
    assert "Intègre" in owner_client.get(url).text
    one, two = (EvidenceFile.objects.get(piece__number=n) for n in (1, 2))
    EvidenceFile.objects.filter(pk=one.pk).update(
        display_name=two.display_name, display_sha256=two.display_sha256
    )
    owner_client.post(reverse("evidence:dossier_check", args=[dossier.pk]))  # on demand
    page = owner_client.get(url).text
    assert "Altéré :" in page and "sa copie d’affichage diffère" in page


def test_the_schedule_checks_dossiers_not_checked_for_a_day(dossier):
    import datetime as dt

    from django.utils import timezone

    from evidence.vault import checks

    assert checks.check_stale() == 1
    assert checks.check_stale() == 0
    later = timezone.now() + checks.RECHECK_AFTER + dt.timedelta(minutes=1)
    assert checks.check_stale(now=later) == 1
