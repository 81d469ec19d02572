"""The site served for a benchmark: a temporary VAR_DIR, migrated, and gunicorn on a free port
of loopback, stopped however the measurement ends."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"


@dataclass(frozen=True)
class Site:
    port: int
    var_dir: Path
    env: dict[str, str]
    pid: int = 0  # gunicorn's master, once served

    def manage(self, *args: str, capture: bool = False) -> str:
        """Run a command of the site (or `-m module`) in its environment; its output."""
        command = (
            [sys.executable, *args] if args[0] == "-m" else [sys.executable, "manage.py", *args]
        )
        done = subprocess.run(
            command, cwd=ROOT, env=self.env, check=True, capture_output=capture, text=True
        )
        return done.stdout if capture else ""


@contextmanager
def prepared(prefix: str, **env: str) -> Iterator[Site]:
    """A migrated temporary site, not yet served (port 0)."""
    with tempfile.TemporaryDirectory(prefix=prefix) as var_dir:
        environment = {
            **os.environ,
            "VAR_DIR": var_dir,
            "DEBUG": "0",
            "PRODUCTION": "0",
            "DJANGO_SETTINGS_MODULE": "bench.settings",
            **env,
        }
        site = Site(0, Path(var_dir), environment)
        site.manage("migrate", "--noinput", "-v0")
        yield site


@contextmanager
def served(site: Site, *gunicorn_args: str) -> Iterator[Site]:
    """The site under gunicorn (`supportsite.wsgi` with these arguments, 2 sync workers by
    default), until the block ends."""
    port = free_port()
    env = {**site.env, "GUNICORN_BIND": f"{HOST}:{port}"}
    args = list(gunicorn_args) or ["-w", "2"]
    log = site.var_dir / "gunicorn.log"  # a file, not a pipe: a full pipe would stall it
    with open(log, "wb") as log_file:
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", *args, "-b", f"{HOST}:{port}",
             "--log-level", "warning", "supportsite.wsgi"],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=log_file,
        )  # fmt: skip
    try:
        wait_until_up(port, server, log)
        yield Site(port, site.var_dir, env, server.pid)
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def wait_until_up(port: int, server: subprocess.Popen, log: Path, timeout: float = 30.0) -> None:
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
