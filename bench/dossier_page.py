"""A dossier's page under load, with 5 and with 200 pieces of about 2 MB each, against a static
page of the site's shell of the same size.

The page must cost the same whatever the evidence weighs: it reads rows (the last integrity
check the worker left, the pieces' fields), never a blob. gunicorn (2 sync workers) serves the
site from a temporary database and storage folder, on loopback: SQLite, or PostgreSQL when
DATABASE_URL is set (`make bench` runs both). 16 client threads, each logged in, alternate
rounds of the dossier pages and of the baseline sized to each.

Targets: throughput at least 0.8 × the baseline's, p99 latency at most 1.5 ×, at 200 pieces as
at 5, no errors.
"""

from __future__ import annotations

import os
import time

from bench.load import Client, figures, load
from bench.server import prepared, served

CLIENTS = 16
REQUESTS = 1600  # per kind, over all rounds
SECONDS = 20.0  # per kind, over all rounds
ROUNDS = 8
WARM_UP = 32
SIZES = (5, 200)
THROUGHPUT_TARGET = 0.8
P99_TARGET = 1.5


def run() -> dict:
    with prepared("bench-dossier-") as site:
        made = site.manage("-m", "bench.dossier_page_child", *map(str, SIZES), capture=True)
        session, *dossiers = made.split()
        with served(site) as live:
            return _measure(live.port, session, dict(zip(SIZES, dossiers, strict=True)))


def _measure(port: int, session: str, dossiers: dict[int, str]) -> dict:
    clients = [Client(port) for _ in range(CLIENTS)]
    for client in clients:
        client.cookies["sessionid"] = session
    paths: dict[str, str] = {}
    for size, dossier in dossiers.items():
        page = f"/dossiers/{dossier}/"
        status, content = clients[0].get(page)
        if status != 200:
            raise RuntimeError(f"the dossier page answered {status}")
        paths[f"dossier_{size}"] = page
        paths[f"baseline_{size}"] = f"/bench/baseline/?bytes={len(content)}"
    sizes = {kind: len(clients[0].get(path)[1]) for kind, path in paths.items()}
    for path in paths.values():
        load(clients, path, WARM_UP, 10.0)
    results: dict[str, list[float]] = {kind: [] for kind in paths}
    errors = {kind: 0 for kind in paths}
    elapsed = {kind: 0.0 for kind in paths}
    for _ in range(ROUNDS):
        for kind, path in paths.items():
            started = time.perf_counter()
            latencies, failed = load(clients, path, REQUESTS // ROUNDS, SECONDS / ROUNDS)
            elapsed[kind] += time.perf_counter() - started
            results[kind] += latencies
            errors[kind] += failed
    measured = {kind: figures(results[kind], errors[kind], elapsed[kind]) for kind in paths}
    by_size = {}
    for size in dossiers:
        page, baseline = measured[f"dossier_{size}"], measured[f"baseline_{size}"]
        throughput = page["req_per_s"] / baseline["req_per_s"]
        p99 = page["p99_ms"] / baseline["p99_ms"]
        by_size[f"{size}_pieces"] = {
            "bytes": sizes[f"dossier_{size}"],
            "page": page,
            "baseline": baseline,
            "throughput_ratio": round(throughput, 3),
            "p99_ratio": round(p99, 3),
            "throughput_target_met": throughput >= THROUGHPUT_TARGET,
            "p99_target_met": p99 <= P99_TARGET,
        }
    total_errors = sum(errors.values())
    database = "PostgreSQL" if os.environ.get("DATABASE_URL") else "SQLite"
    return {
        "what": f"GET a dossier's page, logged in, {CLIENTS} concurrent clients, gunicorn -w 2, "
        f"{database}; pieces of about 2 MB each",
        "baseline_is": "a static page in the site's shell, same session, same bytes",
        **by_size,
        "errors": total_errors,
        "targets": {
            "throughput_ratio_at_least": THROUGHPUT_TARGET,
            "p99_ratio_at_most": P99_TARGET,
            "errors": 0,
        },
    }
