"""The questionnaire's pages: one question per URL, post-redirect-get, Back, errors, summary."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.contrib.sessions.models import Session

from guidance import engine

pytestmark = pytest.mark.django_db


def _html(response) -> str:
    return response.content.decode()


def _checked_values(response, question_id: str) -> set[str]:
    """The values of the question's radios or boxes that the page shows as selected."""
    inputs = re.findall(rf'<input [^>]*id="id_{question_id}_\d+"[^>]*>', _html(response), re.S)
    return {
        re.search(r'value="([^"]*)"', tag)[1] for tag in inputs if re.search(r"\bchecked\b", tag)
    }


def _date_input(html: str, question_id: str) -> str:
    """The date question's <input> tag."""
    return re.search(rf'<input [^>]*id="id_{question_id}"[^>]*>', html)[0]


# --- Starting -----------------------------------------------------------------------------


def test_the_home_page_has_a_start_button_posting_to_the_questionnaire(client, db):
    html = _html(client.get("/"))
    assert 'action="/questionnaire/"' in html
    assert ">Commencer</button>" in html
    assert 'name="role" value="witness"' in html


def test_starting_goes_to_the_danger_question_first(questionnaire):
    response = questionnaire.start()
    assert response.status_code == 303
    assert response["Location"] == "/questionnaire/danger/"


def test_starting_afresh_forgets_earlier_answers(questionnaire, victim_answers):
    questionnaire.answer_all(victim_answers)
    questionnaire.start()
    assert questionnaire.session_answers() == {}
    assert "guidance_facts" not in questionnaire.client.session


def test_starting_as_a_witness_skips_the_role_question_but_keeps_the_answer(questionnaire):
    assert questionnaire.start(role="witness")["Location"] == "/questionnaire/danger/"
    response = questionnaire.answer("danger", "none")
    assert response["Location"] == "/questionnaire/witness_age/"  # the plan's register
    response = questionnaire.answer("witness_age", "minor")
    assert response["Location"] == "/questionnaire/victim_age/"
    page = questionnaire.client.get(response["Location"])
    assert "Quel âge a la personne visée ?" in _html(page)
    assert questionnaire.session_answers()["role"] == "witness"


def test_an_unknown_role_from_the_home_page_is_ignored(questionnaire):
    questionnaire.start(role="superhero")
    questionnaire.answer("danger", "none")
    assert questionnaire.session_answers() == {"danger": "none"}


def test_resuming_goes_to_the_next_unanswered_question(questionnaire):
    questionnaire.start()
    questionnaire.answer("danger", "none")
    response = questionnaire.client.get("/questionnaire/")
    assert response["Location"] == "/questionnaire/role/"


def test_the_home_page_offers_to_resume_only_when_there_are_answers(questionnaire):
    assert "Reprendre" not in _html(questionnaire.client.get("/"))
    questionnaire.start()
    questionnaire.answer("danger", "none")
    assert "Reprendre là où je me suis arrêté" in _html(questionnaire.client.get("/"))


# --- One question per page --------------------------------------------------------------


def test_a_single_choice_question_is_a_fieldset_whose_legend_is_the_heading(questionnaire):
    questionnaire.start()
    html = _html(questionnaire.client.get("/questionnaire/danger/"))
    assert re.search(
        r'<fieldset[^>]*>\s*<legend class="question-legend"><h1 class="question-heading" '
        r'tabindex="-1">Quelqu’un est-il en danger en ce moment \?</h1></legend>',
        html,
    )
    assert html.count('type="radio"') == 4
    assert html.count('<label for="id_danger_') == 4
    assert "Je ne sais pas" in html


def test_a_multiple_choice_question_uses_checkboxes_and_can_be_skipped(questionnaire):
    questionnaire.answer_all(
        [
            ("danger", "none"),
            ("role", "victim"),
            ("victim_age", "adult"),
            ("victim_public_role", "none"),
        ]
    )
    html = _html(questionnaire.client.get("/questionnaire/acts/"))
    assert 'type="checkbox"' in html and 'type="radio"' not in html
    assert 'name="skip" value="1"' in html


def test_the_date_question_is_a_date_field_labelled_by_the_heading(questionnaire, victim_answers):
    victim_answers.pop("first_seen")
    victim_answers.pop("health_impact")
    questionnaire.answer_all(victim_answers)
    html = _html(questionnaire.client.get("/questionnaire/first_seen/"))
    assert '<h1 class="question-heading" tabindex="-1"><label for="id_first_seen">' in html
    field = _date_input(html, "first_seen")
    assert 'type="date"' in field and 'name="first_seen"' in field and 'class="date-input"' in field
    assert ">Je ne connais pas la date</button>" in html


def test_pages_are_never_stored_by_the_browser(questionnaire):
    questionnaire.start()
    response = questionnaire.client.get("/questionnaire/danger/")
    assert "no-store" in response["Cache-Control"]


# --- Post, redirect, get; Back ------------------------------------------------------------


def test_an_answer_is_saved_and_redirects_with_303_to_the_next_question(questionnaire):
    questionnaire.start()
    response = questionnaire.answer("danger", "none")
    assert response.status_code == 303
    assert response["Location"] == "/questionnaire/role/"
    assert questionnaire.session_answers() == {"danger": "none"}


def test_coming_back_to_a_question_shows_the_answer_still_selected(questionnaire):
    questionnaire.answer_all([("danger", "none"), ("role", "guardian")])
    assert _checked_values(questionnaire.client.get("/questionnaire/role/"), "role") == {"guardian"}
    assert _checked_values(questionnaire.client.get("/questionnaire/danger/"), "danger") == {"none"}


def test_coming_back_to_a_multiple_choice_question_shows_every_box_ticked(questionnaire):
    questionnaire.answer_all(
        [
            ("danger", "none"),
            ("role", "victim"),
            ("victim_age", "15_17"),
            ("acts", ["insults", "hacking"]),
        ]
    )
    response = questionnaire.client.get("/questionnaire/acts/")
    assert _checked_values(response, "acts") == {"insults", "hacking"}


def test_the_back_link_leads_to_the_previous_question_on_the_path(questionnaire):
    questionnaire.answer_all([("danger", "none"), ("role", "victim"), ("victim_age", "15_17")])
    html = _html(questionnaire.client.get("/questionnaire/acts/"))
    assert '<a class="back-link" href="/questionnaire/victim_age/">Retour</a>' in html
    html = _html(questionnaire.client.get("/questionnaire/danger/"))
    assert '<a class="back-link" href="/">Retour</a>' in html


def test_going_back_and_on_again_shows_the_next_question_answered(questionnaire):
    questionnaire.answer_all([("danger", "none"), ("role", "victim"), ("victim_age", "15_17")])
    response = questionnaire.answer("role", "victim")
    assert response["Location"] == "/questionnaire/victim_age/"
    page = questionnaire.client.get(response["Location"])
    assert _checked_values(page, "victim_age") == {"15_17"}


def test_a_double_submit_is_harmless(questionnaire):
    questionnaire.start()
    first = questionnaire.answer("danger", "none")
    second = questionnaire.answer("danger", "none")
    assert first["Location"] == second["Location"] == "/questionnaire/role/"
    assert questionnaire.session_answers() == {"danger": "none"}


# --- Off the path, expired ----------------------------------------------------------------


@pytest.mark.parametrize("question_id", ["health_impact", "first_seen", "no_such_question"])
def test_a_question_not_on_the_path_redirects_to_the_right_next_question(
    questionnaire, question_id
):
    questionnaire.answer_all([("danger", "none")])
    response = questionnaire.client.get(f"/questionnaire/{question_id}/")
    assert response.status_code in (302, 303)
    assert response["Location"] == "/questionnaire/role/"


def test_a_stale_form_for_a_question_off_the_path_saves_nothing(questionnaire):
    questionnaire.answer_all([("danger", "none"), ("role", "victim"), ("victim_age", "15_17")])
    response = questionnaire.answer("victim_public_role", "journalist")
    assert response["Location"] == "/questionnaire/acts/"
    assert "victim_public_role" not in questionnaire.session_answers()


def test_the_summary_and_the_plan_wait_for_the_last_answer(questionnaire):
    questionnaire.answer_all([("danger", "none")])
    for page in ("summary", "plan", "pdf"):
        response = questionnaire.client.get(questionnaire.url(page))
        assert response["Location"] == "/questionnaire/role/", page


def test_an_answer_sent_after_the_session_ended_restarts_with_a_message(questionnaire):
    questionnaire.answer_all([("danger", "none")])
    Session.objects.all().delete()  # what the 30 minutes without activity do
    response = questionnaire.answer("role", "victim")
    assert response.status_code == 303
    assert response["Location"] == "/questionnaire/danger/?expired=1"
    html = _html(questionnaire.client.get(response["Location"]))
    assert 'role="alert"' in html
    assert "Vos réponses précédentes ont été effacées" in html


def test_a_page_asked_for_after_the_session_ended_restarts_with_a_message(questionnaire_en):
    questionnaire_en.answer_all([("danger", "none"), ("role", "victim")])
    Session.objects.all().delete()
    response = questionnaire_en.client.get("/en/questionnaire/victim_age/")
    assert response["Location"] == "/en/questionnaire/danger/?expired=1"
    html = _html(questionnaire_en.client.get(response["Location"]))
    assert "Your earlier answers have been erased" in html


def test_a_first_visit_is_not_told_its_session_ended(client, db):
    html = _html(client.get("/questionnaire/danger/"))
    assert "effacées" not in html


# --- Invalid input ------------------------------------------------------------------------


def test_no_choice_shows_the_question_again_with_the_error_announced(questionnaire):
    questionnaire.start()
    response = questionnaire.client.post("/questionnaire/danger/", {})
    assert response.status_code == 200
    html = _html(response)
    assert re.search(r'<div class="error-summary"[^>]* role="alert"', html)
    assert '<a href="#id_danger_0">Choisissez une réponse pour continuer.</a>' in html
    assert 'aria-describedby="id_danger_helptext id_danger_error"' in html
    assert html.count('aria-invalid="true"') == 4
    assert "<title>Erreur : Quelqu’un est-il en danger en ce moment ?" in html
    assert questionnaire.session_answers() == {}


def test_the_error_is_in_english_on_the_english_site(questionnaire_en):
    questionnaire_en.start()
    html = _html(questionnaire_en.client.post("/en/questionnaire/danger/", {}))
    assert "Choose an answer to continue." in html
    assert "There is a problem" in html


def test_an_unknown_choice_is_refused_with_its_message(questionnaire):
    questionnaire.start()
    html = _html(questionnaire.client.post("/questionnaire/danger/", {"danger": "maybe"}))
    assert "Cette réponse ne fait pas partie de la liste." in html


def test_an_invalid_choice_is_refused_next_to_the_question_and_nothing_is_saved(questionnaire):
    questionnaire.start()
    response = questionnaire.client.post("/questionnaire/danger/", {"danger": "maybe"})
    assert response.status_code == 200
    html = _html(response)
    message = engine.content().messages.invalid_choice["fr"]
    assert f'<a href="#id_danger_0">{message}</a>' in html  # the summary links to the choices
    assert (
        '<p class="field-error" id="id_danger_error"><span class="visually-hidden">Erreur :</span> '
        f"{message}</p>"
    ) in html
    assert _checked_values(response, "danger") == set()
    assert questionnaire.session_answers() == {}


@pytest.fixture
def at_the_date(questionnaire, victim_answers):
    victim_answers.pop("first_seen")
    victim_answers.pop("health_impact")
    questionnaire.answer_all(victim_answers)
    return questionnaire


def test_a_bad_date_is_kept_as_typed_next_to_its_error(at_the_date):
    response = at_the_date.client.post("/questionnaire/first_seen/", {"first_seen": "31/02/2026"})
    html = _html(response)
    assert "Écrivez une date valide, par exemple 15/09/2026." in html
    # Kept as typed: a date field could not hold it, so it is shown as text.
    field = _date_input(html, "first_seen")
    assert 'type="text"' in field and 'value="31/02/2026"' in field
    assert 'aria-invalid="true"' in field
    assert 'aria-describedby="id_first_seen_helptext id_first_seen_error"' in field
    assert '<a href="#id_first_seen">' in html


def test_a_future_date_is_refused_and_kept(at_the_date):
    tomorrow = (dt.date.today() + dt.timedelta(days=2)).isoformat()
    html = _html(at_the_date.client.post("/questionnaire/first_seen/", {"first_seen": tomorrow}))
    assert "Cette date est dans le futur." in html
    field = _date_input(html, "first_seen")
    assert 'type="date"' in field and f'value="{tomorrow}"' in field


def test_a_date_typed_the_french_way_is_accepted(at_the_date):
    response = at_the_date.client.post("/questionnaire/first_seen/", {"first_seen": "05/03/2025"})
    assert response.status_code == 303
    assert at_the_date.session_answers()["first_seen"] == "2025-03-05"
    page = at_the_date.client.get("/questionnaire/first_seen/")
    field = _date_input(_html(page), "first_seen")
    assert 'type="date"' in field and 'value="2025-03-05"' in field


def test_not_knowing_the_date_skips_it(at_the_date):
    response = at_the_date.answer("first_seen", None)
    assert response["Location"] == "/questionnaire/health_impact/"
    assert at_the_date.session_answers()["first_seen"] is None


def test_ticked_boxes_are_kept_when_the_page_comes_back_with_an_error(questionnaire):
    questionnaire.answer_all([("danger", "none"), ("role", "victim"), ("victim_age", "15_17")])
    response = questionnaire.client.post(
        "/questionnaire/acts/", {"acts": ["insults", "not-a-choice"]}
    )
    assert response.status_code == 200
    assert _checked_values(response, "acts") == {"insults"}


# --- Danger first -------------------------------------------------------------------------


@pytest.mark.parametrize("danger", ["physical", "self_harm", "unknown"])
def test_danger_shows_whom_to_call_on_the_very_next_page(questionnaire, danger):
    questionnaire.start()
    response = questionnaire.answer("danger", danger)
    assert response["Location"] == "/questionnaire/urgence/"
    html = _html(questionnaire.client.get(response["Location"]))
    for item in engine.build_urgent({"danger": danger}, "fr")["urgent"]:
        assert item["title"] in html
    assert 'href="tel:112"' in html
    assert '<a class="button" href="/questionnaire/role/">' in html


def test_no_danger_goes_straight_to_the_next_question(questionnaire):
    questionnaire.start()
    assert questionnaire.answer("danger", "none")["Location"] == "/questionnaire/role/"
    assert questionnaire.client.get("/questionnaire/urgence/")["Location"] == (
        "/questionnaire/role/"
    )


def test_the_sms_emergency_number_is_an_sms_link(questionnaire):
    questionnaire.answer_all([("danger", "physical")])
    assert 'href="sms:114"' in _html(questionnaire.client.get("/questionnaire/urgence/"))


# --- Check your answers, and changing one -----------------------------------------------


def test_the_last_answer_leads_to_the_summary_of_every_answer(questionnaire, victim_answers):
    questionnaire.answer_all(list(victim_answers.items())[:-1])
    response = questionnaire.answer("health_impact", "some")
    assert response["Location"] == "/questionnaire/vos-reponses/"
    html = _html(questionnaire.client.get(response["Location"]))
    assert html.count('class="summary-row"') == len(victim_answers)
    for question_id in victim_answers:
        assert f'href="/questionnaire/{question_id}/?change=1">Modifier' in html
    assert "Un ou des élèves de mon école" in html
    assert "Rien de tout cela" in html  # discrimination: none of these
    assert '<a class="button" href="/plan/">' in html


def test_changing_an_answer_asks_the_new_follow_up_then_returns_to_the_summary(
    questionnaire, victim_answers
):
    questionnaire.answer_all(victim_answers)
    # Private messages skip "are they still online?"; public ones need it.
    response = questionnaire.answer("visibility", "public", change=True)
    assert response["Location"] == "/questionnaire/still_online/?change=1"
    page = questionnaire.client.get(response["Location"])
    assert 'action="/questionnaire/still_online/?change=1"' in _html(page)
    response = questionnaire.answer("still_online", "yes", change=True)
    assert response["Location"] == "/questionnaire/vos-reponses/"
    assert questionnaire.session_answers()["still_online"] == "yes"


def test_changing_an_answer_drops_the_answers_it_makes_stale(questionnaire, victim_answers):
    victim_answers["victim_age"] = "adult"
    answers = list(victim_answers.items())
    answers.insert(3, ("victim_public_role", "journalist"))
    questionnaire.answer_all(answers)
    response = questionnaire.answer("victim_age", "15_17", change=True)
    assert response["Location"] == "/questionnaire/vos-reponses/"
    assert "victim_public_role" not in questionnaire.session_answers()
    html = _html(questionnaire.client.get(response["Location"]))
    assert "rôle public" not in html


def test_a_change_with_nothing_new_to_ask_returns_to_the_summary(questionnaire, victim_answers):
    questionnaire.answer_all(victim_answers)
    response = questionnaire.answer("platforms", ["tiktok", "discord"], change=True)
    assert response["Location"] == "/questionnaire/vos-reponses/"


def test_changing_to_danger_shows_the_urgent_block_then_the_summary(questionnaire, victim_answers):
    questionnaire.answer_all(victim_answers)
    response = questionnaire.answer("danger", "self_harm", change=True)
    assert response["Location"] == "/questionnaire/urgence/?change=1"
    html = _html(questionnaire.client.get(response["Location"]))
    assert 'href="tel:3114"' in html
    assert '<a class="button" href="/questionnaire/vos-reponses/">' in html


# --- htmx ---------------------------------------------------------------------------------


def test_htmx_gets_only_the_next_step_and_its_url_to_push(questionnaire):
    questionnaire.start()
    response = questionnaire.answer("danger", "none", follow=True, HTTP_HX_REQUEST="true")
    assert response.redirect_chain == [("/questionnaire/role/", 303)]
    assert response["HX-Push-Url"] == "/questionnaire/role/"
    html = _html(response)
    assert "<html" not in html and "site-footer" not in html
    assert html.lstrip().startswith("<title>Qui êtes-vous dans cette histoire ?")
    assert '<div id="step" class="guidance-step">' in html
    # The language link follows the new URL (swapped out of band).
    assert 'href="/en/questionnaire/role/"' in html and "hx-swap-oob" in html


def test_htmx_with_an_error_gets_the_same_step_and_pushes_no_url(questionnaire):
    questionnaire.start()
    response = questionnaire.client.post("/questionnaire/danger/", {}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert response["HX-Push-Url"] == "false"
    assert 'role="alert"' in _html(response)


def test_the_question_form_posts_with_htmx_to_its_own_url(questionnaire):
    questionnaire.start()
    html = _html(questionnaire.client.get("/questionnaire/danger/"))
    assert (
        'method="post" action="/questionnaire/danger/" novalidate\n'
        '        hx-post="/questionnaire/danger/" hx-target="#step" hx-swap="outerHTML" '
        'hx-push-url="true"'
    ) in html


# --- English ------------------------------------------------------------------------------


def test_the_english_questionnaire_lives_under_en(questionnaire_en):
    assert questionnaire_en.start()["Location"] == "/en/questionnaire/danger/"
    response = questionnaire_en.answer("danger", "none")
    assert response["Location"] == "/en/questionnaire/role/"
    html = _html(questionnaire_en.client.get(response["Location"]))
    assert "Who are you in this situation?" in html
    assert '<html lang="en">' in html
