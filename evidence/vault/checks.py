"""Checking dossiers is the task worker's work, never a page's: a full check decrypts and
hashes every blob (1.1–1.8 s for 200 MB), which no page may cost. The worker checks a dossier
when it changes (a page that sees a newer custody head than the last check asks for one), when
its owner asks, and on a schedule (`check_stale`, from the worker's housekeeping); the pages
read the last result (evidence.models.IntegrityCheck).
"""

from __future__ import annotations

import datetime as dt
import uuid

from django.db import transaction
from django.utils import timezone, translation
from django_tasks import task

from common import languages
from evidence.models import Dossier, IntegrityCheck
from evidence.vault import verification

# A dossier nobody changed is checked again after this long.
RECHECK_AFTER = dt.timedelta(hours=24)


@task()
def check_dossier(dossier_id: str) -> str:
    dossier = Dossier.objects.filter(pk=uuid.UUID(dossier_id)).first()
    if dossier is None:
        return "gone"
    return "ok" if run(dossier).ok else "problems"


def run(dossier: Dossier) -> IntegrityCheck:
    """Check now, in this process, and keep the result."""
    result = verification.verify(dossier)
    problems = {}
    for lang in languages.codes():
        with translation.override(lang):
            problems[lang] = [str(problem) for problem in result.problems]
    check, _created = IntegrityCheck.objects.update_or_create(
        dossier=dossier,
        defaults={
            "checked_at": timezone.now(),
            "ok": result.ok,
            "events": result.events,
            "blobs": result.blobs,
            "head_hash": result.head_hash,
            "problems": problems,
        },
    )
    return check


def request(dossier: Dossier) -> None:
    """Ask the worker for a check, once: a check already asked for and not run is enough."""
    with transaction.atomic():
        check, _created = IntegrityCheck.objects.select_for_update().get_or_create(dossier=dossier)
        if check.pending:
            return
        check.requested_at = timezone.now()
        check.save(update_fields=["requested_at"])
        check_dossier.enqueue(str(dossier.pk))


def latest(dossier: Dossier) -> IntegrityCheck:
    """The last check, asking for a new one when the dossier changed since (two small
    queries: this page costs the same with 5 pieces or 500)."""
    check = IntegrityCheck.objects.filter(dossier=dossier).first()
    head = dossier.events.order_by("-seq").values_list("hash", flat=True).first() or ""
    if check is None or (check.head_hash != head and not check.pending):
        request(dossier)
        check = IntegrityCheck.objects.get(dossier=dossier)
    return check


def is_current(check: IntegrityCheck, dossier: Dossier) -> bool:
    head = dossier.events.order_by("-seq").values_list("hash", flat=True).first() or ""
    return check.checked_at is not None and check.head_hash == head


def check_stale(now: dt.datetime | None = None) -> int:
    """Check every dossier whose last check is older than RECHECK_AFTER; how many were."""
    before = (now or timezone.now()) - RECHECK_AFTER
    stale = Dossier.objects.exclude(integrity_check__checked_at__gte=before)
    count = 0
    for dossier in stale.iterator():
        run(dossier)
        count += 1
    return count
