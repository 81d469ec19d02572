"""The questionnaire and the plan, as a user of the site would notice them."""

import datetime as dt
import json

import pytest

from guidance import engine
from guidance.facts import FactsError
from guidance.flow import questions_in

TODAY = dt.date(2026, 11, 21)
EVERYTHING = [
    "insults",
    "threats",
    "death_threats",
    "rumours",
    "defamation",
    "hacking",
    "impersonation",
    "hostile_group",
    "humiliating_media",
    "intimate_images",
    "sexual_solicitation",
    "sextortion",
    "doxxing",
    "orders_in_name",
    "message_flood",
]


def plan_for(lang: str = "fr", **facts) -> dict:
    return engine.build_plan(facts, lang, today=TODAY)


def step_ids(plan: dict) -> list[str]:
    return [step["id"] for step in plan["steps"]]


def step(plan: dict, step_id: str) -> dict:
    return next(s for s in plan["steps"] if s["id"] == step_id)


def resource_ids(plan: dict) -> set[str]:
    cited = {rid for item in plan["urgent"] + plan["steps"] for rid in item["resources"]}
    return cited | {resource["id"] for resource in plan["resources"]}


# --- Routing: what applies, and nothing that does not ---------------------------------------


def test_an_adult_victim_is_not_sent_to_child_protection_lines():
    plan = plan_for(
        role="victim",
        victim_age="adult",
        danger="physical",
        acts=EVERYTHING,
        author_relation="classmate",
        platforms=["instagram"],
    )
    assert not {"119", "3020"} & resource_ids(plan)
    assert "minor_complaint" not in step_ids(plan)
    assert step(plan, "call_3018")["title"] == "Le 3018 peut aussi vous aider"


def test_private_messages_are_not_sent_to_pharos():
    plan = plan_for(
        role="victim",
        visibility="private",
        acts=["death_threats", "doxxing"],
        discrimination=["racist"],
    )
    assert "report_pharos" not in step_ids(plan)
    assert "pharos" not in resource_ids(plan)


def test_public_threats_are_sent_to_pharos():
    plan = plan_for(role="victim", visibility="public", acts=["threats"])
    assert step(plan, "report_pharos")["resources"] == ["pharos"]


def test_public_insults_alone_call_for_a_complaint_not_pharos():
    plan = plan_for(role="victim", victim_age="adult", visibility="public", acts=["insults"])
    assert "report_pharos" not in step_ids(plan)
    assert "file_complaint" in step_ids(plan)


def test_a_witness_is_not_told_to_file_a_complaint_but_how_to_help():
    plan = plan_for(role="witness", victim_age="adult", acts=["insults"], platforms=["x"])
    ids = step_ids(plan)
    assert "file_complaint" not in ids and "minor_complaint" not in ids
    assert {"witness_support_victim", "witness_do_not_share", "witness_report"} <= set(ids)


def test_physical_danger_comes_first_with_17_112_and_114():
    plan = plan_for(role="victim", danger="physical", victim_age="15_17")
    assert plan["urgent"][0]["id"] == "danger_now"
    assert plan["urgent"][0]["resources"][:3] == ["17", "112", "114"]
    assert [r["id"] for r in plan["resources"][:3]] == ["17", "112", "114"]


def test_thoughts_of_suicide_lead_to_the_3114_first():
    plan = plan_for(role="witness", danger="self_harm")
    assert plan["urgent"][0]["id"] == "self_harm"
    assert plan["urgent"][0]["resources"][0] == "3114"


def test_whom_to_call_can_be_shown_right_after_the_danger_question():
    urgent = engine.build_urgent({"danger": "physical"}, "en")
    assert urgent["urgent"][0]["title"] == "Immediate danger: call now"
    assert [r["id"] for r in urgent["resources"]] == ["17", "112", "114"]


def test_no_danger_means_no_urgent_section():
    assert plan_for(role="victim", danger="none")["urgent"] == []


def test_a_minor_is_sent_to_the_3018_first():
    plan = plan_for(role="victim", victim_age="under_15", acts=["insults"])
    assert plan["steps"][0]["id"] == "call_3018"
    assert plan["steps"][0]["when"] == "now"


def test_sexual_images_of_a_minor_are_never_kept_and_are_reported():
    plan = plan_for(role="victim", victim_age="15_17", acts=["intimate_images"])
    warning = step(plan, "no_minor_sexual_images")
    assert warning["resources"] == ["3018"]  # one number for a teenager: the 3018
    assert "même pour prouver" in warning["text"]
    assert step_ids(plan).index("no_minor_sexual_images") < step_ids(plan).index("keep_evidence")
    parent = plan_for(role="guardian", victim_age="15_17", acts=["intimate_images"])
    assert step(parent, "no_minor_sexual_images")["resources"] == [
        "3018",
        "pharos",
        "point_de_contact",
    ]


def test_a_parent_of_a_minor_is_told_how_to_file_a_complaint_for_their_child():
    plan = plan_for(role="guardian", victim_age="under_15", acts=["insults"])
    assert "minor_complaint" in step_ids(plan)
    assert "file_complaint" not in step_ids(plan)
    assert step(plan, "minor_complaint")["title"] == "Porter plainte pour votre enfant"


def test_each_chosen_platform_gets_its_reporting_help():
    plan = plan_for(role="victim", acts=["insults"], platforms=["tiktok", "discord", "sms"])
    assert step(plan, "report_platform")["resources"][:3] == [
        "report_tiktok",
        "report_discord",
        "report_sms",
    ]
    assert "report_instagram" not in resource_ids(plan)


def test_discriminatory_attacks_lead_to_the_matching_associations():
    plan = plan_for(role="victim", acts=["insults"], discrimination=["sexist", "antisemitic"])
    assert step(plan, "association_support")["resources"] == [
        "stop_fisha",
        "licra",
        "crif",
        "point_de_contact",
    ]


def test_lgbtphobic_attacks_lead_to_sos_homophobie_without_an_unverified_number():
    plan = plan_for(role="victim", acts=["insults"], discrimination=["lgbtphobic"])
    sos = next(r for r in plan["resources"] if r["id"] == "sos_homophobie")
    assert sos["phone"] is None and sos["url"] and sos["confidence"] == "unverified"


def test_financial_sextortion_of_an_adult_points_to_thesee_where_the_complaint_is_explained():
    plan = plan_for(role="victim", victim_age="adult", acts=["sextortion"])
    assert "thesee" in step(plan, "file_complaint")["resources"]
    assert "THESEE" in step(plan, "file_complaint")["text"]
    assert "THESEE" not in step(plan, "sextortion_stop")["text"]


def test_an_insult_deadline_close_at_hand_becomes_urgent():
    plan = plan_for(role="victim", acts=["insults"], first_seen="2026-09-01")
    deadline = step(plan, "press_deadline")
    assert deadline["when"] == "now"
    assert "1er décembre 2026" in deadline["text"]


def test_an_insult_deadline_far_away_stays_a_next_step():
    plan = plan_for("en", role="victim", acts=["insults"], first_seen="2026-11-01")
    deadline = step(plan, "press_deadline")
    assert deadline["when"] == "soon"
    assert "1 February 2027" in deadline["text"]


def test_steps_are_ordered_now_then_soon_then_later():
    plan = plan_for(role="victim", acts=EVERYTHING, platforms=["x"], still_online="yes")
    order = [step["when"] for step in plan["steps"]]
    assert order == sorted(order, key=["now", "soon", "later"].index)


def test_emergency_numbers_are_verified_facts_without_a_doubt():
    plan = plan_for(role="victim", danger="physical")
    police = next(r for r in plan["resources"] if r["id"] == "17")
    assert police["confidence"] == "verified" and police["note"] is None


def test_the_plan_is_in_english_when_asked():
    plan = plan_for("en", role="victim", acts=["insults"])
    assert plan["lang"] == "en"
    assert step(plan, "keep_evidence")["title"] == "Keep evidence"


def test_the_plan_has_the_promised_keys():
    plan = plan_for(
        role="victim",
        victim_age="adult",
        acts=["threats"],
        platforms=["x"],
        first_seen="2026-10-01",
        danger="physical",
    )
    assert set(plan) == {"lang", "register", "urgent", "steps", "resources", "offences"}
    assert {"id", "title", "text", "resources"} <= set(plan["urgent"][0])
    assert {"id", "when", "title", "text", "resources"} <= set(plan["steps"][0])
    assert {"id", "name", "phone", "url", "hours", "what"} <= set(plan["resources"][0])
    assert {
        "id",
        "article",
        "title",
        "prison_years",
        "fine_eur",
        "prescription",
        "deadline",
        "source",
        "checked",
    } <= set(plan["offences"][0])


# --- Facts ------------------------------------------------------------------------------------


def test_facts_need_a_role():
    with pytest.raises(FactsError) as error:
        engine.validate_facts({"victim_age": "adult"})
    assert error.value.key == "role"


def test_an_unknown_value_is_refused_naming_its_key():
    with pytest.raises(FactsError) as error:
        engine.validate_facts({"role": "victim", "platforms": ["myspace"]})
    assert error.value.key == "platforms"
    assert "myspace" in str(error.value)


def test_an_unknown_fact_is_refused():
    with pytest.raises(FactsError) as error:
        engine.validate_facts({"role": "victim", "mood": "sad"})
    assert error.value.key == "mood"


# --- The questionnaire -----------------------------------------------------------------------


def test_danger_is_asked_first_then_who_you_are():
    assert engine.first_question() == "danger"
    assert engine.next_question({}) == "danger"
    assert engine.next_question({"danger": "none"}) == "role"


def test_an_adult_is_asked_about_a_public_role_and_a_minor_is_not():
    base = {"danger": "none", "role": "victim"}
    assert engine.next_question({**base, "victim_age": "adult"}) == "victim_public_role"
    assert engine.next_question({**base, "victim_age": "15_17"}) == "acts"


def test_a_witness_reaches_the_plan_without_health_questions():
    answers = {
        "danger": "none",
        "role": "witness",
        "witness_age": "minor",
        "victim_age": "15_17",
        "acts": ["rumours"],
        "discrimination": [],
        "platforms": ["instagram"],
        "visibility": "public",
        "still_online": "yes",
        "several_authors": "yes",
        "author_relation": "classmate",
        "first_seen": None,
    }
    assert engine.next_question(answers) is None
    assert "health_impact" not in engine.path(answers)


def test_a_teenager_reaches_the_plan_in_at_most_12_questions():
    teen_paths = [  # a young victim, or a young witness (school staff take one question more)
        path
        for path in engine.all_paths(TODAY)
        if dict(path)["role"] in ("victim", "witness")
        and dict(path)["victim_age"] in ("under_15", "15_17")
    ]
    assert teen_paths
    assert max(len(path) for path in teen_paths) <= 12


def test_changing_an_answer_drops_the_follow_ups_that_no_longer_apply():
    answers = {
        "danger": "none",
        "role": "victim",
        "victim_age": "adult",
        "victim_public_role": "journalist",
        "acts": ["insults"],
        "discrimination": ["racist"],
    }
    changed = {**answers, "victim_age": "15_17", "acts": ["hacking"]}
    assert engine.prune(changed) == {
        "danger": "none",
        "role": "victim",
        "victim_age": "15_17",
        "acts": ["hacking"],
    }
    assert engine.next_question(changed) == "platforms"
    assert "victim_public_role" not in engine.facts_from_answers(changed)


def test_the_path_lists_the_answered_questions_in_order():
    answers = {"role": "victim", "danger": "none", "victim_age": "under_15"}
    assert engine.path(answers) == ["danger", "role", "victim_age"]


def test_an_answer_that_no_longer_fits_the_question_is_asked_again():
    assert engine.next_question({"danger": "none", "role": "astronaut"}) == "role"


def test_who_did_it_also_says_whether_the_author_is_known():
    answers = {
        "danger": "none",
        "role": "victim",
        "victim_age": "adult",
        "victim_public_role": None,
        "acts": [],
        "platforms": [],
        "visibility": "private",
        "several_authors": "no",
        "author_relation": "stranger",
    }
    assert engine.facts_from_answers(answers)["author"] == "unknown"


def test_a_witness_is_asked_about_the_person_targeted():
    question = engine.render_question("victim_age", "fr", {"danger": "none", "role": "witness"})
    assert question["text"] == "Quel âge a la personne visée ?"
    question = engine.render_question("acts", "en", {"danger": "none", "role": "guardian"})
    assert question["text"] == "What is your child going through?"
    hacking = next(c for c in question["choices"] if c["value"] == "hacking")
    assert hacking["label"] == "Their account was hacked"


def test_a_victim_is_asked_in_the_first_person():
    question = engine.render_question("acts", "fr", {"danger": "none", "role": "victim"})
    hacking = next(c for c in question["choices"] if c["value"] == "hacking")
    assert hacking["label"] == "Mon compte a été piraté"


def test_a_question_offers_i_dont_know_where_it_is_honest():
    question = engine.render_question("visibility", "fr")
    assert "Je ne sais pas" in [choice["label"] for choice in question["choices"]]


def test_a_choice_outside_the_list_is_refused_with_a_message_in_each_language():
    with pytest.raises(engine.AnswerError) as error:
        engine.parse_answer("role", ["astronaut"])
    assert error.value.code == "invalid_choice"
    assert error.value.message(engine.content(), "fr").startswith("Cette réponse")
    assert error.value.message(engine.content(), "en").startswith("This answer")


def test_a_question_that_cannot_be_skipped_needs_an_answer():
    with pytest.raises(engine.AnswerError) as error:
        engine.parse_answer("danger", [])
    assert error.value.code == "required"


def test_a_single_question_takes_one_answer_only():
    with pytest.raises(engine.AnswerError):
        engine.parse_answer("role", ["victim", "witness"])


def test_ticking_nothing_in_a_multiple_question_means_none_of_these():
    assert engine.parse_answer("acts", []) == []
    assert engine.parse_answer("acts", ["threats", "insults", "threats"]) == [
        "insults",
        "threats",
    ]


def test_a_date_may_be_written_the_french_way():
    assert engine.parse_answer("first_seen", ["1/10/2026"], today=TODAY) == "2026-10-01"
    assert engine.parse_answer("first_seen", "2026-10-01", today=TODAY) == "2026-10-01"


def test_a_skipped_date_is_no_date():
    assert engine.parse_answer("first_seen", [""], today=TODAY) is None


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("2026-11-22", "future_date"),
        ("2026-02-30", "invalid_date"),
        ("hier", "invalid_date"),
    ],
)
def test_a_wrong_date_is_refused(raw, code):
    with pytest.raises(engine.AnswerError) as error:
        engine.parse_answer("first_seen", [raw], today=TODAY)
    assert error.value.code == code


# --- Every path --------------------------------------------------------------------------------

PATHS = engine.all_paths(TODAY)


def test_every_question_and_every_answer_is_on_some_path():
    assert questions_in(PATHS) == set(engine.content().question_by_id)
    used = {(qid, json.dumps(value)) for path in PATHS for qid, value in path}
    for question in engine.content().questions:
        for choice in question.choices:
            value = [choice.value] if question.kind == "multiple" else choice.value
            assert (question.id, json.dumps(value)) in used


def path_id(path: list) -> str:
    words = ("+".join(v) or "nothing" if isinstance(v, list) else str(v) for _, v in path)
    return "-".join(words)


@pytest.mark.parametrize("path", PATHS, ids=path_id)
def test_every_path_ends_at_a_plan_in_both_languages(path):
    answers = {}
    for qid, value in path:
        assert engine.next_question(answers) == qid
        raw = engine.answer_to_raw(value)
        answers[qid] = engine.parse_answer(qid, raw, today=TODAY)
    assert engine.next_question(answers) is None
    facts = engine.facts_from_answers(answers)
    for lang in ("fr", "en"):
        plan = engine.build_plan(facts, lang, today=TODAY)
        assert plan["steps"]
        json.dumps(plan)
