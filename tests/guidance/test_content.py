"""The reviewed content passes every check, and the checks catch what they promise to catch."""

import copy
import datetime as dt
import re

import pytest
from django.apps import apps
from django.core.exceptions import ImproperlyConfigured

from guidance import engine
from guidance.content import FILES, footer_contacts
from guidance.content.schema import MESSAGE_CODES, Content


def text(words: str) -> dict:
    return {"fr": words, "en": words}


SMALL = {
    "flow": {
        "first": "role",
        "messages": {code: text(code) for code in MESSAGE_CODES},
        "questions": [
            {
                "id": "role",
                "kind": "single",
                "fact": "role",
                "skippable": False,
                "text": text("Qui êtes-vous ?"),
                "choices": [
                    {"value": "victim", "label": text("Moi")},
                    {"value": "witness", "label": text("Témoin")},
                ],
                "next": [{"if": {"role": "witness"}, "goto": "plan"}, {"goto": "age"}],
            },
            {
                "id": "age",
                "kind": "single",
                "fact": "victim_age",
                "skippable": True,
                "text": text("Quel âge avez-vous ?"),
                "choices": [{"value": "adult", "label": text("18 ans ou plus")}],
                "next": "plan",
            },
        ],
    },
    "conditions": {"minor": {"victim_age": ["under_15", "15_17"]}},
    "steps": {
        "tu_if": {"is": "minor"},
        "urgent": [],
        "steps": [
            {
                "id": "keep_evidence",
                "when": "now",
                "if": {"is": "minor"},
                "title": text("Preuves"),
                "text": text("Gardez tout."),
                "resources": ["3018"],
            },
        ],
    },
    "resources": [
        {
            "id": "3018",
            "name": text("3018"),
            "phone": "3018",
            "url": "https://www.3018.fr/",
            "hours": None,
            "what": text("Aide"),
            "official": {"name": text("3018.fr"), "url": "https://www.3018.fr/"},
            "source": "educnum.fr",
            "reference": "legal-fr.md [28]",
            "checked": dt.date(2026, 11, 21),
            "confidence": "verified",
        },
    ],
    "offences": [],
    "attestation": {
        "title": text("Attestation de témoin"),
        "model": text("Article 202"),
        "identity_intro": text("Je soussigné(e) :"),
        "identity": [{"id": "last_name", "label": text("Nom")}],
        "relation": text("Lien :"),
        "facts_intro": text("J’ai vu :"),
        "when": text("Quand :"),
        "where": text("Où :"),
        "statement": text("En vue de sa production en justice."),
        "place_date": text("Fait à"),
        "signature": text("Signature"),
        "attachment": text("Pièce d’identité"),
        "advice": [text("Signez.")],
        "official": {
            "name": text("Code de procédure civile"),
            "url": "https://www.legifrance.gouv.fr/",
        },
        "source": "service-public.fr",
        "checked": dt.date(2026, 11, 21),
        "confidence": "secondary",
    },
}


def problems_after(change) -> list[str]:
    """The problems of SMALL once changed: the schema's if it refuses it, else validate's."""
    raw = copy.deepcopy(SMALL)
    change(raw)
    try:
        return engine.validate(Content.from_raw(raw))
    except engine.ContentError as error:
        return error.problems


def questions(raw: dict) -> list[dict]:
    return raw["flow"]["questions"]


def test_the_reviewed_content_passes_every_check():
    assert engine.validate(engine.read()) == []


def test_a_small_correct_content_passes_every_check():
    assert problems_after(lambda raw: None) == []


def test_a_target_that_does_not_exist_is_caught():
    def dangle(raw):
        questions(raw)[1]["next"] = "nowhere"

    assert any("'nowhere' does not exist" in p for p in problems_after(dangle))


def test_a_question_nobody_can_reach_is_caught():
    def orphan(raw):
        questions(raw).append(
            {
                **copy.deepcopy(questions(raw)[1]),
                "id": "orphan",
                "fact": "danger",
                "choices": [{"value": "none", "label": text("Non")}],
            }
        )

    assert any("question orphan: unreachable" in p for p in problems_after(orphan))


def test_a_cycle_is_caught():
    def loop(raw):
        questions(raw)[1]["next"] = "role"

    assert any("cycle role → age → role" in p for p in problems_after(loop))


def test_a_missing_english_text_is_caught():
    def forget(raw):
        del raw["steps"]["steps"][0]["text"]["en"]

    assert problems_after(forget) == ["step keep_evidence › text: the en text is missing"]


def test_an_unknown_fact_value_is_caught():
    def alien(raw):
        questions(raw)[0]["choices"][1]["value"] = "alien"

    assert any("unknown value 'alien'" in p for p in problems_after(alien))


def test_an_unknown_value_in_a_condition_is_caught():
    def alien(raw):
        raw["conditions"]["minor"] = {"victim_age": ["under_12"]}

    assert any("unknown value 'under_12'" in p for p in problems_after(alien))


def test_an_unquoted_yes_read_by_yaml_as_true_is_caught():
    def unquoted(raw):
        raw["steps"]["steps"][0]["if"] = {"still_online": True}

    assert any("unknown value True" in p for p in problems_after(unquoted))


def test_a_missing_resource_is_caught():
    def missing(raw):
        raw["steps"]["steps"][0]["resources"] = ["3018", "3019"]

    assert problems_after(missing) == ["step keep_evidence: the resource '3019' does not exist"]


def test_a_missing_offence_is_caught():
    def missing(raw):
        raw["steps"]["steps"][0]["deadline"] = {
            "offence": "999-99",
            "close_days": 30,
            "when_close": "now",
            **{name: text("{deadline}") for name in ("upcoming", "close", "passed", "no_date")},
        }

    assert problems_after(missing) == [
        "step keep_evidence › deadline: the offence '999-99' does not exist"
    ]


def test_a_rule_testing_a_fact_not_yet_asked_is_caught():
    def too_early(raw):
        questions(raw)[0]["next"][0]["if"] = {"victim_age": "adult"}

    assert any(
        "tests 'victim_age', which no earlier question sets" in p for p in problems_after(too_early)
    )


def test_an_unverified_phone_number_without_a_note_is_caught():
    def unsure(raw):
        raw["resources"][0]["confidence"] = "unverified"

    assert problems_after(unsure) == [
        "resource 3018: an unverified phone number needs a `note` saying so"
    ]


# --- The schema: what does not fit, one line naming its place -----------------------------------


def test_a_schema_error_becomes_a_line_naming_its_place():
    def tomorrow(raw):
        raw["steps"]["steps"][0]["when"] = "tomorrow"

    assert problems_after(tomorrow) == [
        "step keep_evidence › when: expected 'now', 'soon' or 'later', not 'tomorrow'"
    ]


def test_an_unknown_field_is_caught():
    def typo(raw):
        questions(raw)[0]["choices"][1]["lable"] = text("Témoin")

    assert problems_after(typo) == ["question role › choices[1]: unknown field 'lable'"]


def test_a_missing_english_label_is_caught_in_its_choice():
    def forget(raw):
        del questions(raw)[0]["choices"][1]["label"]["en"]

    assert problems_after(forget) == ["question role › choices[1] › label: the en text is missing"]


def test_a_blank_text_counts_as_missing():
    def blank(raw):
        raw["flow"]["messages"]["required"]["fr"] = "  "

    assert problems_after(blank) == ["flow › messages › required: the fr text is missing"]


def test_a_date_written_in_quotes_is_caught():
    def quoted(raw):
        raw["resources"][0]["checked"] = "2026-11-21"

    assert problems_after(quoted) == [
        "resource 3018 › checked: expected a date written YYYY-MM-DD, not '2026-11-21'"
    ]


def test_a_condition_that_cannot_be_read_is_located_inside_it():
    def unreadable(raw):
        raw["steps"]["steps"][0]["if"] = {"any": [{"role": "witness"}, {"is": 3}]}

    assert problems_after(unreadable) == [
        "step keep_evidence › if › any[1]: `is` takes a name or a list of names, not 3"
    ]


def test_an_unknown_named_condition_is_caught():
    def unknown(raw):
        raw["steps"]["steps"][0]["if"] = {"is": "adult"}

    assert problems_after(unknown) == ["step keep_evidence › if: unknown named condition 'adult'"]


def test_every_problem_of_the_schema_is_listed_at_once():
    def twice(raw):
        questions(raw)[1]["skippable"] = "yes"
        raw["resources"][0]["phone"] = 3018

    assert problems_after(twice) == [
        "question age › skippable: expected true or false, not 'yes'",
        "resource 3018 › phone: expected digits in quotes, or null, not 3018",
    ]


def test_conditions_are_read_once_when_the_content_is_loaded():
    content = Content.from_raw(copy.deepcopy(SMALL))
    step = content.steps[0]
    assert step.condition.describe() == "minor"
    assert step.condition.holds({"victim_age": "15_17"})
    assert content.questions[0].next_for({"role": "witness"}) == "plan"
    assert content.questions[0].next_for({"role": "victim"}) == "age"


def test_a_broken_file_stops_the_loading_with_its_problems(tmp_path):
    for name in FILES:
        (tmp_path / f"{name}.yaml").write_text(
            "[]\n" if name in ("resources", "offences") else "{}\n", encoding="utf-8"
        )
    with pytest.raises(engine.ContentError) as error:
        engine.load(tmp_path)
    assert "flow: `first` is missing" in error.value.problems


def test_the_site_refuses_to_start_with_broken_content(monkeypatch):
    def broken():
        raise engine.ContentError(["question danger › next[0]: the target 'rôle' does not exist"])

    monkeypatch.setattr(engine, "content", broken)
    with pytest.raises(ImproperlyConfigured, match="'rôle' does not exist"):
        apps.get_app_config("guidance").ready()


# --- Content quality ---------------------------------------------------------------------------


def sentences(words: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.?!:])\s+", words) if s]


def shown_texts():
    content = engine.content()
    for question in content.questions:
        yield f"question {question.id}", question.text
        for variant in question.variants:
            if variant.text:
                yield f"question {question.id} (variant)", variant.text
    for item in content.urgent:
        yield f"step {item.id}", item.text
    for step in content.steps:
        yield f"step {step.id}", step.text
        for extra in [*step.variants, *step.extras]:
            if extra.text:
                yield f"step {step.id} (variant or extra)", extra.text
    for resource in content.resources:
        yield f"resource {resource.id}", resource.what
    for offence in content.offences:
        yield f"offence {offence.id}", offence.what
        if offence.only_if:
            yield f"offence {offence.id} (only if)", offence.only_if.text


def every_form(text, lang: str) -> list[str]:
    """The text in `lang`, in each register it is written in."""
    return [text.say(lang, register) for register in ("tu", "vous")]


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_questions_and_advice_are_written_in_sentences_under_20_words(lang):
    too_long = [
        (where, sentence)
        for where, words in shown_texts()
        for form in every_form(words, lang)
        for sentence in sentences(form)
        if len(sentence.split()) >= 20
    ]
    assert too_long == []


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_law_is_said_in_one_plain_sentence_each(lang):
    for offence in engine.content().offences:
        for form in every_form(offence.what, lang):
            assert len(re.findall(r"[.!?](?:\s|$)", form)) == 1, (offence.id, form)


def test_every_fact_was_checked_against_the_legal_reference_with_a_date():
    content = engine.content()
    for entry in content.resources + content.offences:
        assert entry.checked <= dt.date.today()
        assert entry.source


def test_the_footer_still_lists_the_emergency_contacts_in_order():
    contacts = footer_contacts("en")
    assert [contact["id"] for contact in contacts] == ["17", "112", "114", "3114", "3018"]
    assert contacts[0]["name"] == "Police emergency"
    assert {
        "id",
        "name",
        "phone",
        "url",
        "hours",
        "what",
        "source",
        "checked",
        "confidence",
    } <= set(contacts[0])
