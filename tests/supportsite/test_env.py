import os
import stat

import pytest
from django.core.exceptions import ImproperlyConfigured

from supportsite.env import envbool, envint, envlist, envsecret


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
