"""Entry point of `make bench`."""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

# Each benchmark is a function returning a dict of figures, including "ratio" and "target".
BENCHMARKS: dict[str, Callable[[], dict]] = {}

RESULTS = Path(__file__).resolve().parent.parent / "bench-results.json"


def main(argv: list[str]) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "supportsite.settings")
    import django

    django.setup()
    wanted = argv or list(BENCHMARKS)
    results: dict[str, dict] = {}
    for name in wanted:
        started = time.perf_counter()
        results[name] = BENCHMARKS[name]()
        results[name]["seconds"] = round(time.perf_counter() - started, 2)
        print(f"{name}: {json.dumps(results[name], ensure_ascii=False)}")
    if not results:
        print("No benchmark registered yet.")
    RESULTS.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"Figures written to {RESULTS.name}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
