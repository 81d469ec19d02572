"""One-time submission tokens: the same form sent twice does its work once.

A form that creates something carries a random token (a hidden field, OneTimeTokenMixin). The
first time it is sent, the token is recorded in the transaction that creates the rows, so that
both happen or neither; sent again (a double click, a network retry, Back then submit on a page
the browser kept), the token is found and nothing is created twice: the person is taken to
what the first one made.

Chromium reloads a no-store page on Back, with a fresh token, yet refills what was typed:
the services also take a twin of what the same person created a moment ago (REPLAY_WINDOW)
for the same submission (evidence/vault/services.py, the chronology's notes).
"""

from __future__ import annotations

import datetime as dt
import uuid

from django.db import IntegrityError, transaction
from django.utils import timezone

from common.models import Submission

# Long enough for any Back then submit; the worker purges older tokens.
KEPT_FOR = dt.timedelta(days=1)
# A twin (same values, same files) of what was created this recently is the same submission.
REPLAY_WINDOW = dt.timedelta(minutes=10)


def first_time(token: uuid.UUID | None, *, form: str, user=None) -> bool:
    """Record the token; False if it was already sent. Call inside the transaction that
    creates what the form asks for, after locking what it is added to."""
    if token is None:
        return True
    try:
        with transaction.atomic():  # a savepoint: the caller's transaction goes on
            Submission.objects.create(token=token, form=form, user=user)
    except IntegrityError:
        return False
    return True


def was_sent(token: uuid.UUID | None, *, form: str) -> bool:
    """Whether the form with this token already did its work (a quick check before the real
    one, first_time, spares the work)."""
    return token is not None and Submission.objects.filter(token=token, form=form).exists()


def recent() -> dt.datetime:
    """Since when a twin of a new object counts as the same submission."""
    return timezone.now() - REPLAY_WINDOW


def purge() -> int:
    old = Submission.objects.filter(created_at__lt=timezone.now() - KEPT_FOR)
    deleted, _by_model = old.delete()
    return deleted
