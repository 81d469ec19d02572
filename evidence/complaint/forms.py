"""The complaint's forms: one per section of the complaint, the chronology notes, the letter,
and the export button. Every complaint field is optional until export; a bad value comes back
with its error and everything typed is kept.

A few yes/no questions settle what the questionnaire could not tell and the letter must not
guess (are the images real? is the author an adult?): each is asked in the section it is
about, and only when the offences found for the dossier depend on it
(evidence.complaint.qualification).

Each section form carries the version of the complaint it was opened on (hidden), so that a
page left open in another tab cannot silently overwrite a newer save. Repeated blocks
(authors, witnesses, a child's legal representatives) are Django formsets sent with their
section's form, with one empty block more than saved: "add another" saves and shows a new
empty block, without JavaScript; a block whose fields are emptied is removed when saved.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping
from typing import Any

from django import forms
from django.core.validators import RegexValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.forms import INCOMPLETE, DateInput, ErrorSummaryMixin, OneTimeTokenMixin
from evidence.complaint.qualification import Condition
from evidence.complaint.services import MAX_REPRESENTATIVES, TRIBUNAL_BASES
from evidence.models import ChronologyNote

MAX_BLOCKS = 20
SHORT = 200
LONG = 5000
OUT_OF_DATE = _(
    "This part of the complaint was saved from another page or device since you opened this "
    "one. What you typed is still below: check it, then save again."
)
PHONE = RegexValidator(
    r"^\+?[0-9 .()\-]{6,25}$",
    _("Write a phone number with digits only, like 06 12 34 56 78 or +33 6 12 34 56 78."),
)
EARLIEST_BIRTH = dt.date(1900, 1, 1)


class VersionedForm(ErrorSummaryMixin, forms.Form):
    version = forms.IntegerField(
        widget=forms.HiddenInput,
        min_value=0,
        error_messages={"required": INCOMPLETE, "invalid": INCOMPLETE, "min_value": INCOMPLETE},
    )

    def error_summary(self) -> list[tuple[str, Any, Any]]:
        # A hidden field has nothing to link to: its error reads as one about the whole form.
        hidden = {field.auto_id for field in self.hidden_fields()}
        lines = []
        for anchor, label, message in super().error_summary():
            line = ("form-errors", "", message) if anchor in hidden else (anchor, label, message)
            if line not in lines:
                lines.append(line)
        return lines


def _text(label, *, help_text="", max_length=SHORT, **attrs) -> forms.CharField:
    return forms.CharField(
        label=label,
        help_text=help_text,
        max_length=max_length,
        required=False,
        widget=forms.TextInput(attrs=attrs) if attrs else forms.TextInput,
    )


def _area(label, *, help_text="", rows=3, max_length=LONG) -> forms.CharField:
    return forms.CharField(
        label=label,
        help_text=help_text,
        max_length=max_length,
        required=False,
        widget=forms.Textarea(attrs={"rows": rows}),
    )


class BirthDateField(forms.DateField):
    def __init__(self, **kwargs) -> None:
        super().__init__(
            label=_("Date of birth"),
            required=False,
            widget=DateInput(attrs={"autocomplete": kwargs.pop("autocomplete", "off")}),
            **kwargs,
        )

    def validate(self, value) -> None:
        super().validate(value)
        if value and value > timezone.localdate():
            raise forms.ValidationError(_("This date is in the future."))
        if value and value < EARLIEST_BIRTH:
            raise forms.ValidationError(_("Check the year of this date."))


class CivilityField(forms.ChoiceField):
    """How the French letter agrees with the person: "née, soussignée" or "né, soussigné"; the
    neutral "né(e)" only when nobody said. For a child: a girl or a boy."""

    def __init__(self, *, child: bool = False) -> None:
        if child:
            label = _("In the letter, the child is")
            choices = [("madame", _("a girl (née)")), ("monsieur", _("a boy (né)"))]
        else:
            label = _("In the letter, write")
            choices = [("madame", _("Madame (née)")), ("monsieur", _("Monsieur (né)"))]
        super().__init__(
            label=label,
            choices=[*choices, ("", _("Not said"))],
            required=False,
            widget=forms.RadioSelect,
            help_text=_("French writes some words differently for a woman and for a man."),
        )


ANSWERS = [("yes", _("Yes")), ("no", _("No")), ("unknown", _("I don’t know"))]
# Each question of evidence.complaint.qualification.CONDITIONS, as asked of the person targeted
# ("self"), of a parent about their child ("child"), or of someone helping ("other").
QUESTIONS: dict[str, dict[str, Any]] = {
    "threatened_for_job": {
        "self": _("Do the threats target you at work, or because of your job?"),
        "other": _("Do the threats target them at work, or because of their job?"),
        "hint": _(
            "For example as a teacher, a member of a school’s staff, an elected official or a "
            "public agent: the law then punishes threats more severely."
        ),
    },
    "taken_in_private": {
        "all": _("Was the photo or video taken in a private place, or were private words "
                 "recorded?"),
        "hint": _("A private place: a home, a bedroom, a changing room, toilets… not the "
                  "street or a classroom."),
    },
    "real_images": {
        "self": _("Are the sexual images real pictures of you?"),
        "child": _("Are the sexual images real pictures of the child?"),
        "other": _("Are the sexual images real pictures of them?"),
        "hint": _("Even if they were taken with consent, or by the person themself."),
    },
    "faked_images": {
        "all": _("Are some of them faked or made up: a montage, a picture made by AI?"),
        "hint": _("Sharing a sexual montage without consent is punished too."),
    },
    "public_words": {
        "all": _("Could strangers see the messages: a public post or comment, an open group?"),
        "hint": "",
    },
    "private_words": {
        "all": _("Were messages sent in private: private messages, a closed group?"),
        "hint": "",
    },
    "pupil_at_same_school": {
        "self": _("Are you a pupil, and does the author study or work at your school?"),
        "child": _("Is the child a pupil, and does the author study or work at the child’s "
                   "school?"),
        "other": _("Are they a pupil, and does the author study or work at their school?"),
        "hint": _("For example a classmate, or an adult of the school. The law punishes the "
                  "harassment of a pupil more severely."),
    },
    "spouse_or_cohabitant": {
        "self": _("Is the author your spouse or civil partner (PACS), or did you live together "
                  "as a couple, now or before?"),
        "other": _("Is the author their spouse or civil partner (PACS), or did they live "
                   "together as a couple, now or before?"),
        "hint": _("The law then punishes harassment more severely."),
    },
    "author_is_adult": {
        "all": _("Is the author an adult (18 or over)?"),
        "hint": _("Some offences against children can only be committed by an adult."),
    },
}  # fmt: skip


def confirmation_fields(conditions: list[Condition], who: str) -> dict[str, forms.Field]:
    """A yes / no / I don't know question for each condition, in the person's words."""
    fields = {}
    for condition in conditions:
        question = QUESTIONS[condition.key]
        label = question.get("all") or question.get(who) or question["other"]
        fields[condition.key] = forms.ChoiceField(
            label=label,
            help_text=question["hint"],
            choices=ANSWERS,
            required=False,
            widget=forms.RadioSelect,
        )
    return fields


def person_fields(prefix: str = "", *, relationship: bool = False, own: bool = True) -> dict:
    """The fields of a person, named `{prefix}_{field}` (or just `{field}`). `own`: the person
    filling the form (the browser may offer its saved name and address); otherwise nothing is
    suggested."""

    def auto(token: str) -> str:
        return token if own else "off"

    fields = {
        "name": _text(_("First name and last name"), autocomplete=auto("name")),
        "civility": CivilityField(),
        "birth_date": BirthDateField(autocomplete=auto("bday")),
        "birth_place": _text(_("Place of birth"), help_text=_("Town, and country if not France.")),
        "occupation": _text(_("Occupation"), help_text=_("For example: pupil, student, nurse.")),
        "address": _area(_("Postal address"), rows=2, max_length=500),
        "phone": forms.CharField(
            label=_("Phone"),
            max_length=25,
            required=False,
            validators=[PHONE],
            widget=forms.TextInput(
                attrs={"type": "tel", "inputmode": "tel", "autocomplete": auto("tel")}
            ),
        ),
        "email": forms.EmailField(
            label=_("Email"),
            required=False,
            max_length=254,
            widget=forms.EmailInput(attrs={"autocomplete": auto("email")}),
        ),
    }
    if relationship:
        fields["relationship"] = _text(
            _("Link with the child"), help_text=_("For example: mother, father, guardian.")
        )
    return {f"{prefix}_{name}" if prefix else name: field for name, field in fields.items()}


def _plain(value: Any) -> Any:
    """A cleaned value as stored: dates as YYYY-MM-DD, nothing as ""."""
    return value.isoformat() if isinstance(value, dt.date) else (value or "")


def _person_values(cleaned: Mapping[str, Any], prefix: str) -> dict[str, str]:
    values = {}
    for key, value in cleaned.items():
        if key.startswith(f"{prefix}_"):
            values[key[len(prefix) + 1 :]] = _plain(value)
    return values


def _person_initial(data: Any, prefix: str = "") -> dict[str, Any]:
    data = data if isinstance(data, Mapping) else {}
    return {
        f"{prefix}_{name}" if prefix else name: value
        for name, value in data.items()
        if isinstance(value, str)
    }


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _saved_list(saved: Mapping[str, Any], key: str) -> list[dict]:
    found = saved.get(key)
    return [item for item in found if isinstance(item, dict)] if isinstance(found, list) else []


# --- Repeated blocks ---------------------------------------------------------------------------


class BlockForm(ErrorSummaryMixin, forms.Form):
    """One block of a repeated part: every field optional; a block left empty is no block."""

    def values(self) -> dict[str, Any]:
        cleaned = getattr(self, "cleaned_data", {})
        return {name: _plain(cleaned.get(name)) for name in self.fields}


class Blocks(forms.BaseFormSet):
    """The blocks of one repeated part, numbered from 1 in their legends."""

    legend = ""  # "Author %(number)s"
    default_error_messages = {
        **forms.BaseFormSet.default_error_messages,
        "missing_management_form": INCOMPLETE,
    }

    def groups(self) -> list[tuple[Any, str, list]]:
        """(legend, hint, bound fields) of each block."""
        return [
            (self.legend % {"number": number}, "", list(form))
            for number, form in enumerate(self.forms, start=1)
        ]

    def filled(self) -> list[dict[str, Any]]:
        """The values of the blocks with anything in them, in order."""
        return [values for values in (form.values() for form in self.forms) if any(values.values())]

    @property
    def can_add(self) -> bool:
        return self.total_form_count() < self.max_num

    def error_summary(self) -> list[tuple[str, Any, Any]]:
        lines = [("form-errors", "", message) for message in self.non_form_errors()]
        for form in self.forms:
            lines.extend(form.error_summary())
        return lines


class SuspectForm(BlockForm):
    name = _text(_("Name, if you know it"), help_text=_("Even a first name or a nickname helps."))
    pseudonyms = _area(
        _("Pseudonyms and accounts"),
        help_text=_(
            "One per line: each @handle, account name or phone number they use, on every "
            "platform, exactly as it is written."
        ),
        rows=3,
        max_length=2000,
    )
    details = _area(
        _("What you know about them"),
        help_text=_("For example: a pupil in my class, their profile link, their town."),
        rows=2,
        max_length=2000,
    )


class SuspectBlocks(Blocks):
    legend = _("Author %(number)s")


class WitnessForm(BlockForm):
    name = _text(_("Their name"))
    contact = _area(
        _("How to reach them"),
        help_text=_("A phone number, an email or a postal address."),
        rows=2,
        max_length=500,
    )


class WitnessBlocks(Blocks):
    legend = _("Witness %(number)s")


class RepresentativeForm(BlockForm):
    """A legal representative of the child. `own`: the one filling the form in."""

    def __init__(self, *args, own: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields.update(person_fields(relationship=True, own=own))


class RepresentativeBlocks(Blocks):
    """One or two legal representatives: both blocks always show, the second one optional."""

    LEGENDS = (
        (
            _("Legal representative"),
            _("The parent or guardian who files the complaint for the child."),
        ),
        (
            _("Second legal representative (optional)"),
            _("If both parents file the complaint together."),
        ),
    )

    def get_form_kwargs(self, index: int | None) -> dict[str, Any]:
        return {"own": index == 0}

    def groups(self) -> list[tuple[Any, str, list]]:
        return [
            (legend, hint, list(form))
            for (legend, hint), form in zip(self.LEGENDS, self.forms, strict=False)
        ]


def _blocks(form: type[BlockForm], formset: type[Blocks], most: int, extra: int = 1):
    return forms.formset_factory(
        form,
        formset=formset,
        extra=extra,
        max_num=most,
        absolute_max=most,
        validate_max=True,
    )


SuspectFormSet = _blocks(SuspectForm, SuspectBlocks, MAX_BLOCKS)
WitnessFormSet = _blocks(WitnessForm, WitnessBlocks, MAX_BLOCKS)
RepresentativeFormSet = _blocks(
    RepresentativeForm, RepresentativeBlocks, MAX_REPRESENTATIVES, extra=MAX_REPRESENTATIVES
)


# --- The sections ------------------------------------------------------------------------------


class SectionForm(VersionedForm):
    """One section of the complaint, opened on the stored complaint (`saved`: its data, and its
    `version`): its fields, and its repeated blocks (`formsets`) sent with them as one form.
    `conditions`: the yes/no questions this section asks for the dossier's offences, in the
    words for `who` is answering ("self", "child", "other")."""

    def __init__(
        self,
        data=None,
        *,
        saved: Any,
        version: int,
        conditions: list[Condition] | None = None,
        who: str = "self",
    ) -> None:
        saved = _mapping(saved)
        self.conditions = conditions or []
        initial = None
        if data is None:
            asked = {c.key: saved.get(c.key, "") for c in self.conditions}
            initial = {**self.initial_from(saved), **asked, "version": version}
        super().__init__(data, initial=initial)
        self.fields.update(confirmation_fields(self.conditions, who))
        self.formsets: list[Blocks] = self.make_formsets(data, saved)

    def confirmations(self) -> list:
        """The bound questions of the section."""
        return [self[condition.key] for condition in self.conditions]

    def confirmation_values(self) -> dict[str, str]:
        return {c.key: self.cleaned_data.get(c.key) or "" for c in self.conditions}

    def initial_from(self, saved: Mapping[str, Any]) -> dict[str, Any]:
        return {}

    def make_formsets(self, data, saved: Mapping[str, Any]) -> list[Blocks]:
        return []

    def is_valid(self) -> bool:
        results = [super().is_valid(), *(formset.is_valid() for formset in self.formsets)]
        return all(results)

    def error_summary(self) -> list[tuple[str, Any, Any]]:
        lines = super().error_summary()
        for formset in self.formsets:
            lines.extend(line for line in formset.error_summary() if line not in lines)
        return lines

    def groups(self) -> list[tuple[Any, str, list]]:
        """(legend, hint, bound fields) for each fieldset of the page."""
        raise NotImplementedError

    def values(self) -> dict[str, Any]:
        """What the section stores, merged into the complaint's data."""
        raise NotImplementedError


class IdentityForm(SectionForm):
    """Who files the complaint: the person themself, or for a minor the child and their legal
    representatives (one or two)."""

    def __init__(
        self,
        data=None,
        *,
        minor: bool,
        for_someone_else: bool = False,
        child_name: str = "",
        **kwargs,
    ) -> None:
        self.minor = minor
        self.for_someone_else = for_someone_else
        self.child_name = child_name
        super().__init__(data, **kwargs)
        if minor:
            self.fields["victim_name"] = _text(
                _("The child's first name and last name"), autocomplete="off"
            )
            self.fields["victim_civility"] = CivilityField(child=True)
            self.fields["victim_birth_date"] = BirthDateField()
        else:
            self.fields.update(person_fields("complainant", own=not for_someone_else))

    def initial_from(self, saved: Mapping[str, Any]) -> dict[str, Any]:
        if not self.minor:
            return _person_initial(saved.get("complainant"), "complainant")
        victim = _mapping(saved.get("victim"))
        return {
            "victim_name": victim.get("name") or self.child_name,
            "victim_civility": victim.get("civility", ""),
            "victim_birth_date": victim.get("birth_date", ""),
        }

    def make_formsets(self, data, saved: Mapping[str, Any]) -> list[Blocks]:
        if not self.minor:
            return []
        people = _saved_list(saved, "representatives")[:MAX_REPRESENTATIVES]
        initial = [_person_initial(person) for person in people]
        return [RepresentativeFormSet(data, initial=initial, prefix="representatives")]

    def groups(self) -> list[tuple[Any, str, list]]:
        if not self.minor and self.for_someone_else:
            return [
                (
                    _("The person who files the complaint"),
                    _("An adult files their own complaint: write their details, with them."),
                    self._bound("complainant"),
                )
            ]
        if not self.minor:
            return [(_("You, who file the complaint"), "", self._bound("complainant"))]
        return [
            (
                _("The child"),
                "",
                [self["victim_name"], self["victim_civility"], self["victim_birth_date"]],
            ),
            *self.formsets[0].groups(),
        ]

    def _bound(self, prefix: str) -> list:
        return [self[name] for name in self.fields if name.startswith(f"{prefix}_")]

    def values(self) -> dict[str, Any]:
        cleaned = self.cleaned_data
        if not self.minor:
            return {"complainant": _person_values(cleaned, "complainant")}
        birth = cleaned.get("victim_birth_date")
        return {
            "victim": {
                "name": cleaned.get("victim_name", ""),
                "civility": cleaned.get("victim_civility", ""),
                "birth_date": birth.isoformat() if birth else "",
            },
            # Both blocks, the empty one too: each keeps its place (first, second).
            "representatives": [form.values() for form in self.formsets[0].forms],
        }


class BlocksSectionForm(SectionForm):
    """A section made of repeated blocks only (authors, witnesses), stored as a list at `key`."""

    key = ""
    formset_class: type[Blocks]

    def make_formsets(self, data, saved: Mapping[str, Any]) -> list[Blocks]:
        initial = [self.block_initial(block) for block in _saved_list(saved, self.key)]
        return [self.formset_class(data, initial=initial[:MAX_BLOCKS], prefix=self.key)]

    def block_initial(self, block: Mapping[str, Any]) -> dict[str, Any]:
        return {
            name: "\n".join(item for item in value if isinstance(item, str))
            if isinstance(value, list)
            else value
            for name, value in block.items()
            if isinstance(value, str | list)
        }

    @property
    def blocks(self) -> Blocks:
        return self.formsets[0]

    @property
    def can_add(self) -> bool:
        return self.blocks.can_add

    def groups(self) -> list[tuple[Any, str, list]]:
        return self.blocks.groups()


class SuspectsForm(BlocksSectionForm):
    key = "suspects"
    formset_class = SuspectFormSet

    def groups(self) -> list[tuple[Any, str, list]]:
        if not self.conditions:
            return super().groups()
        return [
            *super().groups(),
            (_("About the author"), QUESTIONS_HINT, self.confirmations()),
        ]

    def values(self) -> dict[str, Any]:
        suspects = []
        for block in self.blocks.filled():
            # One per line, each kept whole: a pseudonym may hold a comma ("kev, le boss").
            pseudonyms = [p.strip() for p in block["pseudonyms"].splitlines() if p.strip()]
            suspects.append(
                {
                    "name": block["name"],
                    "pseudonyms": list(dict.fromkeys(pseudonyms)),
                    "details": block["details"],
                }
            )
        return {"suspects": suspects, **self.confirmation_values()}


class WitnessesForm(BlocksSectionForm):
    key = "witnesses"
    formset_class = WitnessFormSet

    def values(self) -> dict[str, Any]:
        return {"witnesses": self.blocks.filled()}


QUESTIONS_HINT = _(
    "Asked only because the answer changes which articles of the law the letter can cite. If "
    "you do not know, say so: the letter never cites an article the facts do not support."
)


class FactsForm(SectionForm):
    """What happened: the person's own account, which goes into the letter as they write it,
    whether it happened more than once, and the questions about the facts."""

    facts_account = _area(
        _("What happened, in your own words"),
        help_text=_(
            "It goes into the letter as you write it, after the dates of the facts. Say what "
            "happened, where, and who did it, as facts."
        ),
        rows=8,
    )
    repeated = forms.ChoiceField(
        label=_("Did it happen more than once?"),
        help_text=_(
            "Several messages, posts or acts, even on the same day. In law, harassment is made "
            "of repeated acts: one single act is named for what it is (a threat, blackmail…)."
        ),
        choices=[("yes", _("Yes, more than once")), ("no", _("No, once"))],
        required=False,
        widget=forms.RadioSelect,
    )

    def groups(self) -> list[tuple[Any, str, list]]:
        groups = [(_("The facts"), "", [self["facts_account"], self["repeated"]])]
        if self.conditions:
            groups.append((_("To cite the right articles"), QUESTIONS_HINT, self.confirmations()))
        return groups

    def initial_from(self, saved: Mapping[str, Any]) -> dict[str, Any]:
        return {name: saved[name] for name in ("facts_account", "repeated") if name in saved}

    def values(self) -> dict[str, Any]:
        return {
            "facts_account": self.cleaned_data.get("facts_account") or "",
            "repeated": self.cleaned_data.get("repeated") or "",
            **self.confirmation_values(),
        }


class HarmForm(SectionForm):
    health = _area(
        _("Health"), help_text=_("Anxiety, stomach aches, loss of appetite, a doctor's care…")
    )
    school_or_work = _area(
        _("School or work"), help_text=_("Missed days, falling marks, a change of school…")
    )
    sleep = _area(_("Sleep"), help_text=_("Trouble falling asleep, nightmares…"))
    social_life = _area(
        _("Social life"), help_text=_("Friends lost, stopping an activity, staying at home…")
    )
    medical_certificate = forms.BooleanField(
        label=_("A doctor wrote a medical certificate"),
        help_text=_("You will join it to the complaint. It makes the harm much easier to prove."),
        required=False,
    )
    itt_days = forms.IntegerField(
        label=_("Days of ITT on the certificate"),
        help_text=_(
            "ITT (total incapacity for work) is written by the doctor, in days. Leave empty if "
            "there is none."
        ),
        required=False,
        min_value=0,
        max_value=365,
        error_messages={
            "invalid": _("Write a number of days, like 8."),
            "min_value": _("Write a number of days, like 8."),
            "max_value": _("Check this number: it is more than a year."),
        },
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    costs = _area(
        _("Costs"),
        help_text=_("What it cost you: a psychologist, a new phone, travel… with the amounts."),
        rows=2,
    )

    FIELDS = (
        "health", "school_or_work", "sleep", "social_life", "medical_certificate", "itt_days",
        "costs",
    )  # fmt: skip

    def groups(self) -> list[tuple[Any, str, list]]:
        return [
            (
                _("Daily life"),
                _("Describe the changes since the harassment began, as facts."),
                [self[name] for name in ("health", "school_or_work", "sleep", "social_life")],
            ),
            (
                _("Certificate and costs"),
                "",
                [self[name] for name in ("medical_certificate", "itt_days", "costs")],
            ),
        ]

    def initial_from(self, saved: Mapping[str, Any]) -> dict[str, Any]:
        harm = _mapping(saved.get("harm"))
        return {name: harm[name] for name in self.FIELDS if name in harm}

    def values(self) -> dict[str, Any]:
        harm = {name: self.cleaned_data.get(name) or "" for name in self.FIELDS}
        harm["medical_certificate"] = bool(self.cleaned_data.get("medical_certificate"))
        harm["itt_days"] = self.cleaned_data.get("itt_days")
        return {"harm": harm}


class TribunalForm(SectionForm):
    tribunal_city = _text(
        _("Town of the tribunal judiciaire"),
        help_text=_(
            "The procureur of the place where the facts happened (online: usually where the "
            "person targeted lives), or of the place where the author lives."
        ),
        max_length=100,
    )
    tribunal_basis = forms.ChoiceField(
        label=_("This town is"),
        choices=[
            ("facts", _("where the facts happened")),
            ("author", _("where the author lives")),
        ],
        required=False,
        widget=forms.RadioSelect,
    )
    partie_civile = forms.BooleanField(
        label=_("I ask for compensation (I become partie civile)"),
        help_text=_(
            "You can also decide later. For a minor, the legal representatives ask for it on "
            "the child's behalf."
        ),
        required=False,
    )
    place = _text(
        _("Town where you sign the letter"),
        help_text=_("Usually where you live."),
        max_length=100,
    )

    FIELDS = ("tribunal_city", "tribunal_basis", "partie_civile", "place")

    def groups(self) -> list[tuple[Any, str, list]]:
        return [
            (_("The tribunal"), "", [self["tribunal_city"], self["tribunal_basis"]]),
            (_("Compensation"), "", [self["partie_civile"]]),
            (_("Signature"), "", [self["place"]]),
        ]

    def initial_from(self, saved: Mapping[str, Any]) -> dict[str, Any]:
        initial = {name: saved[name] for name in self.FIELDS if name in saved}
        initial.setdefault("tribunal_basis", "facts")
        return initial

    def values(self) -> dict[str, Any]:
        values = {name: self.cleaned_data.get(name) for name in self.FIELDS}
        if values["tribunal_basis"] not in TRIBUNAL_BASES:
            values["tribunal_basis"] = "facts"
        values["partie_civile"] = bool(values["partie_civile"])
        return values


class LetterForm(SectionForm):
    """What the person adds to the letter, in their own words: the letter itself is written
    from the complaint at every export, so that it always agrees with the pieces."""

    letter_additions = forms.CharField(
        label=_("What you want to add to the letter"),
        help_text=_(
            "In French. It goes into the letter as you write it, as a paragraph of its own, "
            "before the closing lines."
        ),
        max_length=LONG,
        required=False,
        widget=forms.Textarea(attrs={"rows": 6, "spellcheck": "true", "lang": "fr"}),
    )

    def groups(self) -> list[tuple[Any, str, list]]:
        return [(_("Your own words"), "", [self["letter_additions"]])]

    def initial_from(self, saved: Mapping[str, Any]) -> dict[str, Any]:
        return {"letter_additions": saved.get("letter_additions", "")}

    def values(self) -> dict[str, Any]:
        return {"letter_additions": self.cleaned_data.get("letter_additions") or ""}


# --- The chronology and the export -------------------------------------------------------------


class NoteForm(ErrorSummaryMixin, forms.ModelForm):
    class Meta:
        model = ChronologyNote
        fields = ("date", "text")
        labels = {"date": _("Date"), "text": _("What happened")}
        help_texts = {
            "date": _("The day it happened, even approximately."),
            "text": _("A few factual words: for example, “Rumours about me started at school”."),
        }
        widgets = {"date": DateInput(), "text": forms.Textarea(attrs={"rows": 3})}
        error_messages = {
            "date": {"required": _("Give the date, even approximately.")},
            "text": {"required": _("Write what happened.")},
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["text"].max_length = 2000
        self.fields["text"].widget.attrs["maxlength"] = 2000

    def clean_date(self) -> dt.date:
        date = self.cleaned_data["date"]
        if date > timezone.localdate():
            raise forms.ValidationError(_("This date is in the future."))
        if date < EARLIEST_BIRTH:
            raise forms.ValidationError(_("Check the year of this date."))
        return date


class NewNoteForm(OneTimeTokenMixin, NoteForm):
    """A new entry of the chronology, added once however often the form is sent."""


class ExportForm(ErrorSummaryMixin, forms.Form):
    """The export button's one-time token: the same form sent twice starts one export."""

    token = forms.UUIDField(
        widget=forms.HiddenInput,
        error_messages={"required": INCOMPLETE, "invalid": INCOMPLETE},
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial["token"] = uuid.uuid4()

    def error_summary(self) -> list[tuple[str, Any, Any]]:
        return [("form-errors", "", message) for message in self.errors.get("token", [])]
