"""Ingesting a phone screenshot through the vault's own upload path, against bare Pillow.

Measured: evidence.vault.services.add_piece, the function the upload view calls (SHA-256,
inspection, AES-GCM of the original, private storage, rows and the custody event), then the
worker's part, evidence.vault.derivatives.make_for (decoding, display copy and thumbnail, their
AES-GCM, the custody event), on a 1170×2532 PNG of about 2 MB, in a temporary SQLite database
and storage folder; the web request's own share is reported beside the whole.
Baseline, same file, same run: Image.open + verify + one thumbnail + SHA-256.
Target: at most 3× the baseline (medians).
"""

from __future__ import annotations

import hashlib
import statistics
import tempfile
import time
from io import BytesIO
from pathlib import Path

from PIL import Image, ImageDraw

SCREEN = (1170, 2532)
ROUNDS = 15
WARM_UP = 2
TARGET_RATIO = 3.0


def phone_screenshot() -> bytes:
    """A conversation with a photo in it: text-like bubbles, plus noise so it weighs ~2 MB."""
    width, height = SCREEN
    image = Image.new("RGB", SCREEN, "white")
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, width, 180), fill=(245, 245, 245))
    for row, top in enumerate(range(260, height - 200, 220)):
        mine = row % 2 == 1
        left = 420 if mine else 40
        fill = (0, 122, 255) if mine else (229, 229, 234)
        draw.rounded_rectangle((left, top, left + 700, top + 170), radius=40, fill=fill)
        ink = "white" if mine else "black"
        for line in range(3):
            draw.text((left + 30, top + 25 + line * 40), f"message {row}.{line} : t'es nul", ink)
    photo = Image.merge("RGB", [Image.effect_noise((width, 640), 24) for _ in range(3)])
    image.paste(photo, (0, 1000))
    buffer = BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def bare_pillow(data: bytes) -> None:
    hashlib.sha256(data).hexdigest()
    with Image.open(BytesIO(data)) as image:
        image.verify()
    with Image.open(BytesIO(data)) as image:
        image.thumbnail((320, 320))


def run() -> dict:
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test.utils import override_settings

    from evidence.models import Concerns, Kind, Role, Sensitivity
    from evidence.vault import derivatives
    from evidence.vault import services as vault

    data = phone_screenshot()
    with tempfile.TemporaryDirectory() as folder:
        private = Path(folder) / "private"
        storages = {
            **settings.STORAGES,
            "default": {
                "BACKEND": "django.core.files.storage.FileSystemStorage",
                "OPTIONS": {"location": private, "base_url": None},
            },
        }
        test_database = connection.settings_dict["TEST"]
        if connection.vendor == "sqlite":  # a file, as in production, not the in-memory default
            test_database["NAME"] = f"{folder}/bench.sqlite3"
        # The worker's part is timed here too, in this process: the queue only keeps the task.
        tasks = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
        with override_settings(STORAGES=storages, TASKS=tasks):
            original_name = connection.creation.create_test_db(verbosity=0, serialize=False)
            try:
                user = get_user_model().objects.create_user("bench", password=None)
                dossier = vault.create_dossier(
                    user, {"title": "bench", "concerns": Concerns.SELF, "role": Role.VICTIM}
                )
                fields = {
                    "kind": Kind.IMAGE,
                    "sensitivity": Sensitivity.NO,
                    "published_raw": "14/03/2025 22:47",
                    "description": "bench",
                    "added_by_role": Role.VICTIM,
                }
                vault_ms, request_ms, pillow_ms = [], [], []
                for round_number in range(WARM_UP + ROUNDS):
                    started = time.perf_counter()
                    upload = vault.Upload("screenshot.png", data)
                    piece = vault.add_piece(dossier, user, fields, [upload])
                    requested = time.perf_counter()
                    derivatives.make_for(piece.files.get().pk)  # the worker's part
                    vault_elapsed = time.perf_counter() - started
                    request_elapsed = requested - started
                    started = time.perf_counter()
                    bare_pillow(data)
                    pillow_elapsed = time.perf_counter() - started
                    if round_number >= WARM_UP:
                        vault_ms.append(vault_elapsed * 1000)
                        request_ms.append(request_elapsed * 1000)
                        pillow_ms.append(pillow_elapsed * 1000)
                stored = sum(1 for path in private.rglob("*") if path.is_file())
            finally:
                connection.creation.destroy_test_db(original_name, verbosity=0)
    vault_median = statistics.median(vault_ms)
    pillow_median = statistics.median(pillow_ms)
    ratio = vault_median / pillow_median
    return {
        "file": f"PNG {SCREEN[0]}x{SCREEN[1]}, {len(data) / 1_000_000:.2f} MB",
        "rounds": ROUNDS,
        "vault_add_piece_and_derivatives_median_ms": round(vault_median, 1),
        "of_which_in_the_web_request_median_ms": round(statistics.median(request_ms), 1),
        "baseline_pillow_open_verify_thumbnail_sha256_median_ms": round(pillow_median, 1),
        "ratio": round(ratio, 2),
        "target_ratio": TARGET_RATIO,
        "met": ratio <= TARGET_RATIO,
        "blobs_stored": stored,
    }
