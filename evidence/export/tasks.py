"""Background tasks (django-tasks): the dossier export, which can take a minute or more."""

from __future__ import annotations

from django_tasks import task

from evidence.export import jobs as exports


@task()
def export_dossier(export_id: str) -> str:
    """Run one export (evidence.export.jobs.run_export); returns its final status."""
    export = exports.run_export(export_id)
    return export.status if export is not None else "gone"
