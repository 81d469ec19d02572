"""The ownership matrix, generated from evidence.urls and accounts.urls: every URL of the vault
and of the accounts × the owner, another user and an anonymous visitor, for GET and for POST.
Only the owner gets content; another user gets 404 (as if it did not exist); an anonymous
visitor is sent to log in."""

import uuid
from urllib.parse import quote

import pytest
from django.urls import URLPattern, reverse
from django.urls.converters import UUIDConverter

from accounts import urls as account_urls
from evidence import urls
from evidence.intake import chat_import
from evidence.models import (
    ChronologyNote,
    Complaint,
    CustodyEvent,
    Dossier,
    EvidenceFile,
    Export,
    Piece,
)
from evidence.vault import batches
from tests.evidence.factories import add_image_piece, make_dossier, make_note, stored_export

pytestmark = pytest.mark.django_db

# Pages anyone may open: signing up, logging in and out, the forgotten password, and how to
# check a dossier one received; and "stay logged in", which shows nothing to anyone
# (tests/accounts/test_session_timeout.py).
PUBLIC = {
    "signup", "login", "logout", "forgot_password", "account_deleted", "verify_help",
    "keep_alive",
}  # fmt: skip
PATTERNS: list[URLPattern] = [*urls.urlpatterns, *account_urls.urlpatterns]
NAMESPACES = {id(p): "evidence" for p in urls.urlpatterns} | {
    id(p): "accounts" for p in account_urls.urlpatterns
}
OWNED = [p for p in PATTERNS if p.pattern.converters]
PRIVATE_WITHOUT_OBJECT = [p for p in PATTERNS if not p.pattern.converters and p.name not in PUBLIC]
METHODS = ["get", "post"]


@pytest.fixture
def owned_objects(owner):
    dossier = make_dossier(owner, title="Le dossier secret de Léa")
    piece = add_image_piece(dossier)
    batch = batches.start(
        dossier, owner, sensitivity="no", intimate_consent=False, together=False,
        token=uuid.uuid4(),
    )  # fmt: skip
    chat = chat_import.start(
        dossier, owner, sensitivity="no", intimate_consent=False, token=uuid.uuid4()
    )
    chat_import.receive(chat, owner, "chat.txt", b"13/11/2026 18:13 - Lucas: t'es nul\n")
    return {
        "dossier_id": dossier.pk,
        "piece_id": piece.pk,
        "file_id": piece.files.get().pk,
        "note_id": make_note(dossier).pk,
        "export_id": stored_export(dossier).pk,
        "batch_id": batch.pk,
        "chat_id": chat.pk,
    }


def url_for(pattern: URLPattern, objects: dict) -> str:
    kwargs = {name: objects[name] for name in pattern.pattern.converters}
    return reverse(f"{NAMESPACES[id(pattern)]}:{pattern.name}", kwargs=kwargs)


def state() -> tuple:
    """Everything a request could change, to check that a refused one changed nothing."""
    return (
        Dossier.objects.count(),
        Piece.objects.count(),
        EvidenceFile.objects.count(),
        CustodyEvent.objects.count(),
        ChronologyNote.objects.count(),
        list(Complaint.objects.values_list("version", flat=True)),
        Export.objects.count(),
    )


def test_every_object_in_a_url_is_named_by_a_uuid():
    for pattern in OWNED:
        assert all(isinstance(c, UUIDConverter) for c in pattern.pattern.converters.values()), (
            pattern.name
        )


def test_the_matrix_covers_every_url_of_the_vault():
    assert {p.name for p in OWNED} >= {
        "dossier_detail", "dossier_edit", "dossier_erase", "timeline", "custody_log",
        "piece_add", "piece_detail", "piece_edit", "piece_delete", "piece_add_files",
        "file_original", "file_display", "file_thumbnail",
        "complaint", "complaint_identity", "complaint_suspects", "complaint_witnesses",
        "complaint_harm", "complaint_tribunal", "complaint_notes", "complaint_letter",
        "note_edit", "export_start", "export_detail", "export_pdf", "export_zip", "export_delete",
        "batch_start", "batch_files", "batch_review", "piece_card", "accept_suggestion",
        "dossier_preparation", "dossier_search", "chat_start", "chat_file", "chat_messages",
    }  # fmt: skip
    assert len(OWNED) + len(PRIVATE_WITHOUT_OBJECT) + len(PUBLIC) == len(PATTERNS)


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("pattern", OWNED, ids=lambda p: p.name)
def test_another_user_gets_404_and_changes_nothing(pattern, method, owned_objects, stranger_client):
    before = state()
    response = getattr(stranger_client, method)(url_for(pattern, owned_objects))
    assert response.status_code == 404
    assert state() == before


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("pattern", OWNED + PRIVATE_WITHOUT_OBJECT, ids=lambda p: p.name)
def test_an_anonymous_visitor_is_sent_to_log_in(pattern, method, owned_objects, client):
    before = state()
    url = url_for(pattern, owned_objects)
    response = getattr(client, method)(url)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('accounts:login')}?next={quote(url)}"
    assert state() == before


# Actions without a page: a button's POST, answered by a redirect.
ACTIONS = {"dossier_check", "accept_suggestion"}
# Pages that send the owner on: a region polled by htmx, opened without it (to the dossier);
# the file step of a conversation already imported (to its messages).
SENT_ON = {"dossier_preparation", "chat_file"}
# Forms whose page answers every POST by sending back to it, its notices said there.
POSTED_THEN_SENT_ON = {"chat_messages"}


@pytest.mark.parametrize("pattern", OWNED, ids=lambda p: p.name)
def test_the_owner_gets_the_content(pattern, owned_objects, owner_client):
    response = owner_client.get(url_for(pattern, owned_objects))
    expected = 405 if pattern.name in ACTIONS else 302 if pattern.name in SENT_ON else 200
    assert response.status_code == expected


@pytest.mark.parametrize("pattern", OWNED, ids=lambda p: p.name)
def test_the_owner_may_post_where_posting_is_allowed(pattern, owned_objects, owner_client):
    response = owner_client.post(url_for(pattern, owned_objects))
    # An empty form comes back with its errors; GET-only pages refuse POST for everyone.
    if pattern.name in ACTIONS | POSTED_THEN_SENT_ON:
        allowed: tuple[int, ...] = (302,)
    elif pattern.name in SENT_ON:
        allowed = (302, 405)
    else:
        allowed = (200, 405)
    assert response.status_code in allowed


@pytest.mark.parametrize("pattern", PRIVATE_WITHOUT_OBJECT, ids=lambda p: p.name)
def test_a_logged_in_user_gets_their_own_pages(pattern, owned_objects, stranger_client):
    response = stranger_client.get(url_for(pattern, owned_objects))
    assert response.status_code in (200, 302)
    assert "lea_75" not in response.text
    assert "Le dossier secret de Léa" not in response.text


def test_the_dossier_list_shows_only_ones_own_dossiers(owner, stranger, stranger_client):
    make_dossier(owner, title="Le dossier de Léa")
    make_dossier(stranger, title="Mon propre dossier")
    page = stranger_client.get(reverse("evidence:dossier_list")).text
    assert "Mon propre dossier" in page
    assert "Le dossier de Léa" not in page
