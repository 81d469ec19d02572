"""Preparing the complaint and exporting the dossier in a real browser at phone size: fill the
sections (one wrong value first), add a chronology entry, edit the letter, export, watch the
page follow the export by itself, download the ZIP and the PDF and find the letter and the
piece in them, then delete the export from the vault. Every page is checked with axe-core, for
horizontal scrolling at 375 px and for console errors; a second test does it all without
JavaScript."""

from __future__ import annotations

import io
import re
import subprocess
import zipfile

import pytest

from evidence.export import jobs as exports
from evidence.models import Export, ExportStatus
from tests.e2e.test_vault import add_instagram_screenshot, check_page, screenshot, sign_up

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def add_a_piece(phone, tmp_path) -> bytes:
    page = phone.page
    page.get_by_role("link", name="Commencer un nouveau dossier").click()
    page.get_by_label("Nom du dossier").fill("Instagram, mars")
    page.get_by_role("button", name="Créer le dossier").click()
    page.wait_for_url("**/dossiers/*/")
    page.get_by_role("link", name="Ajouter une pièce").click()
    path, data = screenshot(tmp_path)
    add_instagram_screenshot(
        page, path, published="14/03/2025 22:47", **{"Titre court": "Insulte en commentaire"}
    )
    page.get_by_role("link", name="Instagram, mars").first.click()
    return data


def save_and_continue(phone) -> None:
    phone.page.get_by_role("button", name="Enregistrer et continuer").click()


def pdf_text(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "downloaded.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    return re.sub(r"[ \n]+", " ", text)


def download(page, link_name: str, tmp_path) -> tuple[str, bytes]:
    with page.expect_download() as info:
        page.get_by_role("link", name=link_name).click()
    target = tmp_path / info.value.suggested_filename
    info.value.save_as(target)
    return info.value.suggested_filename, target.read_bytes()


def test_prepare_the_complaint_export_and_open_the_downloads(phone, tmp_path, settings):
    # Exports wait in a queue that this test runs itself, to watch the page follow it.
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    page = phone.page
    sign_up(phone, "camille_98")
    original = add_a_piece(phone, tmp_path)

    page.get_by_role("link", name="Préparer la plainte").click()
    page.wait_for_url("**/plainte/")
    check_page(phone)
    page.get_by_role("link", name="Qui porte plainte").click()
    check_page(phone)
    page.get_by_label("Prénom et nom").fill("Camille Durand")
    page.get_by_label("Date de naissance").fill("1998-05-12")
    page.get_by_label("Lieu de naissance").fill("Nantes")
    page.get_by_label("Adresse postale").fill("8 quai de la Fosse, 44000 Nantes")
    page.get_by_label("Téléphone").fill("06 12 34 56 78")
    page.get_by_label("E-mail").fill("camille@")  # wrong first
    save_and_continue(phone)
    assert page.locator(".error-summary").get_attribute("role") == "alert"
    assert page.get_by_label("E-mail").get_attribute("aria-invalid") == "true"
    assert page.get_by_label("Prénom et nom").input_value() == "Camille Durand"  # kept
    check_page(phone)
    page.get_by_label("E-mail").fill("camille@example.org")
    save_and_continue(phone)

    page.wait_for_url("**/plainte/auteurs/")
    check_page(phone)
    assert page.get_by_text("@tom_75").is_visible()  # the author shown in the piece
    page.get_by_label("Pseudos et comptes").fill("@tom_75\ntom.l")
    save_and_continue(phone)
    page.wait_for_url("**/plainte/temoins/")
    check_page(phone)
    page.get_by_label("Son nom").fill("Noé Bernard")
    save_and_continue(phone)
    page.wait_for_url("**/plainte/prejudice/")
    check_page(phone)
    page.get_by_label("Sommeil").fill("insomnies depuis février")
    save_and_continue(phone)
    page.wait_for_url("**/plainte/tribunal/")
    check_page(phone)
    page.get_by_label("Ville du tribunal judiciaire").fill("Nantes")
    page.get_by_label("Je demande réparation (je me constitue partie civile)").check()
    page.get_by_label("Ville où vous signez la lettre").fill("Nantes")
    save_and_continue(phone)
    page.wait_for_url("**/plainte/chronologie/")
    check_page(phone)
    page.get_by_label("Date", exact=True).fill("2025-03-01")
    page.get_by_label("Ce qui s’est passé").fill("Premières rumeurs au collège")
    page.get_by_role("button", name="Ajouter à la chronologie").click()
    assert page.get_by_text("Premières rumeurs au collège").is_visible()
    page.get_by_role("link", name="Continuer : la lettre").click()

    page.wait_for_url("**/plainte/lettre/")
    check_page(phone)
    letter = page.get_by_label("La lettre")
    text = letter.input_value()
    assert "Tribunal judiciaire de Nantes" in text and "tom.l" in text
    letter.fill(text.replace("Je vous prie", "Je reste à votre disposition.\n\nJe vous prie"))
    page.get_by_role("button", name="Enregistrer la lettre").click()
    page.wait_for_url("**/plainte/")
    assert page.get_by_text("Modifiée par vous").is_visible()
    page.get_by_role("link", name="La lettre").click()
    check_page(phone)  # with the edited-letter notice and the reset button
    page.get_by_role("link", name="Retour à la plainte").click()

    page.get_by_role("link", name="Exporter le dossier").click()
    page.wait_for_url("**/exporter/")
    check_page(phone)
    page.get_by_role("button", name="Exporter le dossier").click()
    page.wait_for_url("**/exports/*/")
    assert page.get_by_role("heading", name="En attente").is_visible()
    assert page.get_by_role("link", name="Actualiser").is_visible()
    check_page(phone)

    export = Export.objects.get()
    exports.run_export(export.pk)  # the worker's turn; the page is not reloaded
    page.get_by_role("heading", name="Votre dossier est prêt").wait_for(timeout=15_000)
    assert Export.objects.get().status == ExportStatus.DONE
    assert page.get_by_role("link", name="Actualiser").count() == 0  # polling stopped
    check_page(phone)

    zip_name, package = download(page, "Télécharger l’archive (ZIP)", tmp_path)
    pdf_name, pdf = download(page, "Télécharger le PDF", tmp_path)
    reference = export.dossier.reference
    assert (zip_name, pdf_name) == (f"dossier-{reference}.zip", f"dossier-{reference}.pdf")
    archive = zipfile.ZipFile(io.BytesIO(package))
    assert archive.read("pieces/piece-001-1.png") == original
    assert archive.read("dossier.pdf") == pdf
    text = pdf_text(pdf, tmp_path)
    assert "Tribunal judiciaire de Nantes" in text
    assert "Je reste à votre disposition." in text  # the edited letter
    assert "Pièce n° 1 — Insulte en commentaire" in text
    assert "Premières rumeurs au collège" in text

    # Downloaded: the person deletes the export from the vault (one wrong try first).
    page.get_by_role("link", name="Supprimer cet export du coffre").click()
    check_page(phone)
    page.get_by_role("button", name="Supprimer l’export").click()
    assert page.get_by_role("alert").filter(has_text="Ce champ est obligatoire").is_visible()
    assert page.get_by_label("J’ai compris que c’est définitif.").get_attribute("aria-invalid")
    check_page(phone)
    page.get_by_label("J’ai compris que c’est définitif.").check()
    page.get_by_role("button", name="Supprimer l’export").click()
    page.wait_for_url("**/exporter/")
    assert page.get_by_role("status").filter(has_text="ont été supprimés du coffre").is_visible()
    check_page(phone)
    assert not Export.objects.exists()
    assert phone.console_errors == []


def test_the_complaint_and_the_export_work_without_javascript(browser, live_server, tmp_path):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 375, "height": 812})
    page = context.new_page()
    page.set_default_timeout(10_000)

    class NoScript:  # what add_a_piece needs of the phone fixture
        pass

    phone = NoScript()
    phone.page = page
    page.goto(live_server.url + "/compte/inscription/")
    page.get_by_label("Pseudo").fill("sans_js_2")
    page.get_by_label("Mot de passe", exact=True).fill("une phrase de passe solide 42")
    page.get_by_label("Le même mot de passe, encore une fois").fill("une phrase de passe solide 42")
    page.get_by_role("button", name="Créer mon coffre-fort").click()
    page.get_by_role("link", name="J’ai gardé mes codes").click()
    add_a_piece(phone, tmp_path)
    page.get_by_role("link", name="Préparer la plainte").click()
    page.get_by_role("link", name="L’auteur ou les auteurs").click()
    page.get_by_label("Nom, si vous le connaissez").fill("Tom L.")
    page.get_by_role("button", name="Enregistrer et ajouter un autre auteur").click()
    assert page.get_by_role("group", name="Auteur 2").is_visible()
    page.get_by_role("link", name="Retour à la plainte").click()
    page.get_by_role("link", name="Exporter le dossier").click()
    page.get_by_role("button", name="Exporter le dossier").click()
    # The export ran at once (the tests' immediate queue): the page shows the downloads.
    assert page.get_by_role("heading", name="Votre dossier est prêt").is_visible()
    _name, pdf = download(page, "Télécharger le PDF", tmp_path)
    assert "Tom L." in pdf_text(pdf, tmp_path)
    context.close()
