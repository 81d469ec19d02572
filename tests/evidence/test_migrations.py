"""A database made by the migrations of before the encryption of typed texts migrates forward
with its data intact, now encrypted (evidence/migrations/0006_encrypt_sensitive_text.py), and
back again."""

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from evidence.models import ChronologyNote, Complaint, EvidenceFile, Piece

BEFORE = [("evidence", "0005_reseal_custody_logs")]
AFTER = [("evidence", "0006_encrypt_sensitive_text")]
IDENTITY = {"complainant": {"last_name": "Martinez-Duval", "phone": "06 12 34 56 78"}}


def _migrate(targets) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return MigrationExecutor(connection)


def _raw() -> str:
    with connection.cursor() as cursor:
        found = []
        for table in ("evidence_piece", "evidence_evidencefile", "evidence_complaint"):
            cursor.execute(f"SELECT * FROM {table}")
            found += [repr(row) for row in cursor.fetchall()]
        cursor.execute("SELECT * FROM evidence_chronologynote")
        found += [repr(row) for row in cursor.fetchall()]
    return "\n".join(found)


def _old_rows(executor: MigrationExecutor):
    old = executor.loader.project_state(BEFORE).apps
    user = old.get_model("auth", "User").objects.create(username="lina_13", password="x")
    dossier = old.get_model("evidence", "Dossier").objects.create(owner_id=user.pk, title="Insta")
    piece = old.get_model("evidence", "Piece").objects.create(
        dossier=dossier,
        number=1,
        kind="image",
        title="Menace de Tom",
        url="https://www.instagram.com/p/menace-lina/",
        author_displayed="@tom_le_harceleur",
        description="Il publie mon adresse",
        transcript="on sait où tu habites",
        received_at=timezone.now(),
        added_by_role="victim",
        pharos_reference="PHAROS-778899",
    )
    old.get_model("evidence", "EvidenceFile").objects.create(
        piece=piece,
        position=1,
        original_name="snap_tom.png",
        storage_name="evidence/0123",
        sha256="0" * 64,
        size=1,
        mime_type="image/png",
        received_at=timezone.now(),
    )
    old.get_model("evidence", "Complaint").objects.create(
        dossier=dossier, data=IDENTITY, letter_text="Je porte plainte contre Tom."
    )
    old.get_model("evidence", "ChronologyNote").objects.create(
        dossier=dossier, date=dt.date(2025, 3, 1), text="Tom m'a attendue au gymnase"
    )
    return dossier.pk


TYPED = [
    "Menace de Tom",
    "menace-lina",
    "@tom_le_harceleur",
    "Il publie mon adresse",
    "on sait où tu habites",
    "PHAROS-778899",
    "snap_tom",
    "Martinez-Duval",
    "06 12 34 56 78",
    "Je porte plainte",
    "Tom m'a attendue",
]


@pytest.mark.django_db(transaction=True)
def test_typed_texts_of_an_older_database_are_encrypted_by_the_migration_and_kept():
    executor = _migrate(BEFORE)
    dossier_id = _old_rows(executor)
    assert all(text in _raw() for text in TYPED)  # in clear before

    _migrate(executor.loader.graph.leaf_nodes())

    assert [text for text in TYPED if text in _raw()] == []
    piece = Piece.objects.get(dossier_id=dossier_id)
    assert (piece.title, piece.author_displayed, piece.transcript, piece.pharos_reference) == (
        "Menace de Tom",
        "@tom_le_harceleur",
        "on sait où tu habites",
        "PHAROS-778899",
    )
    assert piece.url == "https://www.instagram.com/p/menace-lina/" and piece.context == ""
    assert EvidenceFile.objects.get().original_name == "snap_tom.png"
    complaint = Complaint.objects.get()
    assert complaint.data == IDENTITY and complaint.letter_text == "Je porte plainte contre Tom."
    assert ChronologyNote.objects.get().text == "Tom m'a attendue au gymnase"


@pytest.mark.django_db(transaction=True)
def test_migrating_back_decrypts_the_texts_again():
    executor = _migrate(BEFORE)
    _old_rows(executor)
    _migrate(AFTER)
    assert "Il publie mon adresse" not in _raw()

    executor = _migrate(BEFORE)

    old = executor.loader.project_state(BEFORE).apps
    assert old.get_model("evidence", "Piece").objects.get().description == "Il publie mon adresse"
    assert old.get_model("evidence", "Complaint").objects.get().data == IDENTITY
    _migrate(executor.loader.graph.leaf_nodes())
