"""Real servers for the production-path tests and `make prod-check`, each started on a free
loopback port, in a temporary folder, and stopped when its block ends, on failure too.

Redis is Debian's `redis-server`; the S3-compatible server is moto's (`moto[server]`), over
real HTTP; the web nodes are gunicorn and the task workers the site's own management
commands, each a child process configured only by environment variables, as in production.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable
BIN = Path(PYTHON).parent
# What the test run's own environment must not pass on: a child is configured by what it is
# given here, like a production service by its unit file.
NOT_INHERITED = (
    "DJANGO_ALLOW_ASYNC_UNSAFE",
    "DATABASE_URL",
    "VAR_DIR",
    "PRIVATE_STORAGE_ROOT",
    "PRODUCTION",
    "DEBUG",
    "SECRET_KEY",
    "EVIDENCE_",
    "S3_",
    "REDIS_URL",
    "TASKS_BACKEND",
    "WEB_NODES",
    "TRUSTED_PROXY_COUNT",
    "ALLOWED_HOSTS",
    "CSRF_TRUSTED_ORIGINS",
    "SECURE_",
    "TSA_",
)
STARTUP_SECONDS = 30


class ServerFailed(RuntimeError):
    pass


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def child_environment(env: Mapping[str, str]) -> dict[str, str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith(NOT_INHERITED)}
    environment.update(env)
    return environment


class Child:
    """A child process whose output goes to a log file, read back when something fails."""

    def __init__(self, name: str, args: list[str], *, env: Mapping[str, str], log: Path):
        self.name = name
        self.log = log
        self._log_file = log.open("wb")
        # A session of its own: stopping it stops what it started (gunicorn's workers, RQ's
        # work-horses), and nothing else.
        self.process = subprocess.Popen(
            args,
            cwd=ROOT,
            env=child_environment(env),
            stdin=subprocess.DEVNULL,
            stdout=self._log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def output(self) -> str:
        self._log_file.flush()
        return self.log.read_text(errors="replace")

    def check_running(self) -> None:
        if self.process.poll() is not None:
            raise ServerFailed(
                f"{self.name} stopped (exit {self.process.returncode}):\n{self.output()[-4000:]}"
            )

    def wait_for_port(self, port: int, timeout: float = STARTUP_SECONDS) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.check_running()
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                    return
            except OSError:
                time.sleep(0.1)
        raise ServerFailed(f"{self.name} did not listen on {port}:\n{self.output()[-4000:]}")

    def stop(self) -> None:
        if self.process.poll() is None:
            try:
                os.killpg(self.process.pid, signal.SIGTERM)
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=5)
            except ProcessLookupError:
                pass
        self._log_file.close()


@contextmanager
def running(name: str, args: list[str], *, env: Mapping[str, str], log: Path) -> Iterator[Child]:
    child = Child(name, args, env=env, log=log)
    try:
        yield child
    finally:
        child.stop()


def redis_server_path() -> str | None:
    return shutil.which("redis-server")


@contextmanager
def redis_server(folder: Path) -> Iterator[str]:
    """A throwaway Redis (Debian's redis-server) on a free port; yields its URL."""
    executable = redis_server_path()
    if executable is None:
        raise ServerFailed("redis-server is missing: run `make test`, which installs it")
    folder.mkdir(parents=True, exist_ok=True)
    port = free_port()
    args = [
        executable,
        "--port", str(port),
        "--bind", "127.0.0.1",
        "--dir", str(folder),
        "--save", "",
        "--appendonly", "no",
        "--protected-mode", "yes",
    ]  # fmt: skip
    with running("redis-server", args, env={}, log=folder / "redis.log") as child:
        child.wait_for_port(port)
        yield f"redis://127.0.0.1:{port}/0"


@contextmanager
def s3_server(folder: Path) -> Iterator[str]:
    """moto's S3-compatible server, over real HTTP on a free port; yields its endpoint URL."""
    folder.mkdir(parents=True, exist_ok=True)
    port = free_port()
    args = [PYTHON, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)]
    with running("moto server", args, env={}, log=folder / "moto.log") as child:
        child.wait_for_port(port)
        yield f"http://127.0.0.1:{port}"


def manage(*args: str, env: Mapping[str, str], timeout: float = 300) -> str:
    """Run a management command as its own process; its output, or ServerFailed naming it."""
    result = subprocess.run(
        [PYTHON, "manage.py", *args],
        cwd=ROOT,
        env=child_environment(env),
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if result.returncode != 0:
        raise ServerFailed(
            f"manage.py {' '.join(args)} failed ({result.returncode}):\n"
            f"{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
        )
    return result.stdout


@contextmanager
def web_node(
    folder: Path,
    env: Mapping[str, str],
    *,
    workers: int = 2,
    tls: tuple[Path, Path] | None = None,
) -> Iterator[str]:
    """gunicorn serving the site with these variables; yields its base URL. With `tls`
    (certificate, key) it speaks HTTPS itself, as a proxy in front of it would."""
    folder.mkdir(parents=True, exist_ok=True)
    port = free_port()
    args = [
        str(BIN / "gunicorn"), "supportsite.wsgi",
        "--bind", f"127.0.0.1:{port}",
        "--workers", str(workers),
        "--timeout", "120",
        "--access-logfile", "-",
    ]  # fmt: skip
    if tls is not None:
        args += ["--certfile", str(tls[0]), "--keyfile", str(tls[1])]
    with running(f"gunicorn on {port}", args, env=env, log=folder / "gunicorn.log") as child:
        child.wait_for_port(port)
        yield f"{'https' if tls else 'http'}://127.0.0.1:{port}"
        child.check_running()


@contextmanager
def task_worker(folder: Path, env: Mapping[str, str], command: list[str]) -> Iterator[Child]:
    """A task worker (`manage.py worker` or `manage.py rqworker …`) with these variables."""
    folder.mkdir(parents=True, exist_ok=True)
    args = [PYTHON, "manage.py", *command]
    with running(command[0], args, env=env, log=folder / f"{command[0]}.log") as child:
        yield child
