"""One export through the real task queue: the view enqueues it in the database, the real
worker (`manage.py db_worker --batch`) runs it, and it is then done and downloadable.

The worker claims its task in its own transactions and closes old connections, so this test
runs with real commits (transaction=True) rather than inside one test transaction.
"""

import uuid

import pytest
from django.core.management import call_command
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from evidence.export.document.checking import verify_package
from evidence.models import Export, ExportStatus
from evidence.sealing import signing
from tests.evidence.factories import add_image_piece, make_dossier

pytestmark = pytest.mark.django_db(transaction=True)
EXPORTS = DBTaskResult.objects.filter(task_path="evidence.export.tasks.export_dossier")


@pytest.fixture
def database_queue(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def test_the_worker_runs_an_export_queued_by_the_view(
    owner, owner_client, database_queue, signals_restored
):
    dossier = make_dossier(owner)
    add_image_piece(dossier)
    response = owner_client.post(
        reverse("evidence:export_start", args=[dossier.pk]), {"token": str(uuid.uuid4())}
    )
    export = Export.objects.get()
    assert response["Location"] == reverse("evidence:export_detail", args=[export.pk])
    assert export.status == ExportStatus.QUEUED
    assert EXPORTS.get().args_kwargs == {"args": [str(export.pk)], "kwargs": {}}
    waiting = owner_client.get(response["Location"]).text
    assert "En attente" in waiting and 'hx-trigger="every 2s"' in waiting

    call_command("db_worker", "--batch", "--no-startup-delay", "--interval", "0", verbosity=0)

    export.refresh_from_db()
    assert (export.status, export.progress) == (ExportStatus.DONE, 100)
    assert EXPORTS.get().status == "SUCCESSFUL"
    done = owner_client.get(response["Location"]).text
    assert "Votre dossier est prêt" in done and "hx-trigger" not in done
    package = b"".join(owner_client.get(reverse("evidence:export_zip", args=[export.pk])))
    assert verify_package(package, trusted_keys=signing.keyring().public_keys()) == []


def test_the_worker_puts_the_collector_back_after_an_export_even_a_failed_one():
    import gc

    from evidence.export.tasks import EXPORT_GC_THRESHOLD, fewer_young_collections

    before = gc.get_threshold()
    with pytest.raises(RuntimeError), fewer_young_collections():
        assert gc.get_threshold()[0] == EXPORT_GC_THRESHOLD
        raise RuntimeError("the export failed")
    assert gc.get_threshold() == before
