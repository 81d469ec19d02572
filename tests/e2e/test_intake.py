"""Intake at scale in a real browser at phone size, as a parent with a child harassed in a class
WhatsApp group: twelve screenshots chosen at once, the question answered once, the cards
reviewed (the platform carried over), a date read in a screenshot accepted by a tap, then the
group's WhatsApp export imported and one person's messages chosen; the dossier shows the
pieces and the timeline counts them. Every page is checked with axe-core, for horizontal
scrolling at 375 px and for console errors."""

from __future__ import annotations

import http.client
from io import BytesIO
from urllib.parse import urlsplit

import pytest
from PIL import Image, ImageDraw, ImageFont

from evidence.models import Kind, Piece
from tests.e2e.test_vault import check_page, sign_up

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
EXPORT = (
    "24/11/2026 18:02 - Lucas: Vous avez vu la photo de Zoé ?\n"
    "24/11/2026 18:03 - Inès: Trop drôle, elle ressemble à rien\n"
    "24/11/2026 18:05 - Zoé: Arrêtez, c’est pas marrant\n"
    "24/11/2026 18:06 - Lucas: Personne t’a demandé ton avis\n"
    "25/11/2026 08:10 - Théo: Demain à la récré on s’occupe d’elle\n"
    "25/11/2026 08:11 - Lucas: Vas-y balance, on verra bien\n"
)


def screenshots(folder, count: int = 12) -> list[str]:
    """Small phone screenshots of a group chat, each with a sender, words and a date on screen."""
    font = ImageFont.truetype(FONT, 26)
    paths = []
    for number in range(count):
        image = Image.new("RGB", (390, 700), "white")
        draw = ImageDraw.Draw(image)
        draw.text((20, 40), "Groupe 3e B", font=font, fill="black")
        draw.text((20, 140), "Lucas", font=font, fill="black")
        draw.text((20, 190), f"Message numéro {number + 1}", font=font, fill="black")
        draw.text((20, 260), f"24/11/2026 18:{number + 10:02d}", font=font, fill="black")
        buffer = BytesIO()
        image.save(buffer, "PNG")
        path = folder / f"Screenshot_20261124-1830{number:02d}.png"
        path.write_bytes(buffer.getvalue())
        paths.append(str(path))
    return paths


def one_at_a_time(route) -> None:
    """The test server shares one in-memory SQLite connection between its threads: twelve
    thumbnails asked at once trip over each other's session writes, which a real server's
    database (WAL, a busy timeout) waits out. Fetched here, blocking Playwright's one thread,
    they reach the server one after the other."""
    url = urlsplit(route.request.url)
    connection = http.client.HTTPConnection(url.hostname, url.port, timeout=30)
    connection.request("GET", url.path, headers=route.request.headers)
    response = connection.getresponse()
    route.fulfill(status=response.status, headers=dict(response.getheaders()), body=response.read())
    connection.close()


def test_a_parent_sends_twelve_screenshots_then_a_whatsapp_export(phone, tmp_path):
    page = phone.page
    page.route("**/miniature/", one_at_a_time)
    sign_up(phone, "parent_de_zoe")
    page.get_by_role("link", name="Commencer un nouveau dossier").click()
    page.get_by_label("Nom du dossier").fill("Groupe de la classe")
    page.get_by_role("button", name="Créer le dossier").click()
    page.wait_for_url("**/dossiers/*/")
    dossier_url = page.url

    # One question for all the files, before any is chosen.
    page.get_by_role("link", name="Ajouter plusieurs captures").click()
    check_page(phone)
    assert page.locator("input[type=file]").count() == 0
    page.get_by_label("Non", exact=True).check()
    page.get_by_role("button", name="Suivant : choisir les fichiers").click()
    page.wait_for_url("**/envois/*/fichiers/")
    check_page(phone)
    page.locator("#id_files").set_input_files(screenshots(tmp_path))
    with page.expect_navigation(timeout=120_000):
        page.get_by_role("button", name="Envoyer les fichiers").click()
    page.wait_for_url("**/envois/*/")
    # Every thumbnail loaded now (they load as they come into view), before anything is sent.
    page.locator("img.thumb").evaluate_all("images => images.forEach(i => i.loading = 'eager')")
    page.wait_for_load_state("networkidle")
    assert "12 pièces ajoutées (n° 1 à 12)" in page.get_by_role("status").inner_text()
    assert page.locator("article.review-card").count() == 12
    check_page(phone)

    # The first card, filled and saved in place.
    first = page.locator("#card-1")
    first.get_by_label("Réseau social ou application").select_option("whatsapp")
    first.get_by_label("Auteur, tel qu’affiché à l’écran").fill("Lucas")
    first.get_by_role("button", name="Enregistrer cette fiche").click()
    page.locator("#card-1 .card-saved").wait_for()
    page.wait_for_load_state("networkidle")
    assert page.url.endswith("/")  # never left the list

    # The second card takes the platform and the author of the first, when asked.
    second = page.locator("#card-2")
    second.get_by_role("button", name="Même plateforme et même auteur que la pièce 1").click()
    page.locator("#card-2 .card-saved").wait_for()
    page.wait_for_load_state("networkidle")
    assert page.locator("#card-2 select").input_value() == "whatsapp"
    assert page.locator("#card-2").get_by_label(
        "Auteur, tel qu’affiché à l’écran"
    ).input_value() == ("Lucas")

    # A date read in the third screenshot, offered with its line, accepted by a tap.
    third = page.locator("#card-3")
    offer = third.get_by_role("button", name="Date : 24/11/2026 18:12")
    assert "lu dans" in third.locator(".offer-line").first.inner_text()
    offer.click()
    page.locator("#card-3 .card-saved").wait_for()
    page.wait_for_load_state("networkidle")
    assert page.locator("#card-3").get_by_label("Date de publication").input_value() == (
        "24/11/2026 18:12"
    )
    check_page(phone)
    third_piece = Piece.objects.get(number=3)
    assert third_piece.provenance["published_raw"] == "user"

    # Its page: the text read in the image, to check and copy into the transcript.
    page.locator("#card-3").get_by_role("link", name="Pièce 3", exact=True).click()
    assert page.get_by_role("heading", name="Texte lu dans l’image").is_visible()
    check_page(phone)
    page.get_by_role("link", name="Le copier dans la transcription, pour le corriger").click()
    assert "Message numéro 3" in page.get_by_label("Le texte affiché, mot pour mot").input_value()
    check_page(phone)

    # The dossier's search finds words read in the images (htmx fills the results in place).
    page.goto(dossier_url)
    page.get_by_label("Rechercher dans les pièces").fill("numéro 7")
    page.get_by_role("button", name="Rechercher", exact=True).click()
    page.locator("#search-results .search-hits").wait_for()
    assert "Pièce 7" in page.locator("#search-results").inner_text()
    assert page.url == dossier_url  # never left the dossier
    check_page(phone)

    # The class group's WhatsApp export: one person's messages.
    page.goto(dossier_url)
    page.get_by_role("link", name="Importer une conversation").click()
    check_page(phone)
    page.get_by_label("Non", exact=True).check()
    page.get_by_role("button", name="Suivant : choisir le fichier").click()
    check_page(phone)
    export = tmp_path / "Discussion WhatsApp avec 3e B.txt"
    export.write_text(EXPORT, encoding="utf-8")
    page.get_by_label("La conversation exportée").set_input_files(str(export))
    page.get_by_role("button", name="Envoyer la conversation").click()
    page.wait_for_url("**/discussions/*/")
    check_page(phone)
    page.get_by_label("Personne", exact=True).select_option("Lucas")
    page.get_by_role("button", name="Ajouter tous ses messages").click()
    page.wait_for_url("**/discussions/*/")
    assert "3 messages ajoutés comme pièces n° 14 à 16." in page.get_by_role("status").inner_text()
    check_page(phone)
    assert Piece.objects.filter(kind=Kind.TEXT).count() == 3

    # The dossier shows the pieces; the timeline counts the messages and the authors per day.
    page.goto(dossier_url)
    assert page.locator(".piece-card").count() == 16
    check_page(phone)
    page.get_by_role("link", name="Chronologie").click()
    day = page.locator(".timeline-table tbody tr").first
    cells = day.locator("td").all_inner_texts()
    assert "24/11/2026" in day.locator("th").inner_text()
    assert cells[0].startswith("3 dont 2 messages")  # pieces 3, 14 and 15; two messages
    assert cells[1].startswith("1 (Lucas)")  # one author that day
    check_page(phone)
    assert phone.console_errors == []


def test_the_whole_intake_works_without_javascript(browser, live_server, tmp_path):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 375, "height": 812})
    page = context.new_page()
    page.route("**/miniature/", one_at_a_time)
    page.goto(live_server.url + "/compte/inscription/")
    page.get_by_label("Pseudo").fill("sans_js_parent")
    page.get_by_label("Mot de passe", exact=True).fill("une phrase de passe solide 42")
    page.get_by_label("Le même mot de passe, encore une fois").fill("une phrase de passe solide 42")
    page.get_by_role("button", name="Créer mon coffre-fort").click()
    page.get_by_role("link", name="J’ai gardé mes codes").click()
    page.get_by_role("link", name="Commencer un nouveau dossier").click()
    page.get_by_role("button", name="Créer le dossier").click()
    dossier_url = page.url

    page.get_by_role("link", name="Ajouter plusieurs captures").click()
    page.get_by_label("Non", exact=True).check()
    page.get_by_role("button", name="Suivant : choisir les fichiers").click()
    page.locator("#id_files").set_input_files(screenshots(tmp_path, 2))
    page.get_by_role("button", name="Envoyer les fichiers").click()
    assert page.locator("article.review-card").count() == 2
    # A card saved as a plain form comes back to its place in the list.
    page.locator("#card-2").get_by_label("Auteur, tel qu’affiché à l’écran").fill("Lucas")
    page.locator("#card-2").get_by_role("button", name="Enregistrer cette fiche").click()
    assert page.url.endswith("#card-2")
    assert page.locator("#card-2").get_by_label(
        "Auteur, tel qu’affiché à l’écran"
    ).input_value() == ("Lucas")
    # A suggestion accepted as a plain form too.
    page.locator("#card-1").get_by_role("button", name="Date : 24/11/2026 18:10").click()
    assert page.url.endswith("#card-1")
    assert page.locator("#card-1").get_by_label("Date de publication").input_value() == (
        "24/11/2026 18:10"
    )

    page.goto(dossier_url)
    page.get_by_role("link", name="Importer une conversation").click()
    page.get_by_label("Non", exact=True).check()
    page.get_by_role("button", name="Suivant : choisir le fichier").click()
    export = tmp_path / "Discussion WhatsApp avec 3e B.txt"
    export.write_text(EXPORT, encoding="utf-8")
    page.get_by_label("La conversation exportée").set_input_files(str(export))
    page.get_by_role("button", name="Envoyer la conversation").click()
    page.get_by_role("button", name="Ajouter les 4 messages de ce jour").click()
    assert "4 messages ajoutés comme pièces n° 4 à 7." in page.locator(".notices").inner_text()
    context.close()
