"""The vault in a real browser at phone size: sign up, save the codes, start a dossier, add a
screenshot, see its number, hash and checklist, then leave by the quick exit. Every page type
is checked with axe-core, for horizontal scrolling at 375 px and for console errors."""

import hashlib
from io import BytesIO

import pytest
from PIL import Image, ImageDraw
from playwright.sync_api import Error

from evidence.models import Dossier, EvidenceFile, Piece
from tests.accessibility import axe_violations, has_horizontal_scroll

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "une phrase de passe solide 42"


def screenshot(tmp_path) -> tuple[str, bytes]:
    """A small phone screenshot, made now: a conversation with two bubbles."""
    image = Image.new("RGB", (390, 844), "white")
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle((20, 100, 300, 180), radius=20, fill=(229, 229, 234))
    draw.text((40, 130), "t'es vraiment nul, tout le monde le sait", fill="black")
    draw.rounded_rectangle((90, 220, 370, 300), radius=20, fill=(0, 122, 255))
    draw.text((110, 250), "arrete stp", fill="white")
    buffer = BytesIO()
    image.save(buffer, "PNG")
    path = tmp_path / "IMG_1234.PNG"
    path.write_bytes(buffer.getvalue())
    return str(path), buffer.getvalue()


def check_page(browser_page) -> None:
    """What every vault page must pass, on a phone."""
    assert axe_violations(browser_page.page) == [], browser_page.page.url
    assert not has_horizontal_scroll(browser_page.page), browser_page.page.url


def sign_up(phone, pseudonym: str) -> list[str]:
    page = phone.page
    phone.goto("/compte/inscription/")
    check_page(phone)
    page.get_by_label("Pseudo").fill(pseudonym)
    page.get_by_label("Mot de passe", exact=True).fill(PASSWORD)
    page.get_by_label("Le même mot de passe, encore une fois").fill(PASSWORD)
    page.get_by_role("button", name="Créer mon coffre-fort").click()
    page.get_by_role("heading", name="Vos codes de secours").wait_for()
    check_page(phone)
    codes = page.locator(".recovery-codes code").all_inner_texts()
    assert page.get_by_role("button", name="Imprimer ces codes").is_visible()
    page.get_by_role("link", name="J’ai gardé mes codes").click()
    page.wait_for_url("**/dossiers/")
    return codes


def add_instagram_screenshot(page, path: str, *, published: str, **texts: str) -> None:
    """Fill the new piece's form for a screenshot by @tom_75 on Instagram and send it.
    `texts` by field label: {"Titre court": "…"}."""
    page.locator("#id_kind_0").check()
    page.locator("#id_sensitivity_0").check()
    page.locator("#id_files").set_input_files(path)
    page.get_by_label("Réseau social ou application").select_option("instagram")
    page.get_by_label("Auteur, tel qu’affiché à l’écran").fill("@tom_75")
    page.get_by_label("Date de publication").fill(published)
    for label, text in texts.items():
        page.get_by_label(label).fill(text)
    page.get_by_role("button", name="Ajouter cette pièce").click()
    page.wait_for_url("**/pieces/*/")


def test_sign_up_add_a_screenshot_see_it_sealed_then_leave(phone, tmp_path):
    page = phone.page
    codes = sign_up(phone, "lina_13")
    assert len(codes) == 10
    check_page(phone)

    page.get_by_role("link", name="Commencer un nouveau dossier").click()
    check_page(phone)
    page.get_by_label("Nom du dossier").fill("Instagram, mars")
    page.get_by_role("button", name="Créer le dossier").click()
    page.wait_for_url("**/dossiers/*/")
    dossier_url = page.url
    check_page(phone)
    assert page.get_by_role("heading", name="Intègre").is_visible()

    page.get_by_role("link", name="Ajouter une pièce").click()
    check_page(phone)
    path, data = screenshot(tmp_path)
    add_instagram_screenshot(
        page, path, published="il y a 3 j", **{"Ce que l’on voit": "Une insulte en commentaire."}
    )

    assert page.get_by_role("heading", level=1).inner_text() == "Pièce 1"
    assert hashlib.sha256(data).hexdigest() in page.locator(".hash").first.inner_text()
    checklist = page.locator(".checklist")
    assert "Date de publication exacte" in checklist.inner_text()
    assert page.locator(".check--todo").count() == 2  # the exact date, the context
    assert page.get_by_text("pas une date exacte", exact=True).is_visible()
    assert page.locator("img.thumb").evaluate("img => img.naturalWidth") > 0
    check_page(phone)

    page.get_by_role("link", name="Quitter vite").click()
    page.wait_for_url("**/meteo/")
    phone.page.goto(dossier_url)
    assert "/compte/connexion/" in page.url
    assert page.get_by_role("heading", name="Connexion à votre coffre-fort").is_visible()
    assert phone.console_errors == []


def test_every_vault_page_is_accessible_on_a_phone(phone, tmp_path):
    page = phone.page
    sign_up(phone, "noe_parent")
    phone.goto("/dossiers/nouveau/")
    page.locator("#id_concerns_1").check()
    page.get_by_label("Son prénom ou un pseudo").fill("Inès")
    page.locator("#id_person_age_band_0").check()
    page.locator("#id_role_1").check()
    page.get_by_role("button", name="Créer le dossier").click()
    page.wait_for_url("**/dossiers/*/")
    dossier = Dossier.objects.get()

    path, _data = screenshot(tmp_path)
    phone.goto(f"/dossiers/{dossier.pk}/pieces/ajouter/")
    page.get_by_role("button", name="Ajouter cette pièce").click()  # empty: errors
    summary = page.locator(".error-summary")
    assert summary.get_attribute("role") == "alert"
    assert page.locator("[aria-invalid=true]").count() >= 1
    check_page(phone)
    page.locator("#id_kind_0").check()
    page.locator("#id_sensitivity_2").check()  # of a minor: the file is never kept
    page.locator("#id_files").set_input_files(path)
    page.get_by_label("Lien vers la publication ou le message").fill("https://snapchat.com/x")
    page.get_by_label("Date de publication").fill("14/03/2025 22:47")
    page.get_by_role("button", name="Ajouter cette pièce").click()
    page.wait_for_url("**/pieces/*/")
    assert page.get_by_role("heading", name="Nous n’avons pas gardé l’image").is_visible()
    check_page(phone)
    assert EvidenceFile.objects.count() == 0

    piece = Piece.objects.get()
    for path in (
        f"/pieces/{piece.pk}/modifier/",
        f"/pieces/{piece.pk}/fichiers/",
        f"/pieces/{piece.pk}/supprimer/",
        f"/dossiers/{dossier.pk}/",
        f"/dossiers/{dossier.pk}/chronologie/",
        f"/dossiers/{dossier.pk}/journal/",
        f"/dossiers/{dossier.pk}/modifier/",
        f"/dossiers/{dossier.pk}/effacer/",
        "/dossiers/depuis-mon-plan/",
        "/compte/",
        "/compte/supprimer/",
        "/en/dossiers/",
    ):
        phone.goto(path)
        check_page(phone)
    assert page.locator("svg.timeline-chart").count() == 0  # English list page now
    phone.goto(f"/dossiers/{dossier.pk}/chronologie/")
    assert page.locator("svg.timeline-chart").is_visible()

    page.get_by_role("button", name="Se déconnecter").click()
    for path in ("/compte/connexion/", "/compte/mot-de-passe-oublie/"):
        phone.goto(path)
        check_page(phone)
    phone.goto("/compte/connexion/")
    for _ in range(5):
        page.get_by_label("Pseudo").fill("noe_parent")
        page.get_by_label("Mot de passe", exact=True).fill("pas le bon")
        page.get_by_role("button", name="Se connecter").click()
    assert page.get_by_role("heading", name="Trop de tentatives").is_visible()
    check_page(phone)
    # The lockout page answers 429, which the browser logs; nothing else may appear.
    assert [e for e in phone.console_errors if "status of 429" not in e] == []


def settled_content(page) -> str:
    """The page's HTML once Chromium has stopped navigating (Back may reload it twice)."""
    for _attempt in range(20):
        try:
            page.wait_for_load_state("networkidle")
            return page.content()
        except Error:
            page.wait_for_timeout(250)
    return page.content()


def test_back_or_reload_after_sign_up_never_shows_the_codes_again(phone):
    page = phone.page
    codes = sign_up(phone, "sam_2009")
    try:
        page.go_back()  # to the answer of the sign-up form: no cache kept it
    except Error:
        pass  # the browser may refuse outright (a page that was not kept)
    page.wait_for_url("**/dossiers/")  # asked again, it finds the person signed in already
    assert not any(code in settled_content(page) for code in codes)


def test_reloading_the_codes_page_never_shows_them_again(phone):
    page = phone.page
    phone.goto("/compte/inscription/")
    page.get_by_label("Pseudo").fill("alix_2008")
    page.get_by_label("Mot de passe", exact=True).fill(PASSWORD)
    page.get_by_label("Le même mot de passe, encore une fois").fill(PASSWORD)
    page.get_by_role("button", name="Créer mon coffre-fort").click()
    codes = page.locator(".recovery-codes code").all_inner_texts()
    assert len(codes) == 10
    # Sends the sign-up form again, with the form's token that signing in replaced: refused
    # as an expired page (a signed-in person sending it with a fresh token is sent on).
    page.reload()
    assert "Cette page a expiré" in page.locator("main").inner_text()
    assert not any(code in page.content() for code in codes)


def test_a_notice_is_said_once_in_a_status_region_even_after_logging_out(phone):
    page = phone.page
    sign_up(phone, "noa_2010")
    page.get_by_role("link", name="Commencer un nouveau dossier").click()
    page.get_by_label("Nom du dossier").fill("Discord")
    page.get_by_role("button", name="Créer le dossier").click()
    page.wait_for_url("**/dossiers/*/")
    page.get_by_role("link", name="Effacer ce dossier").click()
    page.get_by_label("J’ai compris que c’est définitif.").check()
    page.get_by_role("button", name="Effacer le dossier").click()
    page.wait_for_url("**/dossiers/")
    notice = page.get_by_role("status")
    assert "Le dossier « Discord » a été effacé définitivement" in notice.inner_text()
    check_page(phone)
    page.reload()
    assert page.get_by_role("status").count() == 0

    # Deleting the account logs out; its summary is still said, once, on the next page.
    page.get_by_role("link", name="Mon compte").click()
    page.get_by_role("link", name="Supprimer mon compte").click()
    page.get_by_label("Votre mot de passe").fill(PASSWORD)
    page.locator("input[type=checkbox]").check()
    page.get_by_role("button", name="Tout effacer").click()
    page.wait_for_url("**/compte/supprime/")
    assert "votre compte et vos codes de secours" in page.get_by_role("status").inner_text()
    check_page(phone)
    page.reload()
    page.wait_for_url(phone.base_url + "/")
    assert phone.console_errors == []


def test_the_vault_works_without_javascript(browser, live_server, tmp_path):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 375, "height": 812})
    page = context.new_page()
    page.goto(live_server.url + "/compte/inscription/")
    page.get_by_label("Pseudo").fill("sans_js")
    page.get_by_label("Mot de passe", exact=True).fill(PASSWORD)
    page.get_by_label("Le même mot de passe, encore une fois").fill(PASSWORD)
    page.get_by_role("button", name="Créer mon coffre-fort").click()
    assert page.locator(".recovery-codes code").count() == 10
    assert not page.get_by_role("button", name="Imprimer ces codes").is_visible()  # needs JS
    page.get_by_role("link", name="J’ai gardé mes codes").click()
    page.get_by_role("link", name="Commencer un nouveau dossier").click()
    page.get_by_role("button", name="Créer le dossier").click()
    page.get_by_role("link", name="Ajouter une pièce").click()
    path, _data = screenshot(tmp_path)
    page.locator("#id_kind_0").check()
    page.locator("#id_sensitivity_1").check()  # an adult's intimate image
    page.locator("#id_intimate_consent").check()
    page.locator("#id_files").set_input_files(path)
    page.get_by_role("button", name="Ajouter cette pièce").click()
    assert page.locator("img.thumb.blur").count() == 1
    page.get_by_role("link", name="Afficher l’image").click()
    assert page.locator("img.thumb.blur").count() == 0
    context.close()
