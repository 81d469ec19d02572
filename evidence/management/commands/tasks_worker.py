"""python manage.py tasks_worker: the background task worker (dossier exports), which a busy
or lost database does not stop, and which tidies up after workers that died.

It runs django-tasks-db's own worker (the `db_worker` command's), in batch mode: each pass runs
every task ready, then returns here, where

- a database error (SQLite's "database is locked" past its busy timeout, a PostgreSQL
  connection lost or a lock refused) is waited out with a growing pause and the pass tried
  again. `db_worker` ends there: it only forgives a locked database while claiming a task,
  not when opening the exclusive transaction around the claim, nor when recording a task's
  result (three quick tries, then the error leaves `Worker.run`);
- every TIDY_EVERY, exports whose worker fell silent are put back in the queue or failed, the
  plain image folders of dead workers are removed, and expired drafts and one-time tokens
  are purged. At start-up too, when the exports of a worker of this host that was killed are put
  back at once, without waiting for their heartbeat to age.

SIGINT or SIGTERM stops it once the task under way is finished (a second one at once), as
`db_worker` does. `make run` starts it again if it ever exits.
"""

from __future__ import annotations

import logging
import time
from argparse import ArgumentParser, ArgumentTypeError
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, InterfaceError, connections
from django.utils.crypto import get_random_string
from django_tasks_db.management.commands.db_worker import (
    Worker,
    valid_backend_name,
    valid_interval,
)

from common import drafts, submissions
from evidence.export import jobs as exports
from evidence.export import tasks

logger = logging.getLogger(__name__)

TIDY_EVERY = 10.0  # seconds
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

    def handle(self, *args: Any, interval: float, batch: bool, **options: Any) -> None:
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
        while worker.running:
            try:
                if tidied_at is None:
                    for export_id in exports.revive_orphans_of_this_host():
                        tasks.enqueue(export_id)
                if tidied_at is None or time.monotonic() - tidied_at >= TIDY_EVERY:
                    tidy()
                    tidied_at = time.monotonic()
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
    tasks.revive_dead_exports()
    exports.remove_abandoned_workspaces()
    submissions.purge()
    drafts.purge()
