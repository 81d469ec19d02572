"""python manage.py worker: the task worker (django-tasks-db's `db_worker`, same options), which
also purges ended sessions: once when it starts, then every --purge-every minutes.

Sessions hold what a visitor typed (questionnaire answers, notices): Django never deletes an
expired session's row by itself, and the quick exit may leave a revoked one behind when the
database is busy (common/sessions.py). One process that always runs does it on a schedule.
"""

from __future__ import annotations

import os
from argparse import ArgumentParser
from typing import Any

from django.utils.autoreload import DJANGO_AUTORELOAD_ENV
from django_tasks_db.management.commands import db_worker

from common import sessions

PURGE_EVERY_MINUTES = 10


class Command(db_worker.Command):
    help = "Run the task worker, purging ended sessions every few minutes."

    def add_arguments(self, parser: ArgumentParser) -> None:
        super().add_arguments(parser)
        parser.add_argument(
            "--purge-every",
            type=float,
            default=PURGE_EVERY_MINUTES,
            metavar="MINUTES",
            help="minutes between two purges of ended sessions (default: %(default)s)",
        )

    def handle(self, *args: Any, purge_every: float, **options: Any) -> None:
        if options["reload"] and os.environ.get(DJANGO_AUTORELOAD_ENV) != "true":
            return super().handle(*args, **options)  # the reloader: its child does the work
        sessions.purge_or_log()  # before the worker's loop begins, so never beside it
        purging = sessions.PurgeEvery(purge_every * 60)
        purging.start()
        try:
            super().handle(*args, **options)
        finally:
            purging.stop()
