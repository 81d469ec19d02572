"""Preparing the complaint: an overview, one page per section, the chronology notes and the
letter. Views parse, call evidence.complaint, render; each section saves on its own and the
person can stop anywhere (every field is optional until export). The letter is shown as an
export made now would write it; the person adds their own words to it, never edits a copy
that would fall out of date.

Every object comes through the ownership helpers of evidence.access (`owned`): another user
gets 404, whatever the method.
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_safe

from common import submissions
from evidence import drafts
from evidence.access import Need, dossier_for_user, note_for_user, owned, require
from evidence.complaint import qualification
from evidence.complaint import services as complaint
from evidence.complaint.data import to_plain
from evidence.complaint.forms import (
    OUT_OF_DATE,
    FactsForm,
    HarmForm,
    IdentityForm,
    LetterForm,
    NewNoteForm,
    NoteForm,
    SectionForm,
    SuspectsForm,
    TribunalForm,
    VersionedForm,
    WitnessesForm,
)
from evidence.complaint.letter import gaps
from evidence.export.document.collect import letter, offences
from evidence.models import ChronologyNote, Concerns, Dossier
from evidence.vault.custody import Action
from evidence.vault.timeline import author_key

# The sections in the order the pages follow one another ("Save and continue").
SECTIONS = (
    ("complaint_identity", _("Who files the complaint")),
    ("complaint_facts", _("What happened")),
    ("complaint_suspects", _("The author or authors")),
    ("complaint_witnesses", _("Witnesses")),
    ("complaint_harm", _("The harm")),
    ("complaint_tribunal", _("Where to send it")),
    ("complaint_notes", _("Chronology")),
    ("complaint_letter", _("The letter")),
)
_TITLES = dict(SECTIONS)


# --- The overview ---------------------------------------------------------------------------------


@login_required
@owned("dossier", dossier_for_user, needs=Need.COMPLAINT)
@require_safe
def overview(request: HttpRequest, dossier: Dossier) -> HttpResponse:
    row = complaint.stored(dossier)
    plain = to_plain(row, minor=dossier.is_about_a_minor)
    return render(
        request,
        "evidence/complaint/overview.html",
        {
            "dossier": dossier,
            "sections": _statuses(dossier, plain),
            "gaps": gaps(letter(dossier)),
            "minor": dossier.is_about_a_minor,
        },
    )


def _statuses(dossier: Dossier, plain) -> list[tuple[str, object, str, bool]]:
    """(url, title, status in words, done) of each section."""
    if plain.victim_is_minor:
        identity = bool(plain.victim.name and any(r.name for r in plain.representatives))
    else:
        identity = bool(plain.complainant.name and plain.complainant.address)
    count = len(plain.suspects)
    suspects = (
        ngettext("%(count)s author named", "%(count)s authors named", count) % {"count": count}
        if count
        else _("No author named: the complaint will be against X")
    )
    witnesses = len(plain.witnesses)
    notes = dossier.notes.count()
    told = bool(plain.facts_account)
    words = {
        "complaint_identity": (_("Filled in") if identity else _("To fill in"), identity),
        "complaint_facts": (_("Filled in") if told else _("To fill in"), told),
        "complaint_suspects": (suspects, True),
        "complaint_witnesses": (
            ngettext("%(count)s witness", "%(count)s witnesses", witnesses) % {"count": witnesses}
            if witnesses
            else _("None (optional)"),
            True,
        ),
        "complaint_harm": (
            _("To fill in") if plain.harm.is_empty() else _("Filled in"),
            not plain.harm.is_empty(),
        ),
        "complaint_tribunal": (plain.tribunal_city or _("To fill in"), bool(plain.tribunal_city)),
        "complaint_notes": (
            ngettext("%(count)s entry", "%(count)s entries", notes) % {"count": notes}
            if notes
            else _("None (optional)"),
            True,
        ),
        "complaint_letter": (
            _("Your earlier version is waiting for you")
            if plain.earlier_letter
            else _("Written from your answers at each export"),
            not plain.earlier_letter,
        ),
    }
    return [
        (reverse(f"evidence:{name}", kwargs={"dossier_id": dossier.pk}), title, *words[name])
        for name, title in SECTIONS
    ]


# --- The sections --------------------------------------------------------------------------------


def _next(name: str) -> str:
    """The section after `name`; after the last one, the overview."""
    names = [section for section, _title in SECTIONS]
    index = names.index(name) + 1
    return names[index] if index < len(names) else "complaint"


def _who(dossier: Dossier) -> str:
    """Who answers the questions about the person targeted: themself, a parent, a helper."""
    return {Concerns.SELF: "self", Concerns.CHILD: "child"}.get(dossier.concerns, "other")


def _questions(dossier: Dossier, section: qualification.Section) -> dict:
    """The yes/no questions of a section, for the offences found for this dossier's facts."""
    found = offences(dossier.facts, today=timezone.localdate())
    return {"conditions": qualification.asked(found, section), "who": _who(dossier)}


def _section(
    request: HttpRequest,
    dossier: Dossier,
    name: str,
    make_form: Callable[..., SectionForm],
    *,
    template: str = "evidence/complaint/section.html",
    questions: dict | None = None,
    **context,
) -> HttpResponse:
    """A section's page: its form opened on the stored complaint, saved on POST. "Add another"
    (`more`) saves and comes back to the same section, which then shows one more empty block."""
    row = complaint.stored(dossier)
    form = make_form(
        drafts.form_data(request), saved=row.data, version=row.version, **(questions or {})
    )
    if request.method == "POST" and form.is_valid():
        try:
            complaint.save_section(
                dossier,
                form.values(),
                version=form.cleaned_data["version"],
                user=request.user,
                section=name.removeprefix("complaint_"),
            )
        except complaint.OutOfDate:
            _out_of_date(form, row)
        else:
            _saved(request)
            following = name if request.POST.get("more") else _next(name)
            return redirect(f"evidence:{following}", dossier_id=dossier.pk)
    return render(
        request,
        template,
        {
            "dossier": dossier,
            "form": form,
            "title": _TITLES[name],
            **context,
        },
    )


def _saved(request: HttpRequest) -> None:
    messages.success(request, _("Saved."))


def _out_of_date(form: VersionedForm, row) -> None:
    """Keep what was typed (the blocks too: their formsets keep the data posted); send the
    current version with it, so that saving again applies."""
    current = complaint.stored(row.dossier).version
    form.data = form.data.copy()
    form.data["version"] = str(current)
    form.add_error(None, OUT_OF_DATE)


@drafts.keeps_drafts
@login_required
@owned("dossier", dossier_for_user, needs=Need.COMPLAINT)
@require_http_methods(["GET", "POST"])
def identity(request: HttpRequest, dossier: Dossier) -> HttpResponse:
    minor = dossier.is_about_a_minor
    return _section(
        request,
        dossier,
        "complaint_identity",
        lambda *args, **kwargs: IdentityForm(
            *args,
            minor=minor,
            for_someone_else=dossier.concerns != Concerns.SELF,
            child_name=dossier.person_name,
            **kwargs,
        ),
        lead=(
            _(
                "The child is under 18: a parent or guardian files the complaint for them. "
                "The letter names the child and their legal representatives."
            )
            if minor
            else _("The procureur needs to know who you are and how to reach you.")
            if dossier.concerns == Concerns.SELF
            else _("The procureur needs to know who files the complaint and how to reach them.")
        ),
    )


@drafts.keeps_drafts
@login_required
@owned("dossier", dossier_for_user, needs=Need.COMPLAINT)
@require_http_methods(["GET", "POST"])
def facts(request: HttpRequest, dossier: Dossier) -> HttpResponse:
    return _section(
        request,
        dossier,
        "complaint_facts",
        FactsForm,
        questions=_questions(dossier, "facts"),
        lead=_(
            "The letter already gives the dates of your pieces and of the chronology. Tell here "
            "what happened in your own words: it goes into the letter as you write it."
        ),
    )


@drafts.keeps_drafts
@login_required
@owned("dossier", dossier_for_user, needs=Need.COMPLAINT)
@require_http_methods(["GET", "POST"])
def suspects(request: HttpRequest, dossier: Dossier) -> HttpResponse:
    seen = list(
        {
            author_key(text): text.strip()
            # Through the rows: author_displayed is encrypted, opened when a row is loaded.
            for text in (
                piece.author_displayed for piece in dossier.pieces.only("id", "author_displayed")
            )
            if text.strip()
        }.values()
    )
    return _section(
        request,
        dossier,
        "complaint_suspects",
        SuspectsForm,
        questions=_questions(dossier, "suspects"),
        lead=_(
            "Name everyone you think took part, with every pseudonym they use. If you do not "
            "know who it is, leave this empty: the complaint will be against X (an unknown "
            "person), and the police can ask the platforms who is behind an account."
        ),
        seen_authors=seen,
        add_label=_("Save and add another author"),
        remove_hint=_("To remove an author, empty their fields and save."),
    )


@drafts.keeps_drafts
@login_required
@owned("dossier", dossier_for_user, needs=Need.COMPLAINT)
@require_http_methods(["GET", "POST"])
def witnesses(request: HttpRequest, dossier: Dossier) -> HttpResponse:
    return _section(
        request,
        dossier,
        "complaint_witnesses",
        WitnessesForm,
        lead=_(
            "People who saw the messages or what happened, and who could tell the police. "
            "Ask them first if they agree."
        ),
        add_label=_("Save and add another witness"),
        remove_hint=_("To remove a witness, empty their fields and save."),
    )


@drafts.keeps_drafts
@login_required
@owned("dossier", dossier_for_user, needs=Need.COMPLAINT)
@require_http_methods(["GET", "POST"])
def harm(request: HttpRequest, dossier: Dossier) -> HttpResponse:
    return _section(
        request,
        dossier,
        "complaint_harm",
        HarmForm,
        lead=_(
            "What the harassment changed in daily life. This helps the court measure the harm "
            "and, if you ask for it, the compensation."
        ),
    )


@drafts.keeps_drafts
@login_required
@owned("dossier", dossier_for_user, needs=Need.COMPLAINT)
@require_http_methods(["GET", "POST"])
def tribunal(request: HttpRequest, dossier: Dossier) -> HttpResponse:
    return _section(
        request,
        dossier,
        "complaint_tribunal",
        TribunalForm,
        lead=_(
            "The letter goes to the procureur de la République of a tribunal judiciaire. You "
            "can also take the dossier to any police station or gendarmerie: they must take "
            "your complaint."
        ),
    )


# --- The chronology notes -------------------------------------------------------------------------


@drafts.keeps_drafts
@login_required
@owned("dossier", dossier_for_user, needs=Need.ADD)
@require_http_methods(["GET", "POST"])
def notes(request: HttpRequest, dossier: Dossier) -> HttpResponse:
    data = drafts.form_data(request)
    if data is not None:
        form = NewNoteForm(data)
        if request.method == "POST" and form.is_valid():
            if _add_note(request, dossier, form.cleaned_data):
                _saved(request)
            else:
                messages.info(request, NOTE_ALREADY_ADDED)
            return redirect("evidence:complaint_notes", dossier_id=dossier.pk)
    else:
        form = NewNoteForm()
    return render(
        request,
        "evidence/complaint/notes.html",
        {
            "dossier": dossier,
            "form": form,
            "notes": dossier.notes.order_by("date", "created_at"),
            "title": _TITLES["complaint_notes"],
        },
    )


NOTE_FORM = "chronology_note"  # its one-time tokens (common.submissions)
NOTE_ALREADY_ADDED = _("This entry was already in the chronology: it was not added twice.")


def _add_note(request: HttpRequest, dossier: Dossier, cleaned: dict) -> bool:
    """Add the entry; False when this form was already sent (its token), or when the same
    entry was added a moment ago (the form sent again after Back: common/submissions.py)."""
    date, text = cleaned["date"], cleaned["text"]
    with transaction.atomic():
        Dossier.objects.select_for_update().get(pk=dossier.pk)  # one entry at a time
        if not submissions.first_time(cleaned["token"], form=NOTE_FORM, user=request.user):
            return False
        twins = dossier.notes.filter(date=date, created_at__gte=submissions.recent())
        if any(note.text == text for note in twins):  # compared here: the text may be sealed
            return False
        ChronologyNote.objects.create(dossier=dossier, date=date, text=text)
        complaint.note_recorded(dossier, request.user, Action.NOTE_ADDED)
    return True


@drafts.keeps_drafts
@login_required
@owned("note", note_for_user, needs=Need.EDIT)
@require_http_methods(["GET", "POST"])
def note_edit(request: HttpRequest, note: ChronologyNote) -> HttpResponse:
    dossier = note.dossier
    if request.method == "POST" and request.POST.get("action") == "delete":
        require(request, Need.DELETE)
        complaint.delete_note(note, request.user)
        return redirect("evidence:complaint_notes", dossier_id=dossier.pk)
    form = NoteForm(drafts.form_data(request), instance=note)
    if request.method == "POST" and form.is_valid():
        complaint.edit_note(note, request.user, form.cleaned_data)
        _saved(request)
        return redirect("evidence:complaint_notes", dossier_id=dossier.pk)
    return render(
        request,
        "evidence/complaint/note_edit.html",
        {"dossier": dossier, "note": note, "form": form},
    )


# --- The letter ----------------------------------------------------------------------------------


@drafts.keeps_drafts
@login_required
@owned("dossier", dossier_for_user, needs=Need.COMPLAINT)
@require_http_methods(["GET", "POST"])
def letter_page(request: HttpRequest, dossier: Dossier) -> HttpResponse:
    """The letter as an export made now would write it, and the person's own words for it."""
    if request.method == "POST" and request.POST.get("action") == "forget":
        complaint.forget_earlier_letter(dossier)
        _saved(request)
        return redirect("evidence:complaint_letter", dossier_id=dossier.pk)
    text = letter(dossier)
    return _section(
        request,
        dossier,
        "complaint_letter",
        LetterForm,
        template="evidence/complaint/letter.html",
        paragraphs=text.split("\n\n"),
        gaps=gaps(text),
        earlier_letter=complaint.stored(dossier).letter_text.strip(),
    )
