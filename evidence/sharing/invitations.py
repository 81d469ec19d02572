"""Helpers on a dossier: inviting, joining, changing what a helper may do, removing them.

The owner (or a helper allowed to invite) makes an invitation: a link and a short code
(evidence/sharing/codes.py), either of which works once, for INVITATION_HOURS, unless it is
withdrawn. Whoever opens it signs in or creates a pseudonym account, is told what they will be
able to do, and joins: a Helper row, with the permissions and the role chosen by the inviter.
Removing a helper deletes that row, so their next request gets 404 (evidence/access.py).

Each of these is an event of the dossier's custody log, written in the transaction that locked
the dossier, as every other event is; what a helper does afterwards is recorded as theirs by
custody.append.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from evidence.access import HELPER_FLAGS, Access
from evidence.models import Dossier, Helper, Invitation, Role
from evidence.sharing import codes
from evidence.vault import custody
from evidence.vault.custody import Action

PERMISSION_FIELDS = ("can_edit", "can_delete", "can_see_complaint", "can_export", "can_invite")
TOKEN_PURPOSE = "invitation-token"
CODE_PURPOSE = "invitation-code"
# A used invitation's link still leads its helper to the dossier for a day (a double click,
# Back then Join), then forgets it.
LINK_REMEMBERED = dt.timedelta(days=1)


class TooManyInvitations(Exception):
    """This person made SHARING_INVITATIONS_PER_DAY invitations in the last 24 hours."""


class CannotJoin(Exception):
    """The owner opened their own invitation: nothing to join."""


@dataclass(frozen=True)
class Permissions:
    """Who the helper is for the dossier and what they may do besides seeing and adding."""

    role: str = Role.HELPER
    can_edit: bool = False
    can_delete: bool = False
    can_see_complaint: bool = False
    can_export: bool = False
    can_invite: bool = False

    @classmethod
    def of(cls, row: Helper | Invitation) -> Permissions:
        return cls(row.role, *(bool(getattr(row, name)) for name in PERMISSION_FIELDS))

    def fields(self) -> dict[str, object]:
        return {"role": self.role, **{name: getattr(self, name) for name in PERMISSION_FIELDS}}

    def granted(self) -> list[str]:
        """The permissions given, by name, as the custody log records them."""
        return [name for name in PERMISSION_FIELDS if getattr(self, name)]

    def within(self, access: Access) -> Permissions:
        """No more than the inviter may do themselves: a helper cannot give what they lack."""
        allowed = {field: access.allows(need) for need, field in HELPER_FLAGS.items()}
        return Permissions(
            self.role, *(getattr(self, name) and allowed[name] for name in PERMISSION_FIELDS)
        )


@dataclass(frozen=True)
class Made:
    """A new invitation, with its token and code in clear (shown to its maker only)."""

    invitation: Invitation
    created: bool


def is_usable(invitation: Invitation, now: dt.datetime | None = None) -> bool:
    now = now or timezone.now()
    return (
        invitation.used_at is None
        and invitation.withdrawn_at is None
        and invitation.expires_at > now
    )


def made_today(user) -> int:
    since = timezone.now() - dt.timedelta(days=1)
    return Invitation.objects.filter(created_by=user, created_at__gte=since).count()


def invite(
    dossier: Dossier,
    user,
    access: Access,
    permissions: Permissions,
    *,
    token: uuid.UUID | None = None,
) -> Made:
    """A new invitation to the dossier; the same form sent twice makes one. Raises
    TooManyInvitations past the daily limit."""
    if token is not None:
        existing = Invitation.objects.filter(created_by=user, submission_token=token).first()
        if existing is not None:
            return Made(existing, created=False)
    if made_today(user) >= settings.SHARING_INVITATIONS_PER_DAY:
        raise TooManyInvitations
    given = permissions.within(access)
    for _attempt in range(3):  # a code already taken (1 in 2^60): draw another
        try:
            with transaction.atomic():
                locked = Dossier.objects.select_for_update().get(pk=dossier.pk)
                secret_token, secret_code = codes.new_token(), codes.new_code()
                now = timezone.now()
                invitation = Invitation.objects.create(
                    dossier=locked,
                    created_by=user,
                    expires_at=now + dt.timedelta(hours=settings.SHARING_INVITATION_HOURS),
                    token_digest=codes.digest(TOKEN_PURPOSE, secret_token),
                    code_digest=codes.digest(CODE_PURPOSE, secret_code),
                    token=secret_token,
                    code=secret_code,
                    submission_token=token,
                    **given.fields(),
                )
                custody.append(
                    locked,
                    Action.INVITATION_MADE,
                    now,
                    by=custody.actor(user, access.role),
                    invitation=str(invitation.pk),
                    role=given.role,
                    permissions=given.granted(),
                    expires_at=custody.utc_iso(invitation.expires_at),
                )
            return Made(invitation, created=True)
        except IntegrityError:
            if token is not None and (
                existing := Invitation.objects.filter(
                    created_by=user, submission_token=token
                ).first()
            ):
                return Made(existing, created=False)
    raise IntegrityError("no free invitation code after three draws")


def by_token(token: str) -> Invitation | None:
    """The invitation of a link, usable or not (None when no invitation has this token)."""
    return (
        Invitation.objects.select_related("dossier")
        .filter(token_digest=codes.digest(TOKEN_PURPOSE, token))
        .first()
    )


def by_code(typed: str) -> Invitation | None:
    """The usable invitation of a code, or None."""
    if not codes.looks_like_a_code(typed):
        return None
    found = Invitation.objects.filter(
        code_digest=codes.digest(CODE_PURPOSE, codes.normalised(typed))
    ).first()
    return found if found is not None and is_usable(found) else None


def join(invitation: Invitation, user) -> Helper:
    """Let `user` into the invitation's dossier. Raises Invitation.DoesNotExist when it no
    longer works (used by someone else, withdrawn, expired), CannotJoin for the owner. Someone
    already helping is taken to the dossier, the invitation left for whom it was meant."""
    with transaction.atomic():
        dossier = Dossier.objects.select_for_update().get(pk=invitation.dossier_id)
        locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if dossier.owner_id == user.pk:
            raise CannotJoin
        existing = Helper.objects.filter(dossier=dossier, user=user).first()
        if existing is not None:
            return existing
        if not is_usable(locked):
            raise Invitation.DoesNotExist
        now = timezone.now()
        permissions = Permissions.of(locked)
        helper = Helper.objects.create(
            dossier=dossier, user=user, joined_at=now, **permissions.fields()
        )
        locked.used_at, locked.used_by = now, user
        _forget_secrets(locked, keep_link=True)
        locked.save()
        custody.append(
            dossier,
            Action.HELPER_JOINED,
            now,
            by=custody.actor(user, helper.role),
            invitation=str(locked.pk),
            role=helper.role,
            permissions=permissions.granted(),
        )
    return helper


def withdraw(invitation: Invitation, user, access: Access) -> bool:
    """The invitation stops working at once; False when it no longer worked anyway."""
    with transaction.atomic():
        dossier = Dossier.objects.select_for_update().get(pk=invitation.dossier_id)
        locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if not is_usable(locked):
            return False
        now = timezone.now()
        locked.withdrawn_at = now
        _forget_secrets(locked)
        locked.save()
        custody.append(
            dossier,
            Action.INVITATION_WITHDRAWN,
            now,
            by=custody.actor(user, access.role),
            invitation=str(locked.pk),
        )
    return True


def change(helper: Helper, user, permissions: Permissions) -> bool:
    """What the helper may do, as the owner now says; False when nothing changed."""
    with transaction.atomic():
        dossier = Dossier.objects.select_for_update().get(pk=helper.dossier_id)
        locked = Helper.objects.select_for_update().get(pk=helper.pk)
        if Permissions.of(locked) == permissions:
            return False
        for name, value in permissions.fields().items():
            setattr(locked, name, value)
        locked.save()
        if not locked.can_invite:
            _withdraw_made_by(locked, dossier)
        custody.append(
            dossier,
            Action.HELPER_CHANGED,
            timezone.now(),
            by=custody.actor(user, dossier.role),
            helper=locked.user.get_username(),
            role=permissions.role,
            permissions=permissions.granted(),
        )
    return True


def remove(helper: Helper, user) -> None:
    """The owner ends a helper's access, at once: their next request gets 404. Their open
    invitations are withdrawn with it."""
    with transaction.atomic():
        dossier = Dossier.objects.select_for_update().get(pk=helper.dossier_id)
        locked = Helper.objects.select_for_update().filter(pk=helper.pk).first()
        if locked is None:
            return  # removed meanwhile (the same confirmation sent twice)
        _withdraw_made_by(locked, dossier)
        locked.delete()
        custody.append(
            dossier,
            Action.HELPER_REMOVED,
            timezone.now(),
            by=custody.actor(user, dossier.role),
            helper=helper.user.get_username(),
        )


def leave(helper: Helper) -> None:
    """A helper leaves the dossier by themselves."""
    with transaction.atomic():
        dossier = Dossier.objects.select_for_update().get(pk=helper.dossier_id)
        locked = Helper.objects.select_for_update().filter(pk=helper.pk).first()
        if locked is None:
            return
        _withdraw_made_by(locked, dossier)
        # Recorded before the row goes, so that the log says a helper left.
        custody.append(
            dossier,
            Action.HELPER_LEFT,
            timezone.now(),
            by=custody.actor(locked.user, locked.role),
        )
        locked.delete()


def forget_ended() -> int:
    """Empty the secrets of invitations that no longer work (the task worker's housekeeping):
    expired ones at once, and the link of a used one after LINK_REMEMBERED."""
    now = timezone.now()
    expired = Invitation.objects.filter(expires_at__lte=now).exclude(
        token_digest="", code_digest=""
    )
    used = Invitation.objects.filter(used_at__lte=now - LINK_REMEMBERED).exclude(token_digest="")
    forgotten = 0
    for invitation in [*expired, *used]:
        _forget_secrets(invitation)
        invitation.save()
        forgotten += 1
    return forgotten


def _withdraw_made_by(helper: Helper, dossier: Dossier) -> None:
    now = timezone.now()
    for invitation in Invitation.objects.select_for_update().filter(
        dossier=dossier, created_by=helper.user, used_at__isnull=True, withdrawn_at__isnull=True
    ):
        if is_usable(invitation, now):
            invitation.withdrawn_at = now
            _forget_secrets(invitation)
            invitation.save()


def _forget_secrets(invitation: Invitation, *, keep_link: bool = False) -> None:
    invitation.code_digest = ""
    invitation.token = ""
    invitation.code = ""
    if not keep_link:
        invitation.token_digest = ""
