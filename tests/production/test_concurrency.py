"""What only a real database shows: several processes changing one dossier at the same instant.

The piece numbers and the custody chain are kept unique and gap-free by locking the dossier's
row (`select_for_update`), which SQLite ignores; these tests run the vault's own operations in
processes of their own (tests/production/children.py) on PostgreSQL, against this test's
database and private storage.
"""

from __future__ import annotations

import json
import select
import subprocess
import threading
import uuid
from pathlib import Path

import pytest
from django.db import connection

from evidence.export import jobs as exports
from evidence.export.document.checking import verify_package
from evidence.models import Dossier, Export, ExportStatus, Kind, Piece
from evidence.sealing import sealed_files, signing
from evidence.vault import services as vault
from evidence.vault import verification, witness
from evidence.vault.custody import Action
from tests.evidence.export.factories import screenshot
from tests.evidence.factories import add_image_piece, make_dossier, piece_fields
from tests.production import servers

UPLOADS = 16
WAIT_SECONDS = 120


class Children:
    """`python -m tests.production.children …` in its own process, on this test's database."""

    def __init__(self, env: dict[str, str], log: Path, *args: str) -> None:
        self.log = log
        self._stderr = log.open("wb")
        self.process = subprocess.Popen(
            [servers.PYTHON, "-m", "tests.production.children", *args],
            cwd=servers.ROOT,
            env=servers.child_environment(env),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._stderr,
            text=True,
            bufsize=1,
        )

    def line(self) -> str:
        assert self.process.stdout is not None
        readable, _w, _x = select.select([self.process.stdout], [], [], WAIT_SECONDS)
        found = self.process.stdout.readline() if readable else ""
        if not found:
            self.process.kill()
            self._stderr.flush()
            raise AssertionError(f"the child said nothing:\n{self.log.read_text()[-4000:]}")
        return found.strip()

    def go_on(self) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write("go\n")
        self.process.stdin.flush()

    def result(self):
        found = json.loads(self.line())
        self.process.wait(timeout=WAIT_SECONDS)
        assert self.process.returncode == 0, self.log.read_text()[-4000:]
        return found

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.communicate()  # waits, and closes its pipes
        self._stderr.close()


@pytest.fixture
def children(site_env, tmp_path):
    started: list[Children] = []

    def start(*args: str) -> Children:
        child = Children(site_env, tmp_path / f"children-{len(started)}.log", *args)
        started.append(child)
        return child

    yield start
    for child in started:
        child.close()


def test_sixteen_uploads_at_once_get_numbers_1_to_16_and_a_chain_without_gaps(owner, children):
    dossier = make_dossier(owner)

    results = children("add-piece", str(dossier.pk), "--times", str(UPLOADS)).result()

    assert sorted(result.get("number") for result in results) == list(range(1, UPLOADS + 1))
    dossier.refresh_from_db()
    assert dossier.last_piece_number == UPLOADS
    events = list(dossier.events.order_by("seq"))
    assert [event.seq for event in events] == list(range(1, UPLOADS + 2))
    assert [event.payload["piece"] for event in events[1:]] == list(range(1, UPLOADS + 1))
    assert all(event.payload["action"] == Action.PIECE_ADDED for event in events[1:])
    assert sorted(witness.recorded(dossier.pk)) == list(range(1, UPLOADS + 2))
    assert verification.verify(dossier).problems == []


def test_two_exports_started_at_once_give_one_export(owner, children):
    dossier = make_dossier(owner)
    add_image_piece(dossier)

    results = children("request-export", str(dossier.pk), "--times", "2").result()

    export = Export.objects.get(dossier=dossier)
    assert [result.get("export") for result in results] == [str(export.pk)] * 2
    assert sorted(result["created"] for result in results) == [False, True]


def test_the_same_new_dossier_form_sent_twice_at_once_makes_one_dossier(owner, children):
    token = str(uuid.uuid4())

    results = children("create-dossier", str(owner.pk), "--token", token, "--times", "2").result()

    dossier = Dossier.objects.get(owner=owner)
    assert results == [{"dossier": str(dossier.pk)}] * 2
    assert [event.payload["action"] for event in dossier.events.all()] == [Action.DOSSIER_CREATED]


def test_a_piece_deleted_twice_at_once_is_deleted_once_without_an_error(owner, children):
    dossier = make_dossier(owner)
    piece = add_image_piece(dossier)

    results = children("delete-piece", str(piece.pk), "--times", "2").result()

    assert results == [{"deleted": True}] * 2
    actions = [event.payload["action"] for event in dossier.events.order_by("seq")]
    assert actions.count(Action.PIECE_DELETED) == 1 and actions[-1] == Action.PIECE_DELETED
    assert verification.verify(dossier).problems == []


def _delete_in_another_connection(piece: Piece, user) -> threading.Thread:
    """Delete the piece as the person would, from another web process: at once, or as soon
    as the dossier's row is free."""

    def delete() -> None:
        try:
            vault.delete_piece(piece, user)
        finally:
            connection.close()

    thread = threading.Thread(target=delete)
    thread.start()
    return thread


def _package(export: Export) -> bytes:
    return b"".join(sealed_files.read_stream(export.package_name))


@pytest.mark.parametrize(
    ("moment", "kind"),
    [
        # Between reading the pieces and reading the custody log: a text piece, which has no
        # file to be missed later, so that only a torn snapshot could show.
        ("collect", Kind.TEXT),
        # Before the PDF is drawn: the screenshot's files go with the piece.
        ("pdf", Kind.IMAGE),
    ],
)
def test_a_piece_deleted_while_the_export_runs_leaves_a_package_that_verifies(
    owner, children, moment, kind
):
    dossier = make_dossier(owner)
    add_image_piece(dossier, data=screenshot(1))
    if kind == Kind.TEXT:
        doomed = vault.add_piece(dossier, owner, piece_fields(kind=Kind.TEXT))
    else:
        doomed = add_image_piece(dossier, data=screenshot(2))
    add_image_piece(dossier, data=screenshot(3))
    export, _created = exports.request_export(dossier, owner, uuid.uuid4())

    worker = children("run-export", str(export.pk), "--pause-in", moment)
    assert worker.line() == f"paused {moment}"
    deleting = _delete_in_another_connection(doomed, owner)
    deleting.join(timeout=2)  # done by now, unless it waits for the export's snapshot
    worker.go_on()
    result = worker.result()
    deleting.join(timeout=WAIT_SECONDS)

    assert not deleting.is_alive()
    assert result == {"status": ExportStatus.DONE, "error": ""}
    export.refresh_from_db()
    assert verify_package(_package(export), trusted_keys=signing.keyring().public_keys()) == []
    assert not Piece.objects.filter(pk=doomed.pk).exists()
    assert verification.verify(dossier).problems == []
