"""Before a signed-in session ends, the page warns and offers to stay logged in: a form that
htmx sends without leaving the page, and that works as a plain form too. The page itself only
carries the warning, hidden; static/js/session-timeout.js shows it in time (the browser tests
in tests/e2e/test_vault.py watch it happen)."""

import datetime as dt

import pytest
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone

pytestmark = pytest.mark.django_db

KEEP_ALIVE = reverse("accounts:keep_alive")
HTMX = {"HTTP_HX_REQUEST": "true"}


def expiry(client) -> dt.datetime:
    return Session.objects.get(session_key=client.session.session_key).expire_date


def test_a_signed_in_page_carries_the_hidden_warning_and_its_stay_button(owner_client, settings):
    settings.SESSION_COOKIE_AGE = 1800
    page = owner_client.get(reverse("evidence:dossier_list")).text
    assert '<div class="session-warning" id="session-warning" hidden' in page
    assert 'data-idle-seconds="1800"' in page
    assert "vous allez bientôt être déconnecté·e" in page
    assert f'action="{KEEP_ALIVE}" hx-post="{KEEP_ALIVE}" hx-swap="none"' in page
    assert ">Rester connecté</button>" in page
    assert 'name="next" value="/dossiers/"' in page
    assert "js/session-timeout.js" in page


def test_pages_of_someone_not_logged_in_have_no_warning(client):
    page = client.get(reverse("accounts:login")).text
    assert "session-warning" not in page and "session-timeout.js" not in page


def test_staying_logged_in_with_htmx_starts_the_idle_time_again_and_leaves_the_page_be(
    owner_client,
):
    Session.objects.filter(session_key=owner_client.session.session_key).update(
        expire_date=timezone.now() + dt.timedelta(minutes=1)
    )
    response = owner_client.post(KEEP_ALIVE, **HTMX)
    assert response.status_code == 204
    assert expiry(owner_client) > timezone.now() + dt.timedelta(minutes=25)


def test_staying_logged_in_without_javascript_comes_back_to_the_page(owner_client):
    response = owner_client.post(KEEP_ALIVE, {"next": "/dossiers/"})
    assert response["Location"] == "/dossiers/"


def test_staying_logged_in_too_late_says_so(client):
    assert client.post(KEEP_ALIVE, **HTMX).status_code == 401
    response = client.post(KEEP_ALIVE, {"next": "/dossiers/"})
    assert response["Location"].startswith(reverse("accounts:login"))


def test_staying_logged_in_never_leaves_the_site(owner_client):
    response = owner_client.post(KEEP_ALIVE, {"next": "https://evil.example/"})
    assert "evil" not in response["Location"]
