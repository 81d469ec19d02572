"""The review list of a batch: one short card per piece, each a real form saved in place (htmx)
or as a page; what is missing per card; the platform and author carried over from the card
before when asked; what the text read in the image suggests, accepted by a tap; the progress
of the worker polled without disturbing what is being typed."""

from __future__ import annotations

import re
import uuid

import pytest
from django.urls import reverse

from common.typography import typography as fr
from evidence.models import Batch, Piece, Source, TextReading
from evidence.vault import batches
from tests.evidence.vault.test_batch_upload import screenshot, send, start

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def no_worker(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


@pytest.fixture
def batch(owner_client, dossier, no_worker) -> Batch:
    made = start(owner_client, dossier)
    send(owner_client, made, *[(f"capture-{n}.png", screenshot(n)) for n in range(3)])
    return made


def card_url(piece: Piece) -> str:
    return reverse("evidence:piece_card", args=[piece.pk])


def card_data(piece: Piece, **values: str) -> dict:
    fields = {
        "card": str(piece.number), "title": "", "author_displayed": "", "platform": "",
        "published_raw": "",
    }  # fmt: skip
    return {f"p{piece.number}-{name}": value for name, value in {**fields, **values}.items()}


def test_the_review_shows_a_card_per_piece_with_what_is_missing(owner_client, batch):
    page = owner_client.get(reverse("evidence:batch_review", args=[batch.pk])).text
    for number in (1, 2, 3):
        assert f'id="card-{number}"' in page
        assert f'name="p{number}-author_displayed"' in page
    assert page.count(fr("Il manque :")) == 3
    assert "date de publication exacte" in page


def test_a_card_saved_without_javascript_goes_back_to_its_place_in_the_list(owner_client, batch):
    piece = Piece.objects.get(number=2)
    response = owner_client.post(
        card_url(piece),
        card_data(
            piece,
            author_displayed="@tom_75",
            platform="instagram",
            published_raw="24/11/2026 18:13",
        ),
    )
    assert response.status_code == 302
    assert response["Location"].endswith(f"/envois/{batch.pk}/#card-2")
    piece.refresh_from_db()
    assert (piece.author_displayed, piece.platform) == ("@tom_75", "instagram")
    assert piece.published_is_absolute
    assert piece.provenance["author_displayed"] == Source.USER


def test_a_card_saved_with_htmx_comes_back_alone_and_says_it_was_saved(owner_client, batch):
    piece = Piece.objects.get(number=1)
    response = owner_client.post(card_url(piece), card_data(piece, title="Insulte"), **HTMX)
    assert response.status_code == 200
    assert response.text.lstrip().startswith('<article class="card review-card" id="card-1"')
    assert "Enregistré." in response.text
    assert "<html" not in response.text


@pytest.mark.parametrize("htmx", [False, True])
def test_an_invalid_card_keeps_what_was_typed(owner_client, batch, htmx):
    piece = Piece.objects.get(number=1)
    data = card_data(piece, author_displayed="@kevin_93", published_raw="24/11/2099 18:13")
    response = owner_client.post(card_url(piece), data, **(HTMX if htmx else {}))
    assert response.status_code == 200
    assert "Cette date est dans le futur" in response.text
    assert 'value="@kevin_93"' in response.text
    assert Piece.objects.get(number=1).author_displayed == ""


def test_carrying_over_fills_only_the_empty_platform_and_author(owner_client, batch):
    first, second, third = Piece.objects.order_by("number")
    owner_client.post(
        card_url(first), card_data(first, author_displayed="@tom_75", platform="snapchat")
    )
    owner_client.post(card_url(second), {**card_data(second, title="Menace"), "carry": "1"}, **HTMX)
    second.refresh_from_db()
    assert (second.platform, second.author_displayed, second.title) == (
        "snapchat",
        "@tom_75",
        "Menace",
    )
    owner_client.post(
        card_url(third), {**card_data(third, author_displayed="@autre"), "carry": "1"}
    )
    third.refresh_from_db()
    assert (third.platform, third.author_displayed) == ("snapchat", "@autre")
    assert third.provenance["platform"] == Source.USER  # carried over because asked: theirs


def test_the_first_card_offers_no_carry_over(owner_client, batch):
    page = owner_client.get(reverse("evidence:batch_review", args=[batch.pk])).text
    assert page.count('name="carry"') == 2
    assert "Même plateforme et même auteur que la pièce 1" in page


def test_a_card_is_a_page_of_its_own_without_javascript(owner_client, batch):
    piece = Piece.objects.get(number=3)
    page = owner_client.get(card_url(piece)).text
    assert "Compléter la pièce 3" in page and 'name="p3-title"' in page


def test_a_stranger_can_neither_see_nor_save_a_card(stranger_client, batch):
    piece = Piece.objects.get(number=1)
    assert stranger_client.get(card_url(piece)).status_code == 404
    response = stranger_client.post(card_url(piece), card_data(piece, title="x"))
    assert response.status_code == 404
    url = reverse("evidence:accept_suggestion", args=[piece.pk])
    assert stranger_client.post(url, {"field": "platform", "value": "x"}).status_code == 404
    assert Piece.objects.get(number=1).title == ""


# --- The worker's progress --------------------------------------------------------------------


def poll(client, batch, shown: str, cards: str):
    url = reverse("evidence:batch_review", args=[batch.pk])
    return client.get(url, {"shown": shown, "cards": cards}, **HTMX)


def test_the_review_polls_while_images_are_prepared_and_stops_after(owner_client, batch):
    page = owner_client.get(reverse("evidence:batch_review", args=[batch.pk])).text
    assert 'hx-trigger="every 2s"' in page
    assert "0 aperçus sur 3" in page
    progress = batches.batch_progress(batch)
    assert poll(owner_client, batch, progress.state, "www").status_code == 204
    from evidence.vault import derivatives, text_reading

    piece = Piece.objects.get(number=2)
    derivatives.make_for(piece.files.get().pk)
    text_reading.read_for(piece.files.get().pk)
    response = poll(owner_client, batch, progress.state, "www")
    assert response.status_code == 200
    assert 'id="card-2-read" hx-swap-oob="true"' in response.text
    assert 'id="card-1-read"' not in response.text  # unchanged cards are left alone
    assert "card-2-form" not in response.text  # never what is being typed
    for file_id in Piece.objects.exclude(number=2).values_list("files", flat=True):
        derivatives.make_for(file_id)
        text_reading.read_for(file_id)
    done = owner_client.get(reverse("evidence:batch_review", args=[batch.pk])).text
    assert 'hx-trigger="every 2s"' not in done


def test_the_dossier_page_polls_the_same_way_and_refreshes_without_javascript(owner_client, batch):
    page = owner_client.get(reverse("evidence:dossier_detail", args=[batch.dossier.pk])).text
    assert "Vos images sont en préparation" in page
    assert reverse("evidence:dossier_preparation", args=[batch.dossier.pk]) in page
    url = reverse("evidence:dossier_preparation", args=[batch.dossier.pk])
    state = batches.dossier_progress(batch.dossier).state
    assert owner_client.get(url, {"shown": state}, **HTMX).status_code == 204
    assert owner_client.get(url).status_code == 302  # no JavaScript: the dossier's page


# --- What the text read in the image suggests ---------------------------------------------------


def read(piece: Piece, text: str) -> None:
    """As if the worker had read this text in the piece's image."""
    from evidence.intake.ocr import Transcript
    from evidence.vault import text_reading

    file = piece.files.get()
    file.ocr = TextReading.PENDING
    file.save(update_fields=["ocr"])
    text_reading._record(file.pk, Transcript(text, 91.0, 0.1))


def test_a_suggestion_shows_the_line_it_was_read_from_and_is_accepted_by_a_tap(owner_client, batch):
    piece = Piece.objects.get(number=1)
    read(piece, "kevin_du_93\nT’es vraiment qu’une bouffonne\n24/11/2026 22:41\nInstagram")
    page = owner_client.get(reverse("evidence:batch_review", args=[batch.pk])).text
    assert fr("Date : 24/11/2026 22:41") in page
    assert fr("lu dans « 24/11/2026 22:41 »") in page
    assert piece.published_raw == ""  # never filled in by itself
    response = owner_client.post(
        reverse("evidence:accept_suggestion", args=[piece.pk]),
        {"field": "published_raw", "value": "24/11/2026 22:41", "next": "/"},
        **HTMX,
    )
    assert response.status_code == 200 and 'id="card-1"' in response.text
    piece.refresh_from_db()
    assert piece.published_raw == "24/11/2026 22:41" and piece.published_is_absolute
    assert piece.provenance["published_raw"] == Source.USER
    assert fr("Date : 24/11/2026 22:41") not in response.text  # taken: no longer offered


def test_a_relative_date_on_screen_is_shown_never_offered(owner_client, batch):
    piece = Piece.objects.get(number=1)
    read(piece, "Lucas\nhier 18:13\nVas-y balance")
    page = owner_client.get(reverse("evidence:batch_review", args=[batch.pk])).text
    assert fr("À l’écran : « hier 18:13 », pas une date exacte.") in page
    assert 'value="hier 18:13"' not in page


def test_a_suggestion_that_is_not_a_date_is_refused(owner_client, batch):
    piece = Piece.objects.get(number=1)
    response = owner_client.post(
        reverse("evidence:accept_suggestion", args=[piece.pk]),
        {"field": "published_raw", "value": "hier", "next": "/dossiers/"},
    )
    assert response.status_code == 302
    piece.refresh_from_db()
    assert piece.published_raw == ""


def test_a_suggestion_goes_back_only_to_this_site(owner_client, batch):
    piece = Piece.objects.get(number=1)
    response = owner_client.post(
        reverse("evidence:accept_suggestion", args=[piece.pk]),
        {"field": "platform", "value": "instagram", "next": "https://evil.example/"},
    )
    assert response["Location"] == reverse("evidence:piece_detail", args=[piece.pk])


def test_the_batch_start_form_sent_after_the_session_ended_is_kept(client, owner, dossier):
    url = reverse("evidence:batch_start", args=[dossier.pk])
    response = client.post(
        url, {"token": str(uuid.uuid4()), "sensitivity": "adult", "together": "separate"}
    )
    assert response.status_code == 302 and "/compte/connexion/" in response["Location"]
    client.force_login(owner)
    page = client.get(url).text
    assert re.search(r'value="adult"[^>]*checked', page)  # the answer given, kept


def test_a_request_without_the_cards_fields_empties_nothing(owner_client, batch):
    piece = Piece.objects.get(number=1)
    owner_client.post(card_url(piece), card_data(piece, author_displayed="@tom_75"))
    response = owner_client.post(card_url(piece), {})  # not sent by the card's page
    assert response.status_code == 200
    assert "Ce formulaire est incomplet" in response.text
    assert Piece.objects.get(number=1).author_displayed == "@tom_75"
