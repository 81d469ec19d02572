"""Drafts: what a form of the vault held when it was sent after the session had ended.

Sessions end after SESSION_IDLE_SECONDS without a request (a phone left aside, a long text
being written). A form of the vault sent then arrives logged out. Instead of losing it:

1. Its fields (never its files: they are dropped unread) are kept as a Draft, encrypted with
   the evidence keyring, for KEPT_FOR; the person is asked to log in again, and told so.
2. Who may have it back: the expired session's user is unknown by then, but the form's page
   names its dossier (or piece, or note), whose owner is the draft's account. A form about no
   dossier yet (a new one) is bound to the first account that logs in from that browser, and
   so is one about a dossier with helpers, if that account is its owner's or a helper's.
3. Which browser: the draft's id waits in the new (anonymous) session, which logging in keeps.
   Logging in binds the drafts of that browser (claim): another account's are deleted there
   and then, so they are refused to anyone else for good.
4. Back on the form's page, logged in, the form opens with the draft and a notice
   (form_data); sending the form from that page ends the drafts of the page. The worker
   purges expired drafts.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import uuid
from collections.abc import Callable
from functools import wraps

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.files.uploadhandler import FileUploadHandler
from django.http import HttpRequest, HttpResponse, QueryDict
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_protect

from evidence.access import may_reach
from evidence.models import ChatImport, ChronologyNote, Dossier, Draft, Helper, Piece
from evidence.sealing import sealed_files

logger = logging.getLogger(__name__)

KEPT_FOR = dt.timedelta(hours=2)
SESSION_KEY = "vault_drafts"
# A browser keeps its last few drafts, not an unbounded pile.
MOST_PER_BROWSER = 5
NOT_KEPT = ("csrfmiddlewaretoken",)
# Fields the page fills in, not the person: a form with nothing else typed keeps no draft.
NOT_TYPED = ("token", "version", "action", "next")

KEPT = _(
    "For your safety, you were logged out after a while without activity. What you typed was "
    "kept, but not the files: log in again within 2 hours to find it."
)
RESTORED = _(
    "Here is what you typed before you were logged out. It is not saved yet: check it, choose "
    "any file again, and save."
)


def keeps_drafts(view: Callable) -> Callable:
    """For a vault form's view, outside login_required: a POST that arrives logged out is kept
    as a draft and the person asked to log in; a POST logged in ends the drafts of its page."""
    keep = csrf_protect(_keep)

    @wraps(view)
    def wrapper(request: HttpRequest, **kwargs) -> HttpResponse:
        if request.method == "POST" and not request.user.is_authenticated:
            try:  # files are never kept: dropped as they are read
                request.upload_handlers = [_DropFiles(request)]
            except AttributeError:  # the CSRF check already read this form (it has no files)
                pass
            return keep(request, **kwargs)
        if request.method == "POST":
            _forget(request, request.path)
        return view(request, **kwargs)

    return wrapper


def form_data(request: HttpRequest) -> QueryDict | None:
    """The data to open the page's form with: what was sent (a POST), else the draft this
    browser kept for this page and this account (with a notice), else None."""
    if request.method == "POST":
        return request.POST
    ids = request.session.get(SESSION_KEY)
    if not ids or not request.user.is_authenticated:
        return None
    kept = Draft.objects.filter(
        id__in=ids, owner=request.user, path=request.path, expires_at__gt=timezone.now()
    ).first()
    if kept is None:
        return None
    try:
        fields = json.loads(sealed_files.keyring().decrypt(bytes(kept.sealed), _context(kept.id)))
    except (sealed_files.DecryptionError, ValueError):  # its key is gone: nothing to give back
        logger.warning("a draft could not be opened")
        return None
    data = QueryDict(mutable=True)
    for name, values in fields.items():
        data.setlist(name, values)
    messages.info(request, RESTORED)
    return data


def claim(request: HttpRequest) -> None:
    """Right after logging in: the drafts this browser kept go to the account now logged in if
    they are its own (or about no dossier yet); any other account's are deleted."""
    ids = request.session.get(SESSION_KEY)
    if not ids:
        return
    kept = Draft.objects.filter(id__in=ids)
    kept.filter(owner__isnull=True, dossier__isnull=True).update(owner=request.user)
    # A dossier's draft whose account was not known (its dossier has helpers): for whoever of
    # its people logs in here; the page's own access check still decides what it opens to.
    for draft in kept.filter(owner__isnull=True, dossier__isnull=False).select_related("dossier"):
        if may_reach(request.user, draft.dossier):
            draft.owner = request.user
            draft.save(update_fields=["owner"])
    kept.exclude(owner=request.user).delete()
    request.session[SESSION_KEY] = [str(pk) for pk in kept.values_list("id", flat=True)]


def discard_all(request: HttpRequest) -> None:
    """Logging out on purpose: the drafts of this browser go at once."""
    ids = request.session.get(SESSION_KEY)
    if ids:
        Draft.objects.filter(id__in=ids).delete()


def purge() -> int:
    deleted, _by_model = Draft.objects.filter(expires_at__lte=timezone.now()).delete()
    return deleted


# --- Inner workings --------------------------------------------------------------------------


class _DropFiles(FileUploadHandler):
    """Reads each file of the request and keeps none of it."""

    def receive_data_chunk(self, raw_data: bytes, start: int) -> None:
        return None

    def file_complete(self, file_size: int) -> None:
        return None


def _keep(request: HttpRequest, **kwargs) -> HttpResponse:
    fields = {name: request.POST.getlist(name) for name in request.POST if name not in NOT_KEPT}
    found, dossier = _dossier_named(kwargs)
    # A page of no dossier of anyone's keeps nothing (the answer is the same).
    if found and _typed(fields):
        draft_id = uuid.uuid4()
        plain = json.dumps(fields, ensure_ascii=False).encode("utf-8")
        Draft.objects.create(
            id=draft_id,
            owner_id=_account_of(dossier),
            dossier=dossier,
            path=request.path,
            sealed=sealed_files.keyring().encrypt(plain, _context(draft_id)),
            expires_at=timezone.now() + KEPT_FOR,
        )
        ids = [*request.session.get(SESSION_KEY, []), str(draft_id)]
        Draft.objects.filter(id__in=ids[:-MOST_PER_BROWSER]).delete()
        request.session[SESSION_KEY] = ids[-MOST_PER_BROWSER:]
        messages.info(request, KEPT)
    return redirect_to_login(request.get_full_path())


def _account_of(dossier: Dossier | None):
    """The account a dossier's draft is for: its owner's, unless helpers work on it too; then
    unknown until someone who may reach the dossier logs in from this browser (claim)."""
    if dossier is None or dossier.helpers.exists():
        return None
    return dossier.owner_id


def _dossier_named(kwargs: dict) -> tuple[bool, Dossier | None]:
    """(whether the page's object exists, its dossier): from the URL's dossier, piece, note or
    helper; a page naming none (a new dossier) is found, with no dossier."""
    if "dossier_id" in kwargs:
        dossier = Dossier.objects.filter(pk=kwargs["dossier_id"]).first()
    elif "piece_id" in kwargs:
        piece = Piece.objects.select_related("dossier").filter(pk=kwargs["piece_id"]).first()
        dossier = piece.dossier if piece is not None else None
    elif "note_id" in kwargs:
        note = ChronologyNote.objects.select_related("dossier").filter(pk=kwargs["note_id"]).first()
        dossier = note.dossier if note is not None else None
    elif "chat_id" in kwargs:  # the messages ticked in a conversation being imported
        chat = ChatImport.objects.select_related("dossier").filter(pk=kwargs["chat_id"]).first()
        dossier = chat.dossier if chat is not None else None
    elif "helper_id" in kwargs:
        helper = Helper.objects.select_related("dossier").filter(pk=kwargs["helper_id"]).first()
        dossier = helper.dossier if helper is not None else None
    else:
        return True, None
    return dossier is not None, dossier


def _typed(fields: dict[str, list[str]]) -> bool:
    return any(
        value.strip()
        for name, values in fields.items()
        if name not in NOT_TYPED and not name.endswith("_FORMS")  # a formset's own counts
        for value in values
    )


def _forget(request: HttpRequest, path: str) -> None:
    ids = request.session.get(SESSION_KEY)
    if not ids:
        return
    Draft.objects.filter(id__in=ids, path=path).delete()
    request.session[SESSION_KEY] = [
        str(pk) for pk in Draft.objects.filter(id__in=ids).values_list("id", flat=True)
    ]


def _context(draft_id: uuid.UUID) -> bytes:
    return f"draft:{draft_id}".encode("ascii")
