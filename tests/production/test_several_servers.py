"""Several web servers: two gunicorn nodes, each with a local disk of its own (VAR_DIR), that
share only what the README says they must: PostgreSQL (this test's database), the object
storage (a moto S3 server over HTTP), Redis (REDIS_URL, the cache) and the keys. A person
goes from one to the other as a load balancer would send them: nothing may be lost, and a
session ended on one must be ended on both.
"""

from __future__ import annotations

import secrets
import subprocess
import time
from collections.abc import Iterator
from contextlib import ExitStack

import pytest
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.contrib.sessions.models import Session
from django.db import transaction
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from tests.evidence.export.factories import screenshot
from tests.production import servers
from tests.production.conftest import keys, new_bucket
from tests.production.visitor import (
    Visitor,
    add_piece,
    create_dossier,
    expect,
    log_in,
)

PASSWORD = "un mot de passe solide 42"


@pytest.fixture(scope="module")
def running_nodes(
    postgresql, s3_endpoint, redis_url, tmp_path_factory
) -> Iterator[tuple[str, str]]:
    """Two web servers of the site, started once for this module: their base URLs."""
    folder = tmp_path_factory.mktemp("nodes")
    shared = {
        "DATABASE_URL": postgresql,
        **keys(),
        **new_bucket(s3_endpoint),
        "REDIS_URL": redis_url,
        "WEB_NODES": "2",
        "QUICK_EXIT_URL": "https://meteo.example/",  # never fetched: redirects are not followed
    }
    with ExitStack() as stack:
        urls = [
            stack.enter_context(
                servers.web_node(
                    folder / name, {**shared, "VAR_DIR": str(folder / name / "var")}, workers=1
                )
            )
            for name in ("node-a", "node-b")
        ]
        # The task worker (screenshots' display copies, exports), on a machine of its own.
        stack.enter_context(
            servers.task_worker(
                folder / "worker",
                {**shared, "VAR_DIR": str(folder / "worker" / "var")},
                ["worker", "--interval", "0.2"],
            )
        )
        for url in urls:  # the first request of a worker imports every view: not timed here
            expect(Visitor(url).get("/"))
        yield urls[0], urls[1]


@pytest.fixture
def nodes(running_nodes, transactional_db) -> Iterator[tuple[str, str]]:
    """The two servers, on this test's database, emptied after each test once the task worker
    has done what the test gave it (a screenshot's copies and text): a task writing to several
    tables while the tables are emptied deadlocked with it, and the next test found the rows."""
    yield running_nodes
    unfinished = DBTaskResult.objects.filter(
        status__in=[TaskResultStatus.READY, TaskResultStatus.RUNNING]
    )
    deadline = time.monotonic() + 30
    while unfinished.exists() and time.monotonic() < deadline:
        time.sleep(0.2)


@pytest.fixture
def account(django_user_model) -> tuple[str, str]:
    """A pseudonym and its password (signing up on a server hashes ten recovery codes too:
    the journey of `make prod-check` does it). A hash the servers accept, then upgrade."""
    password = PBKDF2PasswordHasher().encode(PASSWORD, "saltsaltsalt", iterations=1000)
    django_user_model.objects.create(username="lea_75", password=password)
    return "lea_75", PASSWORD


def test_a_piece_added_on_one_server_is_shown_by_the_other(nodes, account):
    a, b = nodes
    person = Visitor(a)
    expect(log_in(person, *account))
    dossier = create_dossier(person, "Instagram")

    piece_url = add_piece(person.on(b), dossier, screenshot(1))

    images: list[str] = []
    deadline = time.monotonic() + 60  # the worker makes the display copy meanwhile
    while not images and time.monotonic() < deadline:
        page = expect(person.on(a).get(piece_url.replace(b, a)))
        images = page.links(r"/fichiers/[0-9a-f-]{36}/(affichage|miniature)/$")
        time.sleep(0.2)
    assert images, page.text[:3000]
    image = expect(person.on(a).get(images[0].replace(b, a)))
    assert image.headers["Content-Type"].startswith("image/") and len(image.body) > 100


def test_a_quick_exit_on_one_server_ends_the_session_on_the_other_even_with_the_database_busy(
    nodes, account
):
    a, b = nodes
    person = Visitor(a)
    expect(log_in(person, *account))
    assert expect(person.on(b).get("/dossiers/")).url.endswith("/dossiers/")
    cookie = person.cookie("sessionid")
    assert cookie is not None

    # The session's row is locked (a long upload's transaction): the exit cannot delete it, and
    # only the revocation in the shared cache can end the session everywhere at once.
    with transaction.atomic():
        Session.objects.select_for_update().get(session_key=cookie.value)
        leaving = person.get("/sortie/", follow=False)
        person.cookies.set_cookie(cookie)  # the old cookie, kept by another tab or a backup
        again = person.on(b).get("/dossiers/")

    assert leaving.status == 302 and leaving.headers["Location"] == "https://meteo.example/"
    assert "/compte/connexion/" in again.url, "the other server still opened the dossiers"
    assert Session.objects.filter(session_key=cookie.value).exists()  # left to the purge


def test_wrong_passwords_count_together_whichever_server_they_reach(nodes, account, settings):
    a, b = nodes
    someone = Visitor(a)
    for attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        server = a if attempt % 2 == 0 else b
        assert log_in(someone.on(server), account[0], "pas le bon").status == 200
    log_in(someone.on(a), account[0], "pas le bon")  # the last one allowed, on the first server

    locked = log_in(someone.on(b), account[0], account[1])

    assert locked.status == 429
    assert "Trop de tentatives" in locked.text


@pytest.mark.parametrize(
    ("given", "missing"),
    [
        ({"S3_BUCKET": "evidence", "REDIS_URL": "redis://cache:6379/0"}, "DATABASE_URL"),
        ({"DATABASE_URL": "postgres://u:p@db/site", "REDIS_URL": "redis://c/0"}, "S3_BUCKET"),
        ({"DATABASE_URL": "postgres://u:p@db/site", "S3_BUCKET": "evidence"}, "REDIS_URL"),
    ],
)
def test_several_web_servers_refuse_to_start_without_what_they_must_share(tmp_path, given, missing):
    result = subprocess.run(
        [servers.PYTHON, "manage.py", "check"],
        cwd=servers.ROOT,
        env=servers.child_environment({"WEB_NODES": "2", "VAR_DIR": str(tmp_path), **given}),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "WEB_NODES=2: several web servers must share their state" in result.stderr
    assert missing in result.stderr.splitlines()[-1]


def test_check_deploy_is_clean_for_the_several_servers_configuration_of_the_readme(tmp_path):
    result = subprocess.run(
        [servers.PYTHON, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=servers.ROOT,
        env=servers.child_environment(
            {
                "PRODUCTION": "1",
                "SECRET_KEY": secrets.token_urlsafe(64),
                "EVIDENCE_ENCRYPTION_KEYS": secrets.token_urlsafe(32),
                "EVIDENCE_SIGNING_KEYS": secrets.token_urlsafe(32),
                "ALLOWED_HOSTS": "aide.example.org",
                "CSRF_TRUSTED_ORIGINS": "https://aide.example.org",
                "TRUSTED_PROXY_COUNT": "1",
                "DATABASE_URL": "postgres://site:secret@db.internal:5432/site",
                "S3_BUCKET": "evidence",
                "S3_ENDPOINT_URL": "https://garage.internal:3900",
                "S3_REGION": "garage",
                "S3_ACCESS_KEY_ID": "GK0123",
                "S3_SECRET_ACCESS_KEY": "secret",
                "S3_ADDRESSING_STYLE": "path",
                "REDIS_URL": "redis://cache.internal:6379/0",
                "TASKS_BACKEND": "django_tasks_rq.RQBackend",
                "WEB_NODES": "3",
                "VAR_DIR": str(tmp_path),
            }
        ),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
