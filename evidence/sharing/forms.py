"""The forms of helpers and shares: what a helper may do (said plainly), a code, a share."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from common.forms import CheckboxSelectMultiple, ErrorSummaryMixin, OneTimeTokenMixin, RadioSelect
from evidence.access import HELPER_FLAGS, Access
from evidence.models import Role, ShareContent
from evidence.sharing import codes, shares
from evidence.sharing.invitations import PERMISSION_FIELDS, Permissions

# What a helper may always do, said on the form before the choices.
ALWAYS = _(
    "They will see the pieces of the dossier and be able to add pieces and chronology entries. "
    "They will not see the plan you started from, the complaint, the exports or the other "
    "helpers, unless you allow it below. You will see everything they do, and you can remove "
    "them at any time."
)
ROLE_LABELS = {
    Role.VICTIM: _("The person targeted (for instance your child, on their own phone)"),
    Role.PARENT: _("A parent or guardian"),
    Role.HELPER: _("Someone else I trust (a friend, a relative, a teacher…)"),
}
PERMISSION_LABELS = {
    "can_edit": _("Change pieces and chronology entries, theirs and yours"),
    "can_delete": _("Delete pieces and chronology entries"),
    "can_see_complaint": _("See and fill in the complaint, with the identities in it"),
    "can_export": _("Export the dossier and download its exports"),
    "can_invite": _("Invite other helpers, with no more rights than their own"),
}
PERMISSION_HINTS = {
    "can_delete": _("A deleted piece cannot be brought back: its number stays empty."),
    "can_see_complaint": _(
        "Names, addresses, dates of birth, phone numbers: yours, your child's, the witnesses'."
    ),
    "can_export": _("The exported PDF holds everything, the letter and its identities included."),
}


class PermissionsForm(ErrorSummaryMixin, forms.Form):
    """Who the helper is for the dossier, and what they may do besides seeing and adding."""

    role = forms.ChoiceField(
        label=_("Who is this person for the dossier?"),
        choices=list(ROLE_LABELS.items()),
        initial=Role.HELPER,
        widget=RadioSelect,
        help_text=_("The custody log and the exported dossier say so for what they add."),
    )
    also = forms.MultipleChoiceField(
        label=_("Also let them"),
        choices=list(PERMISSION_LABELS.items()),
        required=False,
        widget=CheckboxSelectMultiple(hints=PERMISSION_HINTS),
        help_text=ALWAYS,
    )

    def __init__(self, *args, access: Access | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if access is not None:  # a helper who invites gives no more than they have
            mine = {field for need, field in HELPER_FLAGS.items() if access.allows(need)}
            self.fields["also"].choices = [
                (name, label) for name, label in PERMISSION_LABELS.items() if name in mine
            ]

    def permissions(self) -> Permissions:
        chosen = set(self.cleaned_data["also"])
        return Permissions(
            self.cleaned_data["role"], *(name in chosen for name in PERMISSION_FIELDS)
        )

    @staticmethod
    def initial_from(permissions: Permissions) -> dict:
        return {"role": permissions.role, "also": permissions.granted()}


class InviteForm(OneTimeTokenMixin, PermissionsForm):
    pass


class CodeForm(ErrorSummaryMixin, forms.Form):
    code = forms.CharField(
        label=_("Code"),
        max_length=40,
        help_text=_("12 letters and digits, as you were given them; dashes and spaces are fine."),
        widget=forms.TextInput(
            attrs={
                "autocomplete": "off",
                "autocapitalize": "characters",
                "spellcheck": "false",
                "class": "code-input",
            }
        ),
        error_messages={"required": _("Type the code you were given.")},
    )

    def clean_code(self) -> str:
        typed = self.cleaned_data["code"]
        if not codes.looks_like_a_code(typed):
            raise forms.ValidationError(
                _("A code has 12 letters and digits, like 7KQ2-M9XD-4HTB. Check what you typed.")
            )
        return codes.normalised(typed)


class ShareForm(OneTimeTokenMixin, ErrorSummaryMixin, forms.Form):
    shows = forms.ChoiceField(
        label=_("What the share shows"),
        choices=ShareContent.choices,
        initial=ShareContent.PIECES,
        widget=RadioSelect(
            hints={
                ShareContent.PIECES: _(
                    "Each piece with its details and images, and its originals to download. "
                    "Not the complaint, not the plan, not the people."
                ),
                ShareContent.EXPORT: _(
                    "The PDF (with the letter and its identities) and the archive of the "
                    "originals, as your last export made them."
                ),
                ShareContent.PACKAGE: _(
                    "The archive of the originals and their integrity data, with the PDF inside it."
                ),
            }
        ),
    )
    days = forms.TypedChoiceField(
        label=_("For how long"),
        coerce=int,
        choices=[
            (days, ngettext_lazy("%(days)s day", "%(days)s days", "days") % {"days": days})
            for days in shares.DAYS
        ],
        initial=shares.DEFAULT_DAYS,
        widget=RadioSelect,
        help_text=_("It stops working by itself after that. You can end it sooner."),
    )
    recipient = forms.CharField(
        label=_("For whom (optional)"),
        max_length=120,
        required=False,
        help_text=_("Only you see it, to tell your shares apart: “Maître Martin”, “e-Enfance”."),
    )
