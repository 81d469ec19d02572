"""The vault's forms: dossiers, pieces and their files.

Every form keeps what was typed when it is sent back with an error; a file, though, must be
chosen again (browsers never refill a file input, and nothing of a refused file is kept).
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.forms import (
    BIG,
    DateInput,
    DateTimeInput,
    ErrorSummaryMixin,
    OneTimeTokenMixin,
    label_style,
)
from evidence.intake import images
from evidence.models import (
    PLATFORM_CHOICES,
    AgeBand,
    Concerns,
    Dossier,
    Kind,
    Piece,
    Role,
    Sensitivity,
)
from evidence.vault.dates import read_published
from evidence.vault.services import files_are_withheld

ACCEPTED_FILES = (
    "image/png,image/jpeg,image/webp,image/heic,image/heif,.heic,.heif,.png,.jpg,.jpeg,.webp,"
    "application/pdf,.pdf"
)
CHOOSE_AGAIN = _("For your safety nothing was kept: choose the file again.")
ANOTHER_UPLOAD = _(
    "Files are already being sent from your account. Wait until they are received, then send "
    "these again: what you typed is still here."
)
STORAGE_FULL = _(
    "We could not store your file: our storage is full or failing for the moment. Nothing was "
    "kept. Everything you typed is still here: choose the file again and send it a little later."
)


# --- Dossiers --------------------------------------------------------------------------------


class DossierForm(ErrorSummaryMixin, forms.ModelForm):
    token = forms.UUIDField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Dossier
        fields = ("title", "concerns", "person_name", "person_age_band", "role")
        labels = {
            "title": _("Name of the dossier"),
            "concerns": _("Whom does it concern?"),
            "person_name": _("Their first name or a pseudonym"),
            "person_age_band": _("Their age"),
            "role": _("You are"),
        }
        help_texts = {
            "title": _(
                "Only for you, to tell your dossiers apart. For example: “Instagram, 2026”."
            ),
            "person_name": _("Only if the dossier is about someone else."),
        }
        widgets = {
            "concerns": forms.RadioSelect,
            "person_age_band": forms.RadioSelect,
            "role": forms.RadioSelect,
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person_age_band"].choices = list(AgeBand.choices)
        self.fields["person_age_band"].required = False
        if not self.is_bound and not self.initial.get("token"):
            self.initial["token"] = uuid.uuid4()

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        concerns = cleaned.get("concerns")
        if concerns == Concerns.SELF:
            cleaned["person_name"], cleaned["person_age_band"] = "", ""
        elif concerns in (Concerns.CHILD, Concerns.OTHER) and not cleaned.get("person_name"):
            self.add_error(
                "person_name", _("Write their first name or a pseudonym, so you can find it again.")
            )
        if concerns == Concerns.CHILD and cleaned.get("person_age_band") == AgeBand.ADULT:
            self.add_error(
                "person_age_band",
                _("A child in your care is under 18. For an adult, choose “Someone I am helping”."),
            )
        return cleaned


# --- Pieces ----------------------------------------------------------------------------------


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input: a thread and its context form one piece."""

    widget = MultipleFileInput

    def clean(self, data, initial=None) -> list:
        files = data if isinstance(data, list | tuple) else [data] if data else []
        return [super(MultipleFileField, self).clean(item, initial) for item in files if item]


FOLLOW_UP_FIELDS = (
    "reported_to_platform", "reported_to_platform_on", "platform_reference",
    "reported_to_pharos", "reported_to_pharos_on", "pharos_reference",
    "reported_to_3018", "reported_to_3018_on", "reference_3018",
    "still_online", "removed",
)  # fmt: skip
DETAIL_FIELDS = (
    "title", "platform", "url", "author_displayed", "author_profile_url", "target",
    "published_raw", "captured_at", "description", "transcript", "context", "added_by_role",
    *FOLLOW_UP_FIELDS,
)  # fmt: skip


class PieceDetailsForm(ErrorSummaryMixin, forms.ModelForm):
    """What a person can say about a piece, and change later (each change is logged)."""

    platform = forms.ChoiceField(
        label=_("Platform or app"),
        choices=[("", _("Choose…")), *PLATFORM_CHOICES],
        required=False,
    )
    url = forms.URLField(
        label=_("Link to the post or message"),
        help_text=_("Copy it from the “Share” or “Copy link” menu."),
        max_length=2000,
        required=False,
        assume_scheme="https",
        widget=forms.URLInput(attrs={"inputmode": "url", "autocapitalize": "none"}),
    )
    author_profile_url = forms.URLField(
        label=_("Link to the author's profile"),
        max_length=2000,
        required=False,
        assume_scheme="https",
        widget=forms.URLInput(attrs={"inputmode": "url", "autocapitalize": "none"}),
    )

    class Meta:
        model = Piece
        fields = DETAIL_FIELDS
        labels = {
            "title": _("Short title"),
            "platform": _("Platform or app"),
            "url": _("Link to the post or message"),
            "author_displayed": _("Author, as shown on the screen"),
            "author_profile_url": _("Link to the author's profile"),
            "target": _("Whom it is aimed at"),
            "published_raw": _("When it was published"),
            "captured_at": _("When you took the screenshot or photo"),
            "description": _("What it shows"),
            "transcript": _("The text shown, word for word"),
            "context": _("Context"),
            "added_by_role": _("You add it as"),
            "reported_to_platform": _("Reported to the platform"),
            "reported_to_platform_on": _("Date of the report to the platform"),
            "platform_reference": _("Reference given by the platform"),
            "reported_to_pharos": _("Reported to PHAROS"),
            "reported_to_pharos_on": _("Date of the report to PHAROS"),
            "pharos_reference": _("PHAROS reference"),
            "reported_to_3018": _("Reported to the 3018"),
            "reported_to_3018_on": _("Date of the report to the 3018"),
            "reference_3018": _("3018 reference"),
            "still_online": _("Is it still online?"),
            "removed": _("Has it been removed?"),
        }
        help_texts = {
            "title": _("For the list of pieces, e.g. “Threat in a private message”."),
            "author_displayed": _(
                "The pseudonym or @handle, and the account number if shown. For a text "
                "message, the phone number rather than the contact's name."
            ),
            "target": _("You, your child, a group… Leave empty if it is you."),
            "published_raw": _(
                "Copy the date and time shown, like 14/03/2025 22:47. If the screen only "
                "shows “3 d ago” or “hier”, write that: we will flag it so you can find the "
                "exact date later."
            ),
            "captured_at": _("Leave empty if you do not know; a photo may tell us itself."),
            "description": _("A few factual words: who wrote what, to whom, where."),
            "transcript": _("Makes the dossier searchable and readable by everyone."),
            "context": _("What came before or after it, the conversation around it."),
        }
        widgets = {
            "published_raw": forms.TextInput(attrs={"autocomplete": "off"}),
            "captured_at": DateTimeInput(),
            "description": forms.Textarea(attrs={"rows": 3}),
            "transcript": forms.Textarea(attrs={"rows": 4}),
            "context": forms.Textarea(attrs={"rows": 3}),
            "added_by_role": forms.RadioSelect,
            "reported_to_platform_on": DateInput(),
            "reported_to_pharos_on": DateInput(),
            "reported_to_3018_on": DateInput(),
            "still_online": forms.RadioSelect,
            "removed": forms.RadioSelect,
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if "captured_at" in self.fields:  # a form of fewer fields (intake_forms.CardForm)
            self.fields["captured_at"].input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]
        if "added_by_role" in self.fields:
            self.fields["added_by_role"].choices = list(Role.choices)  # no empty radio

    def clean_published_raw(self) -> str:
        raw = self.cleaned_data.get("published_raw", "")
        reading = read_published(raw)
        if reading.is_absolute and reading.date > timezone.localdate() + dt.timedelta(days=1):
            raise forms.ValidationError(
                _("This date is in the future. Write the date shown on the screen.")
            )
        return reading.raw

    def clean_captured_at(self):
        captured_at = self.cleaned_data.get("captured_at")
        if captured_at and captured_at > timezone.now() + dt.timedelta(days=1):
            raise forms.ValidationError(_("This date is in the future."))
        return captured_at

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        for channel in ("platform", "pharos", "3018"):
            on = cleaned.get(f"reported_to_{channel}_on")
            if on and on > timezone.localdate():
                self.add_error(f"reported_to_{channel}_on", _("This date is in the future."))
        if cleaned.get("reported_to_platform_on") or cleaned.get("platform_reference"):
            cleaned["reported_to_platform"] = True
        if cleaned.get("reported_to_pharos_on") or cleaned.get("pharos_reference"):
            cleaned["reported_to_pharos"] = True
        if cleaned.get("reported_to_3018_on") or cleaned.get("reference_3018"):
            cleaned["reported_to_3018"] = True
        return cleaned

    @property
    def follow_up_has_errors(self) -> bool:
        return any(name in self.errors for name in FOLLOW_UP_FIELDS)

    def details(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in DETAIL_FIELDS}


class SensitiveContentMixin(forms.Form):
    """The question asked before any file is read, and the consent for an adult's image."""

    sensitivity = forms.ChoiceField(
        label=_("Does it show nudity or something sexual or intimate?"),
        help_text=_("Answer before sending: we never keep such an image of someone under 18."),
        choices=Sensitivity.choices,
        widget=forms.RadioSelect,
    )
    intimate_consent = forms.BooleanField(
        label=_(
            "I want this intimate image kept in my dossier. I understand it will be shown "
            "blurred, and that I can delete it at any time."
        ),
        required=False,
    )
    files = MultipleFileField(
        label=_("Files"),
        help_text=_(
            "Screenshots or photos (PNG, JPEG, WebP, HEIC) or a PDF. You can choose several "
            "files for one piece: a message and the conversation around it."
        ),
        required=False,
        error_messages={"empty": images.EMPTY},
        widget=MultipleFileInput(attrs={"accept": ACCEPTED_FILES}),
    )

    def clean_files(self) -> list:
        files = self.cleaned_data.get("files") or []
        max_files = settings.EVIDENCE_MAX_FILES_PER_PIECE
        if len(files) > max_files:
            raise forms.ValidationError(
                _("At most %(count)s files at once.") % {"count": max_files}
            )
        too_large = images.too_large_message(settings.EVIDENCE_MAX_UPLOAD_BYTES)
        for upload in files:
            if getattr(upload, "refused_because", "") == "busy":
                raise forms.ValidationError(f"{ANOTHER_UPLOAD} {CHOOSE_AGAIN}")
            if getattr(upload, "oversized", False):
                raise forms.ValidationError(f"{upload.name}: {too_large} {CHOOSE_AGAIN}")
        return files

    def check_sensitive_content(self, cleaned: dict[str, Any]) -> None:
        sensitivity = cleaned.get("sensitivity")
        if (
            sensitivity == Sensitivity.ADULT
            and cleaned.get("files")
            and not cleaned.get("intimate_consent")
        ):
            self.add_error(
                "intimate_consent",
                _("Tick this box to keep this intimate image, or choose no file."),
            )

    @property
    def files_withheld(self) -> bool:
        return files_are_withheld(self.cleaned_data.get("sensitivity", ""))


class AddPieceForm(OneTimeTokenMixin, SensitiveContentMixin, PieceDetailsForm):
    kind = forms.ChoiceField(
        label=_("What are you adding?"),
        # A chat export is imported from its own page (evidence/vault/chat_views.py).
        choices=[(value, label) for value, label in Kind.choices if value != Kind.CHAT],
        widget=label_style(forms.RadioSelect(), BIG),  # the form's first question
    )

    field_order = ["kind", "files", "sensitivity", "intimate_consent"]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        kind = cleaned.get("kind")
        has_files = bool(cleaned.get("files"))
        withheld = files_are_withheld(cleaned.get("sensitivity", ""))
        if kind in (Kind.IMAGE, Kind.PDF) and not has_files and not withheld:
            if "files" not in self.errors:
                self.add_error("files", _("Choose the file to add."))
        if kind in (Kind.LINK, Kind.TEXT) and has_files:
            self.add_error(
                "files",
                _(
                    "A link or a message text has no file: choose “Screenshot or photo” or "
                    "“PDF document” above, or choose no file."
                ),
            )
        if kind == Kind.LINK and not cleaned.get("url"):
            self.add_error("url", _("Copy the link here."))
        if kind == Kind.TEXT and not cleaned.get("transcript"):
            self.add_error("transcript", _("Copy the message here, word for word."))
        self.check_sensitive_content(cleaned)
        return cleaned


class AddFilesForm(ErrorSummaryMixin, OneTimeTokenMixin, SensitiveContentMixin):
    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if not cleaned.get("files") and "files" not in self.errors:
            self.add_error("files", _("Choose the file to add."))
        self.check_sensitive_content(cleaned)
        return cleaned
