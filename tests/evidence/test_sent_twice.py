"""Every form that creates something does it once, however it is sent again: twice in a row
(a double click), from the page the browser kept after Back (its old token), or from the page
reloaded by Back with what was typed refilled (a fresh token: Chromium reloads our no-store
pages, tests/e2e/test_vault.py drives it). Each time the person lands on what the first one
made, and is told when nothing new was made."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from evidence.models import ChronologyNote, Dossier, EvidenceFile, Export, Piece
from tests.evidence.factories import add_image_piece, add_url, form_data
from tests.evidence.intake import corpus

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r'name="token" value="([0-9a-f-]{36})"')


def token_of(client, url: str) -> str:
    """The one-time token of the form on the page, as the browser has it."""
    return TOKEN.search(client.get(url).text).group(1)


def twice(client, url: str, data: dict, files=None):
    """The same form sent twice, the second time as it was kept after Back."""
    token = token_of(client, url)
    first = client.post(url, {**data, "token": token, **(files() if files else {})})
    second = client.post(url, {**data, "token": token, **(files() if files else {})})
    return first, second


def after_back(client, url: str, data: dict, files=None):
    """The form sent, then sent again from the page reloaded by Back: a fresh token, what was
    typed refilled by the browser."""
    first = client.post(url, {**data, "token": token_of(client, url), **(files() if files else {})})
    second = client.post(
        url, {**data, "token": token_of(client, url), **(files() if files else {})}
    )
    return first, second


def notice(client, response) -> str:
    return client.get(response["Location"]).text


# --- Dossiers ------------------------------------------------------------------------------------

DOSSIER = {"title": "Pour Inès", "concerns": "child", "person_name": "Inès",
           "person_age_band": "under_15", "role": "parent"}  # fmt: skip


@pytest.mark.parametrize("send", [twice, after_back], ids=["old token", "fresh token"])
def test_a_dossier_form_sent_again_makes_one_dossier(send, owner_client):
    first, second = send(owner_client, reverse("evidence:dossier_create"), DOSSIER)
    assert Dossier.objects.count() == 1
    assert first["Location"] == second["Location"]
    assert "Ce dossier était déjà créé : le voici." in notice(owner_client, second)


def test_another_dossier_is_made_when_something_differs(owner_client):
    url = reverse("evidence:dossier_create")
    after_back(owner_client, url, DOSSIER)
    owner_client.post(url, {**DOSSIER, "person_name": "Noé", "token": token_of(owner_client, url)})
    assert Dossier.objects.count() == 2


# --- Pieces --------------------------------------------------------------------------------------


def screenshot():
    return {"files": [SimpleUploadedFile("capture.png", corpus.small_png(), "image/png")]}


@pytest.mark.parametrize("send", [twice, after_back], ids=["old token", "fresh token"])
def test_a_piece_form_sent_again_makes_one_piece(send, owner_client, dossier):
    data = {key: value for key, value in form_data().items() if key != "token"}
    first, second = send(owner_client, add_url(dossier), data, screenshot)
    assert Piece.objects.count() == 1 and EvidenceFile.objects.count() == 1
    assert first["Location"] == second["Location"]
    assert "Cette pièce était déjà dans votre dossier : la voici." in notice(owner_client, second)


def test_a_piece_sent_again_with_something_changed_is_a_new_piece(owner_client, dossier):
    data = {key: value for key, value in form_data().items() if key != "token"}
    after_back(owner_client, add_url(dossier), data, screenshot)
    changed = {
        **data,
        "description": "Il me menace encore.",
        "token": token_of(owner_client, add_url(dossier)),
    }
    owner_client.post(add_url(dossier), {**changed, **screenshot()})
    assert list(Piece.objects.values_list("number", flat=True)) == [1, 2]


def test_a_piece_like_one_added_long_ago_is_a_new_piece(owner_client, dossier):
    data = {key: value for key, value in form_data().items() if key != "token"}
    after_back(owner_client, add_url(dossier), data, screenshot)
    Piece.objects.update(received_at=Piece.objects.get().received_at - dt.timedelta(hours=1))
    owner_client.post(
        add_url(dossier),
        {**data, "token": token_of(owner_client, add_url(dossier)), **screenshot()},
    )
    assert Piece.objects.count() == 2


# --- Files added to a piece ----------------------------------------------------------------------


def another_screenshot():
    return {"files": [SimpleUploadedFile("suite.png", corpus.cmyk_jpeg(), "image/jpeg")]}


@pytest.mark.parametrize("send", [twice, after_back], ids=["old token", "fresh token"])
def test_files_sent_again_are_added_once(send, owner_client, dossier):
    piece = add_image_piece(dossier)
    url = reverse("evidence:piece_add_files", args=[piece.pk])
    first, second = send(owner_client, url, {"sensitivity": "no"}, another_screenshot)
    assert piece.files.count() == 2
    assert first["Location"] == second["Location"]
    assert "Ces fichiers étaient déjà dans cette pièce" in notice(owner_client, second)
    assert dossier.events.filter(payload__action="files_added").count() == 1


# --- The chronology ------------------------------------------------------------------------------

NOTE = {"date": "2025-03-01", "text": "Des rumeurs sur moi au collège"}


@pytest.mark.parametrize("send", [twice, after_back], ids=["old token", "fresh token"])
def test_a_chronology_entry_sent_again_is_added_once(send, owner_client, dossier):
    url = reverse("evidence:complaint_notes", args=[dossier.pk])
    first, second = send(owner_client, url, NOTE)
    assert ChronologyNote.objects.count() == 1
    assert first["Location"] == second["Location"]
    assert "Cette entrée était déjà dans la chronologie" in notice(owner_client, second)


def test_the_same_words_on_another_day_are_another_entry(owner_client, dossier):
    url = reverse("evidence:complaint_notes", args=[dossier.pk])
    after_back(owner_client, url, NOTE)
    owner_client.post(url, {**NOTE, "date": "2025-03-02", "token": token_of(owner_client, url)})
    assert ChronologyNote.objects.count() == 2


# --- Exports -------------------------------------------------------------------------------------


def test_the_export_form_sent_again_from_the_old_page_starts_one_export(
    owner_client, dossier, settings
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    first, second = twice(owner_client, reverse("evidence:export_start", args=[dossier.pk]), {})
    assert Export.objects.count() == 1
    assert first["Location"] == second["Location"]
