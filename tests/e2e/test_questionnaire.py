"""The questionnaire in the real browser: walks with Back, changing an answer, htmx and focus,
the same walk without JavaScript, axe-core and the phone width on every kind of page."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.contrib.sessions.backends.db import SessionStore
from playwright.sync_api import expect

from tests.accessibility import axe_violations, has_horizontal_scroll

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

RECENTLY = (dt.date.today() - dt.timedelta(days=30)).isoformat()


def _heading(page):
    return page.get_by_role("heading", level=1)


def _answer(page, *labels: str, button: str = "Continuer") -> None:
    for label in labels:
        page.get_by_label(label, exact=True).check()
    page.get_by_role("button", name=button, exact=True).click()


def _on(page, path: str, heading: str) -> None:
    """Wait until the browser shows this URL and this question."""
    page.wait_for_url(f"**{path}")
    expect(_heading(page)).to_have_text(heading)


def _checked(page, label: str):
    return expect(page.get_by_label(label, exact=True))


# --- Walks --------------------------------------------------------------------------------


def _victim_walk_to_the_age_question(page) -> None:
    page.get_by_role("button", name="Commencer", exact=True).click()
    _on(page, "/questionnaire/danger/", "Quelqu’un est-il en danger en ce moment ?")
    _answer(page, "Non, pas en ce moment")
    _on(page, "/questionnaire/role/", "Qui êtes-vous dans cette histoire ?")
    _answer(page, "Ça m’arrive à moi")
    _on(page, "/questionnaire/victim_age/", "Quel âge avez-vous ?")


def _back_keeps_the_answers(page) -> None:
    """The browser's Back, then the page's back link: each answer still selected."""
    page.go_back()
    _on(page, "/questionnaire/role/", "Qui êtes-vous dans cette histoire ?")
    _checked(page, "Ça m’arrive à moi").to_be_checked()
    page.get_by_role("link", name="Retour", exact=True).click()
    _on(page, "/questionnaire/danger/", "Quelqu’un est-il en danger en ce moment ?")
    _checked(page, "Non, pas en ce moment").to_be_checked()
    _answer(page)  # the answers kept are sent again, one page after the other
    _on(page, "/questionnaire/role/", "Qui êtes-vous dans cette histoire ?")
    _checked(page, "Ça m’arrive à moi").to_be_checked()
    _answer(page)
    _on(page, "/questionnaire/victim_age/", "Quel âge avez-vous ?")


def _victim_walk_to_the_plan(page) -> None:
    _answer(page, "15, 16 ou 17 ans")
    _on(page, "/questionnaire/acts/", "Que se passe-t-il ?")
    _answer(page, "Des insultes, des moqueries", "Des menaces")
    _on(page, "/questionnaire/discrimination/", "Ces attaques visent-elles ce que vous êtes ?")
    _answer(page, button="Passer cette question")
    _on(page, "/questionnaire/platforms/", "Où cela se passe-t-il ?")
    _answer(page, "Instagram", "Snapchat")
    _on(page, "/questionnaire/visibility/", "Qui peut voir ces messages ?")
    page.go_back()
    _on(page, "/questionnaire/platforms/", "Où cela se passe-t-il ?")
    _checked(page, "Instagram").to_be_checked()
    _checked(page, "Snapchat").to_be_checked()
    _answer(page)
    _on(page, "/questionnaire/visibility/", "Qui peut voir ces messages ?")
    _answer(page, "Seulement moi, ou un groupe fermé : messages privés")
    _on(page, "/questionnaire/several_authors/", "Combien de personnes s’en prennent à vous ?")
    _answer(page, "Une seule")
    _on(page, "/questionnaire/author_relation/", "Qui fait ça ?")
    _answer(page, "Un ou des élèves de mon école")
    _on(page, "/questionnaire/first_seen/", "Quand le premier message est-il apparu ?")
    page.get_by_label("Quand le premier message est-il apparu ?").fill(RECENTLY)
    _answer(page)
    _on(page, "/questionnaire/health_impact/", "Est-ce que ça vous fait du mal au quotidien ?")
    _answer(page, "Oui, un peu ou beaucoup")
    _on(page, "/questionnaire/vos-reponses/", "Vérifiez vos réponses")
    page.get_by_role("link", name="Voir mon plan d’action").click()
    _on(page, "/plan/", "Ton plan d’action")  # a teenager is told "tu", as the 3018 does
    how_to = page.locator("details.howto summary", has_text="Signaler sur Instagram")
    expect(how_to).to_be_visible()
    how_to.click()  # folded how-to: opens without JavaScript
    expect(page.locator("details.howto").first).to_contain_text("commentaire")


def test_a_victim_walks_to_the_plan_and_back_keeps_every_answer(page):
    page.goto("/")
    _victim_walk_to_the_age_question(page.page)
    _back_keeps_the_answers(page.page)
    _victim_walk_to_the_plan(page.page)
    assert page.console_errors == []


def test_the_same_walk_works_without_javascript(browser, live_server):
    context = browser.new_context(java_script_enabled=False, locale="fr-FR")
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto(live_server.url + "/")
    _victim_walk_to_the_age_question(page)
    _back_keeps_the_answers(page)
    _victim_walk_to_the_plan(page)
    context.close()


def test_a_witness_starts_from_the_home_page_and_is_asked_about_the_person(page):
    page.goto("/")
    p = page.page
    p.get_by_role("button", name="Je suis témoin").click()
    _on(p, "/questionnaire/danger/", "Quelqu’un est-il en danger en ce moment ?")
    _answer(p, "Non, pas en ce moment")
    _on(p, "/questionnaire/witness_age/", "Et vous, quel âge avez-vous ?")
    _answer(p, "Moins de 18 ans")
    _on(p, "/questionnaire/victim_age/", "Quel âge a la personne visée ?")
    _answer(p, "Moins de 15 ans")
    _on(p, "/questionnaire/acts/", "Que subit la personne visée ?")
    _answer(p, "Un faux profil à son nom")
    _on(p, "/questionnaire/platforms/", "Où cela se passe-t-il ?")
    _answer(p, "TikTok")
    _on(p, "/questionnaire/visibility/", "Qui peut voir ces messages ?")
    _answer(p, "Tout le monde : un post, un compte ou un groupe ouvert")
    _on(p, "/questionnaire/still_online/", "Les messages sont-ils encore en ligne ?")
    page.page.go_back()
    _on(p, "/questionnaire/visibility/", "Qui peut voir ces messages ?")
    _checked(p, "Tout le monde : un post, un compte ou un groupe ouvert").to_be_checked()
    p.get_by_role("link", name="Retour", exact=True).click()
    _on(p, "/questionnaire/platforms/", "Où cela se passe-t-il ?")
    _checked(p, "TikTok").to_be_checked()
    _answer(p)
    _on(p, "/questionnaire/visibility/", "Qui peut voir ces messages ?")
    _answer(p)
    _on(p, "/questionnaire/still_online/", "Les messages sont-ils encore en ligne ?")
    _answer(p, "Oui")
    _on(
        p,
        "/questionnaire/several_authors/",
        "Combien de personnes s’en prennent à la personne visée ?",
    )
    _answer(p, "Je ne sais pas")
    _on(p, "/questionnaire/author_relation/", "Qui fait ça ?")
    _answer(p, "Un inconnu, ou juste un pseudo")
    _on(p, "/questionnaire/first_seen/", "Quand le premier message est-il apparu ?")
    _answer(p, button="Je ne connais pas la date")
    _on(p, "/questionnaire/vos-reponses/", "Vérifiez vos réponses")  # a witness stops here
    expect(p.locator("#answer-role .summary-answer")).to_have_text("Je suis témoin")
    assert page.console_errors == []


def test_a_parent_in_danger_sees_whom_to_call_first_then_goes_on(page):
    page.goto("/")
    p = page.page
    p.get_by_role("button", name="Commencer", exact=True).click()
    _answer(p, "Oui : on menace de venir, de frapper ou d’attaquer")
    _on(p, "/questionnaire/urgence/", "Demandez de l’aide maintenant")
    expect(p.get_by_role("link", name="Appeler le 17")).to_have_attribute("href", "tel:17")
    p.get_by_role("link", name="Continuer les questions").click()
    _on(p, "/questionnaire/role/", "Qui êtes-vous dans cette histoire ?")
    _answer(p, "Je suis parent, ou je m’occupe d’un enfant concerné")
    _on(p, "/questionnaire/victim_age/", "Quel âge a votre enfant ?")
    p.go_back()
    _on(p, "/questionnaire/role/", "Qui êtes-vous dans cette histoire ?")
    _checked(p, "Je suis parent, ou je m’occupe d’un enfant concerné").to_be_checked()
    p.get_by_role("link", name="Retour", exact=True).click()
    _on(p, "/questionnaire/danger/", "Quelqu’un est-il en danger en ce moment ?")
    _checked(p, "Oui : on menace de venir, de frapper ou d’attaquer").to_be_checked()
    _answer(p)
    _on(p, "/questionnaire/urgence/", "Demandez de l’aide maintenant")
    p.get_by_role("link", name="Continuer les questions").click()
    _on(p, "/questionnaire/role/", "Qui êtes-vous dans cette histoire ?")
    _answer(p)
    _on(p, "/questionnaire/victim_age/", "Quel âge a votre enfant ?")
    _answer(p, "Moins de 15 ans")
    _on(p, "/questionnaire/acts/", "Que subit votre enfant ?")
    _answer(p, "Du chantage : payer ou envoyer des images, sinon…")
    _on(p, "/questionnaire/platforms/", "Où cela se passe-t-il ?")
    _answer(p, "Snapchat")
    _on(p, "/questionnaire/visibility/", "Qui peut voir ces messages ?")
    _answer(p, "Je ne sais pas")
    _on(p, "/questionnaire/still_online/", "Les messages sont-ils encore en ligne ?")
    _answer(p, "Je ne sais pas")
    _on(p, "/questionnaire/several_authors/", "Combien de personnes s’en prennent à votre enfant ?")
    _answer(p, "Une seule")
    _on(p, "/questionnaire/author_relation/", "Qui fait ça ?")
    _answer(p, "Un inconnu, ou juste un pseudo")
    _on(p, "/questionnaire/first_seen/", "Quand le premier message est-il apparu ?")
    _answer(p, button="Je ne connais pas la date")
    _on(
        p,
        "/questionnaire/health_impact/",
        "Est-ce que ça fait du mal à votre enfant au quotidien ?",
    )
    _answer(p, "Oui, un peu ou beaucoup")
    _on(p, "/questionnaire/vos-reponses/", "Vérifiez vos réponses")
    p.get_by_role("link", name="Voir mon plan d’action").click()
    _on(p, "/plan/", "Votre plan d’action")
    plan = p.locator("#step").inner_text()
    assert plan.index("Danger immédiat : appelez maintenant") < plan.index("À faire maintenant")
    assert page.console_errors == []


# --- Pages set up straight in the session ---------------------------------------------------

VICTIM = {
    "danger": "none",
    "role": "victim",
    "victim_age": "15_17",
    "acts": ["insults"],
    "discrimination": [],
    "platforms": ["instagram"],
    "visibility": "private",
    "several_authors": "no",
    "author_relation": "classmate",
    "first_seen": RECENTLY,
    "health_impact": "some",
}


def _with_answers(browser_page, answers: dict, **more) -> None:
    """Give the browser a session that already holds these answers (and more keys)."""
    store = SessionStore()
    store["guidance_answers"] = answers
    for key, value in more.items():
        store[key] = value
    store.save()
    browser_page.page.context.add_cookies(
        [{"name": "sessionid", "value": store.session_key, "url": browser_page.base_url}]
    )


def test_changing_an_answer_from_the_summary_asks_the_follow_up_then_returns(page):
    _with_answers(page, VICTIM)
    page.goto("/questionnaire/vos-reponses/")
    p = page.page
    p.get_by_role("link", name="Modifier — Qui peut voir ces messages ?").click()
    _on(p, "/questionnaire/visibility/?change=1", "Qui peut voir ces messages ?")
    _checked(p, "Seulement moi, ou un groupe fermé : messages privés").to_be_checked()
    _answer(p, "Tout le monde : un post, un compte ou un groupe ouvert")
    _on(p, "/questionnaire/still_online/?change=1", "Les messages sont-ils encore en ligne ?")
    _answer(p, "Non, ils ont été supprimés")
    _on(p, "/questionnaire/vos-reponses/", "Vérifiez vos réponses")
    expect(p.locator("#answer-visibility .summary-answer")).to_have_text(
        "Tout le monde : un post, un compte ou un groupe ouvert"
    )
    expect(p.locator("#answer-still_online .summary-answer")).to_have_text(
        "Non, ils ont été supprimés"
    )
    assert page.console_errors == []


def test_back_shows_the_answer_kept_on_the_server_not_a_copy_of_the_page(page):
    _with_answers(page, {"danger": "none", "role": "victim"})
    page.goto("/questionnaire/role/")
    p = page.page
    _answer(p)
    _on(p, "/questionnaire/victim_age/", "Quel âge avez-vous ?")
    # Meanwhile the answer changes on the server (here from another tab of the same browser).
    other = p.context.new_page()
    other.goto(page.base_url + "/questionnaire/role/")
    _answer(other, "Je suis témoin")
    _on(other, "/questionnaire/witness_age/", "Et vous, quel âge avez-vous ?")
    other.close()
    p.go_back()
    _on(p, "/questionnaire/role/", "Qui êtes-vous dans cette histoire ?")
    _checked(p, "Je suis témoin").to_be_checked()  # pages are no-store: asked again
    assert page.console_errors == []


def test_with_htmx_the_url_changes_and_focus_lands_on_the_new_heading(page):
    page.goto("/")
    p = page.page
    p.get_by_role("button", name="Commencer", exact=True).click()
    _on(p, "/questionnaire/danger/", "Quelqu’un est-il en danger en ce moment ?")
    p.evaluate("() => { window.stillTheSamePage = true; }")
    _answer(p, "Non, pas en ce moment")
    _on(p, "/questionnaire/role/", "Qui êtes-vous dans cette histoire ?")
    assert p.evaluate("() => window.stillTheSamePage") is True  # swapped, not reloaded
    expect(p.locator("h1:focus")).to_have_text("Qui êtes-vous dans cette histoire ?")
    assert p.title().startswith("Qui êtes-vous dans cette histoire ?")
    expect(p.get_by_role("link", name="English")).to_have_attribute(
        "href", "/en/questionnaire/role/"
    )
    _answer(p)  # no choice: the error summary takes the focus
    expect(p.locator(".error-summary:focus")).to_contain_text("Choisissez une réponse")
    assert p.url.endswith("/questionnaire/role/")
    p.locator(".error-summary a").click()
    expect(p.locator("#id_role_0")).to_be_focused()
    assert page.console_errors == []


def test_an_answer_htmx_cannot_send_is_sent_the_plain_way_to_show_the_server_page(page):
    page.goto("/questionnaire/danger/")
    p = page.page
    p.context.clear_cookies()  # the form's CSRF cookie is gone: the server refuses the answer
    _answer(p, "Non, pas en ce moment")
    expect(_heading(p)).to_have_text("Cette page a expiré")


def test_a_date_typed_the_french_way_in_a_browser_without_date_field_is_understood(page):
    answers = {k: v for k, v in VICTIM.items() if k not in ("first_seen", "health_impact")}
    _with_answers(page, answers)
    page.goto("/questionnaire/first_seen/")
    p = page.page
    field = p.get_by_label("Quand le premier message est-il apparu ?")
    field.evaluate("(input) => { input.type = 'text'; }")  # as an old browser shows it
    field.fill("32/01/2025")
    _answer(p)
    expect(p.locator(".error-summary")).to_contain_text("Écrivez une date valide")
    expect(field).to_have_value("32/01/2025")
    expect(field).to_have_attribute("aria-invalid", "true")
    field.fill("05/01/2025")
    _answer(p)
    _on(p, "/questionnaire/health_impact/", "Est-ce que ça vous fait du mal au quotidien ?")
    assert page.console_errors == []


# --- Every kind of page: axe-core, the phone width, the console ---------------------------


def _before(question_id: str) -> dict:
    keys = list(VICTIM)
    return {k: VICTIM[k] for k in keys[: keys.index(question_id)]}


WITNESS = {
    "danger": "none",
    "role": "witness",
    "witness_age": "minor",
    "victim_age": "15_17",
    "acts": ["insults", "hostile_group"],
    "discrimination": [],
    "platforms": ["tiktok"],
    "visibility": "public",
    "still_online": "yes",
    "author_relation": "classmate",
    "first_seen": None,
}
STATEMENT = {
    "facts": "Le 12 mars, dans le groupe « 3e B », Lucas a écrit des insultes à Inès.",
    "when": "Le 12 mars 2026",
    "where": "Snapchat",
    "relation": "Camarade de classe",
    "last_name": "Martin",
    "first_names": "Léa",
    "birth": "",
    "address": "",
    "occupation": "",
}

PAGE_KINDS = {
    "single choice": (_before("role"), "/questionnaire/role/"),
    "multiple choice": (_before("acts"), "/questionnaire/acts/"),
    "date": (_before("first_seen"), "/questionnaire/first_seen/"),
    "error": (_before("role"), "/questionnaire/role/"),
    "summary": (VICTIM, "/questionnaire/vos-reponses/"),
    "urgent help": ({"danger": "self_harm"}, "/questionnaire/urgence/"),
    "plan": ({**VICTIM, "danger": "physical", "acts": ["insults", "threats"]}, "/plan/"),
    "plan in English": (VICTIM, "/en/plan/"),
    "witness plan": (WITNESS, "/plan/"),
    "witness statement form": (WITNESS, "/attestation-de-temoin/"),
    "witness statement to print": (WITNESS, "/attestation-de-temoin/a-imprimer/"),
}


def _open(browser_page, kind: str) -> None:
    answers, path = PAGE_KINDS[kind]
    _with_answers(browser_page, answers, guidance_attestation=STATEMENT)
    browser_page.goto(path)
    if kind == "error":
        browser_page.page.get_by_role("button", name="Continuer").click()
        expect(browser_page.page.locator(".error-summary")).to_be_visible()


@pytest.mark.parametrize("kind", PAGE_KINDS)
def test_every_kind_of_page_has_no_accessibility_violation(page, kind):
    _open(page, kind)
    assert axe_violations(page.page) == []
    assert page.console_errors == []


@pytest.mark.parametrize("kind", PAGE_KINDS)
def test_every_kind_of_page_fits_a_phone_without_horizontal_scroll(phone, kind):
    _open(phone, kind)
    assert not has_horizontal_scroll(phone.page)
    assert axe_violations(phone.page) == []
    assert phone.console_errors == []


def test_answers_are_large_tap_targets_on_a_phone(phone):
    _open(phone, "single choice")
    for box in phone.page.locator(".choice").all():
        assert box.bounding_box()["height"] >= 44
    continue_button = phone.page.get_by_role("button", name="Continuer").bounding_box()
    assert continue_button["height"] >= 44


def test_the_plan_prints_without_the_site_around_it(page):
    _open(page, "plan")
    page.page.emulate_media(media="print")
    for hidden in (".quick-exit-bar", ".site-footer", ".plan-actions", ".back-link"):
        expect(page.page.locator(hidden).first).to_be_hidden()
    expect(page.page.get_by_role("heading", name="Ton plan d’action")).to_be_visible()
    assert re.search(r"Appeler le 17", page.page.locator("#step").inner_text())


# --- The plan a frightened teenager reads on a phone --------------------------------------


def test_a_teenagers_plan_shows_its_three_first_steps_within_two_phone_screens(phone):
    _with_answers(phone, VICTIM)
    phone.goto("/plan/")
    p = phone.page
    steps = p.locator(".plan-now .plan-step")
    expect(steps).to_have_count(3)
    screens = 2 * p.viewport_size["height"]
    for box in (steps.nth(i).bounding_box() for i in range(3)):
        assert box["y"] + box["height"] <= screens  # read without scrolling past two screens
    law = p.locator("details.offence").first
    expect(law).not_to_have_attribute("open", "")
    assert axe_violations(p) == []
    assert not has_horizontal_scroll(p)
    assert phone.console_errors == []


# --- A witness statement, without JavaScript ------------------------------------------------


def test_a_witness_prepares_a_statement_without_javascript(browser, live_server):
    context = browser.new_context(java_script_enabled=False, locale="fr-FR")
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto(live_server.url + "/attestation-de-temoin/")
    page.get_by_role("button", name="Voir mon attestation").click()
    expect(page.locator(".error-summary")).to_contain_text("Écrivez ce que vous avez vu")
    page.get_by_label("Qu’avez-vous vu ou entendu vous-même ?").fill(STATEMENT["facts"])
    page.get_by_label("Nom", exact=True).fill("Martin")
    page.get_by_role("button", name="Voir mon attestation").click()
    page.wait_for_url("**/attestation-de-temoin/a-imprimer/")
    document = page.locator(".attestation-document")
    expect(document).to_contain_text("en vue de sa production en justice")
    expect(document).to_contain_text("Martin")
    expect(page.get_by_role("button", name="Imprimer l’attestation")).to_be_hidden()
    with page.expect_download() as download:
        page.get_by_role("link", name="Télécharger l’attestation (PDF)").click()
    assert download.value.suggested_filename == "attestation-de-temoin.pdf"
    page.emulate_media(media="print")
    expect(page.locator(".attestation-help").first).to_be_hidden()
    expect(document).to_be_visible()
    page.emulate_media(media="screen")
    page.get_by_role("button", name="Effacer mon attestation").last.click()
    page.wait_for_url("**/attestation-de-temoin/?erased=1")
    expect(page.get_by_role("status")).to_contain_text("effacée")
    context.close()
