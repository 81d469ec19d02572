"""The production path: other processes on this test's database, and real servers (Redis,
an S3-compatible server, gunicorn, the task workers) started for the test on loopback ports.

Processes other than this one reach the test database only on PostgreSQL: pytest-django's
SQLite test database lives in this process's memory. Those tests are skipped on SQLite, and
`make test` runs them on PostgreSQL (its second run).
"""

from __future__ import annotations

import importlib.util
import os
import types
import uuid
from collections.abc import Iterator
from pathlib import Path
from unittest import mock
from urllib.parse import quote

import pytest
from django.conf import settings as django_settings
from django.db import connection

from tests.production import servers

OTHER_PROCESSES_NEED_POSTGRESQL = (
    "other processes cannot reach the SQLite test database (it is in this process's memory); "
    "`make test` runs this test on PostgreSQL"
)


def settings_for(folder: Path, **env: str) -> types.ModuleType:
    """What supportsite/settings.py makes of these variables (and of nothing else): a fresh
    copy of the module, read under them. `folder` stands for VAR_DIR."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(servers.NOT_INHERITED)}
    clean.update(VAR_DIR=str(folder), **env)
    spec = importlib.util.spec_from_file_location(
        f"settings_for_{uuid.uuid4().hex}", servers.ROOT / "supportsite" / "settings.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    with mock.patch.dict(os.environ, clean, clear=True):
        spec.loader.exec_module(module)
    return module


def database_url_of_the_tests() -> str:
    """DATABASE_URL of pytest-django's test database, for other processes; skips on SQLite."""
    if connection.vendor != "postgresql":
        pytest.skip(OTHER_PROCESSES_NEED_POSTGRESQL)
    db = connection.settings_dict
    credentials = f"{quote(db['USER'], safe='')}:{quote(db['PASSWORD'], safe='')}"
    where = f"{quote(db['HOST'] or 'localhost', safe='')}:{db['PORT'] or 5432}"
    return f"postgres://{credentials}@{where}/{quote(db['NAME'], safe='')}"


def keys() -> dict[str, str]:
    """This run's secrets: every process of one site has the same."""
    return {
        "SECRET_KEY": django_settings.SECRET_KEY,
        "EVIDENCE_ENCRYPTION_KEYS": django_settings.EVIDENCE_ENCRYPTION_KEYS,
        "EVIDENCE_SIGNING_KEYS": django_settings.EVIDENCE_SIGNING_KEYS,
    }


@pytest.fixture(scope="module")
def postgresql(django_db_setup) -> str:
    """For servers started once per module: the test database's URL (skips on SQLite)."""
    return database_url_of_the_tests()


@pytest.fixture
def shared_database(transactional_db) -> str:
    """DATABASE_URL of this test's own database, for other processes. Real commits
    (transaction=True): what they write is seen here, and what is written here by them."""
    return database_url_of_the_tests()


@pytest.fixture
def site_env(shared_database, settings, tmp_path) -> dict[str, str]:
    """The variables of a process of the site sharing this test's database, private storage
    and keys; its own VAR_DIR (its local disk)."""
    return {
        "DATABASE_URL": shared_database,
        "VAR_DIR": str(tmp_path / "var-of-another-process"),
        "PRIVATE_STORAGE_ROOT": str(settings.STORAGES["default"]["OPTIONS"]["location"]),
        **keys(),
    }


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory) -> Iterator[str]:
    """One Redis per test module."""
    if servers.redis_server_path() is None:
        pytest.fail("redis-server is missing: `make test` installs it (Debian's redis-server)")
    with servers.redis_server(tmp_path_factory.mktemp("redis")) as url:
        yield url


@pytest.fixture(scope="module")
def s3_endpoint(tmp_path_factory) -> Iterator[str]:
    """One S3-compatible server (moto) per test module; each test gets its own bucket."""
    with servers.s3_server(tmp_path_factory.mktemp("s3")) as url:
        yield url


@pytest.fixture
def s3_env(s3_endpoint) -> dict[str, str]:
    """The S3_* variables of a new, empty bucket on that server."""
    return new_bucket(s3_endpoint)


def new_bucket(s3_endpoint: str) -> dict[str, str]:
    bucket = f"evidence-{uuid.uuid4().hex[:12]}"
    env = {
        "S3_BUCKET": bucket,
        "S3_ENDPOINT_URL": s3_endpoint,
        "S3_REGION": "us-east-1",
        "S3_ACCESS_KEY_ID": "test-access-key",
        "S3_SECRET_ACCESS_KEY": "test-secret-key",
        "S3_ADDRESSING_STYLE": "path",
    }
    _client(env).create_bucket(Bucket=bucket)
    return env


def _client(env: dict[str, str]):
    """boto3's client, as django-storages uses, straight to the server."""
    import boto3

    return boto3.client(
        "s3",
        endpoint_url=env["S3_ENDPOINT_URL"],
        region_name=env["S3_REGION"],
        aws_access_key_id=env["S3_ACCESS_KEY_ID"],
        aws_secret_access_key=env["S3_SECRET_ACCESS_KEY"],
    )


def bucket_objects(env: dict[str, str]) -> dict[str, bytes]:
    """{key: body} of every object in the bucket, read straight from the server."""
    client = _client(env)
    keys = [
        item["Key"]
        for page in client.get_paginator("list_objects_v2").paginate(Bucket=env["S3_BUCKET"])
        for item in page.get("Contents", [])
    ]
    return {key: client.get_object(Bucket=env["S3_BUCKET"], Key=key)["Body"].read() for key in keys}


@pytest.fixture
def object_storage(s3_env, settings, tmp_path) -> dict[str, str]:
    """This process stores private files in the bucket, configured exactly as settings.py
    configures it from the S3_* variables."""
    configured = settings_for(tmp_path / "var-for-settings", **s3_env)
    settings.STORAGES = {**settings.STORAGES, "default": configured.STORAGES["default"]}
    return s3_env
