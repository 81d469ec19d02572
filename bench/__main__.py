"""Entry point of `make bench`: runs every module of this package that defines `run()`.

Each `run()` returns a dict of figures that includes the baseline measured in the same run,
the ratio against it and the target; they are printed and written to bench-results.json.
`python -m bench NAME ...` runs only the named modules.
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
    for name in names:
        module = importlib.import_module(f"bench.{name}")
        if not hasattr(module, "run"):
            continue
        started = time.perf_counter()
        figures = module.run()
        figures["seconds"] = round(time.perf_counter() - started, 2)
        results[name] = figures
        print(f"{name}: {json.dumps(figures, ensure_ascii=False, indent=2)}")
    if not results:
        print("No benchmark yet.")
    RESULTS.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"Figures written to {RESULTS.name}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
