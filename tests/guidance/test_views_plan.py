"""The plan page and its PDF: what the engine says, sources and doubts shown, nothing fetched."""

from __future__ import annotations

import re
import subprocess

import pytest
from django.conf.urls.i18n import i18n_patterns
from django.urls import include, path, reverse
from django.utils.html import escape

from common.pdf import RefusedResource
from guidance import engine
from guidance.pdf import plan_fetcher
from supportsite import views as shell

pytestmark = pytest.mark.django_db

# The site without the evidence vault, for the plan's link to it, which must then go away.
urlpatterns = i18n_patterns(
    path("", shell.home, name="home"),
    path("sortie/", shell.quick_exit, name="quick_exit"),
    path("naviguer-en-securite/", shell.safe_browsing, name="safe_browsing"),
    path("contacts/", shell.contacts, name="contacts"),
    path("", include("guidance.urls")),
    prefix_default_language=False,
)


@pytest.fixture
def finished(questionnaire, victim_answers):
    victim_answers["visibility"] = "both"  # public too: PHAROS, still online
    answers = list(victim_answers.items())
    answers.insert(7, ("still_online", "yes"))
    questionnaire.answer_all(answers)
    assert engine.next_question(questionnaire.session_answers()) is None
    return questionnaire


def _html(response) -> str:
    return response.content.decode()


def test_the_plan_shows_each_step_grouped_by_when_to_act(finished):
    html = _html(finished.client.get("/plan/"))
    facts = engine.facts_from_answers(finished.session_answers())
    plan = engine.build_plan(facts, "fr")
    for step in plan["steps"]:
        assert escape(step["title"]) in html
    headings = re.findall(r'<h2 id="plan-(now|soon|later)">', html)
    assert headings == [
        w for w in ("now", "soon", "later") if any(s["when"] == w for s in plan["steps"])
    ]


def test_the_plan_stores_its_facts_for_the_evidence_vault(finished):
    finished.client.get("/plan/")
    assert finished.client.session["guidance_facts"] == engine.facts_from_answers(
        finished.session_answers()
    )


def test_the_plan_explains_reporting_on_each_chosen_platform_folded_in_its_step(finished):
    html = _html(finished.client.get("/plan/"))
    step = html[html.index('id="step-report_platform"') :]
    step = step[: step.index("</details>", step.index('<details class="howto">'))]
    assert '<details class="howto">' in step
    assert "<summary>Signaler sur Instagram</summary>" in step
    assert "commentaire" in step
    assert 'href="https://help.instagram.com/" rel="noreferrer"' in step


def test_the_law_is_marked_indicative_with_penalties_deadlines_and_sources(finished):
    html = _html(finished.client.get("/plan/"))
    assert '<h2 id="plan-law">Ce que dit la loi</h2>' in html
    assert "À titre indicatif : seul un tribunal décide." in html
    assert "Ce sont des informations générales, pas un conseil juridique." in html
    plan = engine.build_plan(engine.facts_from_answers(finished.session_answers()), "fr")
    assert plan["offences"]
    for offence in plan["offences"]:
        assert escape(offence["penalty"]) in html
        assert escape(offence["prescription"]) in html
        assert escape(offence["source"]) in html  # the official text's name, linked
        assert f'href="{offence["source_url"]}"' in html
    assert "Pour le premier message : jusqu’au " in html  # a computed deadline


def test_unverified_facts_are_shown_as_to_be_confirmed(questionnaire, victim_answers):
    victim_answers["platforms"] = ["telegram"]  # its reporting help is general advice
    questionnaire.answer_all(victim_answers)
    html = _html(questionnaire.client.get("/plan/"))
    assert 'confidence--unverified">À vérifier</span>' in html


def test_resources_have_phone_links_hours_and_private_links(finished):
    html = _html(finished.client.get("/plan/"))
    assert 'href="tel:3018"' in html
    assert "9 h – 23 h" in html
    external = re.findall(r'<a href="https?://[^"]*"[^>]*>', html)
    assert external and all('rel="noreferrer"' in link for link in external)


def test_urgent_help_comes_first_on_the_plan(questionnaire, victim_answers):
    victim_answers["danger"] = "physical"
    questionnaire.answer_all(victim_answers)
    html = _html(questionnaire.client.get("/plan/"))
    assert html.index("Danger immédiat : appelle maintenant") < html.index('id="plan-now"')


def test_the_plan_offers_the_pdf_and_a_way_back_to_the_answers(finished):
    html = _html(finished.client.get("/plan/"))
    assert 'href="/plan/mon-plan-d-action.pdf"' in html
    assert 'href="/questionnaire/vos-reponses/"' in html


def test_the_plan_links_to_the_evidence_dossier(finished):
    html = _html(finished.client.get("/plan/"))
    link = reverse("evidence:start_from_plan")
    assert f'<a class="button" href="{link}">Commencer mon dossier de preuves</a>' in html


@pytest.mark.urls(__name__)
def test_the_plan_works_without_the_evidence_vault(finished):
    response = finished.client.get("/plan/")
    assert response.status_code == 200
    assert "dossier de preuves" not in _html(response)


def test_the_plan_is_in_english_under_en(questionnaire_en, victim_answers):
    questionnaire_en.answer_all(victim_answers)
    html = _html(questionnaire_en.client.get("/en/plan/"))
    assert "Your action plan" in html
    assert "What the law says" in html


# --- The PDF ------------------------------------------------------------------------------


def _pdf_text(content: bytes, tmp_path) -> str:
    pdf = tmp_path / "plan.pdf"
    pdf.write_bytes(content)
    return subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout


def test_the_plan_downloads_as_a_real_pdf_titled_my_action_plan(finished, tmp_path):
    response = finished.client.get("/plan/mon-plan-d-action.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "no-store" in response["Cache-Control"]
    assert response.content.startswith(b"%PDF")
    text = _pdf_text(response.content, tmp_path)
    assert "Mon plan d’action" in text
    assert "Garde des preuves" in text  # a teenager's plan says "tu"


def test_the_english_pdf_is_titled_my_action_plan(questionnaire_en, victim_answers, tmp_path):
    questionnaire_en.answer_all(victim_answers)
    response = questionnaire_en.client.get("/en/plan/mon-plan-d-action.pdf")
    assert 'filename="my-action-plan.pdf"' in response["Content-Disposition"]
    assert "My action plan" in _pdf_text(response.content, tmp_path)


def test_the_pdf_fetcher_serves_our_stylesheet_from_disk():
    url, fetcher = plan_fetcher()
    assert b".plan-step" in fetcher.fetch(url).read()


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "http://testserver/../../etc/passwd",
        "https://example.org/static/css/guidance.css",
        "http://127.0.0.1:8000/static/css/guidance.css",
        "http://testserver/static/css/site.css",
        "pdf-resource:static/css/site.css",
        "data:text/css,body{}",
    ],
)
def test_the_pdf_fetcher_refuses_everything_else(url):
    _, fetcher = plan_fetcher()
    with pytest.raises(RefusedResource):
        fetcher.fetch(url)
    assert fetcher.refused == [url]


def test_the_pdf_unfolds_the_law_and_names_no_internal_sheet(finished, tmp_path):
    response = finished.client.get("/plan/mon-plan-d-action.pdf")
    text = _pdf_text(response.content, tmp_path)
    assert "Peine" in text and "Délai pour porter plainte" in text  # folded on the page only
    assert "legal-fr" not in text and "Source officielle" in text


# --- Trust, as a reader sees it ------------------------------------------------------------


@pytest.mark.parametrize("danger", ["physical", "self_harm", "unknown"])
def test_the_urgent_page_shows_emergency_numbers_without_any_doubt(questionnaire, danger):
    questionnaire.answer_all([("danger", danger)])
    html = _html(questionnaire.client.get("/questionnaire/urgence/"))
    assert "confidence--unverified" not in html and "À vérifier" not in html
    assert "ne confirment pas" not in html
    assert "Vérifié d’après une page officielle" in html


def test_the_contacts_page_links_official_sources_and_never_the_3020(client):
    html = _html(client.get("/contacts/"))
    assert "3020" not in html
    assert "legal-fr" not in html and ".md" not in html
    assert 'href="https://www.service-public.fr/particuliers/vosdroits/F33954"' in html
    assert "ne confirment pas" not in html


def test_the_law_is_folded_one_plain_sentence_each(finished):
    html = _html(finished.client.get("/plan/"))
    plan = engine.build_plan(engine.facts_from_answers(finished.session_answers()), "fr")
    assert html.count('<details class="offence">') == len(plan["offences"])
    for offence in plan["offences"]:
        summary = f'<span class="offence-what">{escape(offence["what"])}</span>'
        assert summary in html


def test_the_label_says_what_the_source_is(finished):
    html = _html(finished.client.get("/plan/"))
    assert "Vérifié sur une source officielle" not in html
    assert "Vérifié d’après le texte de loi" in html  # 222-33-2-2, checked in a copy of it
    assert "D’après une source secondaire (avocat, association, presse)" in html


def test_a_teenager_is_told_tu_and_a_parent_vous(questionnaire, victim_answers, client):
    questionnaire.answer_all(victim_answers)
    teen = _html(questionnaire.client.get("/plan/"))
    assert "Ton plan d’action" in teen and "Retour à tes réponses" in teen
    victim_answers["role"] = "guardian"
    questionnaire.answer_all(victim_answers)
    parent = _html(questionnaire.client.get("/plan/"))
    assert "Votre plan d’action" in parent and "Retour à vos réponses" in parent


def test_the_witness_plan_offers_to_prepare_the_attestation(questionnaire):
    questionnaire.start(role="witness")
    for question_id, value in [
        ("danger", "none"),
        ("witness_age", "adult"),
        ("victim_age", "15_17"),
        ("acts", ["insults"]),
        ("discrimination", []),
        ("platforms", ["tiktok"]),
        ("visibility", "public"),
        ("still_online", "yes"),
        ("several_authors", "yes"),
        ("author_relation", "classmate"),
        ("first_seen", None),
    ]:
        assert questionnaire.answer(question_id, value).status_code == 303
    html = _html(questionnaire.client.get("/plan/"))
    assert '<a class="button" href="/attestation-de-temoin/">Préparer mon attestation</a>' in html
