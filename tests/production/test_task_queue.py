"""Task workers on other machines: the export queued in Redis by django-tasks' RQ backend and
made by a real RQ worker process, configured exactly as the README says (TASKS_BACKEND and
REDIS_URL; `manage.py rqworker default --job-class django_tasks_rq.Job`). Redis is a real
`redis-server` started by the test on a free port, in a temporary folder.
"""

from __future__ import annotations

import time
import uuid

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse
from redis import Redis
from rq import Queue

from evidence.export import jobs as exports
from evidence.export.document.checking import verify_package
from evidence.models import Export, ExportStatus
from evidence.sealing import signing
from tests.evidence.factories import add_image_piece, make_dossier
from tests.production import servers
from tests.production.conftest import settings_for

WORKER = ["rqworker", "default", "--job-class", "django_tasks_rq.Job"]
WAIT_SECONDS = 120


def wait_until_finished(export: Export, worker: servers.Child) -> None:
    deadline = time.monotonic() + WAIT_SECONDS
    while export.status in exports.ACTIVE:
        worker.check_running()
        assert time.monotonic() < deadline, f"not made in time:\n{worker.output()[-4000:]}"
        time.sleep(0.5)
        export.refresh_from_db()


def test_an_export_queued_in_redis_is_made_by_an_rq_worker_and_downloads_verified(
    owner, owner_client, settings, site_env, redis_url, tmp_path
):
    queue = {"TASKS_BACKEND": "django_tasks_rq.RQBackend", "REDIS_URL": redis_url}
    configured = settings_for(tmp_path / "web-var", **queue)
    settings.TASKS, settings.RQ_QUEUES = configured.TASKS, configured.RQ_QUEUES
    dossier = make_dossier(owner)
    add_image_piece(dossier)

    response = owner_client.post(
        reverse("evidence:export_start", args=[dossier.pk]), {"token": str(uuid.uuid4())}
    )

    export = Export.objects.get()
    assert response["Location"] == reverse("evidence:export_detail", args=[export.pk])
    assert export.status == ExportStatus.QUEUED
    queued = Queue("default", connection=Redis.from_url(redis_url)).get_jobs()
    [job] = [job for job in queued if job.func_name == "evidence.export.tasks.export_dossier"]
    assert list(job.args) == [str(export.pk)]
    # RQ's own default would stop the export of a big dossier after 3 minutes.
    assert job.timeout >= exports.STALE_AFTER.total_seconds()

    with servers.task_worker(tmp_path / "worker", {**site_env, **queue}, WORKER) as worker:
        wait_until_finished(export, worker)

    assert (export.status, export.progress) == (ExportStatus.DONE, 100), export.error
    page = owner_client.get(response["Location"]).content.decode()
    assert "Votre dossier est prêt" in page
    package = b"".join(owner_client.get(reverse("evidence:export_zip", args=[export.pk])))
    assert verify_package(package, trusted_keys=signing.keyring().public_keys()) == []


def test_the_rq_backend_refuses_to_start_without_redis(tmp_path):
    with pytest.raises(ImproperlyConfigured, match="RQBackend needs REDIS_URL"):
        settings_for(tmp_path, TASKS_BACKEND="django_tasks_rq.RQBackend")
