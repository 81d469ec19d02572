"""One step of bench/export.py, run in a fresh process so that its peak memory is its own.

The parent gives every child the same VAR_DIR (a temporary folder): the SQLite database, the
private storage and the encryption keys live there, exactly as in a local run.

    python -m bench.export_child setup 10,50,200 JPEG_DIR   dossiers of that many pieces
    python -m bench.export_child export DOSSIER_ID            one export through run_export
    python -m bench.export_child baseline JPEG_DIR PAGES      bare WeasyPrint, one image a page
    python -m bench.export_child same-html DOSSIER_ID FOLDER  bare WeasyPrint, the export's HTML
    python -m bench.export_child floor DOSSIER_ID FOLDER      bare WeasyPrint, image + fields

Each prints one line of JSON; `seconds` times the work alone (not Python's start-up), and
`peak_rss_mb` is the process's own peak resident memory (ru_maxrss), start-up included.
"""

from __future__ import annotations

import gc
import json
import logging
import os
import resource
import sys
import time
import uuid
from multiprocessing import Pool
from pathlib import Path


def _peak_rss_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)  # KiB on Linux


def _django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "supportsite.settings")
    import django

    django.setup()


def _screenshot(_number: int) -> bytes:
    from bench.ingest import phone_screenshot

    return phone_screenshot()  # its photo is random noise: each call gives another image


def setup(counts: list[int], jpeg_dir: Path) -> dict:
    _django()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from evidence.complaint import services as complaint
    from evidence.models import Concerns, Dossier, Kind, Role, Sensitivity
    from evidence.sealing import sealed_files
    from evidence.vault import derivatives
    from evidence.vault import services as vault

    call_command("migrate", verbosity=0)
    with Pool() as pool:
        images = pool.map(_screenshot, range(max(counts)))
    user = get_user_model().objects.create_user("bench", password=None)
    facts = {"role": "victim", "victim_age": "15_17", "acts": ["insults"]}
    dossiers = {}
    for count in counts:
        dossier = vault.create_dossier(
            user,
            {"title": f"bench {count}", "concerns": Concerns.SELF, "role": Role.VICTIM,
             "facts": facts},
        )  # fmt: skip
        complaint.save_section(
            dossier,
            {
                "complainant": {"name": "Camille Durand", "address": "8 quai de la Fosse, Nantes"},
                "suspects": [{"name": "", "pseudonyms": ["@tom_75"], "details": ""}],
                "tribunal_city": "Nantes",
                "place": "Nantes",
            },
            version=0,
        )
        for number in range(count):
            fields = {
                "kind": Kind.IMAGE,
                "sensitivity": Sensitivity.NO,
                "title": f"Message insultant n° {number + 1}",
                "platform": "instagram",
                "url": f"https://www.instagram.com/p/bench{number}/",
                "author_displayed": "@tom_75",
                "published_raw": f"{1 + number % 28:02d}/03/2025 22:47",
                "description": "Un commentaire insultant sous une photo.",
                "transcript": "t'es vraiment nulle, personne ne t'aime",
                "added_by_role": Role.VICTIM,
            }
            upload = vault.Upload(f"IMG_{number:04d}.PNG", images[number])
            piece = vault.add_piece(dossier, user, fields, [upload])
            # The worker's part, as it runs it: the per-account budget of pixels waiting for
            # the worker would refuse the next screenshots, and the export finds them made.
            derivatives.make_for(piece.files.get().pk)
        dossiers[str(count)] = str(dossier.pk)
    # The baseline renders the very display copies the export embeds, from plain files.
    jpeg_dir.mkdir(parents=True, exist_ok=True)
    largest = Dossier.objects.get(pk=dossiers[str(max(counts))])
    for piece in largest.pieces.prefetch_related("files"):
        file = piece.files.get()
        (jpeg_dir / f"page-{piece.number:04d}.jpg").write_bytes(
            sealed_files.read(file.display_name)
        )
    return {
        "dossiers": dossiers,
        "screenshot_mb": round(sum(map(len, images)) / len(images) / 1_000_000, 2),
        "display_kb": round(
            sum(p.stat().st_size for p in jpeg_dir.iterdir()) / len(images) / 1000, 1
        ),
    }


def export(dossier_id: str) -> dict:
    _django()
    from evidence.export import jobs as exports
    from evidence.export.tasks import export_dossier
    from evidence.models import Dossier, Export

    marks = []  # (step, when): where the time goes
    step = exports._Progress.step
    phases = _WeasyPrintPhases()

    def timed_step(progress, name):
        marks.append((name, time.perf_counter()))
        phases.close_at(marks[-1][1])  # WeasyPrint's last step ends with the export's
        step(progress, name)

    exports._Progress.step = timed_step
    logging.getLogger("weasyprint.progress").addHandler(phases)
    collecting: list[float] = []  # the cycle collector's time, collection by collection
    gc.callbacks.append(lambda phase, _info: collecting.append(time.perf_counter()))
    dossier = Dossier.objects.get(pk=dossier_id)
    requested, _created = exports.request_export(dossier, dossier.owner, uuid.uuid4())
    started = time.perf_counter()
    export_dossier.call(str(requested.pk))  # as the worker runs it
    done = Export.objects.get(pk=requested.pk)
    finished = time.perf_counter()
    seconds = finished - started
    ends = [when for _name, when in marks[1:]] + [finished]
    steps = {"collect": round(marks[0][1] - started, 2)} if marks else {}
    steps.update(
        {name: round(end - when, 2) for (name, when), end in zip(marks, ends, strict=True)}
    )
    return {
        "steps_seconds": steps,
        "pdf_phases_seconds": phases.seconds,
        "garbage_collection_seconds": round(sum(collecting[1::2]) - sum(collecting[0::2]), 2),
        "status": done.status,
        "error": done.error,
        "seconds": round(seconds, 2),
        "peak_rss_mb": _peak_rss_mb(),
        "pieces": done.pieces,
        "pdf_bytes": done.pdf_size,
        "package_bytes": done.package_size,
    }


class _WeasyPrintPhases(logging.Handler):
    """WeasyPrint's steps, timed from the lines of its progress logger: parsing the HTML,
    applying the CSS, making the boxes, the layout page by page, drawing the PDF, and its
    metadata (the tags' structure tree)."""

    NAMES = {
        "Step 1": "parse_html",
        "Step 2": "parse_css",
        "Step 3": "apply_css",
        "Step 4": "boxes",
        "Step 5": "layout",
        "Step 6": "draw",
        "Step 7": "metadata_and_tags",
    }

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.seconds: dict[str, float] = {}
        self._current: tuple[str, float] | None = None

    def emit(self, record: logging.LogRecord) -> None:
        name = self.NAMES.get(str(record.msg)[:6])
        if name and (self._current is None or self._current[0] != name):
            self.close_at(time.perf_counter())
            self._current = (name, time.perf_counter())

    def close_at(self, when: float) -> None:
        if self._current is not None:
            name, started = self._current
            self.seconds[name] = round(self.seconds.get(name, 0) + when - started, 2)
            self._current = None


def same_html(dossier_id: str, folder: Path) -> dict:
    """Bare WeasyPrint on the export's own HTML (same text, same images as plain files, the
    default fetcher, no tags, images in memory): what the PDF itself costs."""
    _django()
    from django.contrib.staticfiles import finders
    from django.utils import timezone
    from weasyprint import HTML

    from evidence.export.document.collect import collect
    from evidence.export.document.render import STYLESHEET, dossier_html
    from evidence.models import Dossier

    html, resources = dossier_html(collect(Dossier.objects.get(pk=dossier_id), now=timezone.now()))
    folder.mkdir(parents=True, exist_ok=True)
    for number, (url, load) in enumerate(resources.items()):
        if url.endswith(".css"):
            path = Path(finders.find(STYLESHEET))
        else:
            path = folder / f"image-{number:04d}.jpg"
            path.write_bytes(load()[0])
        html = html.replace(f'"{url}"', f'"{path.as_uri()}"')
    started = time.perf_counter()
    pdf = HTML(string=html, base_url=str(folder)).write_pdf()
    seconds = time.perf_counter() - started
    return {"seconds": round(seconds, 2), "peak_rss_mb": _peak_rss_mb(), "pdf_bytes": len(pdf)}


def floor(dossier_id: str, folder: Path) -> dict:
    """Bare WeasyPrint on the least a dossier's pieces can be: for each piece, one page with
    its display image and, as plain paragraphs, the text the issue requires of it (number and
    title, every field filled in, the SHA-256 of its original). No cover, letter, chronology,
    tables or annex, no tags, no fetcher, default styles: a floor under any export that shows
    the pieces' fields, whatever the app does."""
    _django()
    from dataclasses import fields

    from django.utils import timezone
    from django.utils.html import escape
    from weasyprint import HTML

    from evidence.export.document.collect import collect
    from evidence.models import Dossier

    data = collect(Dossier.objects.get(pk=dossier_id), now=timezone.now())
    folder.mkdir(parents=True, exist_ok=True)
    pages = []
    for piece in data.pieces:
        lines = [f"Pièce n° {piece.number} — {piece.title}"]
        for item in fields(piece):
            value = getattr(piece, item.name)
            if item.name not in ("number", "title", "files") and value not in ("", None, ()):
                lines.append(f"{item.name} : {value}")
        images = []
        for index, file in enumerate(piece.files):
            lines.append(f"SHA-256 : {file.sha256}")
            if file.display:
                path = folder / f"piece-{piece.number:04d}-{index}.jpg"
                path.write_bytes(file.display())
                images.append(f'<img src="{path.as_uri()}" alt="">')
        text = "".join(f"<p>{escape(line)}</p>" for line in lines)
        pages.append(f'<div class="page">{text}{"".join(images)}</div>')
    html = BASELINE_HTML.format(pages="".join(pages)).replace("250mm", "150mm")
    started = time.perf_counter()
    pdf = HTML(string=html, base_url=str(folder)).write_pdf()
    seconds = time.perf_counter() - started
    return {
        "seconds": round(seconds, 2),
        "peak_rss_mb": _peak_rss_mb(),
        "lines_per_page": round(sum(page.count("<p>") for page in pages) / len(pages), 1),
        "pdf_bytes": len(pdf),
    }


BASELINE_HTML = """<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>b</title>
<style>@page {{ size: A4; margin: 20mm }} .page {{ break-after: page }}
img {{ display: block; max-width: 100%; max-height: 250mm; margin: 0 auto }}</style>
</head><body>{pages}</body></html>"""


def baseline(jpeg_dir: Path, pages: int) -> dict:
    from weasyprint import HTML

    images = sorted(jpeg_dir.glob("page-*.jpg"))[:pages]
    html = BASELINE_HTML.format(
        pages="".join(
            f'<div class="page"><img src="{path.as_uri()}" alt=""></div>' for path in images
        )
    )
    started = time.perf_counter()
    pdf = HTML(string=html, base_url=str(jpeg_dir)).write_pdf()
    seconds = time.perf_counter() - started
    return {
        "seconds": round(seconds, 2),
        "peak_rss_mb": _peak_rss_mb(),
        "pages": len(images),
        "pdf_bytes": len(pdf),
    }


def main(argv: list[str]) -> int:
    command, *arguments = argv
    if command == "setup":
        result = setup([int(n) for n in arguments[0].split(",")], Path(arguments[1]))
    elif command == "export":
        result = export(arguments[0])
    elif command == "same-html":
        result = same_html(arguments[0], Path(arguments[1]))
    elif command == "floor":
        result = floor(arguments[0], Path(arguments[1]))
    elif command == "baseline":
        result = baseline(Path(arguments[0]), int(arguments[1]))
    else:
        raise SystemExit(f"unknown step {command!r}")
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
