"""Vault actions in processes of their own, for tests/production/test_concurrency.py.

    python -m tests.production.children add-piece DOSSIER_ID --times 16
    python -m tests.production.children request-export DOSSIER_ID --times 2
    python -m tests.production.children create-dossier OWNER_ID --token UUID --times 2
    python -m tests.production.children delete-piece PIECE_ID --times 2
    python -m tests.production.children run-export EXPORT_ID --pause-in collect|pdf

All but the last set Django up once, then fork one process per action (each opens its own
database connection), which all wait at a barrier and act at the same instant; the results
are printed as one JSON list. `run-export` runs one export and stops at the step named, says
"paused" and waits for a line on its standard input before going on, so that the test can
change the dossier at that very moment. The database and the storage are those of the
environment (tests/production/conftest.py points them at the test's).
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import sys
import uuid

BARRIER_SECONDS = 60


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "supportsite.settings")
    import django

    django.setup()


def _in_parallel(times: int, act, *args) -> list:
    """`act(index, *args, ready)` in `times` forked processes; each calls `ready()` once it
    has read what a view would have read first, and all go on from there at the same
    instant. Their results, in order."""
    from django.db import connections

    connections.close_all()  # each process opens its own
    context = multiprocessing.get_context("fork")
    barrier = context.Barrier(times)
    results = context.Queue()

    def child(index: int) -> None:
        try:
            results.put((index, act(index, *args, lambda: barrier.wait(timeout=BARRIER_SECONDS))))
        except BaseException as error:
            results.put((index, {"error": repr(error)}))
            raise
        finally:
            connections.close_all()

    processes = [context.Process(target=child, args=(index,)) for index in range(times)]
    for process in processes:
        process.start()
    found = dict(results.get(timeout=BARRIER_SECONDS * 3) for _ in processes)
    for process in processes:
        process.join(timeout=BARRIER_SECONDS)
    return [found[index] for index in range(times)]


def _small_screenshot(index: int) -> bytes:
    """A small PNG of its own colour: what is measured is the locking, not the imaging."""
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (96, 160), (15 * index, 90, 255 - 15 * index)).save(buffer, "PNG")
    return buffer.getvalue()


def add_piece(index: int, dossier_id: str, token: str, ready) -> dict:
    from evidence.models import Dossier
    from evidence.vault import services as vault
    from tests.evidence.factories import piece_fields

    dossier = Dossier.objects.select_related("owner").get(pk=dossier_id)
    upload = vault.Upload(f"IMG_{index:04d}.PNG", _small_screenshot(index))
    ready()
    piece = vault.add_piece(dossier, dossier.owner, piece_fields(), [upload])
    return {"number": piece.number}


def request_export(index: int, dossier_id: str, token: str, ready) -> dict:
    from evidence.export import jobs as exports
    from evidence.models import Dossier

    dossier = Dossier.objects.select_related("owner").get(pk=dossier_id)
    ready()
    export, created = exports.request_export(dossier, dossier.owner, uuid.uuid4())
    return {"export": str(export.pk), "created": created}


def create_dossier(index: int, owner_id: str, token: str, ready) -> dict:
    """The new-dossier form as sent (its one-time token included), twice at once."""
    from django.contrib.auth import get_user_model

    from evidence.models import Concerns, Role
    from evidence.vault import services as vault

    owner = get_user_model().objects.get(pk=owner_id)
    fields = {"title": "Instagram", "concerns": Concerns.SELF, "role": Role.VICTIM}
    ready()
    dossier = vault.create_dossier(owner, fields, token=uuid.UUID(token))
    return {"dossier": str(dossier.pk)}


def delete_piece(index: int, piece_id: str, token: str, ready) -> dict:
    """The piece's delete form, confirmed twice at once (a double tap)."""
    from evidence.models import Piece
    from evidence.vault import services as vault

    piece = Piece.objects.select_related("dossier__owner").get(pk=piece_id)  # the view's check
    ready()
    vault.delete_piece(piece, piece.dossier.owner)
    return {"deleted": True}


def _pause(where: str) -> None:
    print("paused", where, flush=True)
    sys.stdin.readline()


def run_export(export_id: str, pause_in: str) -> dict:
    """Run the export as the worker does, stopping once at `pause_in`: "collect", between
    reading the pieces and reading the custody log; "pdf", before the PDF is drawn."""
    from evidence.export import jobs
    from evidence.export.document import collect

    paused = False

    def once() -> None:
        nonlocal paused
        if not paused:
            paused = True
            _pause(pause_in)

    if pause_in == "collect":
        original_offences = collect.offences  # called after the pieces, before the log

        def offences(*args, **kwargs):
            once()
            return original_offences(*args, **kwargs)

        collect.offences = offences
    else:
        original_pdf = jobs.write_dossier_pdf

        def write_dossier_pdf(*args, **kwargs):
            once()
            return original_pdf(*args, **kwargs)

        jobs.write_dossier_pdf = write_dossier_pdf
    export = jobs.run_export(export_id)
    return {"status": export.status, "error": export.error} if export else {"status": "gone"}


def main(argv: list[str]) -> None:
    parallel = {
        "add-piece": add_piece,
        "request-export": request_export,
        "create-dossier": create_dossier,
        "delete-piece": delete_piece,
    }
    parser = argparse.ArgumentParser()
    parser.add_argument("action", choices=[*parallel, "run-export"])
    parser.add_argument("target")
    parser.add_argument("--times", type=int, default=1)
    parser.add_argument("--token", default="")
    parser.add_argument("--pause-in", choices=["collect", "pdf"], default="pdf")
    options = parser.parse_args(argv)
    _setup()
    if options.action == "run-export":
        result: object = run_export(options.target, options.pause_in)
    else:
        act = parallel[options.action]
        result = _in_parallel(options.times, act, options.target, options.token)
    print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
