"""A witness prepares a statement: a form, a printable page, its PDF; no account needed.

The answers live in the server session only (SESSION_KEY), like the questionnaire's: the
quick exit flushes the session, and "Erase" removes them at once. Every page works without
JavaScript; the print button only appears with it (the browser's own Print works anyway).
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from common import languages
from guidance import attestation, engine
from guidance.attestation.forms import AttestationForm
from guidance.pdf import render_plan_pdf

SESSION_KEY = "guidance_attestation"
PLAN_FACTS = "guidance_facts"  # the plan's facts (guidance/views.py), to suggest "where"


@require_http_methods(["GET", "POST"])
def start(request: HttpRequest) -> HttpResponse:
    content = engine.content().attestation
    lang = languages.current()
    if request.method == "POST":
        form = AttestationForm(request.POST, attestation=content, lang=lang)
        if form.is_valid():
            request.session[SESSION_KEY] = {
                name: form.cleaned_data.get(name, "") for name in attestation.field_ids(content)
            }
            return _see_other(reverse("guidance:attestation_print"))
    else:
        form = AttestationForm(
            initial=request.session.get(SESSION_KEY) or _suggested(request, lang),
            attestation=content,
            lang=lang,
        )
    return render(
        request,
        "guidance/attestation_form.html",
        {
            "page_title": _("Error: %(title)s") % {"title": _("Your witness statement")}
            if form.errors
            else _("Your witness statement"),
            "form": form,
            "explanation": attestation.explanation(content, lang),
            "has_answers": bool(request.session.get(SESSION_KEY)),
        },
    )


@require_safe
def print_page(request: HttpRequest) -> HttpResponse:
    answers = request.session.get(SESSION_KEY)
    if not answers:
        return redirect("guidance:attestation")
    return render(request, "guidance/attestation_print.html", _document_context(answers))


@require_safe
def pdf(request: HttpRequest) -> HttpResponse:
    """The statement alone, as a PDF (WeasyPrint through the plan's restricted fetcher)."""
    answers = request.session.get(SESSION_KEY)
    if not answers:
        return redirect("guidance:attestation")
    context = _document_context(answers)
    content = render_plan_pdf(
        lambda stylesheet_url: render_to_string(
            "guidance/attestation_pdf.html", {**context, "stylesheet_url": stylesheet_url}, request
        )
    )
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename="attestation-de-temoin.pdf"
    )
    add_never_cache_headers(response)  # a witness's identity: no copy in any cache
    return response


@require_POST
def erase(request: HttpRequest) -> HttpResponse:
    request.session.pop(SESSION_KEY, None)
    return _see_other(reverse("guidance:attestation") + "?erased=1")


def _document_context(answers: dict[str, Any]) -> dict[str, Any]:
    content = engine.content().attestation
    return {
        "page_title": _("Your witness statement, ready to print"),
        "document": attestation.document(content, answers),
        "explanation": attestation.explanation(content, languages.current()),
    }


def _suggested(request: HttpRequest, lang: str) -> dict[str, str]:
    """Where it happened, from the plan's answers: the witness can change it."""
    facts = request.session.get(PLAN_FACTS)
    if not isinstance(facts, dict) or not isinstance(facts.get("platforms"), list):
        return {}
    try:
        words = engine.describe_facts(facts, lang).get("platforms", {})
    except Exception:  # stale facts: suggest nothing rather than fail
        return {}
    return {"where": ", ".join(words[p] for p in facts["platforms"] if p in words)}


def _see_other(url: str) -> HttpResponseRedirect:
    response = HttpResponseRedirect(url)
    response.status_code = 303
    return response
