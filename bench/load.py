"""Load for benchmarks: clients with their own cookies, each over its own connections, sharing a
number of requests or a time budget, and the figures of what they measured."""

from __future__ import annotations

import http.client
import statistics
import threading
import time
from collections.abc import Callable

from bench.server import HOST


def load(clients: list[Client], path: str, count: int, seconds: float) -> tuple[list[float], int]:
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

    in_threads(work, clients)
    return latencies, errors[0]


def in_threads(work: Callable[[Client], None], clients: list[Client]) -> None:
    threads = [threading.Thread(target=work, args=(client,)) for client in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def figures(latencies: list[float], errors: int, elapsed: float) -> dict:
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

    def _cookie_header(self) -> str:
        return "; ".join(f"{name}={value}" for name, value in self.cookies.items())
