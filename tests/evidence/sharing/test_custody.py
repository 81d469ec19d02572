"""The custody log with helpers and shares in it: it still verifies, a package made from it
verifies offline, says which pieces a helper added, and a changed event is reported."""

from __future__ import annotations

import io
import json
import subprocess
import uuid
import zipfile

import pytest
from django.urls import reverse

from evidence.access import access_to
from evidence.export.document.checking import verify_package
from evidence.models import CustodyEvent, Export, ExportStatus, Role, ShareContent
from evidence.sharing import invitations, shares
from evidence.vault import verification
from evidence.vault.custody import Action
from tests.evidence.factories import PASSWORD, add_image_piece, make_dossier
from tests.evidence.sharing.factories import (
    add_helper,
    add_piece_as,
    invite,
    logged_in,
    make_share,
    shared_url,
    unlocked_client,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _own_temporary_folder(tmp_path, monkeypatch):
    """Exports work in a private temporary folder: this test's own."""
    import tempfile

    folder = tmp_path / "tmp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))


@pytest.fixture
def parent(django_user_model):
    return django_user_model.objects.create_user("maman_de_lea", password=PASSWORD)


@pytest.fixture
def lived(owner, parent, stranger, client):
    """A teen's dossier that lived: a parent helps and adds a piece, a friend was invited and
    removed, an invitation withdrawn, a share opened then revoked."""
    dossier = make_dossier(owner, role=Role.VICTIM)
    add_image_piece(dossier)
    helper = add_helper(dossier, parent, role=Role.PARENT, can_export=True)
    add_piece_as(dossier, parent, description="Capture faite par sa mère.", added_by_role="parent")
    invitations.change(
        helper, owner, invitations.Permissions(Role.PARENT, can_edit=True, can_export=True)
    )
    removed = add_helper(dossier, stranger)
    invitations.remove(removed, owner)
    withdrawn = invite(dossier)
    invitations.withdraw(withdrawn.invitation, owner, access_to(dossier, owner))
    made = make_share(dossier)
    unlocked_client(made, client)
    shares.revoke(made.share, owner)
    return dossier


def test_the_log_with_helpers_and_shares_verifies(lived):
    actions = [event.action for event in lived.events.order_by("seq")]
    for action in (
        Action.HELPER_JOINED, Action.HELPER_REMOVED, Action.INVITATION_MADE,
        Action.INVITATION_WITHDRAWN, Action.SHARE_MADE, Action.SHARE_OPENED,
        Action.SHARE_REVOKED, Action.HELPER_CHANGED,
    ):  # fmt: skip
        assert action in actions, action
    result = verification.verify(lived)
    assert result.ok, result.problems


def test_a_changed_helper_event_is_reported_as_altered(lived):
    joined = lived.events.filter(payload__action=Action.HELPER_JOINED).first()
    payload = {**joined.payload, "by": {**joined.payload["by"], "user": "quelquun_dautre"}}
    CustodyEvent.objects.filter(pk=joined.pk).update(payload=payload)
    problems = [str(problem) for problem in verification.verify(lived).problems]
    assert any(f"{joined.seq}" in problem for problem in problems), problems


def test_removing_a_helper_and_revoking_a_share_are_events_of_their_own(lived):
    removed = lived.events.get(payload__action=Action.HELPER_REMOVED).payload
    assert removed["helper"] == "inconnu" and removed["by"] == {"user": "lea_75", "role": "victim"}
    revoked = lived.events.get(payload__action=Action.SHARE_REVOKED).payload
    assert revoked["by"]["user"] == "lea_75"


# --- An export made by a helper, with a helper's piece -------------------------------------------


def export_as(client, dossier) -> tuple[bytes, bytes]:
    response = client.post(
        reverse("evidence:export_start", args=[dossier.pk]), {"token": str(uuid.uuid4())}
    )
    assert response.status_code == 302
    export = Export.objects.get(dossier=dossier, status=ExportStatus.DONE)
    pdf = b"".join(client.get(reverse("evidence:export_pdf", args=[export.pk])))
    package = b"".join(client.get(reverse("evidence:export_zip", args=[export.pk])))
    return pdf, package


def pdftotext(pdf: bytes, folder) -> str:
    path = folder / "dossier.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    return " ".join(text.replace("\u202f", " ").replace("\u00a0", " ").split())


def test_a_package_exported_by_a_helper_verifies_and_names_the_helpers_piece(
    lived, parent, tmp_path
):
    pdf, package = export_as(logged_in(parent), lived)
    assert verify_package(package) == []
    manifest = json.loads(zipfile.ZipFile(io.BytesIO(package)).read("manifest.json"))
    first, second = manifest["pieces"]
    assert (first["added_by_helper"], first["added_by"]) == (False, "la personne visée")
    assert second["added_by_helper"] is True
    assert second["added_by_pseudonym"] == "maman_de_lea"
    assert second["added_by"].startswith(
        "un proche invité sur le dossier (un parent ou tuteur), le "
    )
    # The export's own event follows it in the log (its manifest cannot hold it).
    exported = lived.events.get(payload__action=Action.DOSSIER_EXPORTED).payload
    assert exported["by"] == {
        "user": "maman_de_lea",
        "role": "parent",
        "helper": True,
    }
    text = pdftotext(pdf, tmp_path)
    assert "Ajouté par un proche invité sur le dossier (un parent ou tuteur), le " in text


def test_a_share_of_the_export_downloads_a_package_that_verifies(lived, owner, client, tmp_path):
    export_as(logged_in(owner), lived)
    made = make_share(lived, ShareContent.PACKAGE)
    unlocked_client(made, client)
    package = b"".join(client.get(shared_url(made, "shared_zip")).streaming_content)
    assert verify_package(package) == []
    downloaded = lived.events.filter(payload__action=Action.SHARE_DOWNLOADED).get().payload
    assert downloaded["what"] == "package"
    assert verification.verify(lived).ok
