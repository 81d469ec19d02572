"""An export whose worker died (killed, its machine gone) does not stay "in progress": without
a heartbeat for DEAD_AFTER it is put back in the queue once, then failed with a message and a
retry button; the export's page, the next export request and the worker's periodic round each
notice. The plain copies an export makes live in a private folder and never outlive it.

(tests/evidence/export/test_worker_killed.py kills a real worker process.)
"""

from __future__ import annotations

import datetime as dt
import os
import socket
import stat
import subprocess
import time
import uuid

import pytest
from django.core.management import call_command
from django.db import OperationalError
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.management.commands.db_worker import Worker

from evidence.export import jobs as exports
from evidence.export import tasks
from evidence.management.commands import worker as worker_command
from evidence.models import Export, ExportStatus, ExportStep
from evidence.vault import derivatives
from evidence.vault.custody import Action
from tests.evidence.factories import add_image_piece, stored_files

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def dummy_queue(settings):
    """A queue that runs nothing: what is put back in it stays there to be seen."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


def running(dossier, *, attempts: int = 1, silent_for: dt.timedelta, worker: str = "") -> Export:
    """An export a worker took up `attempts` times, whose last heartbeat is `silent_for` old."""
    export, _created = exports.request_export(dossier, dossier.owner, uuid.uuid4())
    beat = timezone.now() - silent_for
    Export.objects.filter(pk=export.pk).update(
        status=ExportStatus.RUNNING,
        step=ExportStep.PDF,
        progress=51,
        attempts=attempts,
        started_at=beat,
        heartbeat_at=beat,
        worker=worker,
    )
    return Export.objects.get(pk=export.pk)


DEAD = exports.DEAD_AFTER + dt.timedelta(seconds=1)
ALIVE = exports.DEAD_AFTER - dt.timedelta(seconds=5)


def detail_url(export) -> str:
    return reverse("evidence:export_detail", args=[export.pk])


def start_url(dossier) -> str:
    return reverse("evidence:export_start", args=[dossier.pk])


# --- Noticed, then tried again or failed --------------------------------------------------------


def test_the_polling_page_puts_an_export_whose_worker_died_back_in_the_queue_and_says_so(
    owner_client, dossier, dummy_queue
):
    export = running(dossier, silent_for=DEAD)
    region = owner_client.get(f"{detail_url(export)}?shown=running-pdf-51-1", **HTMX)
    export.refresh_from_db()
    assert (export.status, export.progress, export.attempts) == (ExportStatus.QUEUED, 0, 1)
    assert region.status_code == 200
    assert "L’export a été interrompu : le serveur s’est arrêté" in region.text
    assert "Il reprend tout seul" in region.text
    assert 'hx-trigger="every 2s"' in region.text  # still followed


def test_an_export_put_back_in_the_queue_is_made_by_the_next_worker(owner_client, dossier):
    add_image_piece(dossier)
    export = running(dossier, silent_for=DEAD)
    page = owner_client.get(detail_url(export)).text  # the immediate queue runs it at once
    export.refresh_from_db()
    assert (export.status, export.attempts) == (ExportStatus.DONE, 2)
    assert "Votre dossier est prêt" in page


def test_an_export_whose_heartbeat_is_recent_is_left_running(owner_client, dossier, dummy_queue):
    export = running(dossier, silent_for=ALIVE)
    region = owner_client.get(f"{detail_url(export)}?shown=running-pdf-51-1", **HTMX)
    assert region.status_code == 204
    export.refresh_from_db()
    assert export.status == ExportStatus.RUNNING


def test_a_second_death_fails_the_export_with_a_message_and_a_retry_button(
    owner_client, dossier, dummy_queue
):
    export = running(dossier, attempts=2, silent_for=DEAD)
    page = owner_client.get(detail_url(export)).text
    export.refresh_from_db()
    assert (export.status, export.error) == (ExportStatus.FAILED, "stopped")
    assert "L’export a été interrompu deux fois avant la fin" in page
    assert "hx-trigger" not in page.split('id="export-status"')[1].split(">")[0]
    retry = page.split("L’export a échoué")[1]
    assert f'action="{start_url(dossier)}"' in retry and 'name="token"' in retry
    assert ">Réessayer</button>" in retry


def test_the_retry_button_starts_a_new_export_at_once(owner_client, dossier, dummy_queue):
    export = running(dossier, attempts=2, silent_for=DEAD)
    page = owner_client.get(detail_url(export)).text
    token = page.split('name="token" value="')[1].split('"')[0]
    response = owner_client.post(start_url(dossier), {"token": token})
    new = Export.objects.exclude(pk=export.pk).get()
    assert response["Location"] == detail_url(new)
    assert new.status == ExportStatus.QUEUED


def test_the_next_export_request_is_not_refused_because_of_a_dead_export(
    owner_client, dossier, dummy_queue
):
    dead = running(dossier, attempts=2, silent_for=DEAD)
    response = owner_client.post(start_url(dossier), {"token": str(uuid.uuid4())})
    new = Export.objects.exclude(pk=dead.pk).get()
    assert response["Location"] == detail_url(new)
    dead.refresh_from_db()
    assert dead.status == ExportStatus.FAILED


def test_the_export_page_no_longer_says_one_is_under_way_once_it_died(
    owner_client, dossier, dummy_queue
):
    running(dossier, attempts=2, silent_for=DEAD)
    page = owner_client.get(start_url(dossier)).text
    assert "déjà en cours" not in page and 'name="token"' in page


def test_the_workers_periodic_round_notices_a_dead_export_nobody_looks_at(dossier, dummy_queue):
    export = running(dossier, silent_for=DEAD)
    worker_command.tidy()
    export.refresh_from_db()
    assert export.status == ExportStatus.QUEUED


def test_a_run_given_up_for_dead_that_comes_back_keeps_nothing(
    dossier, dummy_queue, monkeypatch, django_capture_on_commit_callbacks
):
    """Its worker was only slow: meanwhile the export was put back in the queue. What the slow
    run made is thrown away, and it logs nothing."""
    add_image_piece(dossier)
    derivatives.make_pending(dossier)  # the worker's earlier work: not the export's to undo
    export, _created = exports.request_export(dossier, dossier.owner, uuid.uuid4())
    collect = exports.collect

    def slow_collect(*args, **kwargs):
        data = collect(*args, **kwargs)
        silent = timezone.now() - DEAD
        Export.objects.filter(pk=export.pk).update(heartbeat_at=silent)
        assert exports.revive_dead() == [export.pk]  # another page noticed the silence
        return data

    monkeypatch.setattr(exports, "collect", slow_collect)
    before = {path.name for path in stored_files()}
    with django_capture_on_commit_callbacks(execute=True):
        exports.run_export(export.pk)
    export.refresh_from_db()
    assert (export.status, export.attempts) == (ExportStatus.QUEUED, 1)  # waits for its rerun
    assert {path.name for path in stored_files()} == before
    assert not dossier.events.filter(payload__action=Action.DOSSIER_EXPORTED).exists()


# --- The heartbeat ------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_running_export_beats_even_while_its_progress_stands_still(owner, monkeypatch):
    """The layout of a big PDF can take longer than DEAD_AFTER without a page of progress."""
    from tests.evidence.factories import make_dossier

    dossier = make_dossier(owner)
    monkeypatch.setattr(exports, "HEARTBEAT_EVERY", dt.timedelta(seconds=0.05))
    export, _created = exports.request_export(dossier, owner, uuid.uuid4())
    write_pdf = exports.write_dossier_pdf
    beats = []

    def long_layout(*args, **kwargs):
        for _ in range(4):
            time.sleep(0.15)
            beats.append(Export.objects.get(pk=export.pk).heartbeat_at)
        return write_pdf(*args, **kwargs)

    monkeypatch.setattr(exports, "write_dossier_pdf", long_layout)
    exports.run_export(export.pk)
    assert len(set(beats)) == 4  # a new heartbeat at each look
    assert Export.objects.get(pk=export.pk).status == ExportStatus.DONE


# --- The worker ---------------------------------------------------------------------------------


@pytest.fixture
def database_queue(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def dead_pid() -> int:
    process = subprocess.Popen(["true"])
    process.wait()
    return process.pid


@pytest.mark.django_db(transaction=True)
def test_the_worker_waits_out_a_locked_database_instead_of_exiting(
    owner, database_queue, signals_restored, monkeypatch
):
    from tests.evidence.factories import make_dossier

    dossier = make_dossier(owner)
    export, _created = exports.request_export(dossier, owner, uuid.uuid4())
    tasks.enqueue(export.pk)
    monkeypatch.setattr(worker_command, "FIRST_PAUSE", 0.01)
    run = Worker.run
    calls = []

    def locked_at_first(self):
        calls.append(1)
        if len(calls) < 3:  # as SQLite says it once its busy timeout has passed
            raise OperationalError("database is locked")
        return run(self)

    monkeypatch.setattr(Worker, "run", locked_at_first)
    call_command("worker", "--batch")
    assert len(calls) == 3
    assert Export.objects.get(pk=export.pk).status == ExportStatus.DONE


@pytest.mark.django_db(transaction=True)
def test_a_starting_worker_takes_up_at_once_the_exports_of_a_killed_worker_of_this_host(
    owner, database_queue, signals_restored
):
    from tests.evidence.factories import make_dossier

    dossier = make_dossier(owner)
    killed = f"{socket.gethostname()}:{dead_pid()}"
    export = running(dossier, silent_for=dt.timedelta(seconds=1), worker=killed)
    elsewhere = running(
        make_dossier(owner), silent_for=dt.timedelta(seconds=1), worker="other-host:1"
    )
    call_command("worker", "--batch")
    export.refresh_from_db()
    elsewhere.refresh_from_db()
    assert (export.status, export.attempts) == (ExportStatus.DONE, 2)
    assert elsewhere.status == ExportStatus.RUNNING  # its heartbeat is recent: alive


# --- Plain copies -------------------------------------------------------------------------------


def test_an_export_leaves_no_plain_copy_behind_and_works_in_a_private_folder(dossier):
    add_image_piece(dossier)
    export, _created = exports.request_export(dossier, dossier.owner, uuid.uuid4())
    assert exports.run_export(export.pk).status == ExportStatus.DONE
    root = exports.workspace_root()
    assert stat.S_IMODE(root.stat().st_mode) == 0o700
    assert list(root.iterdir()) == []


def test_a_failed_export_leaves_no_plain_copy_behind(dossier, monkeypatch):
    add_image_piece(dossier)
    export, _created = exports.request_export(dossier, dossier.owner, uuid.uuid4())

    def broken_package(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(exports, "write_package", broken_package)
    export = exports.run_export(export.pk)
    assert (export.status, export.error) == (ExportStatus.FAILED, "storage")
    assert list(exports.workspace_root().iterdir()) == []


def test_a_workspace_someone_opened_to_others_is_closed_again(dossier):
    root = exports.workspace_root()
    root.mkdir(mode=0o755)
    root.chmod(0o755)
    add_image_piece(dossier)
    export, _created = exports.request_export(dossier, dossier.owner, uuid.uuid4())
    assert exports.run_export(export.pk).status == ExportStatus.DONE
    assert stat.S_IMODE(root.stat().st_mode) == 0o700


def test_the_image_folders_of_dead_workers_are_removed_and_those_of_live_ones_kept():
    root = exports.workspace_root()
    root.mkdir(mode=0o700)
    dead = root / f"{exports.IMAGES_PREFIX}{dead_pid()}-abcd"
    live = root / f"{exports.IMAGES_PREFIX}{os.getppid()}-efgh"
    for folder in (dead, live):
        folder.mkdir()
        (folder / "image").write_bytes(b"\xff\xd8\xff plain")
    assert exports.remove_abandoned_workspaces() == [dead.name]
    assert not dead.exists() and live.exists()
