"""The witness's answers: what they saw, when and where, their link, who they are."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from common.forms import ErrorSummaryMixin
from guidance.content.schema import AttestationFile


class AttestationForm(ErrorSummaryMixin, forms.Form):
    """Only what was seen is required: identity fields left empty become blank lines on the
    printed statement, to fill in by hand."""

    facts = forms.CharField(
        label=_("What did you see or hear yourself?"),
        help_text=_(
            "Only what you saw or heard yourself: the messages, their words if you can, "
            "the usernames, what happened."
        ),
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=6000,
        error_messages={"required": _("Write what you saw or heard.")},
    )
    when = forms.CharField(
        label=_("When?"),
        help_text=_("For example: on 12 March 2026, around 6 pm. Several dates are fine."),
        required=False,
        max_length=300,
    )
    where = forms.CharField(
        label=_("Where?"),
        help_text=_("The network, the group, the link, or the place."),
        required=False,
        max_length=300,
    )
    relation = forms.CharField(
        label=_("Your link with the person targeted"),
        help_text=_("For example: classmate, friend, colleague, family, none."),
        required=False,
        max_length=300,
    )

    def __init__(self, *args: Any, attestation: AttestationFile, lang: str, **kwargs: Any):
        super().__init__(*args, **kwargs)
        for field in attestation.identity:  # the identity art. 202 asks for, from the content
            self.fields[field.id] = forms.CharField(
                label=field.label[lang],
                required=False,
                max_length=300,
                widget=forms.Textarea(attrs={"rows": 2}) if field.id == "address" else None,
            )
        for name, bound in self.fields.items():
            bound.widget.attrs.setdefault("autocomplete", "off")
            if name == "facts":
                bound.widget.attrs["spellcheck"] = "true"

    def identity_fields(self) -> list[forms.BoundField]:
        return [
            self[name] for name in self.fields if name not in ("facts", "when", "where", "relation")
        ]
