"""A worker killed in the middle of an export (SIGKILL: no clean-up can run), against real
processes: a site of its own (SQLite in a temporary folder), the real worker command.

After the kill, the display images it had decrypted for the PDF are still on disk; the next
worker removes them as it starts, puts the export back in the queue (its worker is gone) and
runs it again, and a new export is then accepted and made.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
PIECES = 16
PLAIN = (b"\xff\xd8\xff", b"\x89PNG", b"%PDF")
SETUP = f"""
import uuid
from django.contrib.auth import get_user_model
from django.core.management import call_command
from evidence.export import jobs, tasks
from tests.evidence.export.test_jobs import screenshot
from tests.evidence.factories import add_image_piece, make_dossier

call_command("migrate", verbosity=0)
owner = get_user_model().objects.create_user("lea_75", password="un mot de passe solide 42")
dossier = make_dossier(owner)
for number in range(1, {PIECES} + 1):
    add_image_piece(dossier, data=screenshot(number), title=f"Insulte n° {{number}}")
export, _created = jobs.request_export(dossier, owner, uuid.uuid4())
tasks.enqueue(export.pk)
"""
NEW_EXPORT = """
import uuid
from evidence.export import jobs, tasks
from evidence.models import Dossier

dossier = Dossier.objects.get()
export, created = jobs.request_export(dossier, dossier.owner, uuid.uuid4())
assert created, "a new export was refused"
tasks.enqueue(export.pk)
"""


class Site:
    """manage.py in a clean environment, with its own data folder and temporary folder."""

    def __init__(self, folder: Path) -> None:
        self.var = folder / "var"
        self.tmp = folder / "site-tmp"
        self.tmp.mkdir()
        skip = {"DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE", "DATABASE_URL"}
        self.env = {key: value for key, value in os.environ.items() if key not in skip}
        self.env.update(VAR_DIR=str(self.var), TMPDIR=str(self.tmp))

    def manage(self, *args: str) -> None:
        result = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert result.returncode == 0, result.stdout + result.stderr

    def worker(self) -> subprocess.Popen:
        return subprocess.Popen(
            [sys.executable, "manage.py", "worker", "--interval", "0.2"],
            cwd=ROOT,
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    def exports(self) -> list[tuple[str, int, str]]:
        """(status, attempts, error) of each export, oldest first."""
        with sqlite3.connect(self.var / "db.sqlite3", timeout=20) as db:
            query = "SELECT status, attempts, error FROM evidence_export ORDER BY created_at"
            return list(db.execute(query))

    def plain_copies(self) -> list[Path]:
        """Images or PDFs in clear anywhere in the temporary folder."""
        found = []
        for path in self.tmp.rglob("*"):
            try:
                with path.open("rb") as file:
                    start = file.read(8)
            except (IsADirectoryError, FileNotFoundError):  # a folder, or gone meanwhile
                continue
            if start.startswith(PLAIN):
                found.append(path)
        return found


def wait_for(condition, seconds: float) -> float:
    """Seconds it took for condition() to hold; fails after `seconds`."""
    start = time.monotonic()
    while not condition():
        assert time.monotonic() - start < seconds, f"still not so after {seconds} s"
        time.sleep(0.05)
    return time.monotonic() - start


@pytest.fixture
def site(tmp_path):
    site = Site(tmp_path)
    site.manage("shell", "--command", SETUP)  # migrate, then a dossier and its export queued
    return site


@pytest.fixture
def workers():
    started: list[subprocess.Popen] = []
    yield started
    for process in started:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=60)


def test_a_worker_killed_mid_export_leaves_no_plain_image_and_the_export_is_made_again(
    site, workers
):
    first = site.worker()
    workers.append(first)
    wait_for(lambda: len(site.plain_copies()) >= 3, seconds=120)  # mid-PDF, images decrypted
    first.send_signal(signal.SIGKILL)
    first.wait(timeout=10)
    assert site.exports() == [("running", 1, "")]
    assert site.plain_copies()  # what a kill leaves behind: nothing could clean it up

    workers.append(site.worker())
    assert wait_for(lambda: not site.plain_copies(), seconds=15) < 15
    took = wait_for(lambda: site.exports()[0][0] != "running", seconds=60)
    wait_for(lambda: site.exports()[0][0] in ("done", "failed"), seconds=120 - took)
    assert site.exports() == [("done", 2, "")]  # tried again once, and made

    site.manage("shell", "--command", NEW_EXPORT)
    wait_for(lambda: site.exports()[-1][0] == "done", seconds=120)
    assert [status for status, _attempts, _error in site.exports()] == ["done", "done"]
    assert not site.plain_copies()
