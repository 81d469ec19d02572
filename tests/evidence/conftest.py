"""The vault's tests: a dossier of the owner (the personas are in tests/conftest.py)."""

from __future__ import annotations

import pytest

from evidence.models import Dossier
from tests.evidence.factories import make_dossier


@pytest.fixture
def dossier(owner) -> Dossier:
    return make_dossier(owner)
