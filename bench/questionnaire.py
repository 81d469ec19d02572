"""A questionnaire step under concurrent load, against a baseline page of the same size.

gunicorn (2 sync workers) serves the site from a temporary SQLite database, on loopback only.
Each client thread holds its own session: it starts the questionnaire, answers the first
question (a real form post, CSRF token included), then asks for the next question again and
again. The baseline (bench/views.py, served by bench/settings.py and bench/urls.py) does the same
session work and sends the same number of bytes, but no questionnaire work. Both are measured
by the same clients in the same run, in alternating rounds.

Targets: throughput at least 0.8 x the baseline's, p99 latency at most 1.25 x, no errors.
"""

from __future__ import annotations

import re
import time

from bench.load import Client, figures, load
from bench.server import prepared, served

CLIENTS = 8
REQUESTS = 2000  # per kind, over all rounds
SECONDS = 20.0  # per kind, over all rounds
ROUNDS = 10  # question, baseline, bare, question, ...: drift and noise hit them alike
WARM_UP = 40
QUESTION = "role"  # the page asked for again and again, after answering "danger"
THROUGHPUT_TARGET = 0.8
P99_TARGET = 1.25


def run() -> dict:
    with prepared("bench-questionnaire-") as site, served(site) as live:
        return _measure(live.port)


def _measure(port: int) -> dict:
    clients = [Visitor(port) for _ in range(CLIENTS)]
    for client in clients:
        client.start_questionnaire()
    size = len(clients[0].get(f"/questionnaire/{QUESTION}/")[1])
    paths = {
        "question": f"/questionnaire/{QUESTION}/",
        "baseline": f"/bench/baseline/?bytes={size}",
        "bare": f"/bench/baseline/?bytes={size}&bare=1",
    }
    sizes = {kind: len(clients[0].get(path)[1]) for kind, path in paths.items()}
    for kind in paths:
        load(clients, paths[kind], WARM_UP, 10.0)
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
    throughput_ratio = measured["question"]["req_per_s"] / measured["baseline"]["req_per_s"]
    p99_ratio = measured["question"]["p99_ms"] / measured["baseline"]["p99_ms"]
    total_errors = sum(errors.values())
    return {
        "what": f"GET /questionnaire/{QUESTION}/ with a session, {CLIENTS} concurrent clients, "
        "gunicorn -w 2, SQLite",
        "baseline_is": "a static page in the site's shell (base.html), same session read, "
        "same bytes",
        "bytes": sizes,
        "question": measured["question"],
        "baseline": measured["baseline"],
        # For information: a static page without the shell (no base.html, no footer).
        "bare_page": measured["bare"],
        "throughput_ratio": round(throughput_ratio, 3),
        "p99_ratio": round(p99_ratio, 3),
        "errors": total_errors,
        "targets": {
            "throughput_ratio_at_least": THROUGHPUT_TARGET,
            "p99_ratio_at_most": P99_TARGET,
            "errors": 0,
        },
        "throughput_target_met": throughput_ratio >= THROUGHPUT_TARGET,
        "p99_target_met": p99_ratio <= P99_TARGET,
        "errors_target_met": total_errors == 0,
    }


class Visitor(Client):
    """A client who answers the first question (which creates the session)."""

    def start_questionnaire(self) -> None:
        """Answer the first question through its form: this creates the session."""
        status, page, _ = self.request("GET", "/questionnaire/danger/")
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        if status != 200 or not token:
            raise RuntimeError(f"the danger question did not load ({status})")
        body = f"csrfmiddlewaretoken={token[1].decode()}&danger=none"
        status, _, location = self.request("POST", "/questionnaire/danger/", body)
        if status != 303 or not location.endswith(f"/questionnaire/{QUESTION}/"):
            raise RuntimeError(f"answering did not lead on ({status} {location})")
