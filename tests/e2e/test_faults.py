"""Faults a frightened person on a phone runs into, in the real browser at 375 px: Back then
send a form again, a session that ends while they type (the warning, "Stay logged in", and
what was typed coming back after logging in again). Each page is checked with axe-core."""

import pytest

from evidence.models import ChronologyNote, Piece
from tests.accessibility import axe_violations, has_horizontal_scroll
from tests.evidence.factories import make_dossier

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "une phrase de passe solide 42"
LONG = "Il a écrit sous ma photo que tout le monde me déteste, puis il l’a partagée au groupe."


def check_page(phone) -> None:
    assert axe_violations(phone.page) == [], phone.page.url
    assert not has_horizontal_scroll(phone.page), phone.page.url


@pytest.fixture
def dossier(django_user_model):
    owner = django_user_model.objects.create_user("lea_75", password=PASSWORD)
    return make_dossier(owner)


def log_in(phone) -> None:
    page = phone.page
    page.get_by_label("Pseudo").fill("lea_75")
    page.get_by_label("Mot de passe", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()


def test_back_then_send_again_adds_the_piece_once(phone, dossier):
    page = phone.page
    phone.goto("/compte/connexion/")
    log_in(phone)
    phone.goto(f"/dossiers/{dossier.pk}/pieces/ajouter/")
    page.locator("#id_kind_2").check()  # a link only
    page.locator("#id_sensitivity_0").check()
    page.get_by_label("Lien vers la publication ou le message").fill("https://instagram.com/p/x")
    page.get_by_label("Ce que l’on voit").fill(LONG)
    page.get_by_role("button", name="Ajouter cette pièce").click()
    page.wait_for_url("**/pieces/*/")
    piece_url = page.url

    page.go_back()  # Chromium loads the form again, and fills in what was typed
    assert page.get_by_label("Ce que l’on voit").input_value() == LONG
    page.get_by_role("button", name="Ajouter cette pièce").click()
    page.wait_for_url("**/pieces/*/")
    assert page.url == piece_url
    assert page.get_by_text("Cette pièce était déjà dans votre dossier").is_visible()
    assert Piece.objects.count() == 1
    check_page(phone)


def test_the_warning_comes_before_the_end_and_staying_logged_in_keeps_the_session(
    phone, dossier, settings
):
    settings.SESSION_COOKIE_AGE = 8  # the warning comes a quarter before: at 6 s
    page = phone.page
    phone.goto("/compte/connexion/")
    log_in(phone)
    phone.goto(f"/dossiers/{dossier.pk}/plainte/chronologie/")
    page.get_by_label("Date").fill("2025-03-01")
    page.get_by_label("Ce qui s’est passé").fill(LONG)
    warning = page.locator("#session-warning")
    assert not warning.is_visible()
    page.get_by_text("vous allez bientôt être déconnecté·e").wait_for(timeout=9_000)
    page.evaluate("window.scrollTo(0, 0)")
    exit_button = page.get_by_role("link", name="Quitter vite", exact=True)
    box = exit_button.bounding_box()
    on_top = page.evaluate(
        "([x, y]) => document.elementFromPoint(x, y).closest('a')?.textContent",
        [box["x"] + box["width"] / 2, box["y"] + box["height"] / 2],
    )
    assert on_top == "Quitter vite"  # the quick exit is never covered
    assert page.evaluate("document.activeElement.id") == "id_text"  # the focus stays put
    check_page(phone)

    page.get_by_role("button", name="Rester connecté").click()
    warning.wait_for(state="hidden")
    assert page.get_by_label("Ce qui s’est passé").input_value() == LONG  # still on the page
    page.wait_for_timeout(3_000)  # past the first end: the session was started again
    page.get_by_role("button", name="Ajouter à la chronologie").click()
    page.wait_for_url("**/plainte/chronologie/")
    assert ChronologyNote.objects.get().text == LONG


def test_what_was_typed_when_the_session_ended_comes_back_after_logging_in(
    phone, dossier, settings
):
    settings.SESSION_COOKIE_AGE = 4
    page = phone.page
    phone.goto("/compte/connexion/")
    log_in(phone)
    phone.goto(f"/dossiers/{dossier.pk}/plainte/chronologie/")  # the session ends in 4 s
    page.get_by_label("Date").fill("2025-03-01")
    page.get_by_label("Ce qui s’est passé").fill(LONG)
    warning = page.locator("#session-warning")
    page.get_by_text("Ce que vous avez écrit ici n’est pas perdu").wait_for(timeout=6_000)
    assert not page.get_by_role("button", name="Rester connecté").is_visible()
    check_page(phone)

    page.get_by_role("button", name="Ajouter à la chronologie").click()
    page.wait_for_url("**/compte/connexion/**")
    assert page.get_by_text("Ce que vous avez écrit a été gardé").is_visible()
    check_page(phone)
    settings.SESSION_COOKIE_AGE = 30 * 60  # the next session lasts
    log_in(phone)
    page.wait_for_url("**/plainte/chronologie/")
    assert page.get_by_label("Ce qui s’est passé").input_value() == LONG
    assert page.get_by_text("Voici ce que vous aviez écrit").is_visible()
    assert not warning.is_visible()
    check_page(phone)
    page.get_by_role("button", name="Ajouter à la chronologie").click()
    page.wait_for_url("**/plainte/chronologie/")
    assert ChronologyNote.objects.get().text == LONG
    assert phone.console_errors == []
