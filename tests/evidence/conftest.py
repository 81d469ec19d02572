"""Personas for the vault's tests: an owner and a stranger, each with a logged-in client."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import translation

from evidence.models import Dossier
from tests.evidence.factories import PASSWORD, make_dossier


@pytest.fixture(autouse=True)
def _french_first():
    """URLs are reversed in French, whatever language an earlier test's request left active."""
    with translation.override("fr"):
        yield


@pytest.fixture(autouse=True)
def _fast_hashing(settings):
    """Argon2 is slow by design; the tests that check hashing put it back."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def owner(django_user_model):
    return django_user_model.objects.create_user("lea_75", password=PASSWORD)


@pytest.fixture
def stranger(django_user_model):
    return django_user_model.objects.create_user("inconnu", password=PASSWORD)


@pytest.fixture
def owner_client(owner) -> Client:
    client = Client()
    client.force_login(owner)
    return client


@pytest.fixture
def stranger_client(stranger) -> Client:
    client = Client()
    client.force_login(stranger)
    return client


@pytest.fixture
def dossier(owner) -> Dossier:
    return make_dossier(owner)
