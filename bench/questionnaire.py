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

import http.client
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
CLIENTS = 8
REQUESTS = 2000  # per kind, over all rounds
SECONDS = 20.0  # per kind, over all rounds
ROUNDS = 10  # question, baseline, bare, question, ...: drift and noise hit them alike
WARM_UP = 40
QUESTION = "role"  # the page asked for again and again, after answering "danger"
THROUGHPUT_TARGET = 0.8
P99_TARGET = 1.25


def run() -> dict:
    with tempfile.TemporaryDirectory(prefix="bench-questionnaire-") as var_dir:
        env = {
            **os.environ,
            "VAR_DIR": var_dir,
            "DEBUG": "0",
            "PRODUCTION": "0",
            "DJANGO_SETTINGS_MODULE": "bench.settings",
        }
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "--noinput", "-v0"],
            cwd=ROOT,
            env=env,
            check=True,
        )
        port = _free_port()
        log = Path(var_dir) / "gunicorn.log"  # a file, not a pipe: a full pipe would stall it
        with open(log, "wb") as log_file:
            server = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "gunicorn",
                    "supportsite.wsgi",
                    "-w",
                    "2",
                    "-b",
                    f"{HOST}:{port}",
                    "--log-level",
                    "warning",
                ],
                cwd=ROOT,
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=log_file,
            )
        try:
            _wait_until_up(port, server, log)
            return _measure(port)
        finally:
            server.terminate()
            try:
                server.wait(timeout=15)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()


def _measure(port: int) -> dict:
    clients = [Client(port) for _ in range(CLIENTS)]
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
        _load(clients, paths[kind], WARM_UP, 10.0)
    results: dict[str, list[float]] = {kind: [] for kind in paths}
    errors = {kind: 0 for kind in paths}
    elapsed = {kind: 0.0 for kind in paths}
    for _ in range(ROUNDS):
        for kind, path in paths.items():
            started = time.perf_counter()
            latencies, failed = _load(clients, path, REQUESTS // ROUNDS, SECONDS / ROUNDS)
            elapsed[kind] += time.perf_counter() - started
            results[kind] += latencies
            errors[kind] += failed
    figures = {kind: _figures(results[kind], errors[kind], elapsed[kind]) for kind in paths}
    throughput_ratio = figures["question"]["req_per_s"] / figures["baseline"]["req_per_s"]
    p99_ratio = figures["question"]["p99_ms"] / figures["baseline"]["p99_ms"]
    total_errors = sum(errors.values())
    return {
        "what": f"GET /questionnaire/{QUESTION}/ with a session, {CLIENTS} concurrent clients, "
        "gunicorn -w 2, SQLite",
        "baseline_is": "a static page in the site's shell (base.html), same session read, "
        "same bytes",
        "bytes": sizes,
        "question": figures["question"],
        "baseline": figures["baseline"],
        # For information: a static page without the shell (no base.html, no footer).
        "bare_page": figures["bare"],
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


def _load(clients: list[Client], path: str, count: int, seconds: float) -> tuple[list[float], int]:
    """`count` GETs of `path` shared by the clients, each with its own session; or `seconds`."""
    deadline = time.perf_counter() + seconds
    remaining = [count]
    lock = threading.Lock()
    latencies: list[float] = []
    errors = [0]

    def take() -> bool:
        with lock:
            if remaining[0] <= 0 or time.perf_counter() >= deadline:
                return False
            remaining[0] -= 1
            return True

    def work(client: Client) -> None:
        while take():
            started = time.perf_counter()
            try:
                status, _ = client.get(path)
                ok = status == 200
            except OSError:
                ok = False
            spent = time.perf_counter() - started
            with lock:
                if ok:
                    latencies.append(spent)
                else:
                    errors[0] += 1

    _in_threads(work, clients)
    return latencies, errors[0]


def _in_threads(work: Callable[[Client], None], clients: list[Client]) -> None:
    threads = [threading.Thread(target=work, args=(client,)) for client in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def _figures(latencies: list[float], errors: int, elapsed: float) -> dict:
    ordered = sorted(latencies)

    def percentile(share: float) -> float:
        return ordered[min(len(ordered) - 1, int(share * len(ordered)))] * 1000 if ordered else 0

    return {
        "requests": len(ordered),
        "errors": errors,
        "req_per_s": round(len(ordered) / elapsed, 1) if elapsed else 0.0,
        "p50_ms": round(statistics.median(ordered) * 1000, 2) if ordered else 0.0,
        "p99_ms": round(percentile(0.99), 2),
    }


class Client:
    """One visitor: its own cookies (session, CSRF), one request at a time, over loopback."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, body: str | None = None) -> tuple[int, bytes, str]:
        headers = {"Host": f"{HOST}:{self.port}", "Cookie": self._cookie_header()}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Origin"] = f"http://{HOST}:{self.port}"
        connection = http.client.HTTPConnection(HOST, self.port, timeout=30)
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            content = response.read()
            for header, value in response.getheaders():
                if header.lower() == "set-cookie":
                    name, _, rest = value.partition("=")
                    self.cookies[name.strip()] = rest.split(";", 1)[0]
            return response.status, content, response.getheader("Location", "")
        finally:
            connection.close()

    def get(self, path: str) -> tuple[int, bytes]:
        status, content, _ = self.request("GET", path)
        return status, content

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

    def _cookie_header(self) -> str:
        return "; ".join(f"{name}={value}" for name, value in self.cookies.items())


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def _wait_until_up(port: int, server: subprocess.Popen, log: Path, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn stopped: {log.read_text(errors='replace')[-2000:]}")
        try:
            with socket.create_connection((HOST, port), timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("gunicorn did not start in time")
