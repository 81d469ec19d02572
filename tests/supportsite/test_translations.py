"""Every message exists in French and in English: none untranslated, none fuzzy, none missing
from the catalogs (a string added in code or templates without its translation fails here)."""

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LANGS = ["fr", "en"]
SOURCES = [
    "supportsite",
    "common",
    "accounts",
    "guidance",
    "evidence",
    "templates",
    "locale",
    "manage.py",
]


def _statistics(po: Path) -> str:
    result = subprocess.run(
        ["msgfmt", "--check-format", "--statistics", "-o", "/dev/null", str(po)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stderr


def _untranslated_or_fuzzy(statistics: str) -> list[str]:
    return re.findall(r"\d+ (?:fuzzy translations?|untranslated messages?)", statistics)


@pytest.mark.parametrize("lang", LANGS)
def test_the_committed_catalog_is_complete(lang):
    statistics = _statistics(ROOT / "locale" / lang / "LC_MESSAGES" / "django.po")
    assert _untranslated_or_fuzzy(statistics) == [], statistics


def test_every_string_in_the_code_is_in_both_catalogs(tmp_path):
    """Extract the strings afresh into a copy of the tree and check nothing new appears."""
    for name in SOURCES:
        source = ROOT / name
        target = tmp_path / name
        if source.is_dir():
            shutil.copytree(source, target, ignore=shutil.ignore_patterns("__pycache__", "*.mo"))
        else:
            shutil.copy(source, target)
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "--no-obsolete", "--verbosity", "0"]
        + [f"-l{lang}" for lang in LANGS],
        cwd=tmp_path,
        check=True,
        capture_output=True,
    )
    for lang in LANGS:
        statistics = _statistics(tmp_path / "locale" / lang / "LC_MESSAGES" / "django.po")
        assert _untranslated_or_fuzzy(statistics) == [], (
            f"{lang}: {statistics.strip()} — run `make messages` and translate in locale/{lang}"
        )
