"""What a first local run leaves on disk is readable by its owner only, whatever the umask:
the database, the secrets, the private storage and the cache."""

import os
import stat
import subprocess
import sys
from pathlib import Path

from evidence.sealing import sealed_files

ROOT = Path(__file__).resolve().parents[2]


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_first_migrate_makes_every_local_file_and_folder_owner_only(tmp_path):
    var = tmp_path / "var"
    skip = {"DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE", "DATABASE_URL"}
    environment = {k: v for k, v in os.environ.items() if k not in skip}
    environment.update(VAR_DIR=str(var))
    for name in ("SECRET_KEY", "EVIDENCE_ENCRYPTION_KEYS", "EVIDENCE_SIGNING_KEYS", "REDIS_URL"):
        environment.pop(name, None)
    result = subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
        umask=0o022,  # the usual default, under which files are made readable by everyone
    )
    assert result.returncode == 0, result.stderr

    assert (var / "db.sqlite3").stat().st_size > 0  # SQLite filled the file made for it
    for folder in (var, var / "private", var / "cache"):
        assert _mode(folder) == 0o700, folder
    for file in ("db.sqlite3", "secret_key", "evidence_keys", "evidence_signing_keys"):
        assert _mode(var / file) == 0o600, file


def test_blobs_and_their_folders_in_the_private_storage_are_owner_only(settings):
    old = os.umask(0o022)
    try:
        name = sealed_files.write(b"capture d'ecran")
    finally:
        os.umask(old)
    root = Path(settings.PRIVATE_STORAGE_ROOT)
    assert _mode(root / name) == 0o600
    assert _mode((root / name).parent) == 0o700
