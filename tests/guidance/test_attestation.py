"""A witness prepares a statement to sign and hand over: no account, the session only."""

from __future__ import annotations

import subprocess

import pytest

from guidance import attestation, engine

pytestmark = pytest.mark.django_db

FORM = "/attestation-de-temoin/"
PRINT = "/attestation-de-temoin/a-imprimer/"
PDF = "/attestation-de-temoin/attestation-de-temoin.pdf"
ERASE = "/attestation-de-temoin/effacer/"

ANSWERS = {
    "facts": "Le 12 mars, dans le groupe « 3e B », Lucas a écrit 20 messages d’insultes à Inès.",
    "when": "Le 12 mars 2026, vers 18 h",
    "where": "Snapchat, groupe « 3e B »",
    "relation": "Camarade de classe d’Inès",
    "last_name": "Martin",
    "first_names": "Léa",
    "birth": "",
    "address": "",
    "occupation": "Élève",
}


def _html(response) -> str:
    return response.content.decode()


def _pdf_text(content: bytes, tmp_path) -> str:
    pdf = tmp_path / "attestation.pdf"
    pdf.write_bytes(content)
    return subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout


@pytest.fixture
def written(client):
    response = client.post(FORM, ANSWERS)
    assert response.status_code == 303
    assert response["Location"] == PRINT
    return client


def test_the_form_asks_what_was_seen_when_where_the_link_and_who_the_witness_is(client):
    html = _html(client.get(FORM))
    for label in ("Qu’avez-vous vu ou entendu vous-même ?", "Quand ?", "Où ?"):
        assert label in html
    assert "Votre lien avec la personne visée" in html
    for field in engine.content().attestation.identity:  # the identity art. 202 asks for
        assert f'name="{field.id}"' in html
        assert field.label["fr"] in html
    assert "Pas besoin de compte" in html


def test_what_was_seen_is_required_and_the_error_is_announced(client):
    response = client.post(FORM, {**ANSWERS, "facts": ""})
    assert response.status_code == 200
    html = _html(response)
    assert 'class="error-summary"' in html and 'href="#id_facts"' in html
    assert "Écrivez ce que vous avez vu ou entendu." in html
    assert "guidance_attestation" not in client.session


def test_the_statement_holds_every_mention_the_law_asks_for(written):
    html = _html(written.get(PRINT))
    wording = engine.content().attestation
    assert "Attestation de témoin" in html
    assert "article 202 du Code de procédure civile" in html and "11527" in html
    assert "Cette attestation est établie en vue de sa production en justice." in html
    assert "une fausse attestation de ma part m’expose à des sanctions pénales" in html
    assert "Fait à" in html and "Signature :" in html
    assert "copie d’une pièce d’identité" in html
    for text in (ANSWERS["when"], ANSWERS["relation"], "Martin", "Léa"):
        assert text.replace("’", "&#x27;") in html or text in html
    assert wording.identity[2].label["fr"] in html  # birth: left blank, a line to fill in
    assert attestation.BLANK in html


def test_the_printable_page_says_how_to_finish_and_offers_the_pdf(written):
    html = _html(written.get(PRINT))
    for advice in engine.content().attestation.advice:
        assert advice["fr"] in html
    assert f'href="{PDF}" download' in html
    assert "data-print hidden" in html  # printing needs JavaScript; the browser's menu does not


def test_the_statement_downloads_as_a_pdf_with_its_mentions(written, tmp_path):
    response = written.get(PDF)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert 'filename="attestation-de-temoin.pdf"' in response["Content-Disposition"]
    assert "no-store" in response["Cache-Control"]
    text = _pdf_text(response.content, tmp_path)
    assert "Attestation de témoin" in text
    assert "production en justice" in text and "sanctions pénales" in text
    assert "Martin" in text and "Signature" in text


def test_the_statement_is_in_french_on_the_english_site_with_an_explanation(client):
    client.post("/en/attestation-de-temoin/", ANSWERS)
    html = _html(client.get("/en/attestation-de-temoin/a-imprimer/"))
    assert '<article class="attestation-document" lang="fr"' in html
    assert "production en justice" in html
    assert "The statement is written in French" in html
    assert "This statement is made to be produced in court." in html


def test_without_a_statement_the_print_page_and_the_pdf_send_back_to_the_form(client):
    assert client.get(PRINT)["Location"] == FORM
    assert client.get(PDF)["Location"] == FORM


def test_answers_come_back_to_be_changed(written):
    html = _html(written.get(FORM))
    assert "Camarade de classe d’Inès" in html or "Camarade de classe d&#x27;Inès" in html
    assert "Effacer mon attestation" in html


def test_erasing_removes_the_statement_from_the_session(written):
    response = written.post(ERASE)
    assert response.status_code == 303
    assert response["Location"] == FORM + "?erased=1"
    assert "guidance_attestation" not in written.session
    assert "Votre attestation a été effacée" in _html(written.get(response["Location"]))


def test_the_quick_exit_erases_it_like_the_rest(written):
    written.get("/sortie/")
    assert written.get(PRINT)["Location"] == FORM


def test_nothing_is_stored_beyond_the_session(written):
    from django.apps import apps

    rows = {
        model._meta.label: model.objects.count()
        for model in apps.get_models()
        if model._meta.label not in ("sessions.Session", "contenttypes.ContentType")
        and not model._meta.label.startswith("auth.")
    }
    assert all(count == 0 for count in rows.values()), rows


def test_the_witness_plan_suggests_where_it_happened(client):
    session = client.session
    session["guidance_facts"] = {"role": "witness", "platforms": ["snapchat", "tiktok"]}
    session.save()
    html = _html(client.get(FORM))
    assert 'value="Snapchat, TikTok"' in html


def test_the_document_leaves_lines_to_fill_in_by_hand():
    document = attestation.document(engine.content().attestation, {"facts": "J’ai vu."})
    assert document["lang"] == "fr"
    assert all(line["value"] == attestation.BLANK for line in document["identity"])
    assert document["facts"] == ["J’ai vu."]
    assert document["when_value"] == attestation.BLANK
