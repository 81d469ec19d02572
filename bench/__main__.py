"""Entry point of `make bench`: runs every module of this package that defines `run()`.

Each `run()` returns a dict of figures that includes the baseline measured in the same run,
the ratio against it and the target; they are printed and written to bench-results.json.
`python -m bench NAME ...` runs only the named modules, and `NAME:KEY` files its figures
under KEY (the Makefile runs dossier_page a second time on PostgreSQL that way); figures of
modules not run this time are kept from the file.
"""

from __future__ import annotations

import importlib
import json
import os
import pkgutil
import sys
import time
from pathlib import Path

import bench

RESULTS = Path(__file__).resolve().parent.parent / "bench-results.json"


def main(argv: list[str]) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "supportsite.settings")
    import django

    django.setup()
    names = argv or sorted(m.name for m in pkgutil.iter_modules(bench.__path__))
    results: dict[str, dict] = {}
    if argv and RESULTS.exists():
        results = json.loads(RESULTS.read_text(encoding="utf-8"))
    ran = 0
    for entry in names:
        name, _sep, key = entry.partition(":")
        module = importlib.import_module(f"bench.{name}")
        if not hasattr(module, "run"):
            continue
        started = time.perf_counter()
        figures = module.run()
        figures["seconds"] = round(time.perf_counter() - started, 2)
        results[key or name] = figures
        ran += 1
        print(f"{key or name}: {json.dumps(figures, ensure_ascii=False, indent=2)}")
    if not ran:
        print("No benchmark yet.")
    RESULTS.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"Figures written to {RESULTS.name}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
