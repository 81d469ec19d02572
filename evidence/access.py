"""Who may reach what: one place, the person and what they need in the query.

A dossier is reached by its owner, and by the helpers the owner let in (evidence/sharing/),
each for what the owner allowed: every helper sees the pieces and adds pieces and chronology
entries; changing, deleting, the complaint, exporting and inviting are the owner's choice, one
by one; a few things stay the owner's alone (the dossier itself, the people, the shares, the
custody log). Every object in a URL is fetched with the person *and what the view needs* in the
query before anything else looks at the request (`owned`): anyone else gets 404 whatever the
method, as if it did not exist. Every view of the vault, the complaint and the export declares
what it needs (`owned(..., needs=...)`); tests/evidence/test_ownership.py checks them all.

A read-only share (a link and an access code, no account) reaches nothing here: its own views
(evidence/sharing/shared_views.py) fetch the share by its token and show only what it shows.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import StrEnum
from functools import cached_property, wraps

from django.db.models import Exists, Model, OuterRef, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404

from evidence.models import (
    Batch,
    ChatImport,
    ChronologyNote,
    Dossier,
    EvidenceFile,
    Export,
    Helper,
    Invitation,
    Piece,
    Share,
)


class Need(StrEnum):
    """What a view needs of the person asking."""

    VIEW = "view"  # see the dossier and its pieces: the owner and every helper
    ADD = "add"  # add pieces and chronology entries: the owner and every helper
    EDIT = "edit"  # change pieces (their details, more files) and entries
    DELETE = "delete"  # delete pieces and entries
    COMPLAINT = "complaint"  # see and fill in the complaint, identities included
    EXPORT = "export"  # export the dossier and download its exports
    INVITE = "invite"  # invite other helpers
    OWNER = "owner"  # the owner alone


# What every helper may do, and the permission a helper needs for the others.
EVERY_HELPER = frozenset({Need.VIEW, Need.ADD})
HELPER_FLAGS = {
    Need.EDIT: "can_edit",
    Need.DELETE: "can_delete",
    Need.COMPLAINT: "can_see_complaint",
    Need.EXPORT: "can_export",
    Need.INVITE: "can_invite",
}
Needs = Need | Iterable[Need]


def _as_set(needs: Needs) -> frozenset[Need]:
    return frozenset({needs} if isinstance(needs, Need) else needs)


def reachable(user, needs: Needs, *, via: str = "") -> Q:
    """A filter of the rows whose dossier (at `via`: "" for dossiers, "dossier__" for pieces,
    "piece__dossier__" for files) `user` may use for `needs`."""
    if not user.is_authenticated:
        return Q(pk__in=[])
    owner = Q(**{f"{via}owner": user})
    wanted = _as_set(needs)
    if Need.OWNER in wanted:
        return owner
    flags = {HELPER_FLAGS[need]: True for need in wanted if need in HELPER_FLAGS}
    dossier = OuterRef(via.removesuffix("__") if via else "pk")
    return owner | Q(Exists(Helper.objects.filter(dossier=dossier, user=user, **flags)))


@dataclass(frozen=True)
class Access:
    """What the person may do on the dossier of the page: for its templates (`access`) and for
    the views that show more or less of a page."""

    dossier: Dossier
    helper: Helper | None = None

    @property
    def is_owner(self) -> bool:
        return self.helper is None

    @property
    def is_helper(self) -> bool:
        return self.helper is not None

    @property
    def role(self) -> str:
        """Who they are for the dossier: the owner's role, or the helper's."""
        return self.helper.role if self.helper is not None else self.dossier.role

    def allows(self, needs: Needs) -> bool:
        if self.helper is None:
            return True
        for need in _as_set(needs):
            if need in EVERY_HELPER:
                continue
            if need not in HELPER_FLAGS or not getattr(self.helper, HELPER_FLAGS[need]):
                return False
        return True

    @cached_property
    def may(self) -> dict[str, bool]:
        """{need: allowed} for templates: {% if access.may.export %}."""
        return {need.value: self.allows(need) for need in Need}


def access_to(dossier: Dossier, user) -> Access | None:
    """The person's access to the dossier, or None when they have none."""
    if not user.is_authenticated:
        return None
    if dossier.owner_id == user.pk:
        return Access(dossier)
    helper = Helper.objects.filter(dossier=dossier, user=user).first()
    return Access(dossier, helper) if helper is not None else None


def role_of(dossier: Dossier, user) -> str:
    """Who `user` is for the dossier (its owner's role, or their helper's), for the pieces they
    add without a form asking (many files at once, a conversation's messages)."""
    access = access_to(dossier, user) if user is not None else None
    return access.role if access is not None else dossier.role


def may_reach(user, dossier: Dossier) -> bool:
    return access_to(dossier, user) is not None


def helped_dossiers(user) -> QuerySet[Dossier]:
    """The dossiers of others that `user` helps on."""
    return Dossier.objects.filter(helpers__user=user)


def require(request: HttpRequest, needs: Needs) -> None:
    """Within a view already reached: 404 unless the person may also do `needs` (an action
    of a page that needs more than the page, such as deleting from the page that edits)."""
    access = getattr(request, "dossier_access", None)
    if access is None or not access.allows(needs):
        raise Http404("not allowed here")


# --- One getter per object: the person and what they need in the query -------------------------


def dossier_for_user(request: HttpRequest, dossier_id: uuid.UUID, needs: Needs) -> Dossier:
    return get_object_or_404(Dossier.objects.filter(reachable(request.user, needs)), pk=dossier_id)


def piece_for_user(request: HttpRequest, piece_id: uuid.UUID, needs: Needs) -> Piece:
    found = Piece.objects.select_related("dossier")
    return get_object_or_404(
        found.filter(reachable(request.user, needs, via="dossier__")), pk=piece_id
    )


def file_for_user(request: HttpRequest, file_id: uuid.UUID, needs: Needs) -> EvidenceFile:
    found = EvidenceFile.objects.select_related("piece__dossier")
    return get_object_or_404(
        found.filter(reachable(request.user, needs, via="piece__dossier__")), pk=file_id
    )


def note_for_user(request: HttpRequest, note_id: uuid.UUID, needs: Needs) -> ChronologyNote:
    found = ChronologyNote.objects.select_related("dossier")
    return get_object_or_404(
        found.filter(reachable(request.user, needs, via="dossier__")), pk=note_id
    )


def export_for_user(request: HttpRequest, export_id: uuid.UUID, needs: Needs) -> Export:
    found = Export.objects.select_related("dossier")
    return get_object_or_404(
        found.filter(reachable(request.user, needs, via="dossier__")), pk=export_id
    )


def invitation_for_user(request: HttpRequest, invitation_id: uuid.UUID, needs: Needs) -> Invitation:
    """An invitation, for the dossier's owner, or for the helper who made it."""
    found = Invitation.objects.select_related("dossier").filter(
        reachable(request.user, needs, via="dossier__"),
        Q(dossier__owner=request.user) | Q(created_by=request.user),
    )
    return get_object_or_404(found, pk=invitation_id)


def helper_for_user(request: HttpRequest, helper_id: uuid.UUID, needs: Needs) -> Helper:
    found = Helper.objects.select_related("dossier", "user")
    return get_object_or_404(
        found.filter(reachable(request.user, needs, via="dossier__")), pk=helper_id
    )


def share_for_user(request: HttpRequest, share_id: uuid.UUID, needs: Needs) -> Share:
    found = Share.objects.select_related("dossier")
    return get_object_or_404(
        found.filter(reachable(request.user, needs, via="dossier__")), pk=share_id
    )


def batch_for_user(request: HttpRequest, batch_id: uuid.UUID, needs: Needs) -> Batch:
    """A batch of files, for its dossier's owner or the helper who sent it."""
    found = Batch.objects.select_related("dossier").filter(
        reachable(request.user, needs, via="dossier__"),
        Q(dossier__owner=request.user) | Q(created_by=request.user),
    )
    return get_object_or_404(found, pk=batch_id)


def chat_for_user(request: HttpRequest, chat_id: uuid.UUID, needs: Needs) -> ChatImport:
    """A conversation being imported, for its dossier's owner or the helper who imports it."""
    found = ChatImport.objects.select_related("dossier", "piece").filter(
        reachable(request.user, needs, via="dossier__"),
        Q(dossier__owner=request.user) | Q(created_by=request.user),
    )
    return get_object_or_404(found, pk=chat_id)


def piece_to_complete(request: HttpRequest, piece_id: uuid.UUID, needs: Needs) -> Piece:
    """A piece whose details a review card changes: for whoever may `needs` (edit), and for
    the helper who added it, who completes the pieces they have just sent."""
    found = Piece.objects.select_related("dossier").filter(
        reachable(request.user, needs, via="dossier__")
        | (reachable(request.user, Need.ADD, via="dossier__") & Q(added_by=request.user))
    )
    return get_object_or_404(found, pk=piece_id)


def _dossier_of(found: Model) -> Dossier:
    if isinstance(found, Dossier):
        return found
    if isinstance(found, EvidenceFile):
        return found.piece.dossier
    return found.dossier  # type: ignore[attr-defined]


def owned(parameter: str, getter: Callable, *, needs: Needs) -> Callable:
    """Replace the URL's `<parameter>_id` by the object, fetched for a person who may use it
    for `needs`; the page's `request.dossier_access` says what else they may do there."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(request: HttpRequest, **kwargs) -> HttpResponse:
            found = getter(request, kwargs.pop(f"{parameter}_id"), needs)
            request.dossier_access = access_to(_dossier_of(found), request.user)  # type: ignore[attr-defined]
            kwargs[parameter] = found
            return view(request, **kwargs)

        wrapper.needs = _as_set(needs)  # type: ignore[attr-defined]
        return wrapper

    return decorator


def context(request: HttpRequest) -> dict:
    """The template context processor: `access` on the pages of a dossier."""
    return {"access": getattr(request, "dossier_access", None)}
