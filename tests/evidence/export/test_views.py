"""The export's pages: one export per click however often the form is sent, a progress page
that htmx polls and that works without JavaScript, and downloads that are private, never
cached, and streamed."""

import uuid

import pytest
from django.http import StreamingHttpResponse
from django.urls import reverse

from evidence.export import jobs as exports
from evidence.models import Export, ExportStatus, ExportStep
from evidence.sealing import sealed_files
from evidence.vault.custody import Action
from tests.evidence.factories import add_image_piece, stored_export, stored_files

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def start_url(dossier) -> str:
    return reverse("evidence:export_start", args=[dossier.pk])


def detail_url(export) -> str:
    return reverse("evidence:export_detail", args=[export.pk])


@pytest.fixture
def queued(dossier, settings):
    """An export waiting in the queue (the dummy backend runs nothing)."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    export, _created = exports.request_export(dossier, dossier.owner, uuid.uuid4())
    return export


# --- Starting ------------------------------------------------------------------------------------


def test_the_export_page_offers_the_button_and_says_what_is_missing(owner_client, dossier):
    page = owner_client.get(start_url(dossier)).text
    assert "Exporter le dossier" in page
    assert 'name="token"' in page
    assert "Ce qui manque encore dans la lettre" in page
    assert "nom et prénom du plaignant" in page  # a gap of the generated letter
    assert "n’a pas encore de pièce" in page


def test_sending_the_same_form_twice_starts_one_export(owner_client, dossier):
    add_image_piece(dossier)
    token = str(uuid.uuid4())
    first = owner_client.post(start_url(dossier), {"token": token})
    second = owner_client.post(start_url(dossier), {"token": token})
    export = Export.objects.get()
    assert first["Location"] == second["Location"] == detail_url(export)
    assert dossier.events.filter(payload__action=Action.DOSSIER_EXPORTED).count() == 1


def test_a_second_export_while_one_runs_leads_to_the_running_one(owner_client, dossier, queued):
    response = owner_client.post(start_url(dossier), {"token": str(uuid.uuid4())})
    assert response["Location"] == detail_url(queued)
    assert Export.objects.count() == 1
    page = owner_client.get(detail_url(queued)).text
    assert "Un export de ce dossier était déjà en cours : le voici." in page
    assert "était déjà en cours" not in owner_client.get(detail_url(queued)).text  # once
    start_page = owner_client.get(start_url(dossier)).text
    assert "déjà en cours" in start_page and 'name="token"' not in start_page


def test_an_export_lost_for_an_hour_no_longer_blocks_a_new_one(owner_client, dossier, queued):
    Export.objects.filter(pk=queued.pk).update(
        created_at=queued.created_at - exports.STALE_AFTER * 2
    )
    owner_client.post(start_url(dossier), {"token": str(uuid.uuid4())})
    queued.refresh_from_db()
    assert (queued.status, queued.error) == (ExportStatus.FAILED, "interrupted")
    assert Export.objects.count() == 2
    assert exports.run_export(queued.pk).status == ExportStatus.FAILED  # never run late


def test_a_form_without_its_token_is_refused_with_a_translated_error(owner_client, dossier):
    response = owner_client.post(start_url(dossier), {})
    assert response.status_code == 200
    assert 'role="alert"' in response.text
    assert "Ce formulaire est incomplet. Rechargez la page, puis réessayez." in response.text
    assert Export.objects.count() == 0


def test_a_queue_that_is_down_fails_the_export_instead_of_leaving_it_waiting(
    owner_client, dossier, monkeypatch
):
    from evidence.export import tasks

    class QueueDown:
        def enqueue(self, *args):
            raise ConnectionError("no queue")

    monkeypatch.setattr(tasks, "export_dossier", QueueDown())
    owner_client.post(start_url(dossier), {"token": str(uuid.uuid4())})
    assert Export.objects.get().status == ExportStatus.FAILED


# --- Following it --------------------------------------------------------------------------------


def test_while_it_runs_the_status_region_polls_and_a_refresh_link_works_without_js(
    owner_client, queued
):
    page = owner_client.get(detail_url(queued)).text
    assert f'hx-get="{detail_url(queued)}?shown=queued-waiting-0-0"' in page
    assert 'hx-trigger="every 2s"' in page and 'hx-swap="outerHTML"' in page
    assert f'<a href="{detail_url(queued)}">Actualiser</a>' in page
    assert '<progress id="export-progress"' in page
    assert "<script" not in page.split("</head>")[1]  # no inline script
    assert 'http-equiv="refresh"' not in page


def test_htmx_gets_the_region_alone_and_204_while_nothing_changed(owner_client, queued):
    region = owner_client.get(detail_url(queued), **HTMX)
    assert region.text.lstrip().startswith('<div id="export-status"')
    assert "<html" not in region.text
    unchanged = owner_client.get(f"{detail_url(queued)}?shown=queued-waiting-0-0", **HTMX)
    assert unchanged.status_code == 204
    Export.objects.filter(pk=queued.pk).update(
        status=ExportStatus.RUNNING, step=ExportStep.PDF, progress=40
    )
    moved = owner_client.get(f"{detail_url(queued)}?shown=queued-waiting-0-0", **HTMX)
    assert moved.status_code == 200 and "Création du PDF" in moved.text
    assert 'value="40"' in moved.text


def test_once_done_the_region_stops_polling_and_offers_both_downloads(owner_client, dossier):
    export = stored_export(dossier)
    region = owner_client.get(f"{detail_url(export)}?shown=running-sealing-90", **HTMX).text
    assert "hx-trigger" not in region and "hx-get" not in region
    assert reverse("evidence:export_pdf", args=[export.pk]) in region
    assert reverse("evidence:export_zip", args=[export.pk]) in region
    assert export.package_sha256 in region


def test_the_dossier_page_links_to_the_complaint_the_export_and_past_exports(owner_client, dossier):
    export = stored_export(dossier)
    page = owner_client.get(reverse("evidence:dossier_detail", args=[dossier.pk])).text
    assert reverse("evidence:complaint", args=[dossier.pk]) in page
    assert "Préparer la plainte" in page and "Exporter le dossier" in page
    assert detail_url(export) in page and "Prêt" in page


# --- Downloads -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content_type", "extension"),
    [("export_pdf", "application/pdf", "pdf"), ("export_zip", "application/zip", "zip")],
)
def test_downloads_are_private_attachments_named_after_the_dossier(
    name, content_type, extension, owner_client, dossier
):
    export = stored_export(dossier, pdf=b"%PDF-1.7 le dossier", package=b"PK le paquet")
    response = owner_client.get(reverse(f"evidence:{name}", args=[export.pk]))
    assert b"".join(response) == (b"%PDF-1.7 le dossier" if extension == "pdf" else b"PK le paquet")
    assert response["Content-Type"] == content_type
    assert response["Content-Disposition"] == (
        f'attachment; filename="dossier-{dossier.reference}.{extension}"'
    )
    assert "no-store" in response["Cache-Control"]
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("name", ["export_pdf", "export_zip"])
def test_downloads_are_streamed_as_they_are_decrypted(name, owner_client, dossier):
    big = bytes(range(256)) * 9000  # over 2 MiB: three segments
    export = stored_export(dossier, pdf=big, package=big)
    response = owner_client.get(reverse(f"evidence:{name}", args=[export.pk]))
    assert isinstance(response, StreamingHttpResponse)
    chunks = list(response.streaming_content)
    assert len(chunks) == 3 and b"".join(chunks) == big
    assert response["Content-Length"] == str(len(big))


def test_the_reference_is_short_and_comes_from_the_dossiers_uuid(dossier):
    assert dossier.reference == "D-" + dossier.pk.hex[:6].upper()


def test_an_unfinished_export_has_nothing_to_download(owner_client, queued):
    for name in ("export_pdf", "export_zip"):
        assert owner_client.get(reverse(f"evidence:{name}", args=[queued.pk])).status_code == 404


@pytest.mark.parametrize("name", ["export_pdf", "export_zip"])
def test_an_altered_export_is_refused(name, owner_client, dossier):
    export = stored_export(dossier)
    blob = export.pdf_name if name == "export_pdf" else export.package_name
    path = next(p for p in stored_files() if p.name == blob.rpartition("/")[2])
    path.write_bytes(path.read_bytes()[:-1] + b"\0")
    response = owner_client.get(reverse(f"evidence:{name}", args=[export.pk]))
    assert response.status_code == 409
    assert "Cet export ne peut pas être ouvert" in response.text
    assert not dossier.events.filter(payload__action=Action.EXPORT_DOWNLOADED).exists()


@pytest.mark.parametrize("name", ["export_pdf", "export_zip"])
def test_a_later_segment_altered_is_refused_before_anything_is_sent(name, owner_client, dossier):
    big = bytes(range(256)) * 9000  # three segments: the first two intact, the last altered
    export = stored_export(dossier, pdf=big, package=big)
    blob = export.pdf_name if name == "export_pdf" else export.package_name
    path = next(p for p in stored_files() if p.name == blob.rpartition("/")[2])
    path.write_bytes(path.read_bytes()[:-40] + bytes(40))
    response = owner_client.get(reverse(f"evidence:{name}", args=[export.pk]))
    assert response.status_code == 409  # not a 200 cut short after two segments
    assert not dossier.events.filter(payload__action=Action.EXPORT_DOWNLOADED).exists()


@pytest.mark.parametrize("name", ["export_pdf", "export_zip"])
def test_a_sealed_export_swapped_for_another_is_refused(name, owner_client, dossier):
    """Both exports open (each is sealed under its own name), but the one swapped in is not
    the file whose fingerprint the log recorded."""
    export = stored_export(dossier)
    other = stored_export(dossier, pdf=b"%PDF-1.7 autre\n%%EOF\n", package=b"PK autre")
    field = "pdf_name" if name == "export_pdf" else "package_name"
    type(export).objects.filter(pk=export.pk).update(**{field: getattr(other, field)})
    assert owner_client.get(reverse(f"evidence:{name}", args=[export.pk])).status_code == 409


def test_downloads_are_get_only(owner_client, dossier):
    export = stored_export(dossier)
    assert owner_client.head(reverse("evidence:export_zip", args=[export.pk])).status_code == 405


def test_a_package_is_sealed_under_its_name(dossier):
    export = stored_export(dossier, package=b"PK archive")
    assert b"".join(sealed_files.read_stream(export.package_name)) == b"PK archive"
    path = next(p for p in stored_files() if p.name == export.package_name.rpartition("/")[2])
    assert b"PK archive" not in path.read_bytes()  # encrypted at rest


# --- Deleting ------------------------------------------------------------------------------------


def delete_url(export) -> str:
    return reverse("evidence:export_delete", args=[export.pk])


def test_deleting_an_export_erases_its_files_and_the_log_keeps_their_fingerprints(
    owner_client, dossier, django_capture_on_commit_callbacks
):
    from evidence.vault import verification

    piece_files = stored_files()
    export = stored_export(dossier)
    assert owner_client.get(detail_url(export)).text.count(delete_url(export)) == 1
    page = owner_client.get(delete_url(export)).text
    assert "Son PDF et son archive ZIP sont supprimés définitivement" in page

    # The box left unticked: a browser sends the form's other field only.
    refused = owner_client.post(delete_url(export), {"csrfmiddlewaretoken": "not checked here"})
    assert refused.status_code == 200 and "Ce champ est obligatoire" in refused.text
    assert Export.objects.filter(pk=export.pk).exists()

    with django_capture_on_commit_callbacks(execute=True):
        response = owner_client.post(delete_url(export), {"confirm": "on"})
    assert response["Location"] == start_url(dossier)
    assert stored_files() == piece_files  # the PDF and the package are gone, nothing else
    assert not Export.objects.filter(pk=export.pk).exists()
    event = dossier.events.get(payload__action=Action.EXPORT_DELETED)
    assert event.payload["pdf"]["sha256"] == export.pdf_sha256
    assert event.payload["package"]["sha256"] == export.package_sha256
    assert verification.verify(dossier).problems == []
    start_page = owner_client.get(start_url(dossier)).text
    assert "L’export et ses fichiers ont été supprimés du coffre" in start_page
    assert "ont été supprimés du coffre" not in owner_client.get(start_url(dossier)).text
    log = owner_client.get(reverse("evidence:custody_log", args=[dossier.pk])).text
    assert "Dossier exporté supprimé du coffre" in log and export.package_sha256 in log
    assert owner_client.get(reverse("evidence:export_zip", args=[export.pk])).status_code == 404
    assert owner_client.post(delete_url(export), {"confirm": "on"}).status_code == 404


def test_deleting_an_export_under_way_stops_it_and_stores_nothing(owner_client, dossier, queued):
    add_image_piece(dossier)
    before = stored_files()
    page = owner_client.get(delete_url(queued)).text
    assert "L’export s’arrête" in page
    owner_client.post(delete_url(queued), {"confirm": "on"})
    assert exports.run_export(queued.pk) is None  # the worker finds nothing to run
    assert stored_files() == before
    assert not dossier.events.filter(payload__action=Action.DOSSIER_EXPORTED).exists()


def test_anyone_can_read_how_to_check_a_dossier_with_the_servers_public_key(client):
    from evidence.sealing import signing

    page = client.get(reverse("evidence:verify_help")).text
    keyring = signing.keyring()
    assert keyring.current_key_id in page
    assert signing.public_pem(keyring.public_key()).strip() in page
    assert "openssl pkeyutl -verify" in page and "sha256sum -c SHA256SUMS.txt" in page
