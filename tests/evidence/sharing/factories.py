"""Helpers and shares for the tests, made through the services as a person would make them."""

from __future__ import annotations

from dataclasses import dataclass

from django.test import Client
from django.urls import reverse

from evidence.access import access_to
from evidence.models import Helper, Invitation, Share, ShareContent
from evidence.sharing import invitations, shares
from evidence.sharing.invitations import Permissions


def invite(dossier, by=None, **permissions) -> invitations.Made:
    """An invitation to the dossier, by its owner unless `by` (a helper) makes it."""
    user = by or dossier.owner
    access = access_to(dossier, user)
    return invitations.invite(dossier, user, access, Permissions(**permissions))


def add_helper(dossier, user, **permissions) -> Helper:
    """`user` joins the dossier through an invitation of its owner."""
    made = invite(dossier, **permissions)
    return invitations.join(made.invitation, user)


@dataclass
class MadeShare:
    share: Share
    token: str
    code: str


def make_share(dossier, shows: str = ShareContent.PIECES, days: int = 7) -> MadeShare:
    share, _created = shares.make(dossier, dossier.owner, shows=shows, days=days)
    return MadeShare(share, share.token, share.code)


def shared_url(made: MadeShare, name: str = "shared", **kwargs) -> str:
    return reverse(f"evidence:{name}", kwargs={"token": made.token, **kwargs})


def unlocked_client(made: MadeShare, client: Client | None = None) -> Client:
    """A recipient's browser that gave the share's right code."""
    client = client or Client()
    response = client.post(shared_url(made), {"code": made.code})
    assert response.status_code == 302, response.status_code
    return client


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def invitation_link(invitation: Invitation) -> str:
    return reverse("evidence:join", kwargs={"token": invitation.token})


def add_piece_as(dossier, user, **overrides):
    """A screenshot added to the dossier by `user` (its owner or a helper)."""
    from evidence.vault import services as vault
    from tests.evidence.factories import piece_fields
    from tests.evidence.intake import corpus

    uploads = [vault.Upload("capture.png", corpus.small_png())]
    return vault.add_piece(dossier, user, piece_fields(**overrides), uploads)
