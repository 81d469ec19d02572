"""A long form sent after the session ended (SESSION_IDLE_SECONDS without a request) loses
nothing: its fields are kept sealed, the person logs in again and finds the form as they left
it, with a notice; files are never kept, and the page says to choose them again. The draft is
for the account whose dossier it is, from that browser only, for two hours.

Every long form of the vault: a piece added or edited, each section of the complaint, the
letter, an entry of the chronology (new or edited), a dossier created or edited, a share. A
helper's form comes back to the helper.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from urllib.parse import urlencode

import pytest
from django.contrib.sessions.models import Session
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from evidence import drafts
from evidence.complaint import services as complaint
from evidence.management.commands import worker as worker_command
from evidence.models import ChronologyNote, Draft, Piece, Share
from tests.evidence.factories import PASSWORD, add_image_piece, add_url, form_data, make_note
from tests.evidence.intake import corpus

pytestmark = pytest.mark.django_db

LONG = (
    "Il a écrit sous ma photo que tout le monde me déteste, puis il l’a partagée au groupe de "
    "la classe."
)
RESTORED = "Voici ce que vous aviez écrit avant d’être déconnecté·e"
KEPT = "Ce que vous avez écrit a été gardé, mais pas les fichiers"


def blocks(prefix: str, **block: str) -> dict:
    management = {"TOTAL_FORMS": "1", "INITIAL_FORMS": "0", "MIN_NUM_FORMS": "0",
                  "MAX_NUM_FORMS": "20"}  # fmt: skip
    return {
        **{f"{prefix}-{name}": value for name, value in management.items()},
        **{f"{prefix}-0-{name}": value for name, value in block.items()},
    }


def piece_details(**changes) -> dict:
    skip = ("token", "kind", "sensitivity")
    return {key: value for key, value in form_data(**changes).items() if key not in skip}


@dataclass
class LongForm:
    name: str
    url: object  # (dossier) -> str
    data: object  # (dossier) -> dict
    saved: object  # (dossier) -> bool: what the form does, once done
    files: bool = False


def complaint_saved(key):
    return lambda dossier: LONG in str(complaint.stored(dossier).data.get(key))


FORMS = [
    LongForm(
        "add a piece",
        add_url,
        lambda dossier: form_data(description=LONG),
        lambda dossier: any(piece.description == LONG for piece in Piece.objects.all()),
        files=True,
    ),
    LongForm(
        "edit a piece",
        lambda dossier: reverse("evidence:piece_edit", args=[dossier.pieces.get().pk]),
        lambda dossier: piece_details(description=LONG),
        lambda dossier: dossier.pieces.get().description == LONG,
    ),
    LongForm(
        "complaint: who files it",
        lambda dossier: reverse("evidence:complaint_identity", args=[dossier.pk]),
        lambda dossier: {
            "version": "0",
            "complainant_name": "Camille Durand",
            "complainant_address": LONG,
        },  # fmt: skip
        complaint_saved("complainant"),
    ),
    LongForm(
        "complaint: the authors",
        lambda dossier: reverse("evidence:complaint_suspects", args=[dossier.pk]),
        lambda dossier: {"version": "0", **blocks("suspects", name="Tom", details=LONG)},
        complaint_saved("suspects"),
    ),
    LongForm(
        "complaint: witnesses",
        lambda dossier: reverse("evidence:complaint_witnesses", args=[dossier.pk]),
        lambda dossier: {"version": "0", **blocks("witnesses", name="Inès", contact=LONG)},
        complaint_saved("witnesses"),
    ),
    LongForm(
        "complaint: the harm",
        lambda dossier: reverse("evidence:complaint_harm", args=[dossier.pk]),
        lambda dossier: {"version": "0", "health": LONG, "itt_days": ""},
        complaint_saved("harm"),
    ),
    LongForm(
        "complaint: where to send it",
        lambda dossier: reverse("evidence:complaint_tribunal", args=[dossier.pk]),
        lambda dossier: {
            "version": "0",
            "tribunal_city": "Nantes",
            "tribunal_basis": "facts",
            "place": LONG[:100],
        },  # fmt: skip
        lambda dossier: complaint.stored(dossier).data.get("place") == LONG[:100],
    ),
    LongForm(
        "the letter",
        lambda dossier: reverse("evidence:complaint_letter", args=[dossier.pk]),
        lambda dossier: {"version": "0", "letter_additions": LONG},
        lambda dossier: complaint.stored(dossier).data.get("letter_additions") == LONG,
    ),
    LongForm(
        "a new entry of the chronology",
        lambda dossier: reverse("evidence:complaint_notes", args=[dossier.pk]),
        lambda dossier: {"token": str(uuid.uuid4()), "date": "2025-03-01", "text": LONG},
        lambda dossier: any(note.text == LONG for note in ChronologyNote.objects.all()),
    ),
    LongForm(
        "an entry of the chronology edited",
        lambda dossier: reverse("evidence:note_edit", args=[dossier.notes.get().pk]),
        lambda dossier: {"action": "save", "date": "2025-03-01", "text": LONG},
        lambda dossier: dossier.notes.get().text == LONG,
    ),
    LongForm(
        "a read-only share",
        lambda dossier: reverse("evidence:shares", args=[dossier.pk]),
        lambda dossier: {
            "token": str(uuid.uuid4()),
            "shows": "pieces",
            "days": "7",
            "recipient": LONG[:120],
        },  # fmt: skip
        lambda dossier: any(share.recipient == LONG[:120] for share in Share.objects.all()),
    ),
    LongForm(
        "a dossier edited",
        lambda dossier: reverse("evidence:dossier_edit", args=[dossier.pk]),
        lambda dossier: {"title": LONG[:120], "concerns": "self", "role": "victim"},
        lambda dossier: type(dossier).objects.get(pk=dossier.pk).title == LONG[:120],
    ),
]


@pytest.fixture
def dossier(owner):
    from tests.evidence.factories import make_dossier

    dossier = make_dossier(owner)
    add_image_piece(dossier)
    make_note(dossier)
    return dossier


def session_ends(client: Client) -> None:
    """What SESSION_IDLE_SECONDS without a request does: the session expires on the server;
    the browser still sends its cookie."""
    Session.objects.filter(session_key=client.session.session_key).update(
        expire_date=timezone.now() - dt.timedelta(seconds=1)
    )


def post(client: Client, form: LongForm, dossier):
    data = form.data(dossier)
    if form.files:
        data["files"] = [SimpleUploadedFile("capture.png", corpus.small_png(), "image/png")]
    return client.post(form.url(dossier), data)


def log_in(client: Client, next_url: str, username="lea_75"):
    data = {"username": username, "password": PASSWORD, "next": next_url}
    return client.post(reverse("accounts:login"), data)


def login_url(next_url: str) -> str:
    return f"{reverse('accounts:login')}?{urlencode({'next': next_url}, safe='/')}"


@pytest.mark.parametrize("form", FORMS, ids=lambda form: form.name)
def test_a_long_form_sent_after_the_session_ended_comes_back_after_logging_in(
    form, owner_client, dossier
):
    url = form.url(dossier)
    session_ends(owner_client)
    response = post(owner_client, form, dossier)
    assert response["Location"] == login_url(url)
    assert not form.saved(dossier)
    assert KEPT in owner_client.get(response["Location"]).text

    assert log_in(owner_client, url)["Location"] == url
    page = owner_client.get(url).text
    assert RESTORED in page
    assert LONG[:100] in page.replace("&#x27;", "'")
    assert not form.saved(dossier)  # not saved behind the person's back

    assert owner_client.post(url, form.data(dossier)).status_code in (200, 302)
    if not form.files:  # a piece needs its file chosen again
        assert form.saved(dossier)
    assert not Draft.objects.exists()  # sent from its page: the draft has done its work


def test_the_files_of_a_form_sent_too_late_are_never_kept_and_the_page_says_so(
    owner_client, dossier
):
    from tests.evidence.factories import stored_files

    before = stored_files()
    session_ends(owner_client)
    post(owner_client, FORMS[0], dossier)
    assert stored_files() == before
    log_in(owner_client, add_url(dossier))
    page = owner_client.get(add_url(dossier)).text
    assert "choisissez à nouveau les fichiers" in page
    assert "Choisissez le fichier à ajouter." in page


def test_a_draft_is_sealed_at_rest(owner_client, dossier):
    session_ends(owner_client)
    post(owner_client, FORMS[1], dossier)
    sealed = bytes(Draft.objects.get().sealed)
    assert LONG.encode() not in sealed and "Il a écrit".encode() not in sealed


def test_another_account_logging_in_from_that_browser_never_gets_the_draft(
    owner_client, dossier, stranger
):
    url = FORMS[1].url(dossier)
    session_ends(owner_client)
    post(owner_client, FORMS[1], dossier)
    log_in(owner_client, url, username=stranger.username)
    assert owner_client.get(url).status_code == 404
    assert not Draft.objects.exists()  # refused for good


def test_the_owner_logging_in_from_another_browser_does_not_get_it(owner_client, dossier):
    url = FORMS[1].url(dossier)
    session_ends(owner_client)
    post(owner_client, FORMS[1], dossier)
    elsewhere = Client()
    log_in(elsewhere, url)
    assert RESTORED not in elsewhere.get(url).text


def test_a_draft_is_kept_two_hours_then_purged(owner_client, dossier):
    url = FORMS[1].url(dossier)
    session_ends(owner_client)
    post(owner_client, FORMS[1], dossier)
    Draft.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    log_in(owner_client, url)
    assert RESTORED not in owner_client.get(url).text
    worker_command.tidy()
    assert not Draft.objects.exists()
    assert drafts.KEPT_FOR == dt.timedelta(hours=2)


def test_a_new_dossier_typed_too_late_goes_to_the_first_account_logging_in(client, owner):
    url = reverse("evidence:dossier_create")
    data = {"token": str(uuid.uuid4()), "title": "Pour Inès", "concerns": "child",
            "person_name": "Inès", "person_age_band": "under_15", "role": "parent"}  # fmt: skip
    client.post(url, data)
    log_in(client, url)
    page = client.get(url).text
    assert RESTORED in page and 'value="Pour Inès"' in page
    assert Draft.objects.get().owner == owner


def test_a_page_of_nothing_keeps_nothing(client):
    url = reverse("evidence:piece_edit", args=[uuid.uuid4()])
    response = client.post(url, piece_details(description=LONG))
    assert response["Location"] == login_url(url)
    assert not Draft.objects.exists()


def test_an_erased_dossier_takes_its_drafts_with_it(owner_client, dossier):
    from evidence.vault import services as vault

    session_ends(owner_client)
    post(owner_client, FORMS[1], dossier)
    vault.erase_dossier(dossier)
    assert not Draft.objects.exists()


def test_a_form_with_nothing_typed_keeps_no_draft_and_says_nothing(client, owner):
    response = client.post(reverse("evidence:start_from_plan"))  # the plan's button
    assert not Draft.objects.exists()
    assert KEPT not in client.get(response["Location"]).text


def test_logging_out_on_purpose_deletes_the_drafts_of_the_browser(owner_client, dossier):
    url = FORMS[1].url(dossier)
    session_ends(owner_client)
    post(owner_client, FORMS[1], dossier)
    log_in(owner_client, url)
    owner_client.post(reverse("accounts:logout"))
    assert not Draft.objects.exists()


def test_a_form_sent_too_late_is_kept_only_with_its_csrf_token(owner, dossier):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(owner)
    page = browser.get(add_url(dossier)).text
    csrf = page.split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]
    session_ends(browser)
    data = {
        **form_data(description=LONG),
        "files": [SimpleUploadedFile("c.png", corpus.small_png())],
    }
    assert browser.post(add_url(dossier), data).status_code == 403
    assert not Draft.objects.exists()
    data["files"] = [SimpleUploadedFile("c.png", corpus.small_png())]
    response = browser.post(add_url(dossier), {**data, "csrfmiddlewaretoken": csrf})
    assert response["Location"] == login_url(add_url(dossier))
    assert Draft.objects.count() == 1


def test_a_helpers_form_sent_too_late_comes_back_to_the_helper(dossier, django_user_model):
    from tests.evidence.sharing.factories import add_helper

    add_helper(dossier, django_user_model.objects.create_user("aide", password=PASSWORD))
    client = Client()
    url = reverse("evidence:complaint_notes", args=[dossier.pk])
    log_in(client, url, username="aide")
    session_ends(client)
    client.post(url, {"token": str(uuid.uuid4()), "date": "2025-03-01", "text": LONG})
    assert Draft.objects.get().owner is None  # the dossier has several people: not known yet
    log_in(client, url, username="aide")
    page = client.get(url).text
    assert RESTORED in page and LONG[:100] in page.replace("&#x27;", "'")


def test_someone_who_is_not_on_the_dossier_never_gets_a_helpers_draft(
    dossier, django_user_model, stranger
):
    from tests.evidence.sharing.factories import add_helper

    add_helper(dossier, django_user_model.objects.create_user("aide", password=PASSWORD))
    client = Client()
    url = reverse("evidence:complaint_notes", args=[dossier.pk])
    log_in(client, url, username="aide")
    session_ends(client)
    client.post(url, {"token": str(uuid.uuid4()), "date": "2025-03-01", "text": LONG})
    log_in(client, url, username=stranger.username)
    assert client.get(url).status_code == 404
    assert not Draft.objects.exists()
