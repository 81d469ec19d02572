"""The ownership matrix, generated from evidence.urls and accounts.urls: every URL × every
persona, for GET and for POST.

The personas: the owner; a helper with only what every helper may do (see, add), and one
helper with each other permission (edit, delete, complaint, export, invite); a removed helper;
another user; an anonymous visitor; and a read-only share's recipient with the right code,
with a wrong code, after the share expired and after it was revoked. Each gets exactly what
evidence/access.py and evidence/sharing/ promise, and 404 otherwise (an anonymous visitor is
sent to log in; a share's recipient is anonymous everywhere else). A refused request changes
nothing.

NEEDS is the reviewed table of what each page of a dossier needs; every view must declare the
same (`owned(..., needs=...)`), and every URL must be in one of the tables.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field
from urllib.parse import quote

import pytest
from django.test import Client
from django.urls import URLPattern, reverse
from django.urls.converters import UUIDConverter
from django.utils import timezone

from accounts import urls as account_urls
from evidence import urls
from evidence.access import EVERY_HELPER, Need
from evidence.intake import chat_import
from evidence.models import (
    Batch,
    ChatImport,
    ChronologyNote,
    CodeFailure,
    Complaint,
    CustodyEvent,
    Dossier,
    EvidenceFile,
    Export,
    Helper,
    Invitation,
    Piece,
    Share,
    ShareContent,
)
from evidence.sharing import invitations, shares
from evidence.sharing.urls import TokenConverter
from evidence.vault import batches
from tests.evidence.factories import (
    PASSWORD,
    add_image_piece,
    make_dossier,
    make_note,
    stored_export,
)
from tests.evidence.sharing.factories import (
    add_helper,
    invite,
    make_share,
    shared_url,
    unlocked_client,
)

pytestmark = pytest.mark.django_db

SECRET_TITLE = "Le dossier secret de Léa"
SECRET_TEXT = "Il me menace."  # a piece's description

# Pages anyone may open: signing up, logging in and out, the forgotten password, how to
# check a dossier one received, "stay logged in" (it shows nothing to anyone:
# tests/accounts/test_session_timeout.py), and the code box of invitations.
PUBLIC = {
    "signup", "login", "logout", "forgot_password", "account_deleted", "verify_help",
    "keep_alive", "join_with_code",
}  # fmt: skip
# An invitation's link: the same signed-out page whatever its token; signed in, joining.
JOIN = "join"
# What a share's recipient opens, by the share's token (no account).
SHARED = {"shared", "shared_thumbnail", "shared_display", "shared_original"}
SHARED_EXPORT = {"shared_pdf", "shared_zip"}

NEEDS: dict[str, set[Need]] = {
    # The vault
    "dossier_detail": {Need.VIEW}, "dossier_edit": {Need.OWNER},
    "dossier_erase": {Need.OWNER}, "timeline": {Need.VIEW}, "custody_log": {Need.OWNER},
    "dossier_check": {Need.VIEW}, "piece_add": {Need.ADD}, "piece_detail": {Need.VIEW},
    "piece_edit": {Need.EDIT}, "piece_delete": {Need.DELETE}, "piece_add_files": {Need.EDIT},
    "file_original": {Need.VIEW}, "file_display": {Need.VIEW}, "file_thumbnail": {Need.VIEW},
    # The complaint, and the chronology every helper may add to
    "complaint": {Need.COMPLAINT}, "complaint_identity": {Need.COMPLAINT},
    "complaint_facts": {Need.COMPLAINT}, "complaint_suspects": {Need.COMPLAINT},
    "complaint_witnesses": {Need.COMPLAINT}, "complaint_harm": {Need.COMPLAINT},
    "complaint_tribunal": {Need.COMPLAINT}, "complaint_letter": {Need.COMPLAINT},
    "complaint_notes": {Need.ADD}, "note_edit": {Need.EDIT},
    # Exports
    "export_start": {Need.EXPORT}, "export_detail": {Need.EXPORT}, "export_pdf": {Need.EXPORT},
    "export_zip": {Need.EXPORT}, "export_delete": {Need.OWNER},
    # People and shares
    "people": {Need.OWNER}, "invite": {Need.INVITE},
    # An invitation: its dossier's owner, or the helper who made it (this one is the owner's).
    "invitation_detail": {Need.INVITE}, "invitation_withdraw": {Need.INVITE},
    "helper_edit": {Need.OWNER}, "helper_remove": {Need.OWNER},
    "leave": {Need.VIEW},  # a helper's own: the owner has nothing to leave (404)
    "shares": {Need.OWNER}, "share_detail": {Need.OWNER}, "share_revoke": {Need.OWNER},
    # Many screenshots at once, their review cards, a conversation imported, the search. A batch
    # and an import are their dossier's owner's and their maker's (these are the owner's); a
    # card changes a piece: whoever may edit, or the helper who added it (test_batch_review).
    "batch_start": {Need.ADD}, "batch_files": {Need.ADD}, "batch_review": {Need.ADD},
    "piece_card": {Need.EDIT}, "accept_suggestion": {Need.EDIT},
    "chat_start": {Need.ADD}, "chat_file": {Need.ADD}, "chat_messages": {Need.ADD},
    "dossier_preparation": {Need.VIEW}, "dossier_search": {Need.VIEW},
}  # fmt: skip
MADE_BY_THE_OWNER = {
    "invitation_detail", "invitation_withdraw",
    "batch_files", "batch_review", "chat_file", "chat_messages",
}  # fmt: skip
# Actions without a page: a button's POST, answered by a redirect.
ACTIONS = {"dossier_check", "invitation_withdraw", "share_revoke", "accept_suggestion"}
# Pages that send on: a region polled by htmx, opened without it (to the dossier); the file
# step of a conversation already imported (to its messages).
SENT_ON = {"dossier_preparation", "chat_file"}

PATTERNS: list[URLPattern] = [*urls.urlpatterns, *account_urls.urlpatterns]
NAMESPACES = {id(p): "evidence" for p in urls.urlpatterns} | {
    id(p): "accounts" for p in account_urls.urlpatterns
}
OWNED = [p for p in PATTERNS if p.name in NEEDS]
PRIVATE_WITHOUT_OBJECT = [
    p for p in PATTERNS if not p.pattern.converters and p.name not in PUBLIC and p.name not in NEEDS
]
METHODS = ["get", "post"]

HELPERS: dict[str, set[Need]] = {
    "helper": set(),
    "helper_edit": {Need.EDIT},
    "helper_delete": {Need.DELETE},
    "helper_complaint": {Need.COMPLAINT},
    "helper_export": {Need.EXPORT},
    "helper_invite": {Need.INVITE},
}
FLAGS = {
    Need.EDIT: "can_edit",
    Need.DELETE: "can_delete",
    Need.COMPLAINT: "can_see_complaint",
    Need.EXPORT: "can_export",
    Need.INVITE: "can_invite",
}
SHARE_HOLDERS = ["share_right", "share_wrong", "share_expired", "share_revoked"]
# In this order: whoever may change something comes after those who may not.
PERSONAS = [
    "stranger", "removed_helper", "anonymous", "share_wrong", "share_expired",
    "share_revoked", "share_right", *HELPERS, "owner",
]  # fmt: skip
SIGNED_OUT = {"anonymous", *SHARE_HOLDERS}


@dataclass
class World:
    objects: dict
    clients: dict[str, Client] = field(default_factory=dict)
    # Per persona: the share tokens of their URLs (pieces, export), the invitation they join.
    shares: dict[str, tuple[str, str]] = field(default_factory=dict)
    join_tokens: dict[str, str] = field(default_factory=dict)


@pytest.fixture(autouse=True)
def _many_invitations_and_shares(settings):
    """The world below makes more of them than one person may in a day."""
    settings.SHARING_INVITATIONS_PER_DAY = 100
    settings.SHARING_SHARES_PER_DAY = 100


def build_world(django_user_model) -> World:
    def user(name):
        return django_user_model.objects.create_user(name, password=PASSWORD)

    owner = user("lea_75")
    dossier = make_dossier(owner, title=SECRET_TITLE)
    piece = add_image_piece(dossier)
    batch = batches.start(
        dossier, owner, sensitivity="no", intimate_consent=False, together=False,
        token=uuid.uuid4(),
    )  # fmt: skip
    chat = chat_import.start(
        dossier, owner, sensitivity="no", intimate_consent=False, token=uuid.uuid4()
    )
    chat_import.receive(chat, owner, "chat.txt", b"13/11/2026 18:13 - Lucas: t'es nul\n")
    subject = add_helper(dossier, user("sujet"))  # the helper the owner's pages are about
    world = World(
        objects={
            "dossier_id": dossier.pk,
            "piece_id": piece.pk,
            "file_id": piece.files.get().pk,
            "note_id": make_note(dossier).pk,
            "export_id": stored_export(dossier).pk,
            "invitation_id": invite(dossier).invitation.pk,
            "helper_id": subject.pk,
            "share_id": make_share(dossier).share.pk,
            "batch_id": batch.pk,
            "chat_id": chat.pk,
        }
    )
    for name, extra in HELPERS.items():
        add_helper(dossier, user(name), **{FLAGS[need]: True for need in extra})
    removed = add_helper(dossier, user("removed_helper"))
    invitations.remove(removed, owner)
    user("stranger")
    # One invitation to open for everyone, and their own for those whose POST joins with it; an
    # active pair of shares (the pieces, the export) for everyone, and their own pair for the
    # recipients whose shares expired or were revoked.
    shared_invitation = invite(dossier).invitation.token
    active = make_share(dossier), make_share(dossier, ShareContent.EXPORT)
    for name in PERSONAS:
        client = Client()
        if name not in SIGNED_OUT:
            client.force_login(django_user_model.objects.get(username=_username(name)))
        world.clients[name] = client
        joins = name in ("stranger", "removed_helper")
        world.join_tokens[name] = invite(dossier).invitation.token if joins else shared_invitation
        ended = name in ("share_expired", "share_revoked")
        pieces, export = (
            (make_share(dossier), make_share(dossier, ShareContent.EXPORT)) if ended else active
        )
        world.shares[name] = (pieces.token, export.token)
        if name in ("share_right", "share_expired", "share_revoked"):
            unlocked_client(pieces, client)
            unlocked_client(export, client)
        elif name == "share_wrong":
            for made in (pieces, export):
                assert client.post(shared_url(made), {"code": "AAAA-AAAA-AAAA"}).status_code == 200
        if name == "share_expired":
            Share.objects.filter(pk__in=[pieces.share.pk, export.share.pk]).update(
                expires_at=timezone.now() - dt.timedelta(seconds=1)
            )
        elif name == "share_revoked":
            shares.revoke(pieces.share, owner)
            shares.revoke(export.share, owner)
    return world


def _username(persona: str) -> str:
    return "lea_75" if persona == "owner" else persona


def url_for(pattern: URLPattern, world: World, persona: str) -> str:
    kwargs = {}
    for name in pattern.pattern.converters:
        if name == "token":
            if pattern.name == JOIN:
                kwargs[name] = world.join_tokens[persona]
            else:
                pieces, export = world.shares[persona]
                kwargs[name] = export if pattern.name in SHARED_EXPORT else pieces
        else:
            kwargs[name] = world.objects[name]
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
        sorted(Helper.objects.values_list("pk", "can_edit", "can_delete", "can_invite")),
        sorted(Invitation.objects.values_list("pk", "used_at", "withdrawn_at")),
        sorted(Share.objects.values_list("pk", "revoked_at")),
        CodeFailure.objects.count(),
        Batch.objects.count(),
        ChatImport.objects.count(),
    )


# --- What each persona gets -------------------------------------------------------------------

CONTENT, NOT_FOUND, LOGIN, CODE, NOT_ALLOWED = "content", "404", "login", "code", "405"
# A page of no dossier: anyone's (PUBLIC), or a signed-in person's own (their dossiers, account).
ANYONES, THEIR_OWN = "anyone's", "their own"
ON_THE_DOSSIER = {"owner", *HELPERS}


@dataclass(frozen=True)
class Redirect:
    to: str  # a URL name


def expected(name: str, persona: str, method: str):
    if name in SHARED or name in SHARED_EXPORT:
        return _shared(name, persona, method)
    if name == JOIN:
        return _join(persona, method)
    if name in PUBLIC:
        return ANYONES
    if persona in SIGNED_OUT:
        return LOGIN
    if name not in NEEDS:
        return THEIR_OWN
    if persona == "owner":
        return NOT_FOUND if name == "leave" else CONTENT
    if persona in HELPERS:
        if name in MADE_BY_THE_OWNER:
            return NOT_FOUND
        allowed = NEEDS[name] <= EVERY_HELPER | HELPERS[persona]
        return CONTENT if allowed else NOT_FOUND
    return NOT_FOUND  # another user, a removed helper


def _shared(name: str, persona: str, method: str):
    page = name == "shared"
    if not page and method == "post":
        return NOT_ALLOWED  # downloads are GET only, for everyone
    if persona in ("share_expired", "share_revoked"):
        return NOT_FOUND
    if persona == "share_right":
        return CONTENT
    return CODE if page else Redirect("shared")


def _join(persona: str, method: str):
    if persona in SIGNED_OUT:
        return CONTENT if method == "get" else LOGIN
    if persona == "owner":
        return Redirect("invitation_detail")
    if persona in HELPERS:
        return Redirect("dossier_detail")  # already helping
    return CONTENT if method == "get" else Redirect("dossier_detail")  # joins


def check(response, outcome, pattern: URLPattern, method: str, url: str, world, persona) -> None:
    where = f"{pattern.name} {method} {persona}"
    status = response.status_code
    if outcome == NOT_FOUND:
        assert status == 404, where
        assert SECRET_TITLE not in response.text and SECRET_TEXT not in response.text, where
    elif outcome == LOGIN:
        assert status == 302, where
        assert response["Location"] == f"{reverse('accounts:login')}?next={quote(url)}", where
    elif outcome == NOT_ALLOWED:
        assert status == 405, where
    elif outcome in (ANYONES, THEIR_OWN):
        assert status in (200, 302, 405), where
        if persona not in ON_THE_DOSSIER:  # the dossier is named only to its people
            assert SECRET_TITLE not in response.text and SECRET_TEXT not in response.text, where
    elif outcome == CODE:
        assert status == 200, where
        assert 'name="code"' in response.text, where
        assert SECRET_TEXT not in response.text, where
    elif isinstance(outcome, Redirect):
        assert status == 302, where
        if outcome.to == "shared":  # the page of the same share, which asks for its code
            pieces, export = world.shares[persona]
            token = export if pattern.name in SHARED_EXPORT else pieces
            target = reverse("evidence:shared", kwargs={"token": token})
        elif outcome.to == "invitation_detail":  # the page of the invitation the link opened
            opened = invitations.by_token(world.join_tokens[persona])
            target = reverse("evidence:invitation_detail", kwargs={"invitation_id": opened.pk})
        else:
            target = reverse(
                "evidence:dossier_detail", kwargs={"dossier_id": world.objects["dossier_id"]}
            )
        assert response["Location"].split("?")[0] == target, where
    elif method == "get":
        if pattern.name in SENT_ON:
            assert status == 302, where
        else:
            assert status == (405 if pattern.name in ACTIONS else 200), where
    else:
        assert status in ((302,) if pattern.name in ACTIONS else (200, 302, 405)), where


# --- The tests -----------------------------------------------------------------------------------


def test_every_object_in_a_url_is_named_by_a_uuid_or_a_random_token():
    for pattern in PATTERNS:
        for converter in pattern.pattern.converters.values():
            assert isinstance(converter, UUIDConverter | TokenConverter), pattern.name


def test_the_matrix_covers_every_url():
    named = PUBLIC | {JOIN} | SHARED | SHARED_EXPORT | set(NEEDS)
    assert {p.name for p in PATTERNS} - named == {p.name for p in PRIVATE_WITHOUT_OBJECT}
    assert all(not p.pattern.converters for p in PRIVATE_WITHOUT_OBJECT)


@pytest.mark.parametrize("pattern", OWNED, ids=lambda p: p.name)
def test_every_view_of_a_dossier_declares_what_the_table_says(pattern):
    assert pattern.callback.needs == NEEDS[pattern.name]


@pytest.mark.parametrize("pattern", PATTERNS, ids=lambda p: p.name)
def test_each_persona_gets_what_the_rules_say_and_404_otherwise(pattern, django_user_model):
    """GET for every persona, then POST for every persona, in one world (what a GET may change,
    a download's event, changes nothing a later request depends on)."""
    world = build_world(django_user_model)
    for method, persona in [(method, persona) for method in METHODS for persona in PERSONAS]:
        url = url_for(pattern, world, persona)
        outcome = expected(pattern.name, persona, method)
        before = state()
        response = getattr(world.clients[persona], method)(url)
        if outcome in (NOT_FOUND, LOGIN, CODE, NOT_ALLOWED) and not (
            outcome == CODE and method == "post"
        ):
            assert state() == before, f"{pattern.name} {method} {persona} changed something"
        check(response, outcome, pattern, method, url, world, persona)


def test_the_dossier_list_shows_only_ones_own_dossiers(owner, stranger, stranger_client):
    make_dossier(owner, title="Le dossier de Léa")
    make_dossier(stranger, title="Mon propre dossier")
    page = stranger_client.get(reverse("evidence:dossier_list")).text
    assert "Mon propre dossier" in page
    assert "Le dossier de Léa" not in page


def test_the_dossier_list_shows_a_helper_the_dossiers_they_help_on(owner, stranger):
    make_dossier(owner, title="Un autre dossier de Léa")
    helped = make_dossier(owner, title="Le dossier de Léa")
    add_helper(helped, stranger)
    client = Client()
    client.force_login(stranger)
    page = client.get(reverse("evidence:dossier_list")).text
    assert "Le dossier de Léa" in page
    assert "Un autre dossier de Léa" not in page


def test_the_matrix_is_every_url_by_every_persona():
    """Its size, said once: 70 URLs × 14 personas × GET and POST."""
    assert (len(PATTERNS), len(PERSONAS), len(METHODS)) == (70, 14, 2)
