"""The question page's form: one question as `engine.render_question` words it, a real Django form
rendered like every form of the site (templates/forms/field.html), whose answer the engine
itself checks: what it accepts is the answer saved, what it refuses comes back with its message.

    single    radios             multiple  checkboxes (none ticked: "none of these")
    date      a date field that also takes a date typed by hand as DD/MM/YYYY

Every value is posted under the question's id, as the engine reads them.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext as _

from common.forms import (
    PAGE_HEADING,
    CheckboxSelectMultiple,
    DateInput,
    ErrorSummaryMixin,
    RadioSelect,
    label_style,
)
from guidance import engine
from guidance.facts import parse_date


class _EveryValue:
    """Reads every value posted under the question's id: the engine decides what is too many."""

    def value_from_datadict(self, data, files, name) -> list[str]:
        if hasattr(data, "getlist"):
            return data.getlist(name)
        value = data.get(name)
        return [] if value is None else list(value) if isinstance(value, list | tuple) else [value]


class _Radios(_EveryValue, RadioSelect):
    pass


class _Checkboxes(_EveryValue, CheckboxSelectMultiple):
    pass


class AnswerDateInput(_EveryValue, DateInput):
    """A date field; a value it could not hold (a date typed by hand in a browser without date
    fields, like 15/09/2026, or a wrong one) comes back as text, exactly as typed."""

    def format_value(self, value: Any) -> str | None:
        if isinstance(value, list | tuple):
            value = value[0] if value else ""
        return super().format_value(value)

    def get_context(self, name: str, value: Any, attrs: dict | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        shown = context["widget"]["value"]
        if shown and not _is_iso_date(shown):
            context["widget"]["type"] = "text"
        return context


def _is_iso_date(text: str) -> bool:
    try:
        parse_date(text)
    except ValueError:
        return False
    return True


class AnswerField(forms.Field):
    """The raw values of one question, cleaned by `engine.parse_answer` into the answer saved
    (None when skipped); refused with the engine's own message (`AnswerError.message`)."""

    def __init__(self, question_id: str, *, lang: str, today: dt.date, **kwargs) -> None:
        # Not "required" for Django: the engine says whether the question may be skipped.
        super().__init__(required=False, **kwargs)
        self.question_id, self.lang, self.today = question_id, lang, today

    def clean(self, value: Any) -> Any:
        try:
            return engine.parse_answer(self.question_id, value, today=self.today)
        except engine.AnswerError as error:
            raise forms.ValidationError(
                error.message(engine.content(), self.lang), code=error.code
            ) from None


class QuestionForm(ErrorSummaryMixin, forms.Form):
    """One question, its page's heading as label. `question` is `engine.render_question`'s."""

    use_required_attribute = False

    def __init__(self, question: dict[str, Any], data=None, *, lang: str, today: dt.date):
        qid = question["id"]
        super().__init__(data, initial={qid: engine.answer_to_raw(question["answer"])})
        self.question = question
        self.fields[qid] = AnswerField(
            qid,
            lang=lang,
            today=today,
            label=question["text"],
            help_text=_hint(question),
            widget=label_style(_widget(question, today), PAGE_HEADING),
        )

    def error_summary(self) -> list[tuple[str, Any, Any]]:
        # The question is the heading just below the summary: its message is enough.
        return [(anchor, "", message) for anchor, _label, message in super().error_summary()]


def _hint(question: dict[str, Any]) -> str:
    if question["kind"] != "date":
        return question["hint"] or ""
    example = _("For example: 15/09/2026.")
    return f"{question['hint']} {example}" if question["hint"] else example


def _widget(question: dict[str, Any], today: dt.date) -> forms.Widget:
    if question["kind"] == "date":
        return AnswerDateInput(
            attrs={
                "class": "date-input",
                "max": today.isoformat(),
                "inputmode": "numeric",
                "autocomplete": "off",
            }
        )
    choices = [(choice["value"], choice["label"]) for choice in question["choices"]]
    hints = {choice["value"]: choice["hint"] for choice in question["choices"] if choice["hint"]}
    widget = _Checkboxes if question["kind"] == "multiple" else _Radios
    return widget(choices=choices, hints=hints)
