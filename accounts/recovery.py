"""Accounts without email: a pseudonym, a password, and one-time recovery codes.

A victim may not want to give an email address, or may share one with the person harassing
them; the recovery codes, saved at sign-up, replace the usual "email me a link". Only their
hashes are kept (Django's password hashers, Argon2 first); a code works once.
"""

from __future__ import annotations

import secrets

from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.hashers import check_password, make_password
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac

from accounts.models import RecoveryCode

CODE_COUNT = 10
# No 0/O, 1/I/L: codes are copied by hand from paper. 12 characters of 31 ≈ 59 bits each.
_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
_GROUPS, _GROUP_LENGTH = 3, 4


def new_code() -> str:
    groups = (
        "".join(secrets.choice(_ALPHABET) for _ in range(_GROUP_LENGTH)) for _ in range(_GROUPS)
    )
    return "-".join(groups)


def normalise_code(text: str) -> str:
    """As the stored form, whatever was typed: any case, spaces or dashes anywhere."""
    plain = "".join(char for char in text.upper() if char.isalnum())
    groups = [plain[i : i + _GROUP_LENGTH] for i in range(0, len(plain), _GROUP_LENGTH)]
    return "-".join(groups)


def current_set(user) -> str:
    """An opaque name for the person's current codes (an HMAC of their rows' ids).

    The form that replaces the codes carries it: sent a second time (a reload, Back then
    resend, a double tap), it names a set that is gone, and the codes it has just shown are
    not silently replaced by others.
    """
    ids = user.recovery_codes.order_by("pk").values_list("pk", flat=True)
    return salted_hmac("accounts.recovery.current_set", ",".join(map(str, ids))).hexdigest()


def replace_codes(user, *, replacing: str | None = None) -> list[str] | None:
    """Issue a fresh set of codes, voiding the old ones; the plain codes are returned once,
    and kept nowhere. With `replacing` (a current_set() value): None, and nothing changed,
    when the codes are no longer that set."""
    codes = [new_code() for _ in range(CODE_COUNT)]
    hashes = [make_password(code) for code in codes]  # slow on purpose: outside the lock
    with transaction.atomic():
        get_user_model().objects.select_for_update().filter(pk=user.pk).exists()
        if replacing is not None and not constant_time_compare(replacing, current_set(user)):
            return None
        user.recovery_codes.all().delete()
        RecoveryCode.objects.bulk_create(
            RecoveryCode(user=user, code_hash=code_hash) for code_hash in hashes
        )
    return codes


def remaining_codes(user) -> int:
    return user.recovery_codes.filter(used_at__isnull=True).count()


def reset_password(pseudonym: str, code: str, new_password: str):
    """Set a new password with one unused code, which is then spent; the user, or None.

    The password is checked (ValidationError) before the code is spent, so a refused password
    never costs a code.
    """
    user = get_user_model().objects.filter(username=pseudonym, is_active=True).first()
    typed = normalise_code(code)
    if user is None:
        make_password(typed)  # about the time of a real check: pseudonyms stay private
        return None
    with transaction.atomic():
        unused = RecoveryCode.objects.select_for_update().filter(user=user, used_at__isnull=True)
        match = next((rc for rc in unused if check_password(typed, rc.code_hash)), None)
        if match is None:
            return None
        password_validation.validate_password(new_password, user)
        match.used_at = timezone.now()
        match.save(update_fields=["used_at"])
        user.set_password(new_password)
        user.save(update_fields=["password"])
    return user
