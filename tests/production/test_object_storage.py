"""The private storage in an S3-compatible object store (django-storages' S3 backend), as
settings.py configures it from the S3_* variables: a piece is stored sealed in the bucket, an
export made from the bucket downloads and verifies, and erasing the dossier leaves nothing
there. The server is moto's (tests/production/servers.py), reached over real HTTP on a
loopback port, standing in for S3, MinIO or Garage.
"""

from __future__ import annotations

import hashlib
import io
import os
import tracemalloc
import uuid
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from evidence.export.document.checking import verify_package
from evidence.models import EvidenceFile, Export, ExportStatus
from evidence.sealing import signing
from evidence.sealing.crypto import MAGIC
from evidence.sealing.stream import MAGIC as STREAM_MAGIC
from evidence.vault import verification
from tests.evidence.export.factories import screenshot
from tests.evidence.factories import add_url, form_data, make_dossier, stored_export
from tests.production.conftest import bucket_objects

pytestmark = pytest.mark.django_db(transaction=True)


def upload(client, dossier, data: bytes):
    attached = SimpleUploadedFile("IMG_0001.PNG", data, content_type="image/png")
    response = client.post(add_url(dossier), {**form_data(), "files": [attached]})
    assert response.status_code == 302, response.content.decode()[:2000]


def export(client, dossier) -> Export:
    client.post(reverse("evidence:export_start", args=[dossier.pk]), {"token": str(uuid.uuid4())})
    done = Export.objects.get(dossier=dossier)
    assert done.status == ExportStatus.DONE, done.error
    return done


def heads_of(dossier) -> list[str]:
    """The names of the custody heads the dossier's events must have left in the bucket."""
    return sorted(
        f"custody-heads/{dossier.pk}/{seq:08d}"
        for seq in dossier.events.values_list("seq", flat=True)
    )


def heads_in(stored: dict[str, bytes], dossier) -> list[str]:
    return sorted(key for key in stored if key.startswith(f"custody-heads/{dossier.pk}/"))


def test_a_piece_is_stored_sealed_in_the_bucket_never_plain(object_storage, owner, owner_client):
    dossier = make_dossier(owner)
    original = screenshot(1)
    upload(owner_client, dossier, original)

    stored = bucket_objects(object_storage)
    blobs = {key: body for key, body in stored.items() if key.startswith("evidence/")}
    names = {name for file in EvidenceFile.objects.all() for _what, name, _sha in file.blobs()}
    assert set(blobs) == names and len(names) == 3  # the original, its display copy, thumbnail
    assert all(body.startswith(MAGIC) for body in blobs.values())
    assert not any(original[:64] in body or b"IHDR" in body for body in blobs.values())
    # The custody log's heads are recorded there too, one per event, outside the database.
    assert heads_in(stored, dossier) == heads_of(dossier)
    assert verification.verify(dossier).ok


def test_an_export_from_the_bucket_downloads_and_verifies(object_storage, owner, owner_client):
    dossier = make_dossier(owner)
    upload(owner_client, dossier, screenshot(1))
    done = export(owner_client, dossier)

    stored = bucket_objects(object_storage)
    assert stored[done.pdf_name].startswith(STREAM_MAGIC)
    assert stored[done.package_name].startswith(STREAM_MAGIC)
    pdf = b"".join(owner_client.get(reverse("evidence:export_pdf", args=[done.pk])))
    package = b"".join(owner_client.get(reverse("evidence:export_zip", args=[done.pk])))
    assert pdf.startswith(b"%PDF-") and hashlib.sha256(pdf).hexdigest() == done.pdf_sha256
    assert verify_package(package, trusted_keys=signing.keyring().public_keys()) == []
    with zipfile.ZipFile(io.BytesIO(package)) as archive:  # the original, as it was sent
        assert any(archive.read(name) == screenshot(1) for name in archive.namelist())
    assert verification.verify(dossier).ok


def test_erasing_the_dossier_leaves_nothing_in_the_bucket(object_storage, owner, owner_client):
    dossier = make_dossier(owner)
    upload(owner_client, dossier, screenshot(1))
    upload(owner_client, dossier, screenshot(2))
    made = export(owner_client, dossier)
    files = {name for file in EvidenceFile.objects.all() for _what, name, _sha in file.blobs()}
    everything = files | set(made.blob_names()) | set(heads_of(dossier))
    assert len(files) == 6 and set(bucket_objects(object_storage)) == everything

    response = owner_client.post(
        reverse("evidence:dossier_erase", args=[dossier.pk]), {"confirm": "on"}
    )

    assert response.status_code == 302
    assert bucket_objects(object_storage) == {}


def test_a_package_downloaded_from_the_bucket_is_never_whole_in_memory(
    object_storage, owner, owner_client
):
    dossier = make_dossier(owner)
    package = os.urandom(24 * 1024 * 1024)  # a dossier of many screenshots weighs this much
    done = stored_export(dossier, package=package)
    digest = hashlib.sha256()

    tracemalloc.start()
    try:
        response = owner_client.get(reverse("evidence:export_zip", args=[done.pk]))
        for chunk in response.streaming_content:
            digest.update(chunk)
        _now, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert digest.hexdigest() == hashlib.sha256(package).hexdigest()
    assert peak < 8 * 1024 * 1024, f"{peak / 2**20:.0f} MiB held to send a 24 MiB package"
