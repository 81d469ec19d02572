"""Shared fixtures: personas (an owner and a stranger, each with a logged-in client) and the real
browser (the system Chromium, driven by Playwright)."""

from __future__ import annotations

import os
import signal
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from django.test import Client
from django.utils import translation

from tests.evidence.factories import PASSWORD

# Playwright's sync API runs an event loop in this thread; Django's guard against ORM calls
# from async code would then refuse the test's own database set-up.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
# Flags for a closed network: no background connections, no component updates.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
PHONE = {"width": 375, "height": 812}
NEUTRAL_PAGE = (
    "<!doctype html><html lang='fr'><meta charset='utf-8'><title>Météo</title><h1>Météo</h1>"
)


class _NeutralPage(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        body = NEUTRAL_PAGE.encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args) -> None:
        pass


@pytest.fixture(scope="session")
def neutral_site() -> Iterator[str]:
    """Stands in for the weather site the quick exit leaves for: another origin, on loopback."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _NeutralPage)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/meteo/"
    server.shutdown()
    server.server_close()


@pytest.fixture(autouse=True)
def _isolated_settings(settings, tmp_path):
    """Every test gets its own private storage folder, never the developer's var/, and runs
    background tasks at once (one test drives the real worker on purpose)."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.PRIVATE_STORAGE_ROOT = tmp_path / "private"
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(tmp_path / "cache"),
        }
    }
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "private", "base_url": None},
        },
    }


@pytest.fixture(scope="session")
def browser() -> Iterator:
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"The system Chromium is missing at {CHROMIUM}: run `make test`.")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class BrowserPage:
    """A page plus what the browser reported while the test drove it."""

    def __init__(self, page, base_url: str):
        self.page = page
        self.base_url = base_url
        self.console_errors: list[str] = []
        page.on("console", self._on_console)
        page.on("pageerror", lambda error: self.console_errors.append(f"pageerror: {error}"))

    def _on_console(self, message) -> None:
        if message.type == "error":
            self.console_errors.append(message.text)

    def goto(self, path: str):
        return self.page.goto(self.base_url + path)

    def is_ours(self) -> bool:
        return self.page.url.startswith(self.base_url)


def _new_page(browser, live_server, viewport, **options) -> Iterator[BrowserPage]:
    context = browser.new_context(
        viewport=viewport, locale="fr-FR", service_workers="block", **options
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield BrowserPage(page, live_server.url)
    context.close()


@pytest.fixture
def page(browser, live_server, settings, neutral_site) -> Iterator[BrowserPage]:
    settings.QUICK_EXIT_URL = neutral_site
    yield from _new_page(browser, live_server, {"width": 1280, "height": 900})


@pytest.fixture
def phone(browser, live_server, settings, neutral_site) -> Iterator[BrowserPage]:
    settings.QUICK_EXIT_URL = neutral_site
    yield from _new_page(browser, live_server, PHONE)


@pytest.fixture
def second_phone(browser, live_server, settings, neutral_site) -> Iterator[BrowserPage]:
    """Another person's phone (a helper's), with its own cookies, beside `phone`."""
    settings.QUICK_EXIT_URL = neutral_site
    yield from _new_page(browser, live_server, PHONE)


@pytest.fixture
def phone_with_touch(browser, live_server, settings, neutral_site) -> Iterator[BrowserPage]:
    """A phone that is tapped, not clicked."""
    settings.QUICK_EXIT_URL = neutral_site
    yield from _new_page(browser, live_server, PHONE, has_touch=True, is_mobile=True)


# --- Personas ---------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def _french_first():
    """URLs are reversed in French, whatever language an earlier test's request left active."""
    with translation.override("fr"):
        yield


@pytest.fixture(autouse=True)
def _fast_hashing(settings):
    """Argon2 is slow by design; the tests that check hashing put it back."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def owner(django_user_model):
    return django_user_model.objects.create_user("lea_75", password=PASSWORD)


@pytest.fixture
def stranger(django_user_model):
    return django_user_model.objects.create_user("inconnu", password=PASSWORD)


@pytest.fixture
def owner_client(owner) -> Client:
    client = Client()
    client.force_login(owner)
    return client


@pytest.fixture
def stranger_client(stranger) -> Client:
    client = Client()
    client.force_login(stranger)
    return client


@pytest.fixture
def signals_restored():
    """The task worker installs its own SIGINT/SIGTERM handlers: give pytest its own back."""
    saved = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}
    yield
    for sig, handler in saved.items():
        signal.signal(sig, handler)
