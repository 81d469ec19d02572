"""Not alone with it, in two real browsers at phone size: a parent starts a dossier about their
child and invites them; the child, on their own phone, opens the link, creates an account,
joins and adds a screenshot; the parent sees who added it, exports, and finds the child's piece
named as a helper's in the PDF and in the package's manifest. Then a read-only share for a
lawyer, opened with its code in a third browser. Every page is checked with axe-core, for
horizontal scrolling at 375 px and for console errors."""

from __future__ import annotations

import io
import json
import re
import zipfile

import pytest

from evidence.export.document.checking import verify_package
from evidence.models import Helper, Piece
from tests.e2e.test_complaint import download, pdf_text
from tests.e2e.test_vault import add_instagram_screenshot, check_page, screenshot, sign_up

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "une phrase de passe solide 42"


def start_a_dossier_about_my_child(phone) -> str:
    page = phone.page
    page.get_by_role("link", name="Commencer un nouveau dossier").click()
    page.get_by_label("Nom du dossier").fill("Snapchat, avril")
    page.locator("#id_concerns_1").check()
    page.get_by_label("Son prénom ou un pseudo").fill("Inès")
    page.locator("#id_person_age_band_0").check()
    page.locator("#id_role_1").check()  # a parent
    page.get_by_role("button", name="Créer le dossier").click()
    page.wait_for_url("**/dossiers/*/")
    return page.url


def invite_my_child(phone) -> tuple[str, str]:
    page = phone.page
    page.get_by_role("link", name="Personnes sur ce dossier").click()
    check_page(phone)
    page.get_by_role("link", name="Inviter quelqu’un").click()
    check_page(phone)
    page.get_by_label("La personne visée (par exemple votre enfant").check()
    page.get_by_role("button", name="Faire l’invitation").click()
    page.wait_for_url("**/invitations/*/")
    check_page(phone)
    link = page.locator("#invitation-link").inner_text()
    code = page.locator("#invitation-code").inner_text()
    assert re.fullmatch(r"[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}", code)
    return link, code


def test_a_parent_invites_their_child_who_adds_a_screenshot_from_their_own_phone(
    phone, second_phone, tmp_path
):
    parent, child = phone.page, second_phone.page
    sign_up(phone, "maman_ines")
    dossier_url = start_a_dossier_about_my_child(phone)
    link, _code = invite_my_child(phone)

    # The child opens the link: nothing about the dossier until they have an account.
    child.goto(link)
    check_page(second_phone)
    assert "Snapchat" not in child.content() and "maman_ines" not in child.content()
    child.get_by_role("link", name="Créer mon compte").click()
    child.get_by_label("Pseudo").fill("ines_15")
    child.get_by_label("Mot de passe", exact=True).fill(PASSWORD)
    child.get_by_label("Le même mot de passe, encore une fois").fill(PASSWORD)
    child.get_by_role("button", name="Créer mon coffre-fort").click()
    child.get_by_role("link", name="J’ai gardé mes codes").click()
    child.get_by_role("heading", name="Rejoindre ce dossier ?").wait_for()
    check_page(second_phone)
    assert "la personne visée" in child.content()
    child.get_by_role("button", name="Rejoindre le dossier").click()
    child.wait_for_url(dossier_url)
    check_page(second_phone)
    assert Helper.objects.get().user.username == "ines_15"

    # From her own phone, the child adds a screenshot.
    child.get_by_role("link", name="Ajouter une pièce").click()
    check_page(second_phone)
    path, original = screenshot(tmp_path)
    add_instagram_screenshot(
        child, path, published="02/04/2025 21:10", **{"Ce que l’on voit": "Une menace."}
    )
    check_page(second_phone)
    assert "Vous, en aidant sur ce dossier (la personne visée)" in child.content()
    assert Piece.objects.get().added_by.username == "ines_15"

    # The parent sees it, and who added it.
    parent.goto(dossier_url)
    parent.get_by_role("link", name="Pièce 1").click()
    check_page(phone)
    added = parent.locator("dt:has-text('Ajoutée par') + dd").inner_text()
    assert added.startswith("ines_15, personne qui aide sur ce dossier (la personne visée), le ")
    parent.goto(dossier_url)
    parent.get_by_role("link", name="Personnes sur ce dossier").click()
    assert "Pièce ajoutée — pièce 1" in parent.locator("details").text_content()

    # The parent exports: the PDF and the manifest name the child's piece as a helper's.
    parent.goto(dossier_url)
    parent.get_by_role("link", name="Exporter le dossier").click()
    check_page(phone)
    parent.get_by_role("button", name="Exporter le dossier").click()
    parent.get_by_role("heading", name="Votre dossier est prêt").wait_for()
    check_page(phone)
    _zip, package = download(parent, "Télécharger l’archive (ZIP)", tmp_path)
    _pdf, pdf = download(parent, "Télécharger le PDF", tmp_path)
    text = pdf_text(pdf, tmp_path)
    assert "Ajouté par un proche invité sur le dossier (la personne visée), le " in text
    archive = zipfile.ZipFile(io.BytesIO(package))
    (piece,) = json.loads(archive.read("manifest.json"))["pieces"]
    assert (piece["added_by_helper"], piece["added_by_pseudonym"]) == (True, "ines_15")
    assert archive.read("pieces/piece-001-1.png") == original
    assert verify_package(package) == []
    assert phone.console_errors == [] and second_phone.console_errors == []


def test_a_read_only_share_for_a_lawyer_opens_with_its_code_and_is_revoked(
    phone, second_phone, tmp_path
):
    parent, lawyer = phone.page, second_phone.page
    sign_up(phone, "maman_ines")
    dossier_url = start_a_dossier_about_my_child(phone)
    parent.get_by_role("link", name="Ajouter une pièce").click()
    path, _original = screenshot(tmp_path)
    add_instagram_screenshot(parent, path, published="02/04/2025 21:10")
    parent.goto(dossier_url)
    parent.get_by_role("link", name="Partages en lecture seule").click()
    check_page(phone)
    parent.get_by_label("Pour qui (facultatif)").fill("Maître Martin")
    parent.get_by_role("button", name="Faire le partage").click()
    parent.wait_for_url("**/partages/*/")
    check_page(phone)
    link = parent.locator("#share-link").inner_text()
    code = parent.locator("#share-code").inner_text()

    lawyer.goto(link)
    check_page(second_phone)
    lawyer.get_by_label("Code").fill(code.lower())
    lawyer.get_by_role("button", name="Ouvrir le dossier").click()
    lawyer.get_by_role("heading", name=re.compile("^Dossier D-")).wait_for()
    check_page(second_phone)
    assert "Copie en lecture seule" in lawyer.content()
    assert lawyer.locator("img.thumb").first.evaluate("img => img.naturalWidth") > 0

    assert second_phone.console_errors == []

    parent.reload()
    assert "Partage en lecture seule ouvert avec son code" in parent.content()
    parent.get_by_role("button", name="Mettre fin à ce partage maintenant").click()
    response = lawyer.reload()
    assert response.status == 404  # (which the console reports, as for any 404 page)
    assert lawyer.get_by_role("heading", name="Ce partage ne fonctionne plus").is_visible()
    check_page(second_phone)
    assert phone.console_errors == []


def test_joining_by_code_without_javascript_then_changed_and_removed(
    phone, second_phone, browser, live_server, tmp_path
):
    """The code box on the home page, signed out and without JavaScript; the owner's pages to
    change and remove a helper; the pages of a used invitation, of wrong codes and of leaving.
    Each page the phones open is checked with axe-core."""
    parent = phone.page
    sign_up(phone, "maman_ines")
    dossier_url = start_a_dossier_about_my_child(phone)
    first_link, code = invite_my_child(phone)

    context = browser.new_context(java_script_enabled=False, viewport={"width": 375, "height": 812})
    child = context.new_page()
    child.set_default_timeout(10_000)
    child.goto(live_server.url + "/")
    child.get_by_label("Le code qu’on vous a donné").fill(code.lower().replace("-", " "))
    child.get_by_role("button", name="Rejoindre le dossier").click()
    child.get_by_role("link", name="Créez votre coffre-fort de preuves").click()
    child.get_by_label("Pseudo").fill("ines_15")
    child.get_by_label("Mot de passe", exact=True).fill(PASSWORD)
    child.get_by_label("Le même mot de passe, encore une fois").fill(PASSWORD)
    child.get_by_role("button", name="Créer mon coffre-fort").click()
    child.get_by_role("link", name="J’ai gardé mes codes").click()
    assert child.get_by_label("Code").input_value() == code  # kept while signing up
    child.get_by_role("button", name="Continuer").click()
    child.get_by_role("button", name="Rejoindre le dossier").click()
    assert child.url == dossier_url

    parent.goto(dossier_url)
    parent.get_by_role("link", name="Personnes sur ce dossier").click()
    parent.get_by_role("link", name="Changer ce que ines_15 peut faire").click()
    check_page(phone)
    parent.get_by_label("Exporter le dossier et télécharger ses exports").check()
    parent.get_by_role("button", name="Enregistrer").click()
    child.reload()
    assert child.get_by_role("link", name="Exporter le dossier").is_visible()
    parent.get_by_role("link", name="Retirer ines_15").click()
    check_page(phone)
    parent.get_by_role("button", name="Retirer ines_15").click()
    assert "ines_15 — retirée" in parent.locator("main").inner_text()
    check_page(phone)
    assert child.reload().status == 404
    context.close()

    # Someone else, on another phone: a used link, then wrong codes, then joining and leaving.
    visitor = second_phone.page
    sign_up(second_phone, "cousin_ines")
    visitor.goto(first_link)
    assert visitor.get_by_role("heading", name="Cette invitation n’est plus valable").is_visible()
    check_page(second_phone)
    visitor.goto(second_phone.base_url + "/rejoindre/")
    check_page(second_phone)
    for _ in range(6):
        visitor.get_by_label("Code").fill("ZZZZ-ZZZZ-ZZZZ")
        visitor.get_by_role("button", name="Continuer").click()
        if visitor.get_by_role("heading", name="Trop de codes erronés").is_visible():
            break
        check_page(second_phone)  # the error, said and tied to the field
    assert visitor.get_by_role("heading", name="Trop de codes erronés").is_visible()
    check_page(second_phone)
    parent.goto(dossier_url)
    link, _code = invite_my_child(phone)
    visitor.goto(link)
    visitor.get_by_role("button", name="Rejoindre le dossier").click()
    visitor.get_by_role("link", name="Quitter ce dossier").click()
    check_page(second_phone)
    visitor.get_by_role("button", name="Quitter le dossier").click()
    visitor.wait_for_url("**/dossiers/")
    assert "Snapchat, avril" not in visitor.content()
