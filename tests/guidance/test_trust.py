"""The plan says only what is right, in the reader's words: each rule, facts in, plan out.

Every rule is checked in both languages, and for the readers the plan speaks to as "tu" (a
victim or a witness under 18) and as "vous" (adults, parents, school staff).
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import re

import pytest

from guidance import engine
from guidance.content import load_raw
from guidance.content.schema import Content
from guidance.plan import NOW_LIMIT

TODAY = dt.date(2026, 11, 30)
LANGS = ("fr", "en")
PATHS = engine.all_paths(TODAY)

# Who reads the plan: the facts that make them who they are.
READERS = {
    "a teenage victim": {"role": "victim", "victim_age": "15_17"},
    "a victim under 15": {"role": "victim", "victim_age": "under_15"},
    "an adult victim": {"role": "victim", "victim_age": "adult"},
    "a parent": {"role": "guardian", "victim_age": "under_15"},
    "a young witness": {"role": "witness", "witness_age": "minor", "victim_age": "15_17"},
    "an adult witness": {"role": "witness", "witness_age": "adult", "victim_age": "15_17"},
    "school staff helping a pupil": {
        "role": "professional",
        "professional_target": "pupil",
        "victim_age": "15_17",
    },
    "school staff targeted": {"role": "professional", "professional_target": "self"},
}
YOUNG = ("a teenage victim", "a victim under 15", "a young witness")


def plan_for(lang: str = "fr", **facts) -> dict:
    return engine.build_plan(facts, lang, today=TODAY)


def reader(name: str, lang: str = "fr", **facts) -> dict:
    return plan_for(lang, **{**READERS[name], **facts})


def step_ids(plan: dict) -> list[str]:
    return [step["id"] for step in plan["steps"]]


def step(plan: dict, step_id: str) -> dict:
    return next(s for s in plan["steps"] if s["id"] == step_id)


def offence_ids(plan: dict) -> list[str]:
    return [offence["id"] for offence in plan["offences"]]


def offence(plan: dict, offence_id: str) -> dict:
    return next(o for o in plan["offences"] if o["id"] == offence_id)


def now(plan: dict) -> list[str]:
    return [s["id"] for s in plan["steps"] if s["when"] == "now"]


def advice(plan: dict) -> str:
    """What the plan tells its reader to do: urgent items and steps."""
    return " ".join(f"{item['title']} {item['text']}" for item in plan["urgent"] + plan["steps"])


def shown(plan: dict) -> str:
    """Every text of the plan a reader sees (the reviewer's references are not shown)."""
    texts = [advice(plan)]
    for resource in plan["resources"]:
        texts += [resource[k] or "" for k in ("name", "what", "note", "hours", "source")]
    for found in plan["offences"]:
        keys = ("article", "title", "what", "only_if", "note", "prescription", "penalty")
        texts += [found[k] or "" for k in (*keys, "source")]
        texts += found["circumstances"]
    return " ".join(texts)


def path_facts(path) -> dict:
    return engine.facts_from_answers(dict(path))


def path_id(path) -> str:
    return "-".join(("+".join(v) or "nothing") if isinstance(v, list) else str(v) for _, v in path)


# --- Emergency numbers: verified, never in doubt ----------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("danger", ["physical", "self_harm", "unknown"])
@pytest.mark.parametrize("who", list(READERS))
def test_nothing_in_an_urgent_block_carries_a_doubt(lang, danger, who):
    plan = reader(who, lang, danger=danger)
    cited = {rid for item in plan["urgent"] for rid in item["resources"]}
    assert cited
    for resource in plan["resources"]:
        if resource["id"] in cited:
            assert resource["confidence"] == "verified", resource["id"]
            assert resource["note"] is None, resource["id"]
            assert resource["source_url"].startswith("https://"), resource["id"]


@pytest.mark.parametrize("number", ["17", "112", "15"])
def test_17_112_and_15_are_verified_facts(number):
    resource = engine.content().resource_by_id[number]
    assert resource.confidence == "verified"
    assert resource.note is None
    assert resource.official is not None


def test_an_unverified_resource_in_an_urgent_block_is_refused_by_the_content_check():
    raw = copy.deepcopy(load_raw())
    police = next(r for r in raw["resources"] if r["id"] == "17")
    police["confidence"] = "unverified"
    police["note"] = {"fr": "À vérifier", "en": "To be confirmed"}
    problems = engine.validate(Content.from_raw(raw))
    assert any(p.startswith("urgent danger_now: the resource '17' is unverified") for p in problems)


# --- The 3020 is never shown -------------------------------------------------------------------


@pytest.mark.parametrize("path", PATHS, ids=path_id)
def test_no_plan_ever_shows_the_3020(path):
    facts = path_facts(path)
    for lang in LANGS:
        plan = engine.build_plan(facts, lang, today=TODAY)
        assert "3020" not in json.dumps(plan, ensure_ascii=False)


def test_the_3020_is_not_a_resource_at_all():
    assert "3020" not in engine.content().resource_by_id
    assert all(r.phone != "3020" for r in engine.content().resources)


# --- Penalties ---------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
def test_sexual_images_of_a_minor_posted_online_risk_7_years_and_100000_euros(lang):
    plan = reader(
        "a parent", lang, acts=["intimate_images"], platforms=["snapchat"], visibility="public"
    )
    found = offence(plan, "227-23")
    assert (found["prison_years"], found["fine_eur"]) == (7, 100000)
    assert ("100 000" if lang == "fr" else "100,000") in found["penalty"].replace("\u00a0", " ")


@pytest.mark.parametrize("lang", LANGS)
def test_a_private_insult_is_a_38_euro_contravention_under_r621_not_the_press_law(lang):
    plan = reader("a teenage victim", lang, acts=["insults"], visibility="private")
    assert "loi1881-33" not in offence_ids(plan)
    found = offence(plan, "R621-2")
    assert (found["prison_years"], found["fine_eur"]) == (0, 38)
    assert "R621-1" in found["article"] and "R621-2" in found["article"]
    assert "1881" not in found["article"] and "29" not in found["article"]


@pytest.mark.parametrize("lang", LANGS)
def test_a_private_discriminatory_insult_is_a_1500_euro_contravention_under_r625(lang):
    plan = reader(
        "an adult victim", lang, acts=["insults"], visibility="private", discrimination=["racist"]
    )
    assert {"loi1881-33", "R621-2"}.isdisjoint(offence_ids(plan))
    found = offence(plan, "R625-8-1")
    assert (found["prison_years"], found["fine_eur"]) == (0, 1500)
    assert "R625-8" in found["article"] and "1881" not in found["article"]


@pytest.mark.parametrize("lang", LANGS)
def test_public_insults_stay_under_the_press_law(lang):
    plan = reader("an adult victim", lang, acts=["insults"], visibility="public")
    assert "R621-2" not in offence_ids(plan)
    assert "1881" in offence(plan, "loi1881-33")["article"]
    assert offence(plan, "loi1881-33")["fine_eur"] == 12000


def test_one_year_is_for_public_discriminatory_words_only():
    public = reader(
        "an adult victim",
        acts=["insults"],
        visibility="public",
        discrimination=["sexist"],
        first_seen="2026-10-01",
    )
    assert offence(public, "loi1881-33")["deadline"] == "2027-10-01"
    private = reader(
        "an adult victim",
        acts=["insults"],
        visibility="private",
        discrimination=["sexist"],
        first_seen="2026-10-01",
    )
    assert offence(private, "R625-8-1")["deadline"] == "2027-01-01"


@pytest.mark.parametrize("lang", LANGS)
def test_the_deadline_step_gives_the_earliest_deadline_and_no_year_for_private_words(lang):
    plan = reader(
        "an adult victim",
        lang,
        acts=["insults"],
        visibility="both",
        discrimination=["racist"],
        first_seen="2026-10-01",
    )
    text = step(plan, "press_deadline")["text"]
    assert ("1er janvier 2027" if lang == "fr" else "1 January 2027") in text
    private = reader(
        "an adult victim",
        lang,
        acts=["insults"],
        visibility="private",
        discrimination=["racist"],
        first_seen="2026-10-01",
    )
    assert ("1 an" if lang == "fr" else "1 year") not in step(private, "press_deadline")["text"]


# --- Offences that must not apply --------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize(
    "facts",
    [
        {"role": "victim", "victim_age": "adult", "victim_public_role": "school_staff"},
        {"role": "victim", "victim_age": "adult", "victim_public_role": "public_agent"},
        {"role": "professional", "professional_target": "self"},
        {"role": "witness", "witness_age": "adult", "victim_public_role": "school_staff"},
    ],
    ids=["teacher", "public agent", "staff answering as staff", "witness of a teacher"],
)
def test_school_bullying_does_not_protect_staff_harassed_by_pupils(lang, facts):
    plan = plan_for(lang, **facts, acts=["insults"], author_relation="classmate")
    assert "222-33-2-3" not in offence_ids(plan)
    assert "222-33-2-2" in offence_ids(plan)


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize(
    "who", ["a teenage victim", "a parent", "a young witness", "school staff helping a pupil"]
)
def test_school_bullying_protects_pupils(lang, who):
    plan = reader(who, lang, acts=["insults"], author_relation="classmate")
    found = offence(plan, "222-33-2-3")
    assert (found["prison_years"], found["fine_eur"]) == (3, 45000)


def test_an_adult_pupil_is_protected_too():
    plan = reader("an adult victim", acts=["insults"], author_relation="classmate")
    assert "222-33-2-3" in offence_ids(plan)


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("who", list(READERS))
def test_a_boyfriend_or_girlfriend_is_not_a_spouse(lang, who):
    plan = reader(who, lang, acts=["insults"], author_relation="partner_or_ex")
    assert "222-33-2-1" not in offence_ids(plan)


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("who", ["an adult victim", "an adult witness"])
def test_a_spouse_civil_partner_or_cohabitant_now_or_before_is(lang, who):
    plan = reader(who, lang, acts=["insults"], author_relation="spouse_or_ex")
    found = offence(plan, "222-33-2-1")
    assert (found["prison_years"], found["fine_eur"]) == (3, 45000)
    assert found["only_if"] is None


def test_the_questionnaire_asks_whether_they_lived_together_married_or_pacsed():
    question = engine.render_question("author_relation", "fr", {"role": "victim"})
    labels = {choice["value"]: choice["label"] for choice in question["choices"]}
    assert "pacsé" in labels["spouse_or_ex"] and "vécu avec moi" in labels["spouse_or_ex"]
    assert "pas vécu" in labels["partner_or_ex"]


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("who", list(READERS))
def test_a_deepfake_and_real_intimate_images_are_each_named_only_if_they_fit(lang, who):
    plan = reader(who, lang, acts=["intimate_images"])
    deepfake, real = offence(plan, "226-8-1"), offence(plan, "226-2-1")
    assert deepfake["only_if"] and real["only_if"]
    assert ("truquées" if lang == "fr" else "faked") in deepfake["only_if"]
    assert ("vraies images" if lang == "fr" else "real images") in real["only_if"]


def test_conditional_offences_say_so_on_the_page(client, db):
    from tests.guidance.conftest import Questionnaire

    walk = Questionnaire(client)
    walk.answer_all(
        {
            "danger": "none",
            "role": "victim",
            "victim_age": "adult",
            "victim_public_role": "none",
            "acts": ["intimate_images"],
            "platforms": ["instagram"],
            "visibility": "public",
            "still_online": "yes",
            "several_authors": "no",
            "author_relation": "stranger",
            "first_seen": None,
            "health_impact": "some",
        }
    )
    html = client.get("/plan/").content.decode()
    assert "Seulement : Si les images sont truquées ou fabriquées" in html


# --- Offences that were missing ----------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize(
    "facts",
    [
        {"role": "victim", "victim_age": "adult", "victim_public_role": "school_staff"},
        {"role": "victim", "victim_age": "adult", "victim_public_role": "elected_official"},
        {"role": "victim", "victim_age": "adult", "victim_public_role": "public_agent"},
        {"role": "professional", "professional_target": "self"},
    ],
    ids=["teacher", "elected", "public agent", "staff"],
)
def test_threats_against_school_staff_officials_and_agents_cite_433_3(lang, facts):
    plan = plan_for(lang, **facts, acts=["threats"])
    found = offence(plan, "433-3")
    assert (found["prison_years"], found["fine_eur"]) == (3, 45000)
    assert found["only_if"]  # "because of their job": the facts cannot tell
    death = offence(plan_for(lang, **facts, acts=["death_threats"]), "433-3")
    assert (death["prison_years"], death["fine_eur"]) == (5, 75000)


def test_433_3_needs_threats_and_a_protected_function():
    assert "433-3" not in offence_ids(reader("school staff targeted", acts=["insults"]))
    assert "433-3" not in offence_ids(reader("a teenage victim", acts=["threats"]))


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("who", list(READERS))
def test_a_hacked_account_alone_names_323_1(lang, who):
    plan = reader(who, lang, acts=["hacking"])
    found = offence(plan, "323-1")
    assert (found["prison_years"], found["fine_eur"]) == (2, 60000)
    assert found["confidence"] == "secondary"
    assert ("revérifier" if lang == "fr" else "checking again") in found["note"]


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("reason", ["racist", "antisemitic", "religious", "sexist", "lgbtphobic"])
def test_threats_for_who_someone_is_cite_222_18_1(lang, reason):
    plan = reader("a teenage victim", lang, acts=["threats"], discrimination=[reason])
    found = offence(plan, "222-18-1")
    assert (found["prison_years"], found["fine_eur"]) == (2, 30000)
    plan = reader("a teenage victim", lang, acts=["death_threats"], discrimination=[reason])
    assert (offence(plan, "222-18-1")["prison_years"], offence(plan, "222-18-1")["fine_eur"]) == (
        5,
        75000,
    )


def test_222_18_1_needs_a_threat_and_one_of_its_reasons():
    assert "222-18-1" not in offence_ids(
        reader("a teenage victim", acts=["insults"], discrimination=["racist"])
    )
    assert "222-18-1" not in offence_ids(
        reader("a teenage victim", acts=["threats"], discrimination=["disability"])
    )


@pytest.mark.parametrize("lang", LANGS)
def test_an_adult_pushing_a_minor_to_sexual_acts_online_cites_227_22_2(lang):
    plan = reader("a teenage victim", lang, acts=["sexual_solicitation"], platforms=["snapchat"])
    found = offence(plan, "227-22-2")
    assert (found["prison_years"], found["fine_eur"]) == (7, 100000)
    assert ("majeur" if lang == "fr" else "adult") in found["only_if"]
    younger = reader(
        "a victim under 15", lang, acts=["sexual_solicitation"], platforms=["snapchat"]
    )
    assert (
        offence(younger, "227-22-2")["prison_years"],
        offence(younger, "227-22-2")["fine_eur"],
    ) == (
        10,
        150000,
    )
    adult = reader("an adult victim", lang, acts=["sexual_solicitation"], platforms=["snapchat"])
    assert "227-22-2" not in offence_ids(adult)


# --- Confidence and sources --------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("offence_id", ["222-33-2-2", "222-33-2-3", "222-33-2-1"])
def test_harassment_runs_from_the_last_act_verified(lang, offence_id):
    plan = (
        reader("a teenage victim", lang, acts=["insults"], author_relation="classmate")
        if offence_id != "222-33-2-1"
        else reader("an adult victim", lang, acts=["insults"], author_relation="spouse_or_ex")
    )
    found = offence(plan, offence_id)
    assert found["prescription_confidence"] == "verified"
    assert ("dernier acte" if lang == "fr" else "last act") in found["prescription"]
    assert found["deadline"] is None  # the last act is not asked: no date is made up


def test_every_offence_points_to_its_official_text_on_legifrance():
    for found in engine.content().offences:
        assert found.official.url.startswith("https://www.legifrance.gouv.fr/"), found.id
        for lang in LANGS:
            assert "Légifrance" in found.official.name[lang], found.id


def test_every_verified_resource_points_to_the_official_page_it_was_checked_against():
    for resource in engine.content().resources:
        if resource.confidence == "verified":
            assert resource.official is not None, resource.id
            assert resource.official.url.startswith("https://"), resource.id


INTERNAL = re.compile(r"legal-fr|\.md\b|\[\d+\]")


@pytest.mark.parametrize("path", PATHS, ids=path_id)
def test_no_text_a_reader_sees_names_the_internal_reference_sheet(path):
    facts = path_facts(path)
    for lang in LANGS:
        assert not INTERNAL.search(shown(engine.build_plan(facts, lang, today=TODAY)))


def test_the_reviewers_references_are_kept_as_internal_data():
    plan = reader("a teenage victim", acts=["insults"])
    harassment = offence(plan, "222-33-2-2")
    assert "legal-fr.md" in harassment["reference"]
    assert "doctrine.fr" in harassment["reviewed_from"]
    assert harassment["source"] == "Code pénal, sur Légifrance"


def test_an_internal_reference_in_a_shown_source_is_refused_by_the_content_check():
    raw = copy.deepcopy(load_raw())
    raw["resources"][0]["source"] = "Numéros d’urgence (legal-fr.md §3)"
    problems = engine.validate(Content.from_raw(raw))
    assert any("resource 17 › source: names the internal reference sheet" in p for p in problems)


# --- One place for the online complaint --------------------------------------------------------

NOT_FOR_HARASSMENT = {"fr": "ne convient pas au harcèlement", "en": "not meant for harassment"}


@pytest.mark.parametrize("lang", LANGS)
def test_thesee_and_the_online_complaint_are_explained_once_together(lang):
    plan = reader("an adult victim", lang, acts=["sextortion", "insults"])
    said = [s["id"] for s in plan["steps"] if "THESEE" in s["text"]]
    assert said == ["file_complaint"]
    text = step(plan, "file_complaint")["text"]
    assert ("plainte en ligne" if lang == "fr" else "online complaint") in text
    not_harassment = (
        "ne convient pas au harcèlement" if lang == "fr" else "not meant for harassment"
    )
    assert not_harassment not in advice(plan)


@pytest.mark.parametrize("lang", LANGS)
def test_without_blackmail_thesee_is_not_offered(lang):
    plan = reader("an adult victim", lang, acts=["insults"])
    assert "THESEE" not in advice(plan)
    not_harassment = (
        "ne convient pas au harcèlement" if lang == "fr" else "not meant for harassment"
    )
    assert advice(plan).count(not_harassment) == 1


# --- Kind words for children about their own images ---------------------------------------------

HURTFUL = {
    "fr": re.compile(r"la loi l’interdit|la loi interdit|est (?:aussi )?puni|détenir", re.I),
    "en": re.compile(r"the law forbids|(?:is|are) punished|keeping or viewing", re.I),
}


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("who", YOUNG)
@pytest.mark.parametrize("acts", [["intimate_images"], ["sextortion"], ["sexual_solicitation"]])
def test_a_child_is_sent_kindly_to_the_3018_never_told_they_break_the_law(lang, who, acts):
    plan = reader(who, lang, acts=acts)
    warning = step(plan, "no_minor_sexual_images")
    assert not HURTFUL[lang].search(warning["text"])
    assert warning["resources"] == ["3018"]
    assert "3018" in warning["text"]
    assert ("téléphone" if lang == "fr" else "phone") in warning["text"]
    if "227-23" in offence_ids(plan):
        found = offence(plan, "227-23")
        assert "3018" in found["note"] and not HURTFUL[lang].search(found["note"])
        assert ("font circuler" if lang == "fr" else "pass around") in found["what"]


@pytest.mark.parametrize("lang", LANGS)
def test_an_adult_is_told_that_keeping_the_images_is_punished(lang):
    plan = reader("a parent", lang, acts=["intimate_images"])
    assert HURTFUL[lang].search(offence(plan, "227-23")["note"])


# --- Short, ranked, in the reader's register ---------------------------------------------------


@pytest.mark.parametrize("path", PATHS, ids=path_id)
def test_every_plan_shows_at_most_three_steps_to_do_now(path):
    facts = path_facts(path)
    for lang in LANGS:
        assert len(now(engine.build_plan(facts, lang, today=TODAY))) <= NOW_LIMIT


def test_the_steps_beyond_the_three_most_urgent_move_to_next_not_away():
    plan = reader(
        "a teenage victim",
        acts=["sextortion", "doxxing", "hacking", "insults"],
        platforms=["instagram"],
    )
    assert now(plan) == ["sextortion_stop", "no_minor_sexual_images", "doxxing_safety"]
    assert {"call_3018", "keep_evidence", "secure_account", "report_platform"} <= {
        s["id"] for s in plan["steps"] if s["when"] == "soon"
    }


@pytest.mark.parametrize(
    ("who", "first"),
    [
        ("a teenage victim", ["call_3018", "keep_evidence", "report_platform"]),
        ("a parent", ["talk_to_someone", "call_3018", "keep_evidence"]),
        ("a young witness", ["witness_support_victim", "witness_do_not_share", "witness_report"]),
        ("school staff helping a pupil", ["staff_protect_pupil", "staff_report", "keep_evidence"]),
        ("school staff targeted", ["staff_victim_support", "keep_evidence", "report_platform"]),
    ],
)
def test_the_three_steps_first_are_the_most_urgent_for_the_role(who, first):
    plan = reader(who, acts=["insults"], platforms=["instagram"])
    assert now(plan) == first


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("who", [w for w in READERS if "witness" not in w])
@pytest.mark.parametrize("facts", [{"acts": ["death_threats"]}, {"danger": "physical"}])
def test_a_death_threat_or_danger_puts_the_complaint_first(lang, who, facts):
    plan = reader(who, lang, **{"acts": ["insults"], **facts}, platforms=["x"])
    assert now(plan)[0] == "complaint_now"
    assert "17" in step(plan, "complaint_now")["resources"]


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("who", ["a young witness", "an adult witness"])
def test_a_witness_of_a_death_threat_tells_the_police_first(lang, who):
    plan = reader(who, lang, acts=["death_threats"])
    assert now(plan)[0] == "witness_serious"
    assert "complaint_now" not in step_ids(plan)


@pytest.mark.parametrize(
    ("who", "register"),
    [
        ("a teenage victim", "tu"),
        ("a victim under 15", "tu"),
        ("a young witness", "tu"),
        ("an adult victim", "vous"),
        ("a parent", "vous"),
        ("an adult witness", "vous"),
        ("school staff helping a pupil", "vous"),
        ("school staff targeted", "vous"),
    ],
)
def test_the_young_are_told_tu_and_adults_vous(who, register):
    assert reader(who)["register"] == register


def test_a_victim_who_would_rather_not_give_their_age_is_told_vous():
    assert plan_for(role="victim", victim_age="unknown")["register"] == "vous"
    assert plan_for(role="witness", witness_age="unknown")["register"] == "vous"


VOUS_WORDS = re.compile(r"\b(?:vous|votre|vos)\b", re.I)
TU_WORDS = re.compile(r"\b(?:tu|te|toi|ton|ta|tes)\b|\bt’", re.I)


@pytest.mark.parametrize("path", PATHS, ids=path_id)
def test_every_french_plan_keeps_to_its_readers_register(path):
    plan = engine.build_plan(path_facts(path), "fr", today=TODAY)
    text = shown(plan)
    if plan["register"] == "tu":
        assert not VOUS_WORDS.findall(text), VOUS_WORDS.findall(text)
    else:
        assert not TU_WORDS.findall(text), TU_WORDS.findall(text)


TELL_AN_ADULT = {
    "fr": re.compile(r"adulte de confiance|\bun adulte\b", re.I),
    "en": re.compile(r"trusted adult|\ban adult\b", re.I),
}


@pytest.mark.parametrize("path", PATHS, ids=path_id)
def test_an_adult_is_never_told_to_tell_an_adult(path):
    facts = path_facts(path)
    for lang in LANGS:
        plan = engine.build_plan(facts, lang, today=TODAY)
        if plan["register"] == "vous":
            assert not TELL_AN_ADULT[lang].search(advice(plan))


@pytest.mark.parametrize("who", YOUNG)
def test_a_young_reader_is_told_to_talk_to_a_trusted_adult(who):
    for lang in LANGS:
        assert TELL_AN_ADULT[lang].search(advice(reader(who, lang, acts=["insults"])))


# --- School and club staff --------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
def test_staff_helping_a_pupil_get_article_40_phare_protection_and_what_not_to_do(lang):
    plan = reader("school staff helping a pupil", lang, acts=["insults"], platforms=["tiktok"])
    report = step(plan, "staff_report")
    assert {"phare", "art40_cpp"} <= set(report["resources"])
    assert "40" in report["text"] and "pHARe" in report["text"]
    protect = step(plan, "staff_protect_pupil")["text"]
    assert ("devant la classe" if lang == "fr" else "in front of the class") in protect
    evidence = step(plan, "keep_evidence")["text"]
    assert ("Ne supprimez" if lang == "fr" else "not delete") in evidence
    assert "staff_victim_support" not in step_ids(plan)


@pytest.mark.parametrize("lang", LANGS)
def test_staff_who_are_targeted_get_their_own_advice_not_the_pupils(lang):
    plan = reader("school staff targeted", lang, acts=["threats"], author_relation="classmate")
    support = step(plan, "staff_victim_support")
    assert "protection_fonctionnelle" in support["resources"]
    assert {"staff_protect_pupil", "staff_report", "school_action"}.isdisjoint(step_ids(plan))
    protection = next(r for r in plan["resources"] if r["id"] == "protection_fonctionnelle")
    assert protection["confidence"] == "unverified" and protection["note"]
    assert "433-3" in offence_ids(plan) and "222-33-2-3" not in offence_ids(plan)


# --- Witnesses ---------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("who", ["a young witness", "an adult witness"])
def test_a_witness_is_offered_the_attestation(lang, who):
    plan = reader(who, lang, acts=["insults"])
    attestation = step(plan, "witness_attestation")
    assert attestation["action"]["page"] == "attestation"
    assert attestation["action"]["label"]


# --- Reporting where a raid happens ------------------------------------------------------------

COMMENTS = {"fr": "commentaire", "en": "comment"}


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("register", ["tu", "vous"])
@pytest.mark.parametrize(
    ("platform", "also"),
    [
        ("instagram", "live"),
        ("tiktok", "live"),
        ("youtube", "live"),
        ("facebook", "live"),
        ("twitch", "live"),
        ("x", None),
    ],
)
def test_each_platform_says_to_report_comments_and_lives_not_only_posts(
    lang, register, platform, also
):
    what = engine.content().resource_by_id[f"report_{platform}"].what.say(lang, register)
    if platform == "x":
        assert ("réponse" if lang == "fr" else "reply") in what
    elif platform != "twitch":
        assert COMMENTS[lang] in what
    if also:
        assert also in what


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("who", ["a teenage victim", "a young witness", "an adult witness"])
def test_the_reporting_step_asks_for_each_comment_too(lang, who):
    plan = reader(who, lang, acts=["hostile_group"], platforms=["tiktok"])
    step_id = "report_platform" if "victim" in who else "witness_report"
    assert COMMENTS[lang] in step(plan, step_id)["text"]
    assert "report_tiktok" in step(plan, step_id)["howtos"]


def test_the_urgent_page_of_the_questionnaire_says_vous_like_the_questionnaire():
    urgent = engine.build_urgent({"danger": "physical", **READERS["a teenage victim"]}, "fr")
    assert urgent["urgent"][0]["title"] == "Danger immédiat : appelez maintenant"
    plan = reader("a teenage victim", danger="physical")
    assert plan["urgent"][0]["title"] == "Danger immédiat : appelle maintenant"
