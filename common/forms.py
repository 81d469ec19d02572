"""What every form of the site shares: the renderer and its field template, the error summary,
choices with hints, date inputs, a confirmation.

Every field renders through templates/forms/field.html (`{{ field.as_field_group }}`, or
`{{ form }}` for a whole form in order): label, hint and error tied to the input with ids and
aria-describedby, radios and checkboxes in a fieldset whose legend is the label. A widget's
`label_style` changes only how the label looks: BIG (a larger legend) or PAGE_HEADING (the
label is the page's <h1>, as on the questionnaire's one-question pages).
"""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

from django import forms
from django.conf import settings
from django.forms import renderers
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

BIG = "big"
PAGE_HEADING = "heading"
INCOMPLETE = _("This form is incomplete. Reload the page, then try again.")


class FormRenderer(renderers.DjangoTemplates):
    """Django's own form and widget templates, plus the project's templates/ folder, where
    forms/field.html and forms/form.html replace Django's field and form templates."""

    field_template_name = "forms/field.html"
    form_template_name = "forms/form.html"

    @cached_property
    def engine(self):
        return self.backend(
            {
                "APP_DIRS": True,
                "DIRS": [
                    *settings.TEMPLATES[0]["DIRS"],
                    Path(renderers.__file__).parent / self.backend.app_dirname,
                ],
                "NAME": "forms",
                "OPTIONS": {},
            }
        )


def label_style(widget: forms.Widget, style: str) -> forms.Widget:
    """The widget, its field's label shown as `style` (BIG or PAGE_HEADING)."""
    widget.label_style = style
    return widget


class ErrorSummaryMixin:
    """What the error summary at the top of a form lists: (anchor, label, message)."""

    def error_summary(self) -> list[tuple[str, Any, Any]]:
        lines = []
        for message in self.non_field_errors():
            lines.append(("form-errors", "", message))
        for name, errors in self.errors.items():
            if name == forms.forms.NON_FIELD_ERRORS:
                continue
            bound = self[name]
            anchor = bound.auto_id
            if bound.use_fieldset:  # radios, checkboxes: the first one
                anchor = f"{anchor}_0"
            for message in errors:
                if bound.is_hidden:  # nothing to link to: an error about the whole form
                    lines.append(("form-errors", "", message))
                else:
                    lines.append((anchor, bound.label, message))
        return lines


class OneTimeTokenMixin(forms.Form):
    """A hidden one-time token, new on each page: the form sent twice does its work once
    (common/submissions.py)."""

    token = forms.UUIDField(
        widget=forms.HiddenInput,
        error_messages={"required": INCOMPLETE, "invalid": INCOMPLETE},
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound and not self.initial.get("token"):
            self.initial["token"] = uuid.uuid4()


class ChoiceHintsMixin:
    """Radios or checkboxes whose choices may each have a hint (`hints`: value -> text), shown
    under the choice's label and tied to its input with aria-describedby."""

    def __init__(self, *args, hints: dict[str, str] | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.hints = hints or {}

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        hint = self.hints.get(value)
        if hint and option["attrs"].get("id"):
            option["hint"] = hint
            option["hint_id"] = f"{option['attrs']['id']}_hint"
            option["attrs"]["aria-describedby"] = option["hint_id"]
        return option


class RadioSelect(ChoiceHintsMixin, forms.RadioSelect):
    pass


class CheckboxSelectMultiple(ChoiceHintsMixin, forms.CheckboxSelectMultiple):
    pass


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs) -> None:
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class ConfirmForm(ErrorSummaryMixin, forms.Form):
    confirm = forms.BooleanField(label=_("I understand that this cannot be undone."))
