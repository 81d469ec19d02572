"""Read-only shares of a dossier for a lawyer, an association or an investigator.

The owner chooses what a share shows (the pieces and their details; the last export's PDF and
archive; or only the archive) and for how long; the site makes a link (a 256-bit token) and an
access code (60 bits, evidence/sharing/codes.py) to give separately. The recipient needs no
account: the right code unlocks the share for their browser's session (server-side; the
cookie holds only the session's key) until the session ends. Each opening and each download
is an event of the dossier's custody log (no address is kept); revoking is one too, and takes
effect at the next request, as expiry does.
"""

from __future__ import annotations

import datetime as dt
import uuid

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from evidence.models import Dossier, Export, ExportStatus, Share, ShareContent
from evidence.sharing import codes
from evidence.vault import custody
from evidence.vault.custody import Action

TOKEN_PURPOSE = "share-token"
CODE_PURPOSE = "share-code"
# The share ids unlocked by the right code, in the recipient's (server-side) session.
SESSION_KEY = "shares_unlocked"
DAYS = (1, 3, 7, 14, 30)
DEFAULT_DAYS = 7


class TooManyShares(Exception):
    """This person made SHARING_SHARES_PER_DAY shares in the last 24 hours."""


def is_active(share: Share, now: dt.datetime | None = None) -> bool:
    return share.revoked_at is None and share.expires_at > (now or timezone.now())


def made_today(user) -> int:
    since = timezone.now() - dt.timedelta(days=1)
    return Share.objects.filter(created_by=user, created_at__gte=since).count()


def make(
    dossier: Dossier,
    user,
    *,
    shows: str,
    days: int,
    recipient: str = "",
    token: uuid.UUID | None = None,
) -> tuple[Share, bool]:
    """(the share, whether it is new): the same form sent twice makes one."""
    if token is not None:
        existing = Share.objects.filter(created_by=user, submission_token=token).first()
        if existing is not None:
            return existing, False
    if made_today(user) >= settings.SHARING_SHARES_PER_DAY:
        raise TooManyShares
    for _attempt in range(3):  # a token already taken (1 in 2^256): draw another
        try:
            with transaction.atomic():
                locked = Dossier.objects.select_for_update().get(pk=dossier.pk)
                secret_token, secret_code = codes.new_token(), codes.new_code()
                now = timezone.now()
                share = Share.objects.create(
                    dossier=locked,
                    created_by=user,
                    shows=shows,
                    recipient=recipient,
                    expires_at=now + dt.timedelta(days=days),
                    token_digest=codes.digest(TOKEN_PURPOSE, secret_token),
                    code_digest=codes.digest(CODE_PURPOSE, secret_code),
                    token=secret_token,
                    code=secret_code,
                    submission_token=token,
                )
                custody.append(
                    locked,
                    Action.SHARE_MADE,
                    now,
                    by=custody.actor(user, locked.role),
                    share=str(share.pk),
                    shows=shows,
                    expires_at=custody.utc_iso(share.expires_at),
                )
            return share, True
        except IntegrityError:
            if token is not None and (
                existing := Share.objects.filter(created_by=user, submission_token=token).first()
            ):
                return existing, False
    raise IntegrityError("no free share token after three draws")


def revoke(share: Share, user) -> bool:
    """The share stops working at its next request; False when it had ended already."""
    with transaction.atomic():
        dossier = Dossier.objects.select_for_update().get(pk=share.dossier_id)
        locked = Share.objects.select_for_update().get(pk=share.pk)
        if not is_active(locked):
            return False
        now = timezone.now()
        locked.revoked_at = now
        _forget_secrets(locked)
        locked.save()
        custody.append(
            dossier,
            Action.SHARE_REVOKED,
            now,
            by=custody.actor(user, dossier.role),
            share=str(locked.pk),
        )
    return True


def by_token(token: str) -> Share | None:
    """The active share of a link, or None (unknown, revoked or expired: all alike)."""
    share = (
        Share.objects.select_related("dossier")
        .filter(token_digest=codes.digest(TOKEN_PURPOSE, token))
        .first()
    )
    return share if share is not None and is_active(share) else None


def code_is_right(share: Share, typed: str) -> bool:
    return codes.looks_like_a_code(typed) and codes.matches(
        CODE_PURPOSE, codes.normalised(typed), share.code_digest
    )


def unlock(session, share: Share) -> None:
    """The right code was given: the share opens in this session, and the log says so."""
    unlocked = [pk for pk in session.get(SESSION_KEY, []) if pk != str(share.pk)]
    session[SESSION_KEY] = [*unlocked, str(share.pk)]
    record(share, Action.SHARE_OPENED, shows=share.shows)


def is_unlocked(session, share: Share) -> bool:
    return str(share.pk) in session.get(SESSION_KEY, [])


def record(share: Share, action: str, **details) -> None:
    """An event of the recipient's (no account, no address: the share's id says who)."""
    with transaction.atomic():
        dossier = Dossier.objects.select_for_update().get(pk=share.dossier_id)
        custody.append(dossier, action, timezone.now(), by=custody.share_actor(share.pk), **details)


def last_export(share: Share) -> Export | None:
    """The dossier's newest finished export, as it is when the share is opened."""
    if share.shows == ShareContent.PIECES:
        return None
    return share.dossier.exports.filter(status=ExportStatus.DONE).order_by("-created_at").first()


def forget_ended() -> int:
    """Empty the secrets of shares that expired (the task worker's housekeeping)."""
    forgotten = 0
    for share in Share.objects.filter(expires_at__lte=timezone.now()).exclude(token_digest=""):
        _forget_secrets(share)
        share.save()
        forgotten += 1
    return forgotten


def _forget_secrets(share: Share) -> None:
    share.token_digest = ""
    share.code_digest = ""
    share.token = ""
    share.code = ""
