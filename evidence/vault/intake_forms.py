"""The forms of intake at scale: many screenshots at once (the question asked first, the files,
the review cards and the suggestions they accept), a chat export's import, the search.

As everywhere in the vault, a form sent back with an error keeps what was typed; files are
chosen again (nothing of a refused file is kept).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.forms import INCOMPLETE, ErrorSummaryMixin, OneTimeTokenMixin
from evidence.models import PLATFORM_CHOICES, Sensitivity
from evidence.vault.dates import read_published
from evidence.vault.forms import PieceDetailsForm

IMAGES_AND_PDFS = (
    "image/png,image/jpeg,image/webp,image/heic,image/heif,.heic,.heif,.png,.jpg,.jpeg,.webp,"
    "application/pdf,.pdf"
)
CHAT_FILES = ".txt,.zip,.json,text/plain,application/zip,application/json"
SEPARATE, TOGETHER = "separate", "together"


class SensitivityQuestion(forms.Form):
    """Asked once for every file sent, before any file is chosen or read."""

    question = _("Does any of them show nudity or something sexual or intimate?")
    consent = _(
        "I want these intimate images kept in my dossier. I understand they will be shown "
        "blurred, and that I can delete them at any time."
    )

    sensitivity = forms.ChoiceField(choices=Sensitivity.choices, widget=forms.RadioSelect)
    intimate_consent = forms.BooleanField(required=False)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["sensitivity"].label = self.question
        self.fields["sensitivity"].help_text = _(
            "Answer before choosing the files: we never keep such an image of someone under 18."
        )
        self.fields["intimate_consent"].label = self.consent

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if cleaned.get("sensitivity") == Sensitivity.ADULT and not cleaned.get("intimate_consent"):
            self.add_error(
                "intimate_consent",
                _("Tick this box to keep these intimate images, or give another answer."),
            )
        if cleaned.get("sensitivity") != Sensitivity.ADULT:
            cleaned["intimate_consent"] = False
        return cleaned


class BatchStartForm(ErrorSummaryMixin, OneTimeTokenMixin, SensitivityQuestion):
    together = forms.ChoiceField(
        label=_("How should they be added?"),
        choices=[
            (SEPARATE, _("One piece for each screenshot")),
            (
                TOGETHER,
                _("One piece with all of them: they show one conversation or one post"),
            ),
        ],
        initial=SEPARATE,
        widget=forms.RadioSelect,
    )

    field_order = ["sensitivity", "intimate_consent", "together"]


class BatchFilesForm(ErrorSummaryMixin, OneTimeTokenMixin):
    """The file step: its files are received by evidence.intake.batch_uploads, not by the form."""


# --- The review cards --------------------------------------------------------------------------

CARD_FIELDS = ("title", "author_displayed", "platform", "published_raw")


class CardForm(PieceDetailsForm):
    """A piece's card in the review list: the four details most pieces need. Its hidden
    `card` field makes a request without the card's fields (not sent by its page) invalid,
    rather than one that empties them."""

    card = forms.IntegerField(
        widget=forms.HiddenInput,
        error_messages={"required": INCOMPLETE, "invalid": INCOMPLETE},
    )

    class Meta(PieceDetailsForm.Meta):
        fields = CARD_FIELDS
        help_texts = {"published_raw": _("As shown on the screen, like 14/03/2025 22:47.")}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for name in list(self.fields):
            if name not in (*CARD_FIELDS, "card"):
                del self.fields[name]
        self.fields["title"].help_text = ""
        self.fields["author_displayed"].help_text = ""
        self.initial.setdefault("card", self.instance.number)

    def details(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in CARD_FIELDS}


SUGGESTED_FIELDS = ("author_displayed", "platform", "published_raw")


class SuggestionForm(forms.Form):
    """A value read in the image, accepted by a tap: it becomes the person's own."""

    field = forms.ChoiceField(choices=[(name, name) for name in SUGGESTED_FIELDS])
    value = forms.CharField(max_length=200)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        field, value = cleaned.get("field"), cleaned.get("value", "")
        if field == "platform" and value not in dict(PLATFORM_CHOICES):
            raise forms.ValidationError(_("This platform is not one we know."))
        if field == "published_raw":
            reading = read_published(value)
            if not reading.is_absolute:
                raise forms.ValidationError(_("This is not an exact date."))
            if reading.date and reading.date > timezone.localdate() + dt.timedelta(days=1):
                raise forms.ValidationError(
                    _("This date is in the future. Write the date shown on the screen.")
                )
        return cleaned


# --- A chat export --------------------------------------------------------------------------------


class ChatStartForm(ErrorSummaryMixin, OneTimeTokenMixin, SensitivityQuestion):
    question = _(
        "Does any photo or video of this conversation show nudity or something sexual or intimate?"
    )
    consent = _(
        "I want these intimate images kept in my dossier. I understand they will be shown "
        "blurred, and that I can delete them at any time."
    )


class ChatFileForm(ErrorSummaryMixin, OneTimeTokenMixin):
    export = forms.FileField(
        label=_("The exported conversation"),
        help_text=_(
            "The file WhatsApp makes with “Export chat” (.txt, or .zip with the media), or the "
            "message_1.json file of Instagram’s data download."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": CHAT_FILES}),
        error_messages={"required": _("Choose the exported conversation.")},
    )


class ChatChoiceForm(forms.Form):
    """Which messages become pieces: those ticked, a whole day, or one author's."""

    message = forms.TypedMultipleChoiceField(coerce=int, required=False)
    day = forms.DateField(required=False)
    author = forms.CharField(max_length=200, required=False)

    def __init__(self, *args, lines: list[int], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["message"].choices = [(line, line) for line in lines]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if not (cleaned.get("message") or cleaned.get("day") or cleaned.get("author")):
            raise forms.ValidationError(_("Tick the messages to add, or choose a day or a person."))
        return cleaned


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Search the pieces"), max_length=200, required=False)
