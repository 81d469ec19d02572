import os
import sqlite3
import stat

import pytest
from django.core.exceptions import ImproperlyConfigured

from supportsite.env import (
    envbool,
    envint,
    envlist,
    envsecret,
    private_folder,
    private_sqlite_file,
)


@pytest.mark.parametrize("raw", ["1", "true", "YES", " on "])
def test_envbool_reads_true(monkeypatch, raw):
    monkeypatch.setenv("FLAG", raw)
    assert envbool("FLAG") is True


@pytest.mark.parametrize("raw", ["0", "false", "No", ""])
def test_envbool_reads_false(monkeypatch, raw):
    monkeypatch.setenv("FLAG", raw)
    assert envbool("FLAG", default=True) is False


def test_envbool_refuses_what_it_does_not_understand(monkeypatch):
    monkeypatch.setenv("FLAG", "treu")
    with pytest.raises(ImproperlyConfigured, match="FLAG"):
        envbool("FLAG")


def test_envbool_falls_back_to_the_default_when_unset(monkeypatch):
    monkeypatch.delenv("FLAG", raising=False)
    assert envbool("FLAG", default=True) is True


def test_envint_refuses_a_word(monkeypatch):
    monkeypatch.setenv("NUMBER", "thirty")
    with pytest.raises(ImproperlyConfigured, match="NUMBER"):
        envint("NUMBER", 1)


def test_envlist_splits_on_commas_and_drops_blanks(monkeypatch):
    monkeypatch.setenv("HOSTS", "a.example, b.example,,")
    assert envlist("HOSTS") == ["a.example", "b.example"]


def test_envsecret_prefers_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("SECRET", "from-env")
    assert envsecret("SECRET", tmp_path / "secret") == "from-env"
    assert not (tmp_path / "secret").exists()


def test_envsecret_generates_a_private_file_once_and_reuses_it(monkeypatch, tmp_path):
    monkeypatch.delenv("SECRET", raising=False)
    first = envsecret("SECRET", tmp_path / "var" / "secret")
    second = envsecret("SECRET", tmp_path / "var" / "secret")
    assert first == second and len(first) >= 50
    mode = stat.S_IMODE(os.stat(tmp_path / "var" / "secret").st_mode)
    assert mode == 0o600


def test_envsecret_demands_the_variable_in_production(monkeypatch, tmp_path):
    monkeypatch.delenv("SECRET", raising=False)
    with pytest.raises(ImproperlyConfigured, match="SECRET must be set"):
        envsecret("SECRET", tmp_path / "secret", allow_file=False)


def _mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_envsecret_closes_an_older_secret_file_that_others_could_read(monkeypatch, tmp_path):
    monkeypatch.delenv("SECRET", raising=False)
    (tmp_path / "secret").write_text("made-by-an-older-version\n")
    os.chmod(tmp_path / "secret", 0o644)
    assert envsecret("SECRET", tmp_path / "secret") == "made-by-an-older-version"
    assert _mode(tmp_path / "secret") == 0o600


def test_private_folder_makes_the_folder_and_its_new_parents_owner_only(tmp_path):
    old = os.umask(0o022)  # what a plain mkdir would make folders with: 0755
    try:
        private_folder(tmp_path / "var" / "private")
    finally:
        os.umask(old)
    assert _mode(tmp_path / "var") == 0o700
    assert _mode(tmp_path / "var" / "private") == 0o700


def test_private_folder_closes_a_folder_that_was_open_to_others(tmp_path):
    (tmp_path / "cache").mkdir(mode=0o755)
    private_folder(tmp_path / "cache")
    assert _mode(tmp_path / "cache") == 0o700


def test_the_sqlite_database_and_its_write_ahead_log_are_owner_only(tmp_path):
    database = private_sqlite_file(tmp_path / "var" / "db.sqlite3")
    old = os.umask(0o022)  # what SQLite would otherwise create files with: 0644
    try:
        connection = sqlite3.connect(database)
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute("CREATE TABLE note (text)")
        connection.execute("INSERT INTO note VALUES ('ce qui s''est passé')")
        connection.commit()
        assert _mode(database) == 0o600
        assert _mode(f"{database}-wal") == 0o600
        assert _mode(f"{database}-shm") == 0o600
        connection.close()
    finally:
        os.umask(old)


def test_an_older_database_open_to_others_is_closed_at_start_up(tmp_path):
    database = tmp_path / "db.sqlite3"
    sqlite3.connect(database).close()
    os.chmod(database, 0o644)
    private_sqlite_file(database)
    assert _mode(database) == 0o600


def test_envint_required_refuses_to_guess(monkeypatch):
    monkeypatch.delenv("COUNT", raising=False)
    with pytest.raises(ImproperlyConfigured, match="COUNT must be set"):
        envint("COUNT", 0, required=True)


def test_envint_required_takes_zero_when_given(monkeypatch):
    monkeypatch.setenv("COUNT", "0")
    assert envint("COUNT", 5, required=True) == 0
