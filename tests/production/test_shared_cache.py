"""The shared cache (Redis, REDIS_URL) holds the sessions the quick exit revoked. When it cannot
be reached, or does not answer, the quick exit must still answer at once and still end the
session (its database row), the site must not hang on it, and the task worker must still
start and purge the sessions that expired.
"""

from __future__ import annotations

import datetime as dt
import socket
import threading
import time
from collections.abc import Iterator

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from tests.production.conftest import settings_for

pytestmark = pytest.mark.django_db

AT_ONCE = 3.0  # seconds, on a busy machine; about 0.6 on a quiet one
HANGS_FOR = 20.0  # then the silent Redis drops its connections: a failure, never a stuck run


@pytest.fixture
def silent_redis() -> Iterator[str]:
    """A port that accepts connections and never answers: a Redis that hangs."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(16)
        dropping = threading.Timer(HANGS_FOR, listener.close)
        dropping.start()
        yield f"redis://127.0.0.1:{listener.getsockname()[1]}/0"
        dropping.cancel()


@pytest.fixture
def closed_redis() -> str:
    """A port nobody listens on: a Redis that is down."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"redis://127.0.0.1:{port}/0"


def use_cache(settings, tmp_path, redis_url: str) -> None:
    settings.CACHES = settings_for(tmp_path / "var", REDIS_URL=redis_url).CACHES


@pytest.mark.parametrize("redis", ["closed_redis", "silent_redis"])
def test_the_quick_exit_answers_at_once_and_ends_the_session_without_redis(
    request, redis, owner_client, settings, tmp_path
):
    use_cache(settings, tmp_path, request.getfixturevalue(redis))
    key = owner_client.session.session_key

    started = time.monotonic()
    response = owner_client.get(reverse("quick_exit"))
    took = time.monotonic() - started

    assert response.status_code == 302 and response["Location"] == settings.QUICK_EXIT_URL
    assert took < AT_ONCE, f"the quick exit took {took:.1f} s"
    assert not Session.objects.filter(session_key=key).exists()


@pytest.mark.parametrize("redis", ["closed_redis", "silent_redis"])
def test_the_dossiers_still_open_while_redis_is_unreachable(
    request, redis, owner_client, settings, tmp_path
):
    use_cache(settings, tmp_path, request.getfixturevalue(redis))

    started = time.monotonic()
    response = owner_client.get(reverse("evidence:dossier_list"))

    assert response.status_code == 200
    assert time.monotonic() - started < AT_ONCE


@pytest.mark.django_db(transaction=True)
def test_the_worker_starts_and_purges_expired_sessions_while_redis_is_down(
    closed_redis, owner_client, settings, tmp_path, signals_restored
):
    use_cache(settings, tmp_path, closed_redis)
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    expired = owner_client.session.session_key
    Session.objects.update(expire_date=timezone.now() - dt.timedelta(minutes=1))
    live = SessionStore()
    live["guidance_answers"] = {"role": "victim"}
    live.save()

    call_command("worker", "--batch", "--interval", "0", verbosity=0)

    assert not Session.objects.filter(session_key=expired).exists()
    assert Session.objects.filter(session_key=live.session_key).exists()
