"""Ended sessions leave the database on a schedule: expired ones, and those the quick exit
revoked without being able to delete their row (common/sessions.py)."""

import datetime as dt
import signal
import time

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.utils import timezone

from common import sessions


def _session(answers: str, *, expires_in: dt.timedelta = dt.timedelta(minutes=20)) -> str:
    store = SessionStore()
    store["guidance_answers"] = answers
    store.create()
    Session.objects.filter(pk=store.session_key).update(expire_date=timezone.now() + expires_in)
    return store.session_key


@pytest.mark.django_db
def test_the_purge_deletes_expired_sessions_and_keeps_live_ones():
    expired = _session("harcèlement", expires_in=dt.timedelta(seconds=-1))
    live = _session("insultes")
    assert sessions.purge() == 1
    assert list(Session.objects.values_list("pk", flat=True)) == [live]
    assert not Session.objects.filter(pk=expired).exists()


@pytest.mark.django_db
def test_the_purge_deletes_what_the_quick_exit_revoked_but_could_not_delete():
    left_behind = _session("sextorsion")
    sessions.revoke(left_behind)  # the quick exit, the database busy: only revoked
    live = _session("insultes")
    assert sessions.purge() == 1
    assert list(Session.objects.values_list("pk", flat=True)) == [live]


@pytest.mark.django_db
def test_the_purge_looks_up_revocations_in_batches(monkeypatch):
    monkeypatch.setattr(sessions, "_BATCH", 2)
    keys = [_session(f"réponse {n}") for n in range(5)]
    for key in keys[::2]:
        sessions.revoke(key)
    assert sessions.purge() == 3
    assert sorted(Session.objects.values_list("pk", flat=True)) == sorted(keys[1::2])


@pytest.fixture
def signals_restored():
    """The worker installs its own SIGINT/SIGTERM handlers: give pytest its own back."""
    saved = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}
    yield
    for sig, handler in saved.items():
        signal.signal(sig, handler)


@pytest.mark.django_db(transaction=True)
def test_the_task_worker_purges_ended_sessions_when_it_starts(settings, signals_restored):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    _session("harcèlement", expires_in=dt.timedelta(seconds=-1))
    sessions.revoke(_session("sextorsion"))
    live = _session("insultes")

    call_command("worker", "--batch", "--no-startup-delay", "--interval", "0", verbosity=0)

    assert list(Session.objects.values_list("pk", flat=True)) == [live]


@pytest.mark.django_db(transaction=True)
def test_the_purge_runs_again_every_interval_until_stopped(monkeypatch):
    turns = []
    monkeypatch.setattr(sessions, "purge", lambda: turns.append(time.monotonic()) or 0)
    purging = sessions.PurgeEvery(0.05)
    purging.start()
    deadline = time.monotonic() + 5
    while len(turns) < 3 and time.monotonic() < deadline:
        time.sleep(0.01)
    purging.stop()
    done = len(turns)
    time.sleep(0.15)
    assert done >= 3 and len(turns) == done  # ran on its schedule, and no more once stopped
    assert not purging.is_alive()


@pytest.mark.django_db(transaction=True)
def test_a_failed_purge_is_tried_again_at_the_next_turn(monkeypatch, caplog):
    from django.db import OperationalError

    outcomes = ["purged", OperationalError("database is locked")]

    def purge():
        outcome = outcomes.pop()
        if isinstance(outcome, Exception):
            raise outcome
        return 0

    monkeypatch.setattr(sessions, "purge", purge)
    purging = sessions.PurgeEvery(0.05)
    purging.start()
    deadline = time.monotonic() + 5
    while outcomes and time.monotonic() < deadline:
        time.sleep(0.01)
    purging.stop()
    assert outcomes == []  # the second turn came, after the first one failed
    assert "the scheduled purge of sessions failed" in caplog.text
