"""Small strict readers of environment variables (after healthchecks' hc/settings.py), and
the local folders and files the settings point at, kept private.

Each reader fails loudly on a value it does not understand instead of guessing: a typo in a
production variable must stop the start-up, not silently switch a safety setting off.
"""

from __future__ import annotations

import os
import secrets
import stat
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def envbool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false, yes/no), not {raw!r}")


def envint(name: str, default: int, *, required: bool = False) -> int:
    """A whole number; `required` when no default can be right for every site (0 included)."""
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        if required:
            raise ImproperlyConfigured(f"{name} must be set in production")
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}") from None


def envstr(name: str, default: str = "") -> str:
    return os.environ.get(name, default).strip()


def envlist(name: str, default: list[str] | None = None) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return list(default or [])
    return [item.strip() for item in raw.split(",") if item.strip()]


def envsecret(name: str, fallback_file: Path, *, generate=None, allow_file: bool = True) -> str:
    """A secret from the environment or, for local runs, from a git-ignored file made once.

    `generate` makes a new value for the file; `allow_file=False` (production) demands the
    variable, because a secret generated on one server would differ on the next.
    """
    value = os.environ.get(name, "").strip()
    if value:
        return value
    if not allow_file:
        raise ImproperlyConfigured(f"{name} must be set in production")
    private_folder(fallback_file.parent)
    if fallback_file.exists():
        _owner_only(fallback_file, PRIVATE_FILE)
        return fallback_file.read_text(encoding="utf-8").strip()
    value = (generate or (lambda: secrets.token_urlsafe(50)))()
    # Created private (0600) from the start: the file holds a secret.
    fd = os.open(fallback_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(value + "\n")
    return value


# --- Local data, readable by its owner only -----------------------------------------------------

PRIVATE_FOLDER = 0o700
PRIVATE_FILE = 0o600


def private_folder(path: Path) -> Path:
    """The folder, and any parent made for it, open to its owner only (0700), even if it
    already existed open to others (an older install): it holds a victim's data or secrets."""
    for folder in reversed([path, *path.parents]):
        if not folder.exists():
            folder.mkdir(mode=PRIVATE_FOLDER, exist_ok=True)
            _owner_only(folder, PRIVATE_FOLDER)  # the umask may have taken bits off
    _owner_only(path, PRIVATE_FOLDER)
    return path


def private_sqlite_file(path: Path) -> Path:
    """The SQLite database file, made empty and private (0600) before SQLite opens it.

    SQLite creates a missing database with the umask's permissions (0644: readable by every
    account on the machine); an empty file is a valid new database, and its -wal and -shm
    files are then given the database file's own permissions.
    """
    private_folder(path.parent)
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE))
    except FileExistsError:
        pass
    for file in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        if file.exists():
            _owner_only(file, PRIVATE_FILE)
    return path


def _owner_only(path: Path, mode: int) -> None:
    if stat.S_IMODE(path.stat().st_mode) == mode:
        return
    try:
        os.chmod(path, mode)
    except PermissionError:
        raise ImproperlyConfigured(
            f"{path} must be readable by its owner only ({mode:o}), and cannot be made so"
        ) from None
