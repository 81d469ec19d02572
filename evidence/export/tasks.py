"""Background tasks (django-tasks): the dossier export, which can take a minute or more.

These run in the task worker only, never in a web process: the tuning of the garbage
collector below is the worker's alone.
"""

from __future__ import annotations

import gc
import logging
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from django_tasks import task

from evidence.export import jobs as exports
from evidence.models import Dossier

logger = logging.getLogger(__name__)

# WeasyPrint makes millions of short-lived objects; at Python's default threshold (a young
# collection every 700 allocations) the collector took about a sixth of the time of a dossier
# of 200 pieces, for nothing: the peak memory is the same at 20,000 (bench/export.py).
EXPORT_GC_THRESHOLD = 20_000


@contextmanager
def fewer_young_collections() -> Iterator[None]:
    """The young generation's threshold raised for one task, then put back (even on failure).
    A worker runs one task at a time, so nothing else shares the setting meanwhile."""
    before = gc.get_threshold()
    gc.set_threshold(EXPORT_GC_THRESHOLD, *before[1:])
    try:
        yield
    finally:
        gc.set_threshold(*before)


@task()
def export_dossier(export_id: str) -> str:
    """Run one export (evidence.export.jobs.run_export); returns its final status."""
    with fewer_young_collections():
        export = exports.run_export(export_id)
    return export.status if export is not None else "gone"


def enqueue(export_id: uuid.UUID) -> None:
    """Queue the export's task; a queue that is down fails the export rather than leaving it
    waiting for nothing (its page then says so and offers to try again)."""
    try:
        export_dossier.enqueue(str(export_id))
    except Exception:
        logger.exception("could not queue export %s", export_id)
        exports.mark_failed(export_id, "unknown")


def revive_dead_exports(dossier: Dossier | None = None) -> None:
    """Exports whose worker died go back in the queue once, then fail (jobs.revive_dead)."""
    for export_id in exports.revive_dead(dossier):
        enqueue(export_id)
