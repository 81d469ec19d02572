"""python manage.py worker: the background task worker (dossier exports, image derivatives,
integrity checks), which a busy or lost database does not stop, and which tidies up.

It runs django-tasks-db's own worker (the `db_worker` command's), in batch mode: each pass runs
every task ready, then returns here, where

- a database error (SQLite's "database is locked" past its busy timeout, a PostgreSQL
  connection lost or a lock refused) is waited out with a growing pause and the pass tried
  again. `db_worker` ends there: it only forgives a locked database while claiming a task,
  not when opening the exclusive transaction around the claim, nor when recording a task's
  result (three quick tries, then the error leaves `Worker.run`);
- every TIDY_EVERY, exports whose worker fell silent are put back in the queue or failed, the
  plain image folders of dead workers are removed, expired drafts and one-time tokens are
  purged, wrong invitation and share codes older than their throttling window are forgotten,
  and images whose derivatives or text reading were lost with a dead worker are made and read.
  At start-up too, when the exports of a worker of this host that was killed are put back at
  once, without waiting for their heartbeat to age;
- every PURGE_EVERY, the rows of ended sessions are deleted (sessions hold what a visitor
  typed: Django never deletes an expired session's row by itself, and the quick exit may leave
  a revoked one behind when the database is busy, common/sessions.py), and a few dossiers
  not checked for a day are checked (evidence/vault/checks.py), and the secrets of expired
  invitations and shares are emptied (evidence/sharing/).

`--tidy-only` tidies once and exits: with another task queue (RQ), whose own workers run the
tasks, a scheduler runs it every few minutes.

SIGINT or SIGTERM stops it once the task under way is finished (a second one at once), as
`db_worker` does. `make run` starts it again if it ever exits.
"""

from __future__ import annotations

import logging
import time
from argparse import ArgumentParser, ArgumentTypeError
from collections.abc import Callable
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, InterfaceError, connections
from django.utils.crypto import get_random_string
from django_tasks_db.management.commands.db_worker import (
    Worker,
    valid_backend_name,
    valid_interval,
)

from common import sessions, submissions
from evidence import drafts
from evidence.export import jobs as exports
from evidence.export import tasks
from evidence.sharing import invitations, shares, throttling
from evidence.vault import checks, derivatives, text_reading

logger = logging.getLogger(__name__)

TIDY_EVERY = 10.0  # seconds
PURGE_EVERY = 600.0  # seconds: ended sessions, and dossiers due for their daily check
CHECKS_PER_PURGE = 20  # dossiers checked at most each PURGE_EVERY (1–2 s each for 200 MB)
# Pauses after database errors in a row: 1, 2, 4… seconds, at most a minute.
FIRST_PAUSE = 1.0
LONGEST_PAUSE = 60.0


class Command(BaseCommand):
    help = "Run the task worker; it survives database errors and tidies up after dead workers."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--interval",
            type=valid_interval,
            default=1.0,
            help="seconds to wait when no task is ready (default: 1)",
        )
        parser.add_argument(
            "--batch",
            action="store_true",
            help="run the tasks ready, then exit (database errors are still waited out)",
        )
        parser.add_argument(
            "--tidy-only",
            action="store_true",
            help="tidy up once (sessions, drafts, dead exports, stale checks) and exit, running "
            "no task: for a deployment whose tasks run in another queue",
        )

    def handle(
        self, *args: Any, interval: float, batch: bool, tidy_only: bool, **options: Any
    ) -> None:
        if tidy_only:
            tidy()
            housekeeping()
            return
        try:
            valid_backend_name("default")
        except ArgumentTypeError as error:  # TASKS_BACKEND is another queue: its own workers
            raise CommandError(f"{error}: run that queue's own workers instead") from error
        worker = Worker(
            queue_names=["*"],
            excluded_queue_names=[],
            interval=interval,
            batch=True,  # one pass at a time: the loop below is ours
            backend_name="default",
            startup_delay=False,
            max_tasks=None,
            worker_id=get_random_string(32),
        )
        worker.configure_signals()
        pause = FIRST_PAUSE
        tidied_at = None
        kept_at = None
        while worker.running:
            try:
                if tidied_at is None:
                    for export_id in exports.revive_orphans_of_this_host():
                        tasks.enqueue(export_id)
                if tidied_at is None or time.monotonic() - tidied_at >= TIDY_EVERY:
                    tidy()
                    tidied_at = time.monotonic()
                if kept_at is None or time.monotonic() - kept_at >= PURGE_EVERY:
                    housekeeping()
                    kept_at = time.monotonic()
                worker.run()
            except (DatabaseError, InterfaceError) as error:
                logger.warning("database error, the worker waits %.0f s: %s", pause, error)
                connections.close_all()  # the next pass opens fresh connections
                time.sleep(pause)
                pause = min(pause * 2, LONGEST_PAUSE)
                continue
            pause = FIRST_PAUSE
            if batch:
                return
            if worker.running:
                time.sleep(interval)


def tidy() -> None:
    """What the worker checks every TIDY_EVERY seconds, beside running tasks."""
    _each(
        tasks.revive_dead_exports,
        exports.remove_abandoned_workspaces,
        submissions.purge,
        drafts.purge,
        derivatives.make_stale,
        text_reading.read_stale,
        throttling.purge,  # wrong codes past their window: no address kept longer
    )


def housekeeping() -> None:
    """What the worker does every PURGE_EVERY: delete ended sessions, check a few dossiers,
    empty the secrets of invitations and shares that no longer work."""
    _each(
        sessions.purge_or_log,
        lambda: checks.check_stale(limit=CHECKS_PER_PURGE),
        invitations.forget_ended,
        shares.forget_ended,
    )


def _each(*steps: Callable[[], object]) -> None:
    """Run every step: one that fails (a storage or cache error) is logged and tried again at
    the next turn, without stopping the others nor the worker. A database error goes up to the
    loop, which waits it out."""
    for step in steps:
        try:
            step()
        except (DatabaseError, InterfaceError):
            raise
        except Exception:
            logger.exception("the worker's %s failed; tried again later", step)
