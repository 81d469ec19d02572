"""Ended sessions leave the database on a schedule: expired ones, and those the quick exit
revoked without being able to delete their row (common/sessions.py)."""

import datetime as dt
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


@pytest.mark.django_db(transaction=True)
def test_the_task_worker_purges_ended_sessions_when_it_starts(settings, signals_restored):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    _session("harcèlement", expires_in=dt.timedelta(seconds=-1))
    sessions.revoke(_session("sextorsion"))
    live = _session("insultes")

    call_command("worker", "--batch", "--interval", "0", verbosity=0)

    assert list(Session.objects.values_list("pk", flat=True)) == [live]


@pytest.mark.django_db(transaction=True)
def test_tidying_alone_purges_sessions_for_a_deployment_whose_tasks_run_elsewhere(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    _session("harcèlement", expires_in=dt.timedelta(seconds=-1))
    live = _session("insultes")

    call_command("worker", "--tidy-only", verbosity=0)

    assert list(Session.objects.values_list("pk", flat=True)) == [live]


@pytest.mark.django_db(transaction=True)
def test_the_worker_purges_again_on_its_schedule(settings, signals_restored, monkeypatch):
    from evidence.management.commands import worker

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    monkeypatch.setattr(worker, "PURGE_EVERY", 0.05)
    turns = []
    monkeypatch.setattr(sessions, "purge", lambda: turns.append(time.monotonic()) or 0)
    stop_after = 3

    real_run = worker.Worker.run

    def run_then_stop(self):
        real_run(self)
        if len(turns) >= stop_after:
            self.running = False

    monkeypatch.setattr(worker.Worker, "run", run_then_stop)
    started = time.monotonic()
    call_command("worker", "--interval", "0.01", verbosity=0)
    assert len(turns) == stop_after
    assert turns[-1] - turns[0] >= 2 * 0.05  # on its schedule, not at every pass
    assert time.monotonic() - started < 5


@pytest.mark.django_db(transaction=True)
def test_a_failed_purge_is_logged_and_the_next_turn_tries_again(monkeypatch, caplog):
    from django.db import OperationalError

    from evidence.management.commands import worker

    outcomes = ["purged", OperationalError("database is locked")]

    def purge():
        outcome = outcomes.pop()
        if isinstance(outcome, Exception):
            raise outcome
        return 0

    monkeypatch.setattr(sessions, "purge", purge)
    worker.housekeeping()  # a locked database: logged, not raised, the worker goes on
    assert "the scheduled purge of sessions failed" in caplog.text
    worker.housekeeping()
    assert outcomes == []  # the second turn came, after the first one failed
