"""What every form of the site shares: the error summary, date inputs, a confirmation."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _


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
            if bound.widget_type in ("radioselect", "checkboxselectmultiple"):
                anchor = f"{anchor}_0"
            for message in errors:
                lines.append((anchor, bound.label, message))
        return lines


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
