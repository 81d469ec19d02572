"""One-time tokens are remembered a day, long enough for any Back then submit, then purged by
the worker's periodic round."""

import datetime as dt
import uuid

import pytest
from django.utils import timezone

from common import submissions
from common.models import Submission
from evidence.management.commands import worker as worker_command

pytestmark = pytest.mark.django_db


def test_a_token_works_once():
    token = uuid.uuid4()
    assert submissions.first_time(token, form="note")
    assert not submissions.first_time(token, form="note")
    assert submissions.was_sent(token, form="note")


def test_the_workers_round_forgets_tokens_older_than_a_day():
    old, recent = uuid.uuid4(), uuid.uuid4()
    submissions.first_time(old, form="note")
    submissions.first_time(recent, form="note")
    Submission.objects.filter(token=old).update(
        created_at=timezone.now() - submissions.KEPT_FOR - dt.timedelta(minutes=1)
    )
    worker_command.tidy()
    assert list(Submission.objects.values_list("token", flat=True)) == [recent]
