"""A helper adds many screenshots and imports a conversation as the owner does: adding is what
every helper may do, so a helper sends a batch, completes the cards of the pieces they sent,
and chooses messages; the pieces say who added them. What a helper may not do stays refused:
another person's batch, the card of a piece someone else added (unless they may edit)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from evidence.models import CustodyEvent, Kind, Piece
from tests.evidence.factories import add_image_piece
from tests.evidence.sharing.factories import add_helper
from tests.evidence.vault import test_chat_import as chats
from tests.evidence.vault.test_batch_review import card_data, card_url
from tests.evidence.vault.test_batch_upload import screenshot, send, start

pytestmark = pytest.mark.django_db


@pytest.fixture
def no_worker(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


def helper_client(dossier, user, **permissions) -> Client:
    add_helper(dossier, user, **permissions)
    client = Client()
    client.force_login(user)
    return client


def test_a_helper_sends_a_batch_and_completes_its_cards(dossier, stranger, no_worker):
    client = helper_client(dossier, stranger)
    batch = start(client, dossier)
    send(client, batch, *[(f"capture-{n}.png", screenshot(n)) for n in range(2)])
    pieces = list(Piece.objects.filter(dossier=dossier).order_by("number"))
    assert [piece.added_by for piece in pieces] == [stranger, stranger]
    assert client.get(reverse("evidence:batch_review", args=[batch.pk])).status_code == 200

    response = client.post(card_url(pieces[0]), card_data(pieces[0], title="Insulte de Lucas"))
    assert response.status_code == 302
    pieces[0].refresh_from_db()
    assert pieces[0].title == "Insulte de Lucas"
    edited = CustodyEvent.objects.filter(dossier=dossier).order_by("seq").last()
    assert edited.payload["action"] == "piece_edited"
    assert edited.payload["by"]["user"] == stranger.username
    assert edited.payload["by"]["helper"] is True


def test_the_pieces_a_helper_adds_say_the_helpers_role(dossier, stranger, no_worker):
    client = helper_client(dossier, stranger)
    batch = start(client, dossier)
    send(client, batch, ("capture.png", screenshot(1)))
    helper = dossier.helpers.get(user=stranger)
    assert Piece.objects.get(dossier=dossier).added_by_role == helper.role


def test_a_helper_without_edit_may_not_change_a_piece_someone_else_added(dossier, stranger):
    piece = add_image_piece(dossier)
    client = helper_client(dossier, stranger)
    response = client.post(card_url(piece), card_data(piece, title="Changé"))
    assert response.status_code == 404
    piece.refresh_from_db()
    assert piece.title != "Changé"


def test_a_helper_who_may_edit_completes_any_card(dossier, stranger):
    piece = add_image_piece(dossier)
    client = helper_client(dossier, stranger, can_edit=True)
    response = client.post(card_url(piece), card_data(piece, title="Complété"))
    assert response.status_code == 302
    piece.refresh_from_db()
    assert piece.title == "Complété"


def test_a_helper_does_not_reach_the_owners_batch(owner_client, dossier, stranger, no_worker):
    batch = start(owner_client, dossier)
    client = helper_client(dossier, stranger, can_edit=True)
    assert client.get(reverse("evidence:batch_review", args=[batch.pk])).status_code == 404
    assert client.get(reverse("evidence:batch_files", args=[batch.pk])).status_code == 404
    # The owner reaches a helper's batch: it is in their dossier.
    own = start(client, dossier)
    assert owner_client.get(reverse("evidence:batch_review", args=[own.pk])).status_code == 200


def test_a_helper_imports_a_conversation_and_chooses_messages(dossier, stranger, no_worker):
    client = helper_client(dossier, stranger)
    chat = chats.imported(client, dossier)
    chats.choose(client, chat, author="Lucas")
    made = Piece.objects.filter(dossier=dossier, kind=Kind.TEXT)
    assert made.exists()
    assert {piece.added_by for piece in made} == {stranger}
    assert chat.piece.added_by == stranger
