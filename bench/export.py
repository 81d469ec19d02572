"""Exporting a dossier (evidence.export.jobs.run_export) against bare WeasyPrint.

Measured, for dossiers of 10, 50 and 200 pieces, each piece one phone screenshot of about
2 MB added through evidence.vault.add_piece: the whole export (collect, the tagged PDF through
the restricted fetcher, the ZIP of the originals checked against their fingerprints, sealing
both, the custody event). Baseline, same run: bare WeasyPrint rendering as many pages of one
1600 px JPEG each (the same display copies, read from plain files, no fetcher restriction).

Each measurement runs in a fresh process (bench/export_child.py), which reports its own
time and peak resident memory; the dossiers are made once, in a temporary VAR_DIR (database,
private storage, keys) that every process shares.

Targets: export time at most 1.5× the baseline's; peak memory under 300 MB at 200 pieces;
PDF under 0.25 MB per piece.

Two more references, same run, for the reader:
- "same HTML": bare WeasyPrint on the export's own HTML (the same text and images as plain
  files, default fetcher, no tags): what the app adds to WeasyPrint's own work.
- "floor": bare WeasyPrint on the least any export must lay out, one page per piece with its
  image and its fields as plain paragraphs (about 13 lines), nothing else: no cover, letter,
  tables, annex or tags. If the floor alone exceeds 1.5× the image-only baseline, the time
  target cannot be met by any export that shows the pieces' fields, whatever the app does:
  `time_target_reachable` says so.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

SIZES = (10, 50, 200)
ROUNDS = {10: 3, 50: 3, 200: 3}  # fresh processes each; the median time is kept
TARGET_TIME_RATIO = 1.5
TARGET_FLOOR_RATIO_AT_200 = 2.5  # the issue's: the export at most 2.5× the floor at 200 pieces
TARGET_PEAK_MB_AT_200 = 300
TARGET_PDF_MB_PER_PIECE = 0.25
ROOT = Path(__file__).resolve().parent.parent
# Variables that would point the children at a real database, storage or queue.
_NOT_INHERITED = ("DATABASE_URL", "PRIVATE_STORAGE_ROOT", "S3_BUCKET", "PRODUCTION", "DEBUG")


def _child(folder: str, *arguments: str) -> dict:
    env = {key: value for key, value in os.environ.items() if key not in _NOT_INHERITED}
    env.update({"VAR_DIR": folder, "DJANGO_SETTINGS_MODULE": "supportsite.settings"})
    result = subprocess.run(
        [sys.executable, "-m", "bench.export_child", *arguments],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(f"bench.export_child {arguments[0]} failed:\n{result.stderr}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def _median(values: list[float]) -> float:
    ordered = sorted(values)
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


def _median_parts(runs) -> dict[str, float]:
    """Part by part, the median of the runs' seconds."""
    runs = list(runs)
    return {name: round(_median([run.get(name, 0) for run in runs]), 2) for name in runs[0]}


def run() -> dict:
    with tempfile.TemporaryDirectory() as folder:
        jpeg_dir = Path(folder) / "baseline-jpeg"
        made = _child(folder, "setup", ",".join(map(str, SIZES)), str(jpeg_dir))
        sizes = {}
        for count in SIZES:
            dossier = made["dossiers"][str(count)]
            html_dir = str(Path(folder) / f"same-html-{count}")
            floor_dir = str(Path(folder) / f"floor-{count}")
            exported, bare, same, least = [], [], [], []
            for _ in range(ROUNDS[count]):  # interleaved: a slow moment of the machine hits all
                exported.append(_child(folder, "export", dossier))
                bare.append(_child(folder, "baseline", str(jpeg_dir), str(count)))
                same.append(_child(folder, "same-html", dossier, html_dir))
                least.append(_child(folder, "floor", dossier, floor_dir))
            if any(item["status"] != "done" for item in exported):
                raise RuntimeError(f"an export of {count} pieces failed: {exported}")
            export_s = _median([item["seconds"] for item in exported])
            bare_s = _median([item["seconds"] for item in bare])
            same_s = _median([item["seconds"] for item in same])
            floor_s = _median([item["seconds"] for item in least])
            pdf_mb = exported[-1]["pdf_bytes"] / 1_000_000
            sizes[str(count)] = {
                "export_seconds": round(export_s, 2),
                "baseline_seconds": round(bare_s, 2),
                "time_ratio": round(export_s / bare_s, 2),
                "export_peak_rss_mb": max(item["peak_rss_mb"] for item in exported),
                "baseline_peak_rss_mb": max(item["peak_rss_mb"] for item in bare),
                "pdf_mb": round(pdf_mb, 2),
                "pdf_mb_per_piece": round(pdf_mb / count, 3),
                "baseline_pdf_mb_per_page": round(bare[-1]["pdf_bytes"] / 1_000_000 / count, 3),
                "package_mb": round(exported[-1]["package_bytes"] / 1_000_000, 1),
                "export_steps_seconds": _median_parts(item["steps_seconds"] for item in exported),
                "export_pdf_phases_seconds": _median_parts(
                    item["pdf_phases_seconds"] for item in exported
                ),
                "export_garbage_collection_seconds": _median(
                    [item["garbage_collection_seconds"] for item in exported]
                ),
                "same_html_bare_weasyprint_seconds": round(same_s, 2),
                "time_ratio_to_same_html": round(export_s / same_s, 2),
                "same_html_peak_rss_mb": max(item["peak_rss_mb"] for item in same),
                "floor_bare_weasyprint_seconds": round(floor_s, 2),
                "floor_lines_per_page": least[-1]["lines_per_page"],
                "floor_ratio_to_baseline": round(floor_s / bare_s, 2),
                "time_ratio_to_floor": round(export_s / floor_s, 2),
            }
    worst_ratio = max(figures["time_ratio"] for figures in sizes.values())
    peak_200 = sizes["200"]["export_peak_rss_mb"]
    worst_pdf = max(figures["pdf_mb_per_piece"] for figures in sizes.values())
    worst_floor = max(figures["floor_ratio_to_baseline"] for figures in sizes.values())
    floor_ratio_200 = sizes["200"]["time_ratio_to_floor"]
    return {
        "what": "evidence.export.jobs.run_export: collect, tagged PDF, ZIP of the originals, "
        "sealing, custody event; each piece one ~2 MB phone screenshot (vault.add_piece)",
        "baseline_is": "bare WeasyPrint, one pre-made 1600 px JPEG per page (the same display "
        "copies, plain files, default fetcher), same run",
        "screenshot_mb": made["screenshot_mb"],
        "display_copy_kb": made["display_kb"],
        "rounds": {str(count): rounds for count, rounds in ROUNDS.items()},
        "sizes": sizes,
        "targets": {
            "time_ratio_at_most": TARGET_TIME_RATIO,
            "peak_rss_mb_at_200_pieces_under": TARGET_PEAK_MB_AT_200,
            "pdf_mb_per_piece_under": TARGET_PDF_MB_PER_PIECE,
            "time_ratio_to_floor_at_200_pieces_at_most": TARGET_FLOOR_RATIO_AT_200,
        },
        "floor_target_met": floor_ratio_200 <= TARGET_FLOOR_RATIO_AT_200,
        "time_target_met": worst_ratio <= TARGET_TIME_RATIO,
        "time_target_reachable": worst_floor <= TARGET_TIME_RATIO,
        "memory_target_met": peak_200 < TARGET_PEAK_MB_AT_200,
        "pdf_size_target_met": worst_pdf < TARGET_PDF_MB_PER_PIECE,
    }
