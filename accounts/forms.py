"""The account forms: sign up with a pseudonym, log in, the forgotten password, and the
password asked again before something that cannot be undone."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import AuthenticationForm, UserCreationForm
from django.utils.translation import gettext_lazy as _

from common.forms import ErrorSummaryMixin, OneTimeTokenMixin

PASSWORD_HINT = _(
    "At least 8 characters. Not only digits, not a common password, not close to your pseudonym."
)


def _text(**attrs: str) -> forms.TextInput:
    return forms.TextInput(attrs=attrs)


PSEUDONYM_ATTRS = {"autocapitalize": "none", "autocorrect": "off", "spellcheck": "false"}


class SignupForm(ErrorSummaryMixin, OneTimeTokenMixin, UserCreationForm):
    class Meta(UserCreationForm.Meta):
        model = get_user_model()
        fields = ("username", "email")

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        pseudonym = self.fields["username"]
        pseudonym.label = _("Pseudonym")
        pseudonym.help_text = _(
            "Not your real name. Letters, digits and @ . + - _ only. You will need it to log in."
        )
        pseudonym.widget.attrs.update(PSEUDONYM_ATTRS | {"autocomplete": "username"})
        email = self.fields["email"]
        email.label = _("Email (optional)")
        email.help_text = _(
            "We never need it and never write to you. Leave it empty if someone else can read "
            "your mailbox."
        )
        self.fields["password1"].label = _("Password")
        self.fields["password1"].help_text = PASSWORD_HINT
        self.fields["password2"].label = _("The same password again")
        self.fields["password2"].help_text = ""


class LoginForm(ErrorSummaryMixin, AuthenticationForm):
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _(
            "This pseudonym and password do not match. Check both, capital letters included."
        ),
    }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].label = _("Pseudonym")
        self.fields["username"].widget.attrs.update(PSEUDONYM_ATTRS)
        self.fields["password"].label = _("Password")


class ForgotPasswordForm(ErrorSummaryMixin, forms.Form):
    username = forms.CharField(
        label=_("Pseudonym"),
        max_length=150,
        widget=_text(**PSEUDONYM_ATTRS, autocomplete="username"),
    )
    code = forms.CharField(
        label=_("One of your recovery codes"),
        help_text=_("Like 7KQ2-M9XD-4TPA. Each code works only once."),
        max_length=40,
        widget=_text(**PSEUDONYM_ATTRS, autocomplete="off"),
    )
    new_password1 = forms.CharField(
        label=_("New password"),
        help_text=PASSWORD_HINT,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    new_password2 = forms.CharField(
        label=_("The same password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        first, second = cleaned.get("new_password1"), cleaned.get("new_password2")
        if first and second and first != second:
            self.add_error("new_password2", _("The two passwords are not the same."))
        return cleaned


class PasswordCheckForm(ErrorSummaryMixin, forms.Form):
    """Asks for the password again before something that cannot be undone."""

    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, user, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(_("This is not your password."))
        return password


class DeleteAccountForm(PasswordCheckForm):
    confirm = forms.BooleanField(
        label=_("I understand: my account, all my dossiers and all their files are erased.")
    )
