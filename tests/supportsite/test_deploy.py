"""Production settings pass Django's deployment checklist without a single warning."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

from evidence.sealing.crypto import encode_key, generate_key
from evidence.sealing.signing import generate_encoded_key

ROOT = Path(__file__).resolve().parents[2]


def _manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    # A clean environment, as a production server has: none of the test run's variables.
    skip = {"DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    environment = {k: v for k, v in os.environ.items() if k not in skip}
    environment.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean_with_production_variables(tmp_path):
    result = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        PRODUCTION="1",
        SECRET_KEY=secrets.token_urlsafe(64),
        EVIDENCE_ENCRYPTION_KEYS=encode_key(generate_key()),
        EVIDENCE_SIGNING_KEYS=generate_encoded_key(),
        ALLOWED_HOSTS="aide.example.org",
        TRUSTED_PROXY_COUNT="1",
        VAR_DIR=str(tmp_path),
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def _production(tmp_path, **env: str) -> dict[str, str]:
    return {
        "PRODUCTION": "1",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "EVIDENCE_ENCRYPTION_KEYS": encode_key(generate_key()),
        "EVIDENCE_SIGNING_KEYS": generate_encoded_key(),
        "ALLOWED_HOSTS": "aide.example.org",
        "VAR_DIR": str(tmp_path),
        **env,
    }


def test_production_refuses_to_start_without_being_told_how_many_proxies_are_in_front(tmp_path):
    # Left at 0 behind a proxy, everyone would share the proxy's address, and five wrong
    # passwords typed by a harasser would lock their target out.
    result = _manage("check", **_production(tmp_path))
    assert result.returncode != 0
    assert "TRUSTED_PROXY_COUNT must be set in production" in result.stderr


def test_production_accepts_no_proxy_when_said_explicitly(tmp_path):
    result = _manage("check", **_production(tmp_path, TRUSTED_PROXY_COUNT="0"))
    assert result.returncode == 0, result.stderr


def test_a_negative_proxy_count_is_refused(tmp_path):
    result = _manage("check", **_production(tmp_path, TRUSTED_PROXY_COUNT="-1"))
    assert result.returncode != 0
    assert "TRUSTED_PROXY_COUNT must be 0 or more" in result.stderr


def test_production_refuses_to_start_without_a_signing_key(tmp_path):
    result = _manage(
        "check",
        PRODUCTION="1",
        SECRET_KEY=secrets.token_urlsafe(64),
        EVIDENCE_ENCRYPTION_KEYS=encode_key(generate_key()),
        ALLOWED_HOSTS="aide.example.org",
        VAR_DIR=str(tmp_path),
    )
    assert result.returncode != 0
    assert "EVIDENCE_SIGNING_KEYS must be set in production" in result.stderr


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    environment = {"PRODUCTION": "1", "ALLOWED_HOSTS": "aide.example.org", "VAR_DIR": str(tmp_path)}
    environment["SECRET_KEY"] = ""
    result = _manage("check", **environment)
    assert result.returncode != 0
    assert "SECRET_KEY must be set in production" in result.stderr


def test_production_refuses_debug(tmp_path):
    result = _manage(
        "check",
        PRODUCTION="1",
        DEBUG="1",
        SECRET_KEY=secrets.token_urlsafe(64),
        VAR_DIR=str(tmp_path),
    )
    assert result.returncode != 0
    assert "DEBUG must be off" in result.stderr
