"""The question page's form: built from the question as the engine renders it, checked by the
engine (its answers, its messages), rendered with the site's field template."""

from __future__ import annotations

import datetime as dt

from django.http import QueryDict

from guidance import engine
from guidance.forms import QuestionForm

TODAY = dt.date(2026, 3, 15)


def _form(question_id: str, data: dict | None = None, *, answers=None, lang="fr"):
    question = engine.render_question(question_id, lang, answers or {})
    bound = None
    if data is not None:
        bound = QueryDict(mutable=True)
        for name, values in data.items():
            bound.setlist(name, values)
    return QuestionForm(question, bound, lang=lang, today=TODAY)


def _message(code: str, lang: str = "fr") -> str:
    return getattr(engine.content().messages, code)[lang]


def _question(kind: str, *, skippable: bool | None = None, hinted: bool = False) -> str:
    """The first question of this kind in the content (it changes; the kinds do not)."""
    for question in engine.content().questions:
        if question.kind != kind:
            continue
        if skippable is not None and question.skippable != skippable:
            continue
        if hinted and not any(choice.hint for choice in question.choices):
            continue
        return question.id
    raise AssertionError(f"no {kind} question in the content")


def test_an_invalid_choice_is_refused_with_the_engines_message():
    form = _form("danger", {"danger": ["maybe"]})
    assert not form.is_valid()
    assert form.errors["danger"] == [_message("invalid_choice")]
    assert form.error_summary() == [("id_danger_0", "", _message("invalid_choice"))]


def test_the_message_is_in_the_language_of_the_page():
    form = _form("danger", {}, lang="en")
    assert not form.is_valid()
    assert form.errors["danger"] == [_message("required", "en")]


def test_two_choices_for_a_single_question_are_refused_not_one_picked():
    form = _form("danger", {"danger": ["none", "physical"]})
    assert not form.is_valid()
    assert form.errors["danger"] == [_message("invalid_choice")]


def test_a_valid_choice_is_cleaned_to_the_engines_answer():
    form = _form("danger", {"danger": ["none"]})
    assert form.is_valid()
    assert form.cleaned_data == {"danger": "none"}


def test_ticked_boxes_are_cleaned_in_the_lists_order():
    question_id = _question("multiple")
    values = [choice.value for choice in engine.content().question(question_id).choices]
    form = _form(question_id, {question_id: [values[1], values[0]]})
    assert form.is_valid()
    assert form.cleaned_data[question_id] == values[:2]


def test_a_date_typed_the_french_way_is_cleaned_to_iso():
    question_id = _question("date")
    form = _form(question_id, {question_id: ["05/03/2025"]})
    assert form.is_valid()
    assert form.cleaned_data[question_id] == "2025-03-05"


def test_a_date_in_the_future_is_refused_with_the_engines_message():
    question_id = _question("date")
    form = _form(question_id, {question_id: ["2026-03-16"]})
    assert not form.is_valid()
    assert form.errors[question_id] == [_message("future_date")]


def test_a_date_the_browser_field_cannot_hold_comes_back_as_text_as_typed():
    question_id = _question("date")
    form = _form(question_id, {question_id: ["31/02/2026"]})
    assert not form.is_valid()
    html = str(form[question_id])
    assert 'type="text"' in html and 'value="31/02/2026"' in html
    assert 'max="2026-03-15"' in html


def test_nothing_sent_skips_a_question_that_may_be_skipped():
    question_id = _question("single", skippable=True)
    form = _form(question_id, {})
    assert form.is_valid() and form.cleaned_data[question_id] is None


def test_the_saved_answer_comes_back_ticked():
    form = _form("danger", answers={"danger": "unknown"})
    html = str(form["danger"].as_field_group())
    assert 'value="unknown" id="id_danger_3" checked' in html


def test_the_question_is_the_pages_heading_and_its_legend():
    html = str(_form("danger")["danger"].as_field_group())
    assert '<legend class="question-legend"><h1 class="question-heading" tabindex="-1">' in html
    assert 'class="hint" id="id_danger_helptext"' in html


def test_each_choice_hint_is_tied_to_its_input():
    question_id = _question("single", hinted=True)
    choices = engine.render_question(question_id, "fr")["choices"]
    index, choice = next((i, c) for i, c in enumerate(choices) if c["hint"])
    html = str(_form(question_id)[question_id].as_field_group())
    hint_id = f"id_{question_id}_{index}_hint"
    assert f'aria-describedby="{hint_id}"' in html
    assert f'<p class="choice-hint" id="{hint_id}">{choice["hint"]}</p>' in html
