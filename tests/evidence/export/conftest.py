"""The exports' tests: each gets its own temporary folder, where the exports' private
workspace (evidence.export.jobs.workspace_root) is made."""

import tempfile

import pytest


@pytest.fixture(autouse=True)
def _own_temporary_folder(tmp_path, monkeypatch):
    folder = tmp_path / "tmp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
