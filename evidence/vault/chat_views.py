"""Importing an exported conversation: the question about its photos and videos (before the
file is read), the export itself, then its messages to choose from. Views parse, call
evidence.intake.chat_import, render. Every step is a real form; nothing needs JavaScript.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from evidence import drafts
from evidence.access import Need, chat_for_user, dossier_for_user, owned
from evidence.intake import chat_import
from evidence.intake.images import too_large_message
from evidence.intake.uploads import bounded_to
from evidence.models import ChatImport, Dossier
from evidence.vault.forms import CHOOSE_AGAIN, STORAGE_FULL
from evidence.vault.intake_forms import ChatChoiceForm, ChatFileForm, ChatStartForm
from evidence.vault.services import files_are_withheld

MESSAGES_PER_PAGE = 200


@drafts.keeps_drafts
@login_required
@owned("dossier", dossier_for_user, needs=Need.ADD)
@require_http_methods(["GET", "POST"])
def chat_start(request: HttpRequest, dossier: Dossier) -> HttpResponse:
    form = ChatStartForm(drafts.form_data(request))
    if request.method == "POST" and form.is_valid():
        started = chat_import.start(
            dossier,
            request.user,
            sensitivity=form.cleaned_data["sensitivity"],
            intimate_consent=form.cleaned_data["intimate_consent"],
            token=form.cleaned_data["token"],
        )
        return redirect("evidence:chat_file", chat_id=started.pk)
    return render(request, "evidence/intake/chat_start.html", {"form": form, "dossier": dossier})


def _chat_bytes() -> int:
    return settings.EVIDENCE_MAX_CHAT_BYTES


def _largest_chat_request() -> int:
    return settings.EVIDENCE_MAX_CHAT_BYTES + settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1024 * 1024


@login_required
@owned("chat", chat_for_user, needs=Need.ADD)
@require_http_methods(["GET", "POST"])
@bounded_to(_chat_bytes, _largest_chat_request, one_file=True)
def chat_file(request: HttpRequest, chat: ChatImport) -> HttpResponse:
    if chat.piece_id is not None:  # already imported (the form sent again after Back)
        return redirect("evidence:chat_messages", chat_id=chat.pk)
    form = ChatFileForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
    )
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["export"]
        if getattr(upload, "refused_because", "") == "busy":
            form.add_error(
                "export",
                _(
                    "Files are already being sent from your account: wait "
                    "until they are received, then send this one again."
                ),
            )
        elif getattr(upload, "oversized", False):
            message = too_large_message(settings.EVIDENCE_MAX_CHAT_BYTES)
            form.add_error("export", f"{upload.name}: {message} {CHOOSE_AGAIN}")
        else:
            try:
                chat_import.receive(chat, request.user, upload.name or "", upload.read())
            except chat_import.ExportRefused as refusal:
                for message in refusal.messages:
                    form.add_error("export", message)
                form.add_error("export", CHOOSE_AGAIN)
            except OSError:
                form.add_error("export", STORAGE_FULL)
            else:
                return redirect("evidence:chat_messages", chat_id=chat.pk)
    return render(
        request,
        "evidence/intake/chat_file.html",
        {
            "form": form,
            "chat": chat,
            "dossier": chat.dossier,
            "withheld": files_are_withheld(chat.sensitivity),
            "max_megabytes": settings.EVIDENCE_MAX_CHAT_BYTES // (1024 * 1024),
        },
    )


@dataclass(frozen=True)
class DayGroup:
    day: object  # a date, or None for messages without a readable date
    messages: list[chat_import.StoredMessage]
    total: int  # the day's messages in the whole conversation
    authors: int
    to_add: int  # the day's messages not pieces yet


@drafts.keeps_drafts
@login_required
@owned("chat", chat_for_user, needs=Need.ADD)
@require_http_methods(["GET", "POST"])
def chat_messages(request: HttpRequest, chat: ChatImport) -> HttpResponse:
    """The messages, a page at a time, grouped by day; the ticked ones, a whole day or one
    person's become pieces. Ticked when the session had ended: ticked again after logging in."""
    if chat.piece_id is None:
        return redirect("evidence:chat_file", chat_id=chat.pk)
    every = chat_import.messages(chat)
    data = drafts.form_data(request)
    if request.method == "POST" and data is not None:
        form = ChatChoiceForm(data, lines=[message.n for message in every])
        if form.is_valid():
            _choose(request, chat, every, form.cleaned_data)
        else:
            for message in form.non_field_errors():
                messages.error(request, message)
        return redirect(request.get_full_path())
    person = request.GET.get("personne", "")
    shown = [message for message in every if not person or message.author == person]
    page = Paginator(shown, MESSAGES_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "evidence/vault/chat_messages.html",
        {
            "chat": chat,
            "dossier": chat.dossier,
            "export": chat.piece,
            "days": _days(list(page), every),
            "page": page,
            "person": person,
            "participants": chat.participants,
            "counts": _per_person(every),
            "total": len(every),
            "added": sum(1 for message in every if message.piece is not None),
            "warnings": chat_import.warnings(chat),
            "query": f"{urlencode({'personne': person})}&" if person else "",
            "most": settings.EVIDENCE_MAX_MESSAGES_PER_CHOICE,
            "ticked": {int(n) for n in data.getlist("message") if n.isdigit()} if data else set(),
        },
    )


def _choose(request: HttpRequest, chat: ChatImport, every, cleaned: dict) -> None:
    """A whole day, or one person's messages, or the ticked ones: which button was pressed."""
    if cleaned.get("day"):
        wanted = [message.n for message in every if message.day == cleaned["day"]]
    elif cleaned.get("author"):
        wanted = [message.n for message in every if message.author == cleaned["author"]]
    else:
        wanted = cleaned.get("message") or []
    try:
        chosen = chat_import.choose(chat, request.user, wanted)
    except chat_import.TooMany as refusal:
        messages.error(
            request,
            _(
                "That is %(asked)s messages: at most %(most)s can be added at once. Choose a day, "
                "or tick the messages that matter."
            )
            % {"asked": refusal.asked, "most": refusal.most},
        )
        return
    if chosen.pieces:
        numbers = [piece.number for piece in chosen.pieces]
        messages.success(
            request,
            ngettext(
                "%(count)s message added as piece no. %(first)s.",
                "%(count)s messages added as pieces no. %(first)s to %(last)s.",
                len(numbers),
            )
            % {"count": len(numbers), "first": numbers[0], "last": numbers[-1]},
        )
    if chosen.already:
        messages.info(
            request,
            ngettext(
                "%(count)s message was already a piece: it was not added twice.",
                "%(count)s messages were already pieces: they were not added twice.",
                chosen.already,
            )
            % {"count": chosen.already},
        )


def _days(shown: list, every: list) -> list[DayGroup]:
    totals: dict = defaultdict(list)
    for message in every:
        totals[message.day].append(message)
    groups: dict = {}
    for message in shown:
        groups.setdefault(message.day, []).append(message)
    return [
        DayGroup(
            day,
            found,
            len(totals[day]),
            len({message.author for message in totals[day] if message.author}),
            sum(1 for message in totals[day] if message.piece is None),
        )
        for day, found in groups.items()
    ]


def _per_person(every: list) -> dict[str, int]:
    counts: dict[str, int] = defaultdict(int)
    for message in every:
        if message.author and message.piece is None:
            counts[message.author] += 1
    return dict(counts)


def chat_url(chat: ChatImport) -> str:
    return reverse("evidence:chat_messages", kwargs={"chat_id": chat.pk})
