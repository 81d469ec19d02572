"""Ending a session at once, even when the database cannot be written to.

The quick exit must answer immediately whatever the database is doing (a long upload's
transaction, a lock): it never waits for the session's row. The session key is revoked in
the cache (a file per entry on one machine by default, Redis with several servers: see
settings.CACHES), which any web process reads before using a session
(supportsite.middleware.RevokedSessionMiddleware), so the old cookie stops working at once.
Deleting the row is then tried with a short lock timeout; if the database is busy, the row
stays until the scheduled purge removes it: `purge()`, which the task worker runs every few
minutes (`manage.py worker`), deletes the rows of revoked sessions as well as expired ones,
so that a session's contents (questionnaire answers, notices) leave the database soon after
it ended, not only once it would have expired.
"""

from __future__ import annotations

import hashlib
import logging

from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

logger = logging.getLogger(__name__)
# How long the exit may wait for the database before leaving the row to the purge: the
# session is already revoked in the cache, so waiting only delays the person leaving (with
# 200 ms, the exit took up to 0.29 s while another process held the database locked).
DELETE_TIMEOUT_MS = 100


def _revocation_key(session_key: str) -> str:
    return "revoked-session:" + hashlib.sha256(session_key.encode("utf-8")).hexdigest()


def revoke(session_key: str) -> None:
    """The session can no longer be used, in every web process, from now on."""
    cache.set(_revocation_key(session_key), True, timeout=settings.SESSION_COOKIE_AGE + 60)


def is_revoked(session_key: str) -> bool:
    """Whether the quick exit revoked the session. A cache that cannot be reached (Redis down)
    says no: the row's deletion is what ends a session in the first place, and refusing every
    session instead would shut everyone out of their vault until Redis is back."""
    try:
        return bool(cache.get(_revocation_key(session_key)))
    except Exception:
        logger.warning("the cache of revoked sessions cannot be read", exc_info=True)
        return False


def end(session_key: str) -> bool:
    """Revoke the session, then try to delete its row without waiting; True when deleted.
    Either may fail (the cache unreachable, the database busy), never both silently."""
    try:
        revoke(session_key)
    except Exception:  # the row's deletion below still ends the session
        logger.warning("a session ended by the quick exit could not be revoked", exc_info=True)
    try:
        # Before the transaction begins: SQLite's BEGIN IMMEDIATE already waits for the lock.
        _short_lock_timeout()
        with transaction.atomic():
            _short_lock_timeout()  # PostgreSQL's SET LOCAL holds inside the transaction only
            SessionStore(session_key).delete()
    except DatabaseError:
        logger.warning("a session ended by the quick exit is left to the purge (database busy)")
        return False
    finally:
        _default_lock_timeout()
    return True


def _short_lock_timeout() -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"PRAGMA busy_timeout = {DELETE_TIMEOUT_MS}")
        elif connection.vendor == "postgresql" and connection.in_atomic_block:
            cursor.execute(f"SET LOCAL lock_timeout = '{DELETE_TIMEOUT_MS}ms'")


def _default_lock_timeout() -> None:
    if connection.vendor != "sqlite" or connection.connection is None:
        return  # PostgreSQL's SET LOCAL ended with its transaction
    timeout = settings.DATABASES["default"].get("OPTIONS", {}).get("timeout", 5)
    with connection.cursor() as cursor:
        cursor.execute(f"PRAGMA busy_timeout = {int(timeout * 1000)}")


# --- The purge ---------------------------------------------------------------------------------

_BATCH = 500  # session keys looked up in the cache at once


def purge() -> int:
    """Delete the rows of expired sessions (as `manage.py clearsessions` does) and of sessions
    the quick exit revoked without deleting; the number of rows deleted."""
    deleted, _by_model = Session.objects.filter(expire_date__lt=timezone.now()).delete()
    keys = list(Session.objects.values_list("session_key", flat=True))
    for start in range(0, len(keys), _BATCH):
        batch = {_revocation_key(key): key for key in keys[start : start + _BATCH]}
        revoked = [batch[found] for found in cache.get_many(list(batch))]
        if revoked:
            deleted += Session.objects.filter(session_key__in=revoked).delete()[0]
    return deleted


def purge_or_log() -> None:
    """`purge()`, whose failure (a busy database, an unreachable cache) is logged rather than
    raised: the next turn tries again."""
    try:
        logger.info("session purge: %d rows deleted", purge())
    except DatabaseError:
        logger.exception("the scheduled purge of sessions failed; tried again later")
    except Exception:  # the cache (Redis) unreachable: expired rows went, revoked ones wait
        logger.warning("the purge could not read the revoked sessions; tried again later")
