"""The shell every page shares: languages, security headers, quick exit, footer, errors."""

import pytest
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import reverse
from django.utils.html import escape

from guidance.content import footer_contacts

pytestmark = pytest.mark.django_db

PAGES = ["/", "/naviguer-en-securite/", "/contacts/"]


def test_home_is_in_french_by_default(client):
    response = client.get("/")
    assert response.status_code == 200
    assert '<html lang="fr">' in response.text
    assert "Cyberharcèlement : vous n’êtes pas seul·e" in response.text


def test_home_is_in_english_under_en(client):
    response = client.get("/en/")
    assert '<html lang="en">' in response.text
    assert "Cyberharassment: you are not alone" in response.text


@pytest.mark.parametrize("path", PAGES)
def test_the_language_switch_keeps_the_visitor_on_the_same_page(client, path):
    french = client.get(path)
    assert f'href="/en{path}" hreflang="en"' in french.text
    english = client.get("/en" + path)
    assert f'href="{path}" hreflang="fr"' in english.text


@pytest.mark.parametrize("path", PAGES + ["/en/"])
def test_every_page_has_the_quick_exit_button_and_skip_link(client, path):
    html = client.get(path).text
    exit_url = "/en/sortie/" if path.startswith("/en/") else "/sortie/"
    assert f'<a class="quick-exit-button" href="{exit_url}" data-quick-exit' in html
    first_link = html.index("<a ", html.index("<body"))
    assert html[first_link:].startswith(f'<a class="skip-link" href="{exit_url}" data-quick-exit')


def test_the_footer_lists_the_emergency_contacts_from_the_data_file(client):
    html = client.get("/").text
    footer = html[html.index('<footer class="site-footer">') :]
    contacts = footer_contacts("fr")
    assert [c["phone"] for c in contacts] == ["17", "112", "114", "3114", "3018"]
    for contact in contacts:
        scheme = "sms" if contact.get("sms") else "tel"
        assert f'href="{scheme}:{contact["phone"]}"' in footer
        assert escape(contact["name"]) in footer


def test_the_contacts_page_gives_each_source_and_check_date(client):
    html = client.get("/contacts/").text
    assert "ARS Mayotte, 3114" in html
    assert "vérifié le 21 novembre 2026" in html
    assert "à vérifier" in html  # 17 and 112 are not sourced in the reference


def test_pages_carry_the_security_headers(client):
    response = client.get("/")
    csp = response["Content-Security-Policy"]
    assert "default-src 'none'" in csp
    assert "script-src 'self'" in csp and "'unsafe-inline'" not in csp
    assert "style-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    # Nothing is sent to other sites; same-origin (not no-referrer) keeps our form POSTs'
    # Origin header, which the CSRF check needs.
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    permissions = response["Permissions-Policy"]
    for feature in ("camera", "microphone", "geolocation"):
        assert f"{feature}=()" in permissions
    assert "no-store" in response["Cache-Control"]


def test_pages_load_htmx_from_our_own_origin_only(client):
    html = client.get("/").text
    assert 'src="/static/django-htmx/htmx-2.min.js"' in html or "htmx" in html
    assert "http://" not in html.split("<body")[0].replace("http://www.w3.org", "")
    assert "https://" not in html.split("<body")[0]
    assert '"historyCacheSize": 0' in html
    assert 'hx-history="false"' in html


def test_quick_exit_ends_the_session_and_leaves_for_the_neutral_page(client, settings):
    settings.QUICK_EXIT_URL = "https://meteofrance.com/"
    session = client.session
    session["answers"] = {"role": "victim"}
    session.save()
    old_key = session.session_key

    response = client.get(reverse("quick_exit"))

    assert response.status_code == 302
    assert response["Location"] == "https://meteofrance.com/"
    assert response["Clear-Site-Data"] == '"cookies", "storage"'
    assert not Session.objects.filter(session_key=old_key).exists()


def test_quick_exit_answers_even_when_the_database_cannot_be_written(
    client, django_user_model, monkeypatch
):
    """The database is locked: the session row cannot be deleted. The exit still answers at
    once, with every header, and the old cookie no longer opens anything."""
    from django.contrib.sessions.backends.db import SessionStore
    from django.db import OperationalError

    def locked(self, session_key=None):
        raise OperationalError("database is locked")

    user = django_user_model.objects.create_user("camille", password="x" * 20)
    client.force_login(user)
    old_key = client.cookies["sessionid"].value
    assert client.get(reverse("evidence:dossier_list")).status_code == 200
    monkeypatch.setattr(SessionStore, "delete", locked)

    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("quick_exit"))

    assert response.status_code == 302
    assert response["Clear-Site-Data"] == '"cookies", "storage"'
    assert response.cookies["sessionid"].value == ""  # deleted in the browser
    assert not [q for q in queries if "django_session" in q["sql"] and "SELECT" in q["sql"]]
    assert Session.objects.filter(session_key=old_key).exists()  # left to the purge…
    client.cookies["sessionid"] = old_key  # …but someone who copied the cookie gets nothing
    reused = client.get(reverse("evidence:dossier_list"))
    assert reused.status_code == 302 and reused["Location"].startswith(reverse("accounts:login"))


def test_quick_exit_logs_the_user_out(client, django_user_model):
    user = django_user_model.objects.create_user("camille", password="x" * 20)
    client.force_login(user)
    client.post(reverse("quick_exit"))
    assert "_auth_user_id" not in client.session


def test_an_unknown_page_gets_a_translated_404_with_the_quick_exit(client):
    french = client.get("/nulle-part/")
    assert french.status_code == 404
    assert "Page introuvable" in french.text and "data-quick-exit" in french.text
    english = client.get("/en/nowhere/")
    assert english.status_code == 404
    assert "Page not found" in english.text and "data-quick-exit" in english.text


@override_settings(ROOT_URLCONF="tests.failing_urls")
def test_a_server_error_gets_a_translated_500_with_the_quick_exit(client):
    client.raise_request_exception = False
    response = client.get("/boom/")
    assert response.status_code == 500
    assert "Un problème est survenu" in response.text
    assert "data-quick-exit" in response.text


def test_a_form_sent_without_its_token_explains_the_page_expired():
    strict = Client(enforce_csrf_checks=True)
    response = strict.post("/", {"answer": "yes"})
    assert response.status_code == 403
    assert "Cette page a expiré" in response.text
    assert "data-quick-exit" in response.text


def test_quick_exit_works_even_without_a_form_token(django_user_model):
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(django_user_model.objects.create_user("sam", password="x" * 20))
    response = strict.post("/sortie/")
    assert response.status_code == 302
    assert "_auth_user_id" not in strict.session
