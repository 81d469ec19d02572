"""Small strict readers of environment variables (after healthchecks' hc/settings.py).

Each reader fails loudly on a value it does not understand instead of guessing: a typo in a
production variable must stop the start-up, not silently switch a safety setting off.
"""

from __future__ import annotations

import os
import secrets
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


def envint(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
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
    if fallback_file.exists():
        return fallback_file.read_text(encoding="utf-8").strip()
    value = (generate or (lambda: secrets.token_urlsafe(50)))()
    fallback_file.parent.mkdir(parents=True, exist_ok=True)
    # Created private (0600) from the start: the file holds a secret.
    fd = os.open(fallback_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(value + "\n")
    return value
